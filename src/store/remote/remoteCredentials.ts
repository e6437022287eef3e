import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { matchCredential, parseCredentialLine, type CredentialLine } from '../../model/remote/credentialLine.js';
import { remoteEnvPrefix } from '../../model/remote/remoteName.js';
import type { Remote } from './remoteConfig.js';

/**
 * The environment that gives native git a remote's credentials: an `http.<url>.extraHeader`
 * through GIT_CONFIG_COUNT/KEY/VALUE, so the secret is never in argv (visible in `ps`), never in
 * the repository config and never in a file. Sources, first found wins:
 * HACKTREE_REMOTE_<NAME>_TOKEN (a bearer token), HACKTREE_REMOTE_<NAME>_USER and _PASSWORD,
 * then the credentials file ($HACKTREE_CREDENTIALS, else ~/.config/hacktree/credentials), which
 * must not be readable by others.
 */
export function remoteAuthEnv(remote: Remote): Record<string, string> {
  const header = authorizationHeader(remote);
  if (header === null) return {};
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${remote.url}.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: ${header}` };
}

function authorizationHeader(remote: Remote): string | null {
  const prefix = remoteEnvPrefix(remote.name);
  const token = process.env[`${prefix}TOKEN`];
  if (token) return `Bearer ${token}`;
  const user = process.env[`${prefix}USER`];
  if (user) return basic(user, process.env[`${prefix}PASSWORD`] ?? '');
  const line = matchCredential(readCredentialsFile(), remote.url);
  return line ? basic(line.user, line.password) : null;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function credentialsFilePath(): string {
  return process.env.HACKTREE_CREDENTIALS || join(homedir(), '.config', 'hacktree', 'credentials');
}

function readCredentialsFile(): CredentialLine[] {
  const path = credentialsFilePath();
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return [];
    throw err;
  }
  if ((mode & 0o077) !== 0) {
    throw new HacktreeError('AUTH_FAILED', `credentials file ${path} is readable by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`, {
      hint: `run "chmod 600 ${path}": it holds passwords`,
      data: { path },
    });
  }
  return readFileSync(path, 'utf8').split('\n').map(parseCredentialLine).filter((l): l is CredentialLine => l !== null);
}
