import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { redactUrl, urlHasCredentials } from '../../model/remote/redactUrl.js';
import { validateRemoteName } from '../../model/remote/remoteName.js';
import { withRepoLock } from '../repository/repoLock.js';
import type { Repository } from '../repository/repository.js';
import { runGit } from '../repository/runGit.js';

/**
 * A remote, kept in the repository's git config as native git keeps one (`remote.NAME.url`,
 * and a fetch refspec for the root branches), so `git fetch NAME` sees it too. hacktree's own
 * keys: `remote.NAME.hacktreeVerify` and `remote.NAME.hacktreeAllowedSigners`; for a static
 * repository (docs/static.md) `remote.NAME.hacktreeStatic`, and the serial and sha256 of the
 * last index a pull accepted from it (`hacktreeIndexSerial`, `hacktreeIndexSha256`).
 */
export interface Remote {
  name: string;
  url: string;
  /** Commits from this remote must carry a signature by a key in `allowedSigners`. */
  verify: boolean;
  allowedSigners?: string;
  /** A static repository ("hacktree publish"), read over plain HTTP, rather than a git server. */
  static: boolean;
  /** The last index accepted from a static remote: an older one is refused (rollback). */
  indexSerial?: number;
  indexSha256?: string;
}

export async function listRemotes(repo: Repository): Promise<Remote[]> {
  const run = await runGit(repo, ['config', '--null', '--get-regexp', '^remote\\.']);
  const byName = new Map<string, Remote>();
  for (const record of run.stdout.split('\0')) {
    const newline = record.indexOf('\n');
    if (newline < 0) continue;
    const m = /^remote\.(.+)\.([^.]+)$/.exec(record.slice(0, newline));
    if (!m) continue;
    const value = record.slice(newline + 1);
    const remote = byName.get(m[1]!) ?? { name: m[1]!, url: '', verify: false, static: false };
    byName.set(m[1]!, remote);
    const key = m[2]!.toLowerCase();
    if (key === 'url') remote.url = value;
    else if (key === 'hacktreeverify') remote.verify = value === 'true';
    else if (key === 'hacktreeallowedsigners') remote.allowedSigners = value;
    else if (key === 'hacktreestatic') remote.static = value === 'true';
    else if (key === 'hacktreeindexserial') remote.indexSerial = Number(value);
    else if (key === 'hacktreeindexsha256') remote.indexSha256 = value;
  }
  return [...byName.values()].filter((r) => r.url !== '').sort((a, b) => (a.name < b.name ? -1 : 1));
}

export async function readRemote(repo: Repository, name: string): Promise<Remote> {
  const remote = (await listRemotes(repo)).find((r) => r.name === validateRemoteName(name));
  if (!remote) {
    throw new HacktreeError('REMOTE_NOT_FOUND', `no remote named "${name}" in ${repo.dir}`, {
      hint: 'list remotes with "hacktree remote list", add one with "hacktree remote add NAME URL"',
      data: { remote: name },
    });
  }
  return remote;
}

export interface AddRemoteOptions {
  name: string;
  url: string;
  verify?: boolean;
  allowedSigners?: string;
  static?: boolean;
}

