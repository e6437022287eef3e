import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

// bubblewrap's arguments for running a command with a checked-out tree as `/`. Both halves run
// such sandboxes (`root run`, config.d, builds), so it sits below them, beside the checkouts.

export interface SandboxLayout {
  /** Becomes `/`, read-only. */
  rootDir: string;
  /** Host directories bound read-write at top-level paths inside (a build's /build and /dest). */
  writableBinds?: ReadonlyArray<{ hostDir: string; path: string }>;
  /** More bwrap options (isolation, environment, a status fd), placed before the command. */
  options?: readonly string[];
  /** The working directory inside; default `/`. */
  chdir?: string;
  /**
   * The root's top-level entries, when rootDir cannot be read yet (an overlay mounted after
   * the arguments are made); default: read rootDir.
   */
  topLevel?: readonly TopLevelEntry[];
}

export interface TopLevelEntry {
  name: string;
  /** Set for a symlink: its target, recreated inside. */
  symlink?: string;
}

/**
 * bwrap's arguments for `rootDir` as `/`. A read-only root may lack /proc, /dev, /tmp or the
 * writable binds' mount points, so `/` is a tmpfs holding each top-level entry of the root
 * (bound read-only, symlinks recreated), the system mounts and the writable binds, and is made
 * read-only last: flatpak's way.
 */
export function sandboxArgs(layout: SandboxLayout, command: readonly string[]): string[] {
  const binds = layout.writableBinds ?? [];
  const taken = new Set([...SYSTEM_MOUNTS, ...binds.map((bind) => bind.path.replace(/^\/+/, ''))]);
  const args = ['--tmpfs', '/'];
  for (const entry of layout.topLevel ?? readTopLevel(layout.rootDir)) {
    if (taken.has(entry.name)) continue;
    if (entry.symlink !== undefined) args.push('--symlink', entry.symlink, `/${entry.name}`);
    else args.push('--ro-bind', join(layout.rootDir, entry.name), `/${entry.name}`);
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  for (const bind of binds) args.push('--bind', bind.hostDir, bind.path);
  args.push('--remount-ro', '/', '--die-with-parent', ...(layout.options ?? []), '--chdir', layout.chdir ?? '/', '--', ...command);
  return args;
}

const SYSTEM_MOUNTS = ['proc', 'dev', 'tmp'];

export function readTopLevel(rootDir: string): TopLevelEntry[] {
  return readdirSync(rootDir, { withFileTypes: true }).map((entry) =>
    entry.isSymbolicLink() ? { name: entry.name, symlink: readlinkSync(join(rootDir, entry.name)) } : { name: entry.name },
  );
}
