import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureW1 } from '../fixtures/w1.js';
import { hacktreeBin, inMountNamespace, makeTempDir } from './cli.js';

/** The packages of the small real root config.d tests run scripts in: a shell and coreutils. */
const PACKAGES = ['base-files', 'libc6', 'libgcc-s1', 'gcc-12-base', 'dash', 'bash', 'libtinfo6', 'coreutils', 'libacl1', 'libattr1', 'libgmp10', 'libselinux1', 'libpcre2-8-0'];

export const CONFIG_ROOT = '1.0-runtime-opt-x86_64';

let data: string | undefined;

/** The packages' files, extracted once per test process (W1's .deb files, a few seconds). */
export function configRootData(): string {
  if (data) return data;
  const { debs } = ensureW1();
  const dir = makeTempDir('hacktree-config-data');
  const files = readdirSync(debs);
  for (const pkg of PACKAGES) {
    const deb = files.find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (!deb) throw new Error(`no ${pkg} package among ${debs}`);
    execFileSync('dpkg-deb', ['-x', join(debs, deb), dir]);
  }
  data = dir;
  return dir;
}

/** Removes the extracted packages: for each test file's `after`. */
export function removeConfigRootData(): void {
  if (data) rmSync(data, { recursive: true, force: true });
  data = undefined;
}

/** A work directory: scripts/ (the admin's), repo/, prefix/, and the root to deploy. */
export interface ConfigWork {
  dir: string;
  repo: string;
  prefix: string;
  scripts: string;
}

export function makeConfigWork(): ConfigWork {
  const dir = makeTempDir('hacktree-config');
  const work = { dir, repo: join(dir, 'repo'), prefix: join(dir, 'prefix'), scripts: join(dir, 'scripts') };
  mkdirSync(work.scripts);
  return work;
}

export function writeScript(dir: string, name: string, body: string, mode = 0o755): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), mode);
}

/**
 * Runs `steps` (bash) in a private mount namespace, first (with `deploy`) making the repository,
 * committing the root (plus `extraLayer`, a directory laid over it, when given) and deploying it
 * under the prefix. Mounts vanish with the namespace; a later scenario's first hacktree command
 * that deploys publishes the recorded deployment again. In the steps, `ht NAME ARGS…` runs hacktree and records its stdout, stderr and status
 * as NAME.out, NAME.err, NAME.status in the work directory (failures do not stop the script);
 * `$P` is the published root.
 */
export function configScenario(work: ConfigWork, steps: string, options: { deploy?: boolean; extraLayer?: string; env?: Record<string, string> } = {}): void {
  const layers = [`--tree dir=${configRootData()}`, ...(options.extraLayer ? [`--tree dir=${options.extraLayer}`, '--union'] : [])].join(' ');
  const env = Object.entries({ HACKTREE_FSYNC: '0', ...options.env }).map(([k, v]) => `export ${k}='${v}'`).join('\n');
  const setup = `mkdir -p '${work.prefix}'
h init -q
h root commit root-${CONFIG_ROOT} ${layers} -q > /dev/null
h root checkout ${CONFIG_ROOT} --prefix '${work.prefix}' -q`;
  const script = `
${env}
W='${work.dir}'
P='${work.prefix}/root-${CONFIG_ROOT}'
h() { node '${hacktreeBin}' --repo '${work.repo}' "$@"; }
# Everything under a directory that must not change: paths, types, modes, owners, inodes, contents.
fp() { (cd "$1" && find . -printf '%p %y %m %U:%G %i\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
ht() { local name=$1; shift; set +e; h "$@" > "$W/$name.out" 2> "$W/$name.err"; echo $? > "$W/$name.status"; set -e; }
${options.deploy ? setup : ''}
${steps}
`;
  const result = inMountNamespace(script);
  if (result.status !== 0) throw new Error(`scenario failed (status ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/** What `ht NAME …` recorded. */
export function recorded(work: ConfigWork, name: string): { status: number; stdout: string; stderr: string } {
  const read = (ext: string) => (existsSync(join(work.dir, `${name}.${ext}`)) ? readFileSync(join(work.dir, `${name}.${ext}`), 'utf8') : '');
  return { status: Number(read('status').trim()), stdout: read('out'), stderr: read('err') };
}
