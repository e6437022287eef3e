import { createHash } from 'node:crypto';

/** RFC 4122's namespace for URLs: the name hashed under it is a URL naming what the UUID is of. */
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * A name-based UUID (RFC 4122 version 5: SHA-1 of the URL namespace and the name): the same
 * name always gives the same UUID, so an SBOM of one commit carries one serial number.
 */
export function derivedUuid(name: string): string {
  const bytes = createHash('sha1').update(URL_NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
