import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Options, PositionalOptions } from 'yargs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import type { PeerCredentials } from '../../platform/native/nativeAddon.js';
import type { DaemonCommand } from '../commands/defineCommand.js';
import type { GlobalArgs } from '../options/globalArgs.js';

export interface DaemonScope {
  repo: string;
  prefix: string;
}

/**
 * A request's arguments as the command's `run` takes them, checked as yargs would check them on
 * a command line (declared names only, their types, choices, required ones, defaults), and bound
 * to what this daemon serves: its repository, its prefix and its group, whatever the client's environment.
 * Files a caller who is not root names must be files that caller may read.
 */
export function operationArgs(options: { command: DaemonCommand; operation: string; sent: Record<string, unknown>; repo: unknown; scope: DaemonScope; peer: PeerCredentials; group?: string }): GlobalArgs & Record<string, unknown> {
  const { command, operation, sent, scope, peer } = options;
  const { positionals = {}, options: declared = {}, daemon } = command.definition;
  const specs: Record<string, PositionalOptions | Options> = { ...positionals, ...declared };
  const invalid = (message: string, hint: string) => new HacktreeError('DAEMON_REQUEST_INVALID', `${operation}: ${message}`, { hint, data: { operation } });
  if (options.repo !== undefined && (typeof options.repo !== 'string' || resolve(options.repo) !== resolve(scope.repo))) {
    throw invalid(`this daemon serves the repository ${scope.repo}, not ${String(options.repo)}`, `use --repo ${scope.repo} (or HACKTREE_REPO), or run the command as root directly`);
  }
  const args: GlobalArgs & Record<string, unknown> = { repo: scope.repo, json: false, quiet: false, verbose: false };
  for (const [key, value] of Object.entries(sent)) {
    const spec = specs[key];
    if (spec === undefined) throw invalid(`unknown argument "${key}"`, `${operation} takes ${Object.keys(specs).join(', ') || 'no arguments'}`);
    if (!fits(spec, value)) throw invalid(`argument "${key}" must be ${describeType(spec)}, not ${JSON.stringify(value)}`, 'see docs/daemon-api.yaml');
    args[key] = value;
  }
  for (const [key, spec] of Object.entries(specs)) {
    if (args[key] === undefined && spec.default !== undefined) args[key] = spec.default;
    if (args[key] === undefined && spec.demandOption) throw invalid(`argument "${key}" is required`, `give "${key}" in the request's args`);
  }
  bindToPrefix(args, specs, scope, invalid);
  // A command that opens something to a group (build-root) opens it to the daemon's, whatever was sent.
  if ('group' in specs) args.group = options.group;
  if (peer.uid !== 0) for (const key of daemon?.paths ?? []) for (const path of [args[key]].flat()) if (path !== undefined) checkReadable(String(path), peer, operation);
  return args;
}

function bindToPrefix(args: Record<string, unknown>, specs: Record<string, unknown>, scope: DaemonScope, invalid: (m: string, h: string) => HacktreeError): void {
  if (!('prefix' in specs)) return;
  const root = args.root;
  const fromRoot = typeof root === 'string' && root.includes('/') ? dirname(resolve(root)) : undefined;
  const asked = fromRoot ?? (typeof args.prefix === 'string' ? resolve(args.prefix) : scope.prefix);
  if (asked !== resolve(scope.prefix)) {
    throw invalid(`this daemon deploys under ${scope.prefix}, not ${asked}`, `use --prefix ${scope.prefix} (or HACKTREE_PREFIX), or run the command as root directly`);
  }
  args.prefix = scope.prefix;
}

function fits(spec: PositionalOptions | Options, value: unknown): boolean {
  const one = (v: unknown): boolean => {
    if (spec.choices !== undefined) return (spec.choices as readonly unknown[]).includes(v);
    if (spec.type === 'boolean') return typeof v === 'boolean';
    if (spec.type === 'number') return typeof v === 'number' && Number.isFinite(v);
    return typeof v === 'string';
  };
  return spec.array ? Array.isArray(value) && value.length > 0 && value.every(one) : one(value);
}

function describeType(spec: PositionalOptions | Options): string {
  const base = spec.choices !== undefined ? `one of ${JSON.stringify(spec.choices)}` : `a ${spec.type ?? 'string'}`;
  return spec.array ? `a non-empty list, each ${base}` : base;
}

/**
 * The daemon reads files as root: a caller may name only files it could read itself, else the
 * daemon would read others' files for it. The mode bits of the file and of each directory on
 * the way, for the caller's uid and groups (checked before use; an operation changes nothing
 * that a file's later change could make unsafe, it is only read).
 */
function checkReadable(path: string, peer: PeerCredentials, operation: string): void {
  const refuse = (why: string) =>
    new HacktreeError('DAEMON_REFUSED', `${operation}: the caller (uid ${peer.uid}) may not read ${path}${why}`, {
      hint: 'name a file of yours that you can read (e.g. in your home or build directory)',
      data: { operation, path, uid: peer.uid },
    });
  if (!isAbsolute(path)) throw refuse(': not an absolute path');
  const groups = new Set([peer.gid, ...peer.groups]);
  const may = (target: string, bit: 'r' | 'x'): boolean => {
    let stat;
    try {
      stat = statSync(target);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return true; // the command says it is missing
      throw err;
    }
    const [user, group, other] = bit === 'r' ? [0o400, 0o040, 0o004] : [0o100, 0o010, 0o001];
    if (stat.uid === peer.uid) return (stat.mode & user) !== 0;
    if (groups.has(stat.gid)) return (stat.mode & group) !== 0;
    return (stat.mode & other) !== 0;
  };
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (!may(dir, 'x')) throw refuse(` (no search permission on ${dir})`);
    if (dir === '/') break;
  }
  if (!may(path, 'r')) throw refuse('');
}
