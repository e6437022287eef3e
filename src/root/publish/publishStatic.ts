import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { keepNewestCommits } from '../../model/static/keepNewestCommits.js';
import { DEFAULT_VALID_FOR_SECONDS, serializeStaticIndex, STATIC_INDEX_NAMESPACE, type StaticIndex } from '../../model/static/staticIndex.js';
import { withLockFile } from '../../platform/fs/lockFile.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { readRef } from '../../store/refs/refs.js';
import { scanRefs } from '../../store/refs/scanRefs.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import { signPayload } from '../../store/signatures/signPayload.js';
import { writeStaticPack } from '../../store/static/writeStaticPack.js';
import { remoteBranch } from '../remote/remoteBranch.js';
import { planStaticPacks, type PlannedPack } from './planStaticPacks.js';
import { preparePublishedDirectory, readPublishedIndex, updateDumbHttpFiles, writePublishedFile } from './publishedDirectory.js';

export interface PublishStaticOptions {
  repoDir: string;
  /** The published repository's directory (made if missing). */
  dir: string;
  /** Root names or root-NAME branches; none: every root-* branch. */
  roots: readonly string[];
  /** An SSH private key: the index is signed with it (namespace "hacktree-index"). */
  signKey?: string;
  zstdLevel?: number;
  /** Keep only each root's newest N commits in the index, and the packs they need. */
  keep?: number;
  /** Seconds the index stays valid: clients refuse it after (default DEFAULT_VALID_FOR_SECONDS). */
  validFor?: number;
  onProgress?: ProgressCallback;
}

export interface PublishStaticResult {
  dir: string;
  serial: number;
  roots: Array<{ branch: string; commit: Oid }>;
  packsWritten: number;
  bytesWritten: number;
  packsReused: number;
  /** Packs deleted by --keep. */
  packsDropped: number;
  signed: boolean;
  /** ISO 8601: when clients start refusing this index (publish again before). */
  expires: string;
}

/**
 * How much of their root packs' size the deltas layered on them may reach: what a client pulling
 * from empty downloads beyond what the version holds is at most this share.
 */
const LAYERED_SHARE = 0.25;

/** Measured on W1 (docs/decisions/0017-static-repositories.md). */
export const DEFAULT_ZSTD_LEVEL = 12;

/**
 * `hacktree publish DIR [ROOT...]`: writes or updates a static repository (docs/static.md).
 * Every commit of each root's history that the index does not describe yet is cut into packs
 * (planStaticPacks); a pack whose key the index already has is reused. New packs go in first,
 * then the git refs and dumb-HTTP files, then the signature, and the index last, by rename: a
 * failure at any point leaves the previous index, and everything it names, as it was.
 */
