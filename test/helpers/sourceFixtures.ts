import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Writes files (path -> content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/**
 * A tarball of `files` under a top directory `top`, made with the system tar (compression by
 * suffix); files starting with "#!" are executable.
 */
export function makeTarball(out: string, top: string, files: Record<string, string>): string {
  const staging = `${out}.staging`;
  writeFiles(join(staging, top), files);
  for (const [path, content] of Object.entries(files)) if (content.startsWith('#!')) chmodSync(join(staging, top, path), 0o755);
  mkdirSync(dirname(out), { recursive: true });
  execFileSync('tar', ['-c', '-a', '-f', out, '-C', staging, top]);
  execFileSync('rm', ['-rf', staging]);
  return out;
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file under `dir` as a relative path, sorted (empty directories as "dir/"); none when `dir` does not exist. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  const walk = (path: string): void => {
    const names = readdirSync(path);
    if (names.length === 0 && path !== dir) out.push(`${relative(dir, path)}/`);
    for (const name of names) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) walk(child);
      else out.push(relative(dir, child));
    }
  };
  walk(dir);
  return out.sort();
}

/** Every file under `dir` with its content, for "the tree did not change" comparisons. */
export function treeContents(dir: string): Record<string, string> {
  return Object.fromEntries(listTree(dir).map((path) => [path, path.endsWith('/') ? '' : readFileSync(join(dir, path), 'utf8')]));
}
