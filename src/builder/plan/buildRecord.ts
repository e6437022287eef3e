import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { buildRecordParser, type BuildRecord } from '../../model/artifact/buildRecordSchema.js';
import { writeFileDurably } from '../../platform/fs/writeFileDurably.js';

export type { BuildRecord } from '../../model/artifact/buildRecordSchema.js';

export function buildRecordPath(artifactsDir: string, recipe: string, root: string, flavor: string): string {
  return join(artifactsDir, '.builds', `${recipe},r=${root},b=${flavor}.json`);
}

/**
 * The record of the recipe's last successful build, or undefined when it was never built. A
 * damaged record is an error, not "never built": it would hide what changed since the build.
 */
export function readBuildRecord(artifactsDir: string, recipe: string, root: string, flavor: string): BuildRecord | undefined {
  const path = buildRecordPath(artifactsDir, recipe, root, flavor);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = buildRecordParser.parse(text);
  if (parsed.ok && parsed.value.recipe === recipe && parsed.value.root === root && parsed.value.flavor === flavor) return parsed.value;
  const why = parsed.ok ? `it is the record of ${parsed.value.recipe} for r=${parsed.value.root}, b=${parsed.value.flavor}` : parsed.why;
  throw new HacktreeError('RECORD_DAMAGED', `build record ${path} is damaged: ${why}`, {
    hint: `remove it ("rm '${path}'"): it only explains why ${recipe} is built again, and its next successful build writes it anew`,
    data: { path, reason: why },
  });
}

export function writeBuildRecord(artifactsDir: string, record: BuildRecord): void {
  writeFileDurably(buildRecordPath(artifactsDir, record.recipe, record.root, record.flavor), `${JSON.stringify(record, null, 2)}\n`);
}
