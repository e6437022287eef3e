import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureW1 } from '../fixtures/w1.js';
import { hacktreeBin, runHacktree } from './cli.js';

/** A handful of W1's real Debian packages: small, and enough for a root with a shell in it. */
export const DEB_PACKAGES = ['base-files', 'bash', 'dash', 'debianutils', 'grep', 'gzip', 'hostname', 'libacl1', 'libattr1', 'libbz2-1.0', 'liblzma5', 'sed', 'zlib1g'];

export interface DebRoot {
  work: string;
  repo: string;
  roots: string;
  artifacts: string;
  /** Package -> its extracted data directory. */
  data: Map<string, string>;
  versions: Map<string, string>;
}

export function hacktreeOk(repo: string, args: string[], env: Record<string, string> = {}): string {
  const r = runHacktree(args, { repo, env });
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Packs a directory as -runtime and -devel artifacts of root 1.0-opt-x86_64 into `out`; returns the -runtime's path. */
export function packDir(dir: string, options: { name: string; version: string; out: string; origin?: 'master' | 'local'; root?: string; flavor?: string }): string {
  mkdirSync(options.out, { recursive: true });
  execFileSync(process.execPath, [hacktreeBin, 'artifact', 'pack', dir, '--name', options.name, '--version', options.version,
    '--root', options.root ?? '1.0-opt-x86_64', '--flavor', options.flavor ?? 'opt', '--origin', options.origin ?? 'master', '--out', options.out, '-q']);
  const runtime = readdirSync(options.out).find((f) => f.startsWith(`${options.name}-runtime,`) && f.includes(`v=${options.version},`) && f.includes(`o=${options.origin ?? 'master'},`)
    && f.includes(`r=${options.root ?? '1.0-opt-x86_64'},`) && f.includes(`b=${options.flavor ?? 'opt'},`));
  assert.ok(runtime, `pack made ${options.name}-runtime in ${options.out}`);
  return join(options.out, runtime);
}

/**
 * Packs DEB_PACKAGES from W1's .deb files as master artifacts of 1.0-opt-x86_64, writes
 * roots/1.0.json naming them all as runtime components, and inits a repository.
 */
export function makeDebRoot(work: string): DebRoot {
  const { debs } = ensureW1();
  const root: DebRoot = { work, repo: join(work, 'repo'), roots: join(work, 'roots'), artifacts: join(work, 'artifacts'), data: new Map(), versions: new Map() };
  mkdirSync(root.roots, { recursive: true });
  const files = readdirSync(debs);
  for (const pkg of DEB_PACKAGES) {
    const file = files.find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    assert.ok(file, `W1 has ${pkg}`);
    const deb = join(debs, file);
    const version = execFileSync('dpkg-deb', ['-f', deb, 'Version'], { encoding: 'utf8' }).trim().replace(/:/g, '_');
    const dest = join(work, 'data', pkg);
    mkdirSync(dest, { recursive: true });
    execFileSync('bash', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -p --numeric-owner -C "$2"', '_', deb, dest]);
    packDir(dest, { name: pkg, version, out: root.artifacts });
    root.data.set(pkg, dest);
    root.versions.set(pkg, version);
  }
  writeFileSync(join(root.roots, '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: DEB_PACKAGES }));
  hacktreeOk(root.repo, ['init']);
  return root;
}

/** A copy of a package's data directory to edit into a local build. */
export function copyPackageData(root: DebRoot, pkg: string, dest: string): string {
  cpSync(root.data.get(pkg)!, dest, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  return dest;
}