export async function publishStatic(options: PublishStaticOptions): Promise<PublishStaticResult> {
  const repo = openRepository(options.repoDir);
  const dir = resolve(options.dir);
  const branches = await selectBranches(repo, options.roots);
  preparePublishedDirectory(dir);
  const busy = (holder: string) => new HacktreeError('REPO_BUSY', `${dir} is being published by process ${holder}`, { hint: 'wait for the other "hacktree publish" to finish', data: { dir, holder } });
  return withLockFile(join(dir, 'publish.lock'), { busy }, async () => {
    const index = readPublishedIndex(dir);
    const replaced = existsSync(join(dir, 'index.json')) ? sha256Of(readFileSync(join(dir, 'index.json'))) : undefined;
    const byKey = new Map(Object.entries(index.packs).map(([id, pack]) => [`${pack.kind} ${pack.key}`, id]));
    const result: PublishStaticResult = { dir, serial: index.serial + 1, roots: [], packsWritten: 0, bytesWritten: 0, packsReused: 0, packsDropped: 0, signed: options.signKey !== undefined, expires: '' };
    const zstdLevel = options.zstdLevel ?? DEFAULT_ZSTD_LEVEL;
    for (const { branch, commit } of branches) {
      // With --keep, only the versions that stay: older ones would be packed to be dropped.
      const range = options.keep === undefined ? [] : ['--first-parent', `--max-count=${options.keep}`];
      const history = (await git(repo, ['rev-list', '--topo-order', ...range, commit])).split('\n').filter((l) => l !== '').reverse() as Oid[];
      for (const [i, oid] of history.entries()) {
        options.onProgress?.(`publishing ${branch}`, i, history.length);
        if (index.commits[oid] !== undefined && index.commits[oid].packs.every((id) => existsSync(join(dir, 'packs', `${id}.pack.zst`)))) continue;
        const plan = await planStaticPacks(repo, oid);
        const packOf = async (planned: PlannedPack): Promise<string> => {
          const known = byKey.get(`${planned.kind} ${planned.key}`);
          // A pack the index names but the directory lost is written again.
          if (known !== undefined && existsSync(join(dir, 'packs', `${known}.pack.zst`))) {
            result.packsReused++;
            return known;
          }
          const written = await writeStaticPack(repo, planned.objects, { dir, zstdLevel });
          // A delta pack's zlib twin is there for git's dumb HTTP (a layered version's new
          // objects are in no other), but the index names none, as format 1 has it.
          const dumbPack = planned.kind === 'delta' ? {} : { dumbPack: written.dumbPack };
          index.packs[written.id] = { kind: planned.kind, name: planned.name, key: planned.key, size: written.size, objects: written.objects, gitPack: written.gitPack, ...dumbPack };
          byKey.set(`${planned.kind} ${planned.key}`, written.id);
          result.packsWritten++;
          result.bytesWritten += written.size;
          return written.id;
        };
        const ids: string[] = [];
        for (const planned of plan.packs.filter((p) => p.kind === 'component')) ids.push(await packOf(planned));
        const delta = await deltaFromParent(repo, index, oid, plan);
        const deltaId = delta === undefined ? undefined : await packOf(delta);
        const layered = deltaId === undefined ? undefined : layerOnParent(index, plan.parents[0]!, deltaId, (id) => existsSync(join(dir, 'packs', `${id}.pack.zst`)));
        if (layered !== undefined) {
          // The parent's packs and this delta hold every object: nothing else is packed again.
          index.commits[oid] = { branch, parents: plan.parents, packs: [...ids, ...layered], delta: { from: plan.parents[0]!, pack: deltaId! } };
          continue;
        }
        for (const planned of plan.packs.filter((p) => p.kind === 'root')) ids.push(await packOf(planned));
        index.commits[oid] = { branch, parents: plan.parents, packs: ids };
        if (deltaId !== undefined) {
          const rootBytes = ids.filter((p) => index.packs[p]!.kind === 'root').reduce((sum, p) => sum + index.packs[p]!.size, 0);
          if (index.packs[deltaId]!.size < rootBytes) index.commits[oid].delta = { from: plan.parents[0]!, pack: deltaId };
          else {
            result.packsWritten--;
            result.bytesWritten -= index.packs[deltaId]!.size;
            byKey.delete(`delta ${delta!.key}`);
            delete index.packs[deltaId];
            rmSync(join(dir, 'packs', `${deltaId}.pack.zst`), { force: true });
          }
        }
      }
      index.roots[branch] = commit;
      result.roots.push({ branch, commit });
    }
    updateDumbHttpFiles(dir, branches);
    const dropped = options.keep === undefined ? [] : keepNewestCommits(index, options.keep);
    index.serial = result.serial;
    const now = Date.now();
    index.published = new Date(now).toISOString();
    index.expires = result.expires = new Date(now + (options.validFor ?? DEFAULT_VALID_FOR_SECONDS) * 1000).toISOString();
    const bytes = serializeStaticIndex(index);
    const signatureName = `${sha256Of(bytes)}.sig`;
    if (options.signKey !== undefined) {
      const signature = signPayload(bytes, options.signKey, STATIC_INDEX_NAMESPACE);
      writePublishedFile(join(dir, 'signatures', signatureName), Buffer.from(signature));
    }
    writePublishedFile(join(dir, 'index.json'), bytes);
    // Only once no index names them: a client reading the old index meanwhile still finds them.
    for (const id of dropped) rmSync(join(dir, 'packs', `${id}.pack.zst`), { force: true });
    result.packsDropped = dropped.length;
    if (options.keep !== undefined) {
      // Pruning drops the signatures of superseded indexes too, but keeps the one just replaced:
      // a client that read it a moment ago still finds its signature.
      for (const name of readdirSync(join(dir, 'signatures'))) {
        if (name.endsWith('.sig') && name !== signatureName && name !== `${replaced}.sig`) rmSync(join(dir, 'signatures', name), { force: true });
      }
    }
    return result;
  });
}

