import { HacktreeError } from '../../errors/HacktreeError.js';
import { redactUrl } from '../../model/remote/redactUrl.js';
import type { Remote } from '../../store/remote/remoteConfig.js';

/** REMOTE_FAILED for a static remote that could not be read, naming it (URL redacted). */
export function staticRemoteFailed(remote: Remote, message: string, cause: unknown, hint = 'check that the server is up and serves the published directory at that URL, then run the pull again'): HacktreeError {
  return new HacktreeError('REMOTE_FAILED', message, { hint, data: { remote: remote.name, url: redactUrl(remote.url) }, cause });
}
