import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { GitObjectType } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import type { Repository } from '../repository/repository.js';

/**
 * Packed objects (after a pull, or a native `git gc`) are read through one long-running
 * `git cat-file --batch` per repository, requests pipelined. cat-file holds one object at a time,
 * where isomorphic-git holds the whole pack (docs/decisions/0012-native-git-for-packs-and-fetch.md).
 * The process is unref'd while idle, so it never keeps hacktree alive.
 */
interface Pending {
  oid: Oid;
  resolve: (object: { type: GitObjectType; body: Buffer } | null) => void;
  reject: (err: Error) => void;
}

interface Reader {
  child: ChildProcessWithoutNullStreams;
  pending: Pending[];
  chunks: Buffer[];
  buffered: number;
  /** The header of the object whose body is awaited. */
  header: { type: GitObjectType; size: number } | null;
}

const readers = new Map<string, Reader>();

/** Reads a packed (or loose) object with native git; null when git does not have it. */
export function readPackedObject(repo: Repository, oid: Oid): Promise<{ type: GitObjectType; body: Buffer } | null> {
  const reader = readers.get(repo.dir) ?? startReader(repo);
  return new Promise((resolve, reject) => {
    if (reader.pending.length === 0) setActive(reader, true);
    reader.pending.push({ oid, resolve, reject });
    reader.child.stdin.write(`${oid}\n`);
  });
}

/**
 * Ends the repository's cat-file, idle or not: one that had a pack open keeps reading that file
 * after it was replaced (a repair that fetched a damaged pack again). The next read starts one.
 */
export function stopPackedObjectReader(repo: Repository): void {
  const reader = readers.get(repo.dir);
  if (reader === undefined) return;
  readers.delete(repo.dir);
  reader.child.stdin.end();
}

function startReader(repo: Repository): Reader {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C' };
  for (const key of Object.keys(env)) if (key.startsWith('GIT_')) delete env[key];
  const child = spawn('git', [`--git-dir=${repo.dir}`, 'cat-file', '--batch'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const reader: Reader = { child, pending: [], chunks: [], buffered: 0, header: null };
  readers.set(repo.dir, reader);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    reader.chunks.push(chunk);
    reader.buffered += chunk.length;
    drain(reader);
  });
  const fail = (why: string, gitDied: boolean) => {
    if (readers.get(repo.dir) === reader) readers.delete(repo.dir);
    const pending = reader.pending.splice(0);
    // cat-file answers in order and dies on an object it cannot read (a corrupt pack entry): the
    // first request unanswered is that object, when git names it. It alone fails, as corrupt;
    // the others are asked again of a new cat-file.
    const culprit = pending[0];
    if (gitDied && culprit !== undefined && stderr.includes(culprit.oid)) {
      culprit.reject(
        new HacktreeError('OBJECT_CORRUPT', `object ${culprit.oid} is corrupt: git cannot read it (${stderr.trim().split('\n').slice(-2).join('; ')})`, {
          hint: 'run "hacktree fsck" to list damaged objects; "hacktree fsck --repair" restores a blob from its intact raw cache file',
          data: { oid: culprit.oid },
        }),
      );
      for (const p of pending.slice(1)) readPackedObject(repo, p.oid).then(p.resolve, p.reject);
      return;
    }
    const err = new HacktreeError('EXTERNAL_COMMAND_FAILED', `git cat-file on ${repo.dir} ${why}${stderr ? `: ${stderr.trim()}` : ''}`, {
      hint: 'check that git is installed and the repository readable; "hacktree fsck" lists damaged packs',
    });
    for (const p of pending) p.reject(err);
  };
  child.on('error', (err) => fail(`could not run (${err.message})`, false));
  // 'close', not 'exit': the answers before the failure must all be read first.
  child.on('close', (code, signal) => fail(`exited (${signal ?? code})`, signal === null && code !== 0));
  child.stdin.on('error', () => {});
  setActive(reader, false);
  return reader;
}

function setActive(reader: Reader, active: boolean): void {
  const streams = [reader.child, reader.child.stdin, reader.child.stdout, reader.child.stderr] as Array<{ ref(): void; unref(): void }>;
  for (const s of streams) {
    if (active) s.ref();
    else s.unref();
  }
}

function take(reader: Reader, length: number): Buffer {
  const all = reader.chunks.length === 1 ? reader.chunks[0]! : Buffer.concat(reader.chunks, reader.buffered);
  const head = all.subarray(0, length);
  const rest = all.subarray(length);
  reader.chunks = rest.length > 0 ? [rest] : [];
  reader.buffered = rest.length;
  return head;
}

function drain(reader: Reader): void {
  for (;;) {
    if (reader.header === null) {
      const newline = indexOfNewline(reader);
      if (newline < 0) return;
      const line = take(reader, newline + 1).toString('latin1').trim();
      const m = /^([0-9a-f]{40}) (blob|tree|commit|tag) (\d+)$/.exec(line);
      if (!m) {
        const request = reader.pending.shift();
        request?.resolve(null);
        if (reader.pending.length === 0) setActive(reader, false);
        continue;
      }
      reader.header = { type: m[2] as GitObjectType, size: Number(m[3]) };
    }
    if (reader.buffered < reader.header.size + 1) return;
    const body = Buffer.from(take(reader, reader.header.size + 1).subarray(0, reader.header.size));
    const { type } = reader.header;
    reader.header = null;
    const request = reader.pending.shift();
    request?.resolve({ type, body });
    if (reader.pending.length === 0) setActive(reader, false);
  }
}

function indexOfNewline(reader: Reader): number {
  let offset = 0;
  for (const chunk of reader.chunks) {
    const i = chunk.indexOf(10);
    if (i >= 0) return offset + i;
    offset += chunk.length;
  }
  return -1;
}
