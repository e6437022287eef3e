import type { DaemonRoute } from './daemonProtocol.js';

/**
 * A result as the daemon sends it: the fields the route names as bytes (`root cat`'s content)
 * become base64 strings, since JSON would spell a Buffer as a list of numbers, and a client could
 * not tell it from data.
 */
export function toWireBytes(result: unknown, route: DaemonRoute | undefined): unknown {
  if (route?.bytes === undefined || typeof result !== 'object' || result === null) return result;
  const out: Record<string, unknown> = { ...(result as Record<string, unknown>) };
  for (const key of route.bytes) if (Buffer.isBuffer(out[key])) out[key] = (out[key] as Buffer).toString('base64');
  return out;
}

/** The result the client hands to the command's printing: those fields Buffers again, byte for byte. */
export function fromWireBytes(result: unknown, route: DaemonRoute): unknown {
  if (route.bytes === undefined || typeof result !== 'object' || result === null) return result;
  const out: Record<string, unknown> = { ...(result as Record<string, unknown>) };
  for (const key of route.bytes) if (typeof out[key] === 'string') out[key] = Buffer.from(out[key] as string, 'base64');
  return out;
}
