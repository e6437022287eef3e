import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';

export interface ConfigScript {
  name: string;
  sha256: string;
}

/**
 * The scripts of a config.d directory in the order they run: every regular file, by name in
 * byte order; dot files and subdirectories are not scripts. A file that is not executable, or
 * an entry that is not a regular file, is an error naming it (a script that silently does not
 * run is worse than one that fails). A missing directory has no scripts unless `required`.
 */
export function listConfigScripts(dir: string, options: { required: boolean }): ConfigScript[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') && !options.required) return [];
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') {
      throw new HacktreeError('SOURCE_NOT_FOUND', `config.d directory ${dir} does not exist`, { hint: 'give the directory that holds the scripts', data: { path: dir } });
    }
    throw err;
  }
  const scripts: ConfigScript[] = [];
  for (const name of names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) continue;
    if (!st.isFile()) {
      throw new HacktreeError('CONFIG_SCRIPT_INVALID', `config script ${path} is not a regular file`, {
        hint: 'config.d holds executable files; replace the link or special file with the script itself',
        data: { script: name, path },
      });
    }
    if ((st.mode & 0o111) === 0) {
      throw new HacktreeError('CONFIG_SCRIPT_INVALID', `config script ${path} is not executable`, {
        hint: `make it executable (chmod +x ${path}) or move it out of the directory`,
        data: { script: name, path },
      });
    }
    scripts.push({ name, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') });
  }
  return scripts;
}
