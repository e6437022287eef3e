import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import type { Repository } from '../repository/repository.js';
import { runGit } from '../repository/runGit.js';

export interface WrittenStaticPack {
  /** sha256 of the .pack.zst: its name under packs/. */
  id: string;
  size: number;
  objects: number;
  /** The pack's trailing checksum, which names it once indexed. */
  gitPack: string;
  /** The name of the zlib pack written under objects/pack/ for git's dumb HTTP, unless left out. */
  dumbPack?: string;
}

export interface WriteStaticPackOptions {
  /** The published repository. */
  dir: string;
  /** zstd's level (docs/decisions/0017-static-repositories.md). */
  zstdLevel: number;
  /** False: no dumb-HTTP pack (a delta pack's objects are in root packs there already). */
  dumbHttp?: boolean;
}

/**
 * Packs `objects` from `repo` twice into a published repository: as packs/<sha256>.pack.zst,
 * a pack of uncompressed objects (pack.compression=0, and --no-reuse-object, else git copies
 * the objects deflated as they are stored; no git deltas, --window=0: zstd's long window finds
 * most of what they would, and index-pack need not resolve them) in one zstd stream, which is what
 * hacktree fetches (zstd over the whole pack finds what per-object zlib cannot, across
 * objects); and as an ordinary zlib pack with its .idx under objects/pack/, which git's dumb
 * HTTP clone reads. Each goes to a temporary name and is renamed into place complete.
 */
export async function writeStaticPack(repo: Repository, objects: readonly Oid[], options: WriteStaticPackOptions): Promise<WrittenStaticPack> {
  const list = `${objects.join('\n')}\n`;
  const tmp = join(options.dir, 'packs', `.tmp-${process.pid}-${process.hrtime.bigint()}.pack.zst`);
  try {
    const written = await packThroughZstd(repo, list, tmp, options.zstdLevel);
    const final = join(options.dir, 'packs', `${written.id}.pack.zst`);
    renameSync(tmp, final);
    if (options.dumbHttp === false) return { ...written, size: statSync(final).size };
    // The published repository as git's object directory, the store's objects as its alternate:
    // pack-objects writes its temporary file beside the pack, so the rename that completes it
    // stays on the published directory's filesystem (another one than the store's: EXDEV).
    const env = { GIT_OBJECT_DIRECTORY: join(options.dir, 'objects'), GIT_ALTERNATE_OBJECT_DIRECTORIES: join(repo.dir, 'objects') };
    const dumb = await runGit(repo, ['-c', 'pack.threads=1', 'pack-objects', '-q', join(options.dir, 'objects', 'pack', 'pack')], { input: list, env });
    if (dumb.status !== 0) throw packFailed(dumb.stderr);
    return { ...written, size: statSync(final).size, dumbPack: dumb.stdout.trim() };
  } finally {
    rmSync(tmp, { force: true });
  }
}

async function packThroughZstd(repo: Repository, list: string, tmp: string, level: number): Promise<Omit<WrittenStaticPack, 'dumbPack' | 'size'>> {
  const pack = spawn('git', [`--git-dir=${repo.dir}`, '-c', 'pack.compression=0', '-c', 'core.compression=0', 'pack-objects', '-q', '--no-reuse-object', '--window=0', '--stdout'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const zstd = spawn('zstd', ['-q', `-${level}`, '-T0', '--long=27', '-c'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  pack.stderr.on('data', (c: Buffer) => (stderr += String(c)));
  zstd.stderr.on('data', (c: Buffer) => (stderr += String(c)));
  const spawnFailed = new Promise<never>((_, reject) => {
    for (const child of [pack, zstd]) child.on('error', (err) => reject(packFailed(`${err.message} (git and zstd must be installed)`)));
  });
  pack.stdin.end(list);
  // The pack's header says how many objects; its last 20 bytes are the checksum that names it.
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (head.length < 12) head = Buffer.concat([head, chunk.subarray(0, 12 - head.length)]);
      tail = Buffer.concat([tail, chunk]).subarray(-20);
      done(null, chunk);
    },
  });
  const sha256 = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sha256.update(chunk);
      done(null, chunk);
    },
  });
  const exited = (child: typeof pack) => new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  const [packStatus, zstdStatus] = await Promise.race([
    Promise.all([exited(pack), exited(zstd), pipeline(pack.stdout, tap, zstd.stdin), pipeline(zstd.stdout, hashing, createWriteStream(tmp, { flags: 'wx' }))]),
    spawnFailed,
  ]);
  if (packStatus !== 0 || zstdStatus !== 0 || head.toString('latin1', 0, 4) !== 'PACK') throw packFailed(stderr);
  return { id: sha256.digest('hex'), objects: head.readUInt32BE(8), gitPack: tail.toString('hex') };
}

function packFailed(stderr: string): HacktreeError {
  return new HacktreeError('EXTERNAL_COMMAND_FAILED', `git pack-objects | zstd failed: ${stderr.trim().split('\n').slice(-2).join('; ') || 'no message'}`, {
    hint: 'check that the repository is sound ("hacktree fsck") and that the published directory has room',
  });
}
