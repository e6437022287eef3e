import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runHacktree } from './cli.js';

/**
 * What a failed command must not have changed in a repository, recorded file by file.
 *
 * The rule (assertRepoUnchanged), the same for every failure:
 * - refs (loose and packed-refs) name exactly the same commits as before: a failed command
 *   moves, creates or deletes no ref;
 * - every other file of the repository that is not an object or derived data (HEAD, config,
 *   hacktree/lock, hooks, ...) is byte-for-byte the same, and none appeared or vanished;
 * - every object file (objects/) and raw-cache file (hacktree/raw/) that existed before is still
 *   there with the same content and metadata. New ones may remain: a command can fail after it
 *   stored some blobs, and an unreferenced complete object is harmless (git leaves them too, and
 *   gc drops them). They are written to a temp name and renamed, so they are complete; that
 *   they are valid is for assertFsckClean to check (git fsck reads unreachable objects too);
 * - hacktree/tmp is empty and no tmp_obj_* file stays beside objects or raw entries: no
 *   partial write stays behind.
 * hacktree/statcache is a cache of stat facts, rewritten at will, and is not compared.
 */
export interface RepoState {
  repo: string;
  /** Full ref name ("refs/heads/x") -> oid, loose refs winning over packed-refs as in git. */
  refs: Map<string, string>;
  /** Repository-relative path -> fingerprint, for objects/ (loose objects and packs). */
  objects: Map<string, string>;
  /** Repository-relative path -> fingerprint, for hacktree/raw/. */
  raw: Map<string, string>;
  /** Every other file, except refs/, packed-refs (in `refs`), hacktree/tmp and hacktree/statcache. */
  files: Map<string, string>;
  /** Names in hacktree/tmp. */
  tmp: string[];
}

const NOT_COMPARED = new Set(['hacktree/tmp', 'hacktree/statcache', 'refs', 'packed-refs']);

export function snapshotRepoState(repo: string): RepoState {
  const state: RepoState = { repo, refs: readRefs(repo), objects: new Map(), raw: new Map(), files: new Map(), tmp: [] };
  walk(repo, '', (rel) => {
    if (NOT_COMPARED.has(rel)) return false;
    const print = fingerprint(join(repo, rel));
    if (print === null) return true;
    const bucket = rel.startsWith('objects/') ? state.objects : rel.startsWith('hacktree/raw/') ? state.raw : state.files;
    bucket.set(rel, print);
    return false;
  });
  state.tmp = listDir(join(repo, 'hacktree', 'tmp')).sort();
  return state;
}

/** Fails, naming what differs, when `after` breaks the rule above relative to `before`. */
export function assertRepoUnchanged(before: RepoState, after: RepoState): void {
  assert.deepEqual(Object.fromEntries(after.refs), Object.fromEntries(before.refs), `refs of ${after.repo} changed`);
  assert.deepEqual(Object.fromEntries(after.files), Object.fromEntries(before.files), `files of ${after.repo} changed`);
  for (const [what, was, now] of [['object', before.objects, after.objects], ['raw cache file', before.raw, after.raw]] as const) {
    for (const [path, print] of was) {
      assert.ok(now.has(path), `${what} ${path} was removed from ${after.repo}`);
      assert.equal(now.get(path), print, `${what} ${path} of ${after.repo} was changed`);
    }
  }
  assert.deepEqual(after.tmp, [], `${after.repo}/hacktree/tmp is not empty`);
  const staged = [...after.objects.keys(), ...after.raw.keys()].filter((path) => path.split('/').pop()!.startsWith('tmp_obj_'));
  assert.deepEqual(staged, [], `${after.repo} has temporary files beside its objects`);
}

/**
 * Native `git fsck --strict` finds nothing wrong (every loose object, reachable or not, is
 * read and checked) and, once the command exists, `hacktree fsck` agrees.
 */
export function assertFsckClean(repo: string): void {
  const git = gitFsck(repo);
  assert.equal(git.status, 0, `git fsck --strict failed on ${repo}:\n${git.output}`);
  assert.equal(git.findings, '', `git fsck --strict reports problems in ${repo}`);
  if (hacktreeHasFsck()) {
    const own = runHacktree(['fsck'], { repo });
    assert.equal(own.status, 0, `hacktree fsck failed on ${repo}:\n${own.stdout}${own.stderr}`);
  }
}

/** git fsck's exit status, everything it printed, and the lines that are findings rather than notices. */
export function gitFsck(repo: string): { status: number; output: string; findings: string } {
  const run = spawnSync('git', [`--git-dir=${repo}`, 'fsck', '--strict', '--no-dangling', '--no-progress'], { encoding: 'utf8' });
  if (run.error) throw run.error;
  const output = `${run.stdout}${run.stderr}`;
  // An empty repository draws notices (unborn HEAD, no refs); anything else is a finding.
  const findings = output.replace(/^(Checking|notice:) .*\n/gm, '');
  return { status: run.status ?? -1, output, findings };
}

let fsckCommand: boolean | undefined;

/** `hacktree fsck` is being written alongside these tests: use it as soon as it exists. */
export function hacktreeHasFsck(): boolean {
  fsckCommand ??= runHacktree(['fsck', '--help']).status === 0;
  return fsckCommand;
}

function readRefs(repo: string): Map<string, string> {
  const refs = new Map<string, string>();
  let packed = '';
  try {
    packed = readFileSync(join(repo, 'packed-refs'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const line of packed.split('\n')) {
    const m = /^([0-9a-f]{40}) (\S+)$/.exec(line);
    if (m) refs.set(m[2]!, m[1]!);
  }
  walk(repo, 'refs', (rel) => {
    const print = lstatSync(join(repo, rel));
    if (print.isDirectory()) return true;
    refs.set(rel, readFileSync(join(repo, rel), 'utf8').trim());
    return false;
  });
  return new Map([...refs].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Calls `visit` for each entry below `rel`; it returns true to descend into a directory. */
function walk(root: string, rel: string, visit: (rel: string) => boolean): void {
  for (const name of listDir(join(root, rel))) {
    const child = rel === '' ? name : `${rel}/${name}`;
    if (visit(child)) walk(root, child, visit);
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** null for a directory; otherwise type, mode, owner and a hash of the content or link target. */
function fingerprint(path: string): string | null {
  const st = lstatSync(path);
  if (st.isDirectory()) return null;
  const body = st.isSymbolicLink() ? Buffer.from(readlinkSync(path)) : st.isFile() ? readFileSync(path) : Buffer.alloc(0);
  const hash = createHash('sha256').update(body).digest('hex');
  return `${(st.mode >>> 0).toString(8)} ${st.uid}:${st.gid} ${st.size} ${hash}`;
}