export async function addRemote(repo: Repository, options: AddRemoteOptions): Promise<Remote> {
  const name = validateRemoteName(options.name);
  checkUrl(options.url);
  if (options.static === true && !/^https?:\/\//.test(options.url)) {
    throw new HacktreeError('USAGE', `a static remote is read over HTTP: "${options.url}" is not an http:// or https:// URL`, {
      hint: 'give the URL a web server serves the published directory at (the directory holding index.json)',
    });
  }
  const allowedSigners = options.allowedSigners === undefined ? undefined : resolve(options.allowedSigners);
  if (options.verify === true && allowedSigners === undefined) {
    throw new HacktreeError('USAGE', `--verify needs --allowed-signers FILE for remote "${name}"`, {
      hint: 'give the allowed-signers file (ssh-keygen(1) ALLOWED SIGNERS format) listing the keys whose commits may be deployed',
    });
  }
  if (allowedSigners !== undefined && !existsSync(allowedSigners)) {
    throw new HacktreeError('SOURCE_NOT_FOUND', `allowed-signers file ${allowedSigners} does not exist`, {
      hint: 'one line per key: "PRINCIPAL ssh-ed25519 AAAA…" (see ssh-keygen(1), ALLOWED SIGNERS)',
      data: { path: allowedSigners },
    });
  }
  return withRepoLock(repo, async () => {
    if ((await listRemotes(repo)).some((r) => r.name === name)) {
      throw new HacktreeError('REMOTE_EXISTS', `remote "${name}" already exists in ${repo.dir}`, {
        hint: `remove it first with "hacktree remote remove ${name}", or choose another name`,
        data: { remote: name },
      });
    }
    const section = `remote.${name}`;
    await setConfig(repo, `${section}.url`, options.url);
    await setConfig(repo, `${section}.fetch`, `+refs/heads/root-*:refs/remotes/${name}/root-*`);
    if (options.verify === true) await setConfig(repo, `${section}.hacktreeVerify`, 'true');
    if (allowedSigners !== undefined) await setConfig(repo, `${section}.hacktreeAllowedSigners`, allowedSigners);
    if (options.static === true) await setConfig(repo, `${section}.hacktreeStatic`, 'true');
    return { name, url: options.url, verify: options.verify === true, allowedSigners, static: options.static === true };
  });
}

/**
 * Forgets a remote and, as `git remote remove` does with `branch.*.remote`, every branch's note
 * that it was pulled from it (`branch.BRANCH.hacktreeRemote`): the branches themselves stay.
 * Returns those branches.
 */
export async function removeRemote(repo: Repository, name: string): Promise<string[]> {
  await readRemote(repo, name);
  return withRepoLock(repo, async () => {
    const notes = await runGit(repo, ['config', '--get-regexp', '^branch\\..*\\.hacktreeremote$']);
    const branches = notes.stdout.split('\n').flatMap((line) => {
      const match = /^branch\.(.+)\.hacktreeremote (.*)$/.exec(line);
      return match !== null && match[2] === name ? [match[1]!] : [];
    });
    for (const branch of branches) {
      const unset = await runGit(repo, ['config', '--unset', `branch.${branch}.hacktreeRemote`]);
      if (unset.status !== 0) throw configFailed(unset.stderr);
    }
    const run = await runGit(repo, ['config', '--remove-section', `remote.${name}`]);
    if (run.status !== 0) throw configFailed(run.stderr);
    return branches;
  });
}

/** Remembers the index a pull from a static remote accepted; the caller holds the repository lock. */
export async function recordStaticIndex(repo: Repository, name: string, serial: number, sha256: string): Promise<void> {
  await setConfig(repo, `remote.${name}.hacktreeIndexSerial`, String(serial));
  await setConfig(repo, `remote.${name}.hacktreeIndexSha256`, sha256);
}

async function setConfig(repo: Repository, key: string, value: string): Promise<void> {
  const run = await runGit(repo, ['config', key, value]);
  if (run.status !== 0) throw configFailed(run.stderr);
}

function configFailed(stderr: string): HacktreeError {
  return new HacktreeError('EXTERNAL_COMMAND_FAILED', `git config failed: ${stderr.trim()}`, { hint: 'check that the repository config is writable' });
}

function checkUrl(url: string): void {
  if (urlHasCredentials(url)) {
    throw new HacktreeError('USAGE', `the URL ${redactUrl(url)} carries credentials, which would be stored in clear text in the repository config`, {
      hint: 'give the URL without them; put the password in HACKTREE_REMOTE_<NAME>_USER/_PASSWORD or the credentials file (~/.config/hacktree/credentials, mode 0600)',
    });
  }
  if (!/^(https?|file):\/\/[^\s]+$/.test(url)) {
    throw new HacktreeError('USAGE', `"${url}" is not a remote URL hacktree can use`, {
      hint: 'give an http:// or https:// URL of a git repository (git smart HTTP) or, with --static, of a published static repository; or file:// for a local git one',
    });
  }
}
