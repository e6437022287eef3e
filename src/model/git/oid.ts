/** A git object id: 40 lowercase hex digits (SHA-1). */
export type Oid = string & { readonly __oid: true };

const OID_PATTERN = /^[0-9a-f]{40}$/;

export function isOid(value: string): value is Oid {
  return OID_PATTERN.test(value);
}

export function asOid(value: string): Oid {
  if (!isOid(value)) throw new TypeError(`not an object id: ${value}`);
  return value;
}

/** Raw 20-byte id (as in tree entries) to hex. */
export function oidFromBytes(bytes: Uint8Array): Oid {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex') as Oid;
}
