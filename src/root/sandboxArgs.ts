import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface SandboxLayout {
  /** Becomes `/`, read-only. */
  rootDir: string;
  /** Host directories bound read-write at top-level paths inside (a build's /build and /dest). */
  writableBinds?: ReadonlyArray<{ hostDir: string; path: string }>;
  /** More bwrap options (isolation, environment, a status fd), placed before the command. */
  options?: readonly string[];
  /** The working directory inside; default `/`. */
  chdir?: string;
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
  for (const entry of readdirSync(layout.rootDir, { withFileTypes: true })) {
    if (taken.has(entry.name)) continue;
    const path = join(layout.rootDir, entry.name);
    if (entry.isSymbolicLink()) args.push('--symlink', readlinkSync(path), `/${entry.name}`);
    else args.push('--ro-bind', path, `/${entry.name}`);
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  for (const bind of binds) args.push('--bind', bind.hostDir, bind.path);
  args.push('--remount-ro', '/', '--die-with-parent', ...(layout.options ?? []), '--chdir', layout.chdir ?? '/', '--', ...command);
  return args;
}

const SYSTEM_MOUNTS = ['proc', 'dev', 'tmp'];
