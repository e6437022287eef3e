import { createHash } from 'node:crypto';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { redactUrl } from '../../model/remote/redactUrl.js';
import { DEFAULT_VALID_FOR_SECONDS, indexExpiry, parseStaticIndex, STATIC_INDEX_NAMESPACE, type StaticIndex } from '../../model/static/staticIndex.js';
import { fetchBytes } from '../../platform/http/fetchBytes.js';
import type { Remote } from '../../store/remote/remoteConfig.js';
import { verifyPayloadSignature } from '../../store/signatures/verifyPayloadSignature.js';
import { staticRemoteFailed } from './staticRemoteFailed.js';

const MAX_INDEX_BYTES = 256 << 20;

/**
 * A static remote's index, read and checked: its signature when the remote has --verify
 * (SIGNATURE_INVALID), its shape (STATIC_INDEX_INVALID), and that it is not older than the last
 * index a pull accepted from this remote (STATIC_INDEX_ROLLBACK), and that it has not expired
 * (STATIC_INDEX_EXPIRED: a mirror serving an old index forever would otherwise freeze machines at
 * old versions without any error; `allowExpired` is `pull --allow-expired`). Returns it with its sha256.
 */
export async function readStaticIndex(remote: Remote, base: string, options: { allowExpired?: boolean } = {}): Promise<{ index: StaticIndex; sha256: string }> {
  const where = `the index of remote "${remote.name}" (${redactUrl(base)}index.json)`;
  const bytes = await fetchBytes(`${base}index.json`, { maxBytes: MAX_INDEX_BYTES }).catch((err: unknown) => {
    throw staticRemoteFailed(remote, `could not read ${where}: ${(err as Error).message}`, err);
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (remote.verify) {
    const signature = await fetchBytes(`${base}signatures/${sha256}.sig`, { maxBytes: 1 << 20 }).catch((err: unknown) => {
      if (isHacktreeError(err, 'FETCH_FAILED') && err.data.status === 404) {
        throw new HacktreeError('SIGNATURE_INVALID', `${where} is not signed (no signatures/${sha256}.sig), and the remote requires signatures`, {
          hint: 'the publisher signs the index with "hacktree publish DIR --sign KEY"; nothing was changed',
          data: { remote: remote.name },
        });
      }
      throw staticRemoteFailed(remote, `could not read the signature of ${where}: ${(err as Error).message}`, err);
    });
    verifyPayloadSignature(bytes, signature, { allowedSigners: remote.allowedSigners!, namespace: STATIC_INDEX_NAMESPACE, what: where });
  }
  const index = parseStaticIndex(bytes, where);
  const seen = remote.indexSerial;
  if (seen !== undefined && (index.serial < seen || (index.serial === seen && sha256 !== remote.indexSha256))) {
    throw new HacktreeError('STATIC_INDEX_ROLLBACK', `${where} has serial ${index.serial}, ${index.serial < seen ? 'older than' : 'the same as, but different from,'} the index ${seen} a pull already accepted: refused (an old index replayed would roll roots back)`, {
      hint: 'the server (or a mirror or cache in between) serves an old copy: wait until it has the newest index, or ask the publisher; nothing was changed',
      data: { remote: remote.name, serial: index.serial, seen },
    });
  }
  const expiry = indexExpiry(index);
  if (!options.allowExpired && Date.now() > expiry) {
    const expires = new Date(expiry).toISOString();
    throw new HacktreeError('STATIC_INDEX_EXPIRED', `${where} expired at ${expires}${index.expires === undefined ? ` (it has no expiry: ${DEFAULT_VALID_DAYS} days after it was published, ${index.published})` : ''}, and it is now ${new Date().toISOString()}: refused (a server or mirror serving an old index would hold machines at old versions)`, {
      hint: 'the publisher renews it: "hacktree publish DIR --sign KEY" again (and --upload), more often than --valid-for; check this machine\'s clock; "hacktree pull --allow-expired" takes it once anyway. Nothing was changed',
      data: { remote: remote.name, expires, serial: index.serial },
    });
  }
  return { index, sha256 };
}

const DEFAULT_VALID_DAYS = DEFAULT_VALID_FOR_SECONDS / 86_400;
