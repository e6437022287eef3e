import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import type { StaticIndex } from '../../model/static/staticIndex.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { stopPackedObjectReader } from '../../store/objects/packedObjectReader.js';
import { listRefs } from '../../store/refs/refs.js';
import type { Remote } from '../../store/remote/remoteConfig.js';
import { withRepoLock } from '../../store/repository/repoLock.js';
import type { Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import { fetchStaticPacks } from './fetchStaticPacks.js';
import { readStaticIndex } from './readStaticIndex.js';

/** The files git keeps beside a pack, all named after it. */
const PACK_FILES = ['.pack', '.idx', '.rev', '.bitmap'];

export interface StaticRefetch {
  /** Packs downloaded again. */
  packs: number;
}

/**
 * `fsck --repair --from REMOTE` for a static remote: fetches again the published packs that hold
 * the damaged or missing objects. A pack here that holds one (its index lists it; git names a
 * static pack the same here as on the server) is set aside, downloaded and indexed again, and
 * the damaged copy deleted only once the good one is in; git would otherwise keep the damaged
 * file, as a pack of the same name is never overwritten. An object no pack here lists is looked
 * for in the packs of the published commits this repository's branches hold that are not here.
 */
export async function refetchFromStatic(repo: Repository, remote: Remote, bad: readonly FsckProblem[]): Promise<StaticRefetch> {
  const base = remote.url.endsWith('/') ? remote.url : `${remote.url}/`;
  const { index } = await readStaticIndex(remote, base);
  const byGitPack = new Map(Object.entries(index.packs).map(([id, pack]) => [pack.gitPack, id]));
  const packDir = join(repo.objectsDir, 'pack');
  const unplaced = new Set(bad.map((p) => p.oid!));
  const wanted = new Set<string>();
  const setAside: string[] = [];
  for (const name of listDirectory(packDir)) {
    const gitPack = /^pack-([0-9a-f]{40})\.idx$/.exec(name)?.[1];
    const id = gitPack === undefined ? undefined : byGitPack.get(gitPack);
    if (id === undefined || unplaced.size === 0) continue;
    const listed = await packObjects(repo, join(packDir, name));
    const held = [...unplaced].filter((oid) => listed.has(oid));
    if (held.length === 0) continue;
    for (const oid of held) unplaced.delete(oid);
    wanted.add(id);
    setAside.push(`pack-${gitPack}`);
  }
  if (unplaced.size > 0) for (const id of await packsNotHere(repo, index)) wanted.add(id);
  const aside = join(repo.objectsDir, 'hacktree-incoming', 'damaged');
  await withRepoLock(repo, () => {
    mkdirSync(aside, { recursive: true });
    for (const pack of setAside) for (const ext of PACK_FILES) if (existsSync(join(packDir, pack + ext))) renameSync(join(packDir, pack + ext), join(aside, pack + ext));
  });
  try {
    await fetchStaticPacks(repo, remote, base, index, [...wanted], {});
  } catch (err) {
    // The damaged copies go back: they still hold what was sound in them.
    await withRepoLock(repo, () => {
      for (const pack of setAside) for (const ext of PACK_FILES) if (existsSync(join(aside, pack + ext))) renameSync(join(aside, pack + ext), join(packDir, pack + ext));
      rmSync(aside, { recursive: true, force: true });
    });
    throw err;
  }
  rmSync(aside, { recursive: true, force: true });
  stopPackedObjectReader(repo);
  return { packs: wanted.size };
}

/** The object ids a pack index lists (`git show-index`). */
async function packObjects(repo: Repository, idx: string): Promise<Set<string>> {
  const run = await runGit(repo, ['show-index'], { input: readFileSync(idx) });
  return new Set(run.stdout.split('\n').map((line) => line.split(' ')[1]).filter((oid): oid is string => oid !== undefined));
}

/** The packs of the published commits this repository's branches hold, less those here. */
async function packsNotHere(repo: Repository, index: StaticIndex): Promise<string[]> {
  // Read from the ref files: git skips a ref whose commit is missing, which is what is repaired here.
  const refs = [...(await listRefs(repo, 'refs/heads/')), ...(await listRefs(repo, 'refs/remotes/'))];
  const out = new Set<string>();
  for (const commit of new Set(refs.map((r) => r.oid))) {
    for (const id of index.commits[commit]?.packs ?? []) {
      if (!existsSync(join(repo.objectsDir, 'pack', `pack-${index.packs[id]!.gitPack}.idx`))) out.add(id);
    }
  }
  return [...out];
}