/**
 * The delta pack of a commit whose first parent the index describes: the objects of its root
 * packs (commit, trees, meta record, manifest, unclaimed blobs) that the parent's root packs do
 * not hold. A version that changed one component changes a few trees, so this is a fraction of
 * the root packs. Self-contained, like every pack.
 */
async function deltaFromParent(repo: Repository, index: StaticIndex, commit: Oid, plan: { parents: Oid[]; packs: PlannedPack[] }): Promise<PlannedPack | undefined> {
  const parent = plan.parents[0];
  if (parent === undefined || index.commits[parent] === undefined) return undefined;
  const rootObjects = (packs: PlannedPack[]) => packs.filter((p) => p.kind === 'root').flatMap((p) => p.objects);
  const before = new Set(rootObjects((await planStaticPacks(repo, parent)).packs));
  const objects = rootObjects(plan.packs).filter((oid) => !before.has(oid));
  return { kind: 'delta', name: `${parent}..${commit}`, key: `${parent}..${commit}`, objects };
}

/**
 * The packs that, with `deltaId`, hold a commit's root objects: its parent's root and delta
 * packs, so that publishing a version costs what changed. Undefined once the deltas piled on one
 * set of root packs would pass LAYERED_SHARE of their size: a client pulling from empty would
 * then download too much that the version no longer holds, and the root packs are written anew.
 */
function layerOnParent(index: StaticIndex, parent: Oid, deltaId: string, isHere: (id: string) => boolean): string[] | undefined {
  const chain = index.commits[parent]!.packs.filter((id) => index.packs[id]!.kind !== 'component');
  if (!chain.every(isHere)) return undefined;
  const bytesOf = (kind: string) => chain.filter((id) => index.packs[id]!.kind === kind).reduce((sum, id) => sum + index.packs[id]!.size, 0);
  const deltaBytes = bytesOf('delta') + index.packs[deltaId]!.size;
  return deltaBytes <= bytesOf('root') * LAYERED_SHARE ? [...chain, deltaId] : undefined;
}

async function selectBranches(repo: Repository, roots: readonly string[]): Promise<Array<{ branch: string; commit: Oid }>> {
  const names = roots.length > 0 ? [...new Set(roots.map(remoteBranch))] : scanRefs(repo, 'refs/heads/').refs.map((r) => r.ref.slice('refs/heads/'.length)).filter((b) => b.startsWith('root-'));
  if (names.length === 0) throw new HacktreeError('REF_NOT_FOUND', `${repo.dir} has no root-* branch to publish`, { hint: 'compose or commit a root first ("hacktree root compose NAME")' });
  const out = [];
  for (const branch of names) {
    const commit = await readRef(repo, `refs/heads/${branch}`);
    if (commit === null) throw new HacktreeError('REF_NOT_FOUND', `no branch ${branch} in ${repo.dir}`, { hint: '"hacktree root list" shows the roots', data: { branch } });
    out.push({ branch, commit });
  }
  return out;
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function git(repo: Repository, args: string[]): Promise<string> {
  const run = await runGit(repo, args);
  if (run.status !== 0) throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `git ${args[0]} failed: ${run.stderr.trim()}`, { hint: 'check the repository ("hacktree fsck") and that the published directory is writable' });
  return run.stdout;
}
