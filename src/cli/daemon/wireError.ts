import { HacktreeError } from '../../errors/HacktreeError.js';
import { errorCodes, type ErrorCode } from '../../errors/errorCodes.js';
import { errnoOf } from '../../errors/errnoOf.js';
import type { WireError } from './daemonProtocol.js';

/** An error as the daemon sends it: what renderError would print, so the client prints the same. */
export function toWireError(err: unknown): WireError {
  if (err instanceof HacktreeError) return { code: err.code, message: err.message, hint: err.hint, status: err.exitCode, data: err.data };
  const errno = errnoOf(err);
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), status: 70, ...(errno ? { errno } : {}) };
}

/** The error the client throws for a WireError: the CLI renders it as the direct path would have. */
export function fromWireError(wire: WireError): Error {
  if (Object.hasOwn(errorCodes, wire.code)) {
    return new HacktreeError(wire.code as ErrorCode, wire.message, { hint: wire.hint, data: wire.data });
  }
  return Object.assign(new Error(wire.message), wire.errno ? { code: wire.errno } : {});
}
