import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import type { BuildInput } from '../../model/artifact/buildInputs.js';
import { writeFileDurably } from '../../platform/fs/writeFileDurably.js';

/**
 * What the last successful build of a recipe for one root and flavor used and made, kept
 * beside the artifacts (artifacts/.builds/PN,r=ROOT,b=FLAVOR.json) so `build --explain` can
 * name the input that changed since.
 */
export interface BuildRecord {
  recipe: string;
  root: string;
  flavor: string;
  buildId: string;
  inputs: BuildInput[];
  artifacts: string[];
}

export function buildRecordPath(artifactsDir: string, recipe: string, root: string, flavor: string): string {
  return join(artifactsDir, '.builds', `${recipe},r=${root},b=${flavor}.json`);
}

export function readBuildRecord(artifactsDir: string, recipe: string, root: string, flavor: string): BuildRecord | undefined {
  try {
    return JSON.parse(readFileSync(buildRecordPath(artifactsDir, recipe, root, flavor), 'utf8')) as BuildRecord;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export function writeBuildRecord(artifactsDir: string, record: BuildRecord): void {
  writeFileDurably(buildRecordPath(artifactsDir, record.recipe, record.root, record.flavor), `${JSON.stringify(record, null, 2)}\n`);
}
