import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { keepNewestCommits } from '../../model/static/keepNewestCommits.js';
import { serializeStaticIndex, STATIC_INDEX_NAMESPACE, type StaticIndex } from '../../model/static/staticIndex.js';
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
}

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
    const byKey = new Map(Object.entries(index.packs).map(([id, pack]) => [`${pack.kind} ${pack.key}`, id]));
    const result: PublishStaticResult = { dir, serial: index.serial + 1, roots: [], packsWritten: 0, bytesWritten: 0, packsReused: 0, packsDropped: 0, signed: options.signKey !== undefined };
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
          const written = await writeStaticPack(repo, planned.objects, { dir, zstdLevel, dumbHttp: planned.kind !== 'delta' });
          index.packs[written.id] = { kind: planned.kind, name: planned.name, key: planned.key, size: written.size, objects: written.objects, gitPack: written.gitPack, dumbPack: written.dumbPack };
          byKey.set(`${planned.kind} ${planned.key}`, written.id);
          result.packsWritten++;
          result.bytesWritten += written.size;
          return written.id;
        };
        const ids: string[] = [];
        for (const planned of plan.packs) ids.push(await packOf(planned));
        index.commits[oid] = { branch, parents: plan.parents, packs: ids };
        const delta = await deltaFromParent(repo, index, oid, plan);
        if (delta !== undefined) {
          const id = await packOf(delta);
          const rootPack = ids.find((p) => index.packs[p]!.kind === 'root')!;
          if (index.packs[id]!.size < index.packs[rootPack]!.size) index.commits[oid].delta = { from: plan.parents[0]!, pack: id };
          else {
            result.packsWritten--;
            result.bytesWritten -= index.packs[id]!.size;
            byKey.delete(`delta ${delta.key}`);
            delete index.packs[id];
            rmSync(join(dir, 'packs', `${id}.pack.zst`), { force: true });
          }
        }
      }
      index.roots[branch] = commit;
      result.roots.push({ branch, commit });
    }
    updateDumbHttpFiles(dir, branches);
    const dropped = options.keep === undefined ? [] : keepNewestCommits(index, options.keep);
    index.serial = result.serial;
    index.published = new Date().toISOString();
    const bytes = serializeStaticIndex(index);
    if (options.signKey !== undefined) {
      const signature = signPayload(bytes, options.signKey, STATIC_INDEX_NAMESPACE);
      writePublishedFile(join(dir, 'signatures', `${createHash('sha256').update(bytes).digest('hex')}.sig`), Buffer.from(signature));
    }
    writePublishedFile(join(dir, 'index.json'), bytes);
    // Only once no index names them: a client reading the old index meanwhile still finds them.
    for (const id of dropped) rmSync(join(dir, 'packs', `${id}.pack.zst`), { force: true });
    result.packsDropped = dropped.length;
    return result;
  });
}

/**
 * The delta pack of a commit whose first parent the index describes: the objects of its root
 * pack (commit, trees, meta record, manifest) that the parent's root pack does not hold. A
 * version that changed one component changes a few trees, so this is a fraction of the root
 * pack; the caller keeps it only where smaller. Self-contained, like every pack.
 */
async function deltaFromParent(repo: Repository, index: StaticIndex, commit: Oid, plan: { parents: Oid[]; packs: PlannedPack[] }): Promise<PlannedPack | undefined> {
  const parent = plan.parents[0];
  if (parent === undefined || index.commits[parent] === undefined) return undefined;
  const before = new Set((await planStaticPacks(repo, parent)).packs.find((p) => p.kind === 'root')!.objects);
  const objects = plan.packs.find((p) => p.kind === 'root')!.objects.filter((oid) => !before.has(oid));
  return { kind: 'delta', name: `${parent}..${commit}`, key: `${parent}..${commit}`, objects };
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

async function git(repo: Repository, args: string[]): Promise<string> {
  const run = await runGit(repo, args);
  if (run.status !== 0) throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `git ${args[0]} failed: ${run.stderr.trim()}`, { hint: 'check the repository ("hacktree fsck") and that the published directory is writable' });
  return run.stdout;
}
