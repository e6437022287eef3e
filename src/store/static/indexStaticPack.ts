import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { indexUndeltifiedPack } from '../objects/indexUndeltifiedPack.js';
import { tempPathBeside } from '../repository/atomicWrite.js';
import type { Repository } from '../repository/repository.js';

/**
 * Indexes a downloaded, already sha256-checked pack into the repository: `zstd -d` into
 * `git index-pack --fsck-objects --stdin`, which checks every object as transfer.fsckObjects
 * does for a fetch, and writes objects/pack/pack-<gitPack>.pack and .idx only once the whole
 * pack checked out. Not --strict, whose connectivity check wants every object a pack names
 * present already: a root's pack names blobs of its component packs (indexed in any order) and
 * a parent commit that a pull of the newest version does not fetch. Connectivity is what
 * checkPulledCommit checks once all packs are in. Returns the name git gave the pack.
 *
 * First, though, the pack is decompressed to a file and given to indexUndeltifiedPack, which
 * makes the same checks several times faster for a pack of whole objects (what publish writes);
 * whatever that one does not take goes to git index-pack as above, whose verdict stands.
 */
export async function indexStaticPack(repo: Repository, file: string, what: string): Promise<string> {
  const temp = tempPathBeside(join(repo.objectsDir, 'pack', 'pack'));
  try {
    if ((await exitStatus(spawn('zstd', ['-q', '-d', '--long=27', file, '-o', temp], { stdio: 'ignore' }))) === 0) {
      const name = await indexUndeltifiedPack(repo, temp, what);
      if (name !== null) return name;
    }
  } finally {
    rmSync(temp, { force: true });
  }
  const zstd = spawn('zstd', ['-q', '-d', '-c', '--long=27', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  // zstd's output goes to index-pack through a pipe of their own, not through node: a pull
  // that fills the raw cache meanwhile (synchronous writes) does not stall it.
  const git = spawn('git', [`--git-dir=${repo.dir}`, 'index-pack', '--fsck-objects', '--stdin'], { stdio: [zstd.stdout, 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let stderr = '';
  let stdout = '';
  zstd.stderr.on('data', (c: Buffer) => (stderr += String(c)));
  git.stderr.on('data', (c: Buffer) => (stderr += String(c)));
  git.stdout.on('data', (c: Buffer) => (stdout += String(c)));
  // The pipe is git's now: node's end of it closes, so zstd sees index-pack, not node, go away.
  zstd.stdout.destroy();
  const status = (child: ChildProcess) => new Promise<number>((resolve) => {
    child.on('error', (err) => {
      stderr += `${err.message}\n`;
      resolve(127);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
  const [zstdStatus, gitStatus] = await Promise.all([status(zstd), status(git)]);
  const name = /^pack\t([0-9a-f]{40})$/m.exec(stdout)?.[1];
  if (zstdStatus !== 0 || gitStatus !== 0 || name === undefined) {
    throw new HacktreeError('PACK_INVALID', `${what} does not check out as a git pack: ${stderr.trim().split('\n').slice(-2).join('; ') || 'no message'}`, {
      hint: 'the published repository holds a damaged pack: publish it again; nothing was changed here',
      data: { file },
    });
  }
  return name;
}

function exitStatus(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}
