/**
 * What the daemon and its clients say to each other (docs/daemon-api.yaml): HTTP/1.1 over a Unix
 * socket, a request's body one JSON object, an operation's answer a stream of JSON lines
 * (application/x-ndjson), each one of ResponseLine's shapes, the last a result or an error.
 */
export const DEFAULT_SOCKET = '/run/hacktree/hacktree.sock';

/** The socket the CLI speaks to and the daemon listens on: HACKTREE_SOCKET, else the default. */
export function daemonSocketPath(): string {
  const fromEnv = process.env.HACKTREE_SOCKET;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_SOCKET;
}

/** Every operation's name, as in POST /v1/operations/NAME. */
export const DAEMON_OPERATIONS = ['status', 'checkout', 'rollback', 'undeploy', 'install-local', 'reset', 'update', 'config-apply', 'upgrade', 'build-root', 'local', 'list', 'ls', 'cat', 'log', 'diff', 'show', 'blame', 'artifact-list', 'artifact-show'] as const;
export type DaemonOperation = (typeof DAEMON_OPERATIONS)[number];

export function isDaemonOperation(name: string): name is DaemonOperation {
  return (DAEMON_OPERATIONS as readonly string[]).includes(name);
}

/** How a command reaches the daemon (CommandDefinition's `daemon`). */
export interface DaemonRoute {
  operation: DaemonOperation;
  /** Arguments naming files: the client makes them absolute, the daemon checks that the caller may read them. */
  paths?: string[];
  /** Fields of the result holding bytes (a Buffer): base64 on the wire (JSON has no bytes), Buffers again in the client. */
  bytes?: string[];
}

/** The body of POST /v1/operations/NAME: the repository the client means, and the command's arguments. */
export interface OperationRequest {
  repo?: string;
  args: Record<string, unknown>;
}

/** An error as the CLI renders it: error[CODE], the message, the hint, the exit status. */
export interface WireError {
  code: string;
  message: string;
  hint?: string;
  status: number;
  data?: Record<string, unknown>;
  /** For INTERNAL: the system call's errno, as error[INTERNAL:ERRNO] shows it. */
  errno?: string;
}

/** One line of an operation's answer. */
export type ResponseLine =
  | { queued: { position: number } }
  | { started: { operation: DaemonOperation } }
  | { progress: { phase: string; done: number; total: number } }
  | { note: string }
  | { warning: string }
  | { output: string }
  | { result: unknown }
  | { error: WireError };

/** Bytes a request's body may hold: arguments only, never file contents. */
export const MAX_REQUEST_BYTES = 64 * 1024;
