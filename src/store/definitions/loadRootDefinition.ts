import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { parseRootDefinition, type RootDefinition } from '../../model/root/rootDefinition.js';

/** Reads roots/VERSION.json from a workspace's roots directory. */
export function loadRootDefinition(rootsDir: string, version: string): RootDefinition {
  const path = join(rootsDir, `${version}.json`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
    throw new HacktreeError('ROOT_DEFINITION_INVALID', `no root definition ${path} for version ${version}`, {
      hint: 'create it (see docs/roots.md "Root names and definitions"), or point --roots at the directory holding it',
      data: { path },
    });
  }
  const def = parseRootDefinition(text, path);
  if (def.version !== version) {
    throw new HacktreeError('ROOT_DEFINITION_INVALID', `${path} defines version ${def.version}, not ${version}`, {
      hint: 'the file name and its "version" must agree',
      data: { path },
    });
  }
  return def;
}
