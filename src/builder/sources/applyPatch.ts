import { readFileSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { patchCompression, patchStripLevel } from '../../model/recipe/srcUri.js';
import type { FetchedSource } from './fetchSources.js';
import { isDirectory } from '../../platform/fs/isDirectory.js';
import { runCommand } from '../../platform/process/runCommand.js';

const DECOMPRESSORS: Record<string, string> = { '.gz': 'gzip', '.Z': 'gzip', '.bz2': 'bzip2', '.xz': 'xz' };

/**
 * Applies one patch in `dir` with `patch -pN` (N from `striplevel=`, default 1). A dry run
 * comes first, so a patch that does not apply changes nothing; its failure is PATCH_FAILED
 * naming the patch and showing what patch said. Returns the patch as applied (decompressed),
 * for a caller that reads its header.
 */
export async function applyPatch(source: FetchedSource, dir: string): Promise<Buffer> {
  const patchName = source.uri.fileName;
  if (!isDirectory(dir)) throw patchError(source, dir, `the directory to patch does not exist`, '');
  const text = await patchText(source);
  const args = [`-p${patchStripLevel(source.uri)}`, '--batch', '--no-backup-if-mismatch', '-d', dir];
  const dryRun = await runCommand('patch', [...args, '--dry-run'], { input: text });
  if (dryRun.status !== 0) throw patchError(source, dir, 'it does not apply', dryRun.output);
  const run = await runCommand('patch', args, { input: text });
  if (run.status !== 0) throw patchError(source, dir, `it failed after a successful dry run of ${patchName}`, run.output);
  return text;
}

async function patchText(source: FetchedSource): Promise<Buffer> {
  const compression = patchCompression(source.uri.fileName);
  if (compression === undefined) return readFileSync(source.path);
  const decompressor = DECOMPRESSORS[compression]!;
  const run = await runCommand(decompressor, ['-d', '-c', source.path]);
  if (run.status !== 0) throw patchError(source, '', `${decompressor} could not decompress it`, run.output);
  return run.stdout;
}

function patchError(source: FetchedSource, dir: string, why: string, output: string): HacktreeError {
  const shown = output.trim().split('\n').slice(-20).join('\n');
  return new HacktreeError('PATCH_FAILED', `patch ${source.uri.fileName} (${source.uri.word}) in ${dir}: ${why}${shown ? `:\n${shown}` : ''}`, {
    hint: 'refresh the patch against this version of the source, or fix its striplevel=/patchdir=; the tree was left as it was before this patch',
    data: { patch: source.uri.fileName, path: source.path, dir, output },
  });
}
