import { errorCodes, type ErrorCode } from './errorCodes.js';

export interface HacktreeErrorOptions {
  /** What the user can do about it; printed under the message. */
  hint?: string;
  /** Structured facts for --json output and tests. */
  data?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error base class: a stable code, a message, a hint and structured data. */
export class HacktreeError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: HacktreeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HacktreeError';
    this.code = code;
    this.hint = options.hint;
    this.data = options.data ?? {};
  }

  get exitCode(): number {
    return errorCodes[this.code];
  }
}

export function isHacktreeError(err: unknown, code?: ErrorCode): err is HacktreeError {
  return err instanceof HacktreeError && (code === undefined || err.code === code);
}
