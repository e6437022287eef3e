import { HacktreeError } from '../../errors/HacktreeError.js';
import { redactUrl } from '../../model/remote/redactUrl.js';
import type { Remote } from './remoteConfig.js';

/**
 * What a failed native `git fetch` or `git push` means for the user, from git's messages
 * (already redacted). The last lines of git's own words travel in the message.
 */
export function gitTransportError(remote: Remote, operation: 'pull' | 'push' | 'fetch', stderr: string, options: { credentialsSent: boolean }): HacktreeError {
  const said = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/askpass/.test(l) && !/^(remote: )?(Counting|Compressing|Receiving|Resolving|Enumerating|Total|Writing)/.test(l));
  const tail = said.slice(-3).join('; ') || 'no message';
  const where = `remote "${remote.name}" (${redactUrl(remote.url)})`;
  const data = { remote: remote.name, url: redactUrl(remote.url), git: tail };
  if (/Authentication failed|could not read Username|could not read Password|returned error: 40[13]|terminal prompts disabled/i.test(stderr)) {
    const what = options.credentialsSent ? 'refused the credentials' : 'needs credentials, and none are set,';
    return new HacktreeError('AUTH_FAILED', `${where} ${what} for ${operation}: ${tail}`, {
      hint: `set HACKTREE_REMOTE_${remote.name.toUpperCase().replace(/-/g, '_')}_USER and _PASSWORD (or _TOKEN), or a line for the server in the credentials file (~/.config/hacktree/credentials, mode 0600)`,
      data,
    });
  }
  if (/couldn't find remote ref/i.test(stderr)) {
    return new HacktreeError('REF_NOT_FOUND', `${where} has no such branch: ${tail}`, { hint: 'the remote names its roots root-NAME; "git ls-remote URL" lists them', data });
  }
  if (/returned error: 404|repository .* not found|does not appear to be a git repository/i.test(stderr)) {
    return new HacktreeError('REMOTE_FAILED', `${where} has no git repository at that URL: ${tail}`, {
      hint: `check the URL ("hacktree remote list"); fix it with "hacktree remote remove ${remote.name}" and "remote add" again`,
      data,
    });
  }
  if (/unexpected disconnect|early EOF|RPC failed|transfer closed|Connection refused|Connection reset|Empty reply|Failed to connect|Could not resolve host|Operation timed out/i.test(stderr) && !/fsck error|not our ref/i.test(stderr)) {
    return new HacktreeError('REMOTE_FAILED', `the connection to ${where} broke during the ${operation}: ${tail}`, {
      hint: 'check that the server is up and reachable, then run the command again: what arrived completely is kept',
      data,
    });
  }
  if (/fsck|did not send all necessary objects|index-pack|bad object|invalid object|unable to read|pack has|inflate|protocol error|bad pack|not our ref/i.test(stderr)) {
    const moved = /not our ref|upload-pack: not our ref/i.test(stderr);
    return new HacktreeError(moved ? 'REMOTE_FAILED' : 'PACK_INVALID', moved ? `${where} changed the branch during the ${operation}: ${tail}` : `${where} sent data that does not check out (${operation} refused, nothing changed): ${tail}`, {
      hint: moved ? 'run the pull again: it fetches the branch as it is now' : 'run the pull again; if it persists, the server holds damaged objects (run "git fsck" there)',
      data,
    });
  }
  if (/rejected|non-fast-forward|fetch first/i.test(stderr)) {
    return new HacktreeError('REMOTE_FAILED', `${where} rejected the ${operation}: ${tail}`, {
      hint: 'the remote branch has commits this repository lacks: pull them first, or push to another branch',
      data,
    });
  }
  return new HacktreeError('REMOTE_FAILED', `${operation} from ${where} failed: ${tail}`, {
    hint: 'check that the server is reachable and serves git smart HTTP; run the command again: what arrived completely is kept',
    data,
  });
}
