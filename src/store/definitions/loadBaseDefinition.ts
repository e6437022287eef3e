import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { parseBaseDefinition, type BaseDefinition } from '../../model/root/baseDefinition.js';

/** Reads roots/bases/NAME.json: how `hacktree bootstrap` makes the base NAME. */
export function loadBaseDefinition(rootsDir: string, name: string, namedBy: string): BaseDefinition {
  const path = join(rootsDir, 'bases', `${name}.json`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
    throw new HacktreeError('ROOT_DEFINITION_INVALID', `${namedBy} names the base ${name}, but ${path} does not say how to make it`, {
      hint: 'add it (suite, variant, include: see docs/roots.md "Bases"), or make the base yourself with "hacktree bootstrap --from DIR --name NAME-ARCH"',
      data: { path, base: name },
    });
  }
  return parseBaseDefinition(text, name, path);
}
