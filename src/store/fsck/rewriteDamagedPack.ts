import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { tempPath } from '../repository/atomicWrite.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import type { Repository } from '../repository/repository.js';
import { runGit } from '../repository/runGit.js';

/**
 * Replaces a damaged pack by a new one of the same objects, written by native `git
 * pack-objects`: each corrupt object must have a sound copy elsewhere by now (a loose one
 * restored from the raw cache), which git takes when the pack's copy fails its CRC. The new
 * pack is written whole, verified, and renamed into place (.pack, then .idx, as every pack
 * writer here does) before the damaged one is removed, so a crash leaves every object in one
 * or the other. The caller holds the repository lock. Returns the new pack's path.
 */
export async function rewriteDamagedPack(repo: Repository, damaged: { path: string; objects: readonly Oid[] }): Promise<string> {
  const packDir = join(repo.objectsDir, 'pack');
  const staging = tempPath(repo);
  mkdirSync(staging, { recursive: true });
  // git stages a pack in objects/pack/tmp_pack_* and leaves it there when it dies.
  const gitTemps = new Set(listDirectory(packDir).filter((name) => name.startsWith('tmp_')));
  try {
    const run = await runGit(repo, ['pack-objects', '-q', '--delta-base-offset', join(staging, 'pack')], { input: `${damaged.objects.join('\n')}\n` });
    const name = run.stdout.trim();
    if (run.status !== 0 || !/^[0-9a-f]{40}$/.test(name)) throw failed(damaged.path, `git pack-objects failed: ${run.stderr.trim()}`);
    const staged = join(staging, `pack-${name}`);
    const verify = await runGit(repo, ['verify-pack', `${staged}.idx`]);
    if (verify.status !== 0) throw failed(damaged.path, `the new pack does not verify: ${verify.stderr.trim()}`);
    const target = join(packDir, `pack-${name}`);
    renameSync(`${staged}.pack`, `${target}.pack`);
    renameSync(`${staged}.idx`, `${target}.idx`);
    // The same name is the same bytes as the pack had before its damage: replaced in place.
    if (`${target}.pack` !== damaged.path) removePack(packDir, damaged.path);
    return `${target}.pack`;
  } catch (err) {
    for (const name of listDirectory(packDir)) if (name.startsWith('tmp_') && !gitTemps.has(name)) rmSync(join(packDir, name), { force: true });
    throw err;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Removes a pack and what belongs to it (.rev, .bitmap, ...), its index first so that readers
 * stop using it; a multi-pack index naming it goes too (git reads the packs without one).
 */
function removePack(packDir: string, packPath: string): void {
  const stem = basename(packPath).replace(/\.pack$/, '');
  rmSync(join(packDir, `${stem}.idx`), { force: true });
  for (const name of listDirectory(packDir)) if (name.startsWith(`${stem}.`)) rmSync(join(packDir, name), { force: true });
  rmSync(join(packDir, 'multi-pack-index'), { force: true });
}

function failed(pack: string, why: string): HacktreeError {
  return new HacktreeError('EXTERNAL_COMMAND_FAILED', `could not rewrite the damaged pack ${pack}: ${why}`, {
    hint: 'the damaged pack is left as it was; run "git pack-objects" by hand to see why, or fetch its objects again from a clone',
    data: { pack },
  });
}
