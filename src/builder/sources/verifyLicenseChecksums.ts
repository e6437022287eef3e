import { readFileSync, realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { hashLicenseLines, parseLicenseChecksums, type HashedLines, type LicenseChecksum } from '../../model/recipe/licenseChecksum.js';
import { recipeVar, type Recipe } from '../../model/recipe/recipe.js';
import { formatLocation } from '../../model/recipe/srcUri.js';
import { sandboxHostPath } from './sandboxHostPath.js';

/** Lines shown from each end of the hashed range when a license checksum does not match. */
const SHOWN_LINES = 4;

/**
 * Checks every LIC_FILES_CHKSUM entry against the unpacked (and patched) tree: the md5 of the
 * file, or of its lines beginline..endline. A mismatch is LICENSE_CHECKSUM_MISMATCH showing
 * both sums and the first and last lines hashed; a missing file is one too.
 */
export function verifyLicenseChecksums(recipe: Recipe, workdir: string): void {
  const sourceDir = recipeVar(recipe, 'S');
  const where = formatLocation(recipe.origins.get('LIC_FILES_CHKSUM') ?? { file: recipe.file, line: 0 });
  for (const entry of parseLicenseChecksums(recipe)) {
    const sandboxPath = posix.resolve(sourceDir, entry.path);
    const hostPath = sandboxHostPath(recipe, workdir, sandboxPath, 'LIC_FILES_CHKSUM');
    const content = readLicenseFile(hostPath, workdir, entry, where);
    const hashed = hashLicenseLines(content, entry.beginLine, entry.endLine);
    if (hashed.md5 !== entry.md5) throw mismatch(entry, hashed, where, sandboxPath);
  }
}

function readLicenseFile(hostPath: string, workdir: string, entry: LicenseChecksum, where: string): Buffer {
  const missing = () =>
    new HacktreeError('LICENSE_CHECKSUM_MISMATCH', `${where}: license file ${entry.path} is not in the unpacked source (${hostPath})`, {
      hint: 'fix the path in LIC_FILES_CHKSUM (it is relative to S), or S itself',
      data: { path: entry.path, hostPath, expected: entry.md5 },
    });
  let real: string;
  try {
    real = realpathSync(hostPath);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') throw missing();
    throw err;
  }
  if (!statSync(real).isFile()) throw missing();
  const top = realpathSync(workdir);
  if (real !== top && !real.startsWith(`${top}/`)) {
    throw new HacktreeError('LICENSE_CHECKSUM_MISMATCH', `${where}: license file ${entry.path} resolves outside the work directory (${real})`, {
      hint: 'LIC_FILES_CHKSUM names files of the unpacked source',
      data: { path: entry.path, resolved: real },
    });
  }
  return readFileSync(real);
}

function mismatch(entry: LicenseChecksum, hashed: HashedLines, where: string, sandboxPath: string): HacktreeError {
  const range = entry.beginLine === undefined && entry.endLine === undefined ? 'the whole file' : `lines ${entry.beginLine ?? 1}..${entry.endLine ?? 'end'}`;
  const shown =
    hashed.lines.length <= 2 * SHOWN_LINES
      ? hashed.lines
      : [...hashed.lines.slice(0, SHOWN_LINES), undefined, ...hashed.lines.slice(-SHOWN_LINES)];
  const text = shown.map((line) => (line === undefined ? '     ...' : `${String(line.number).padStart(5)}: ${line.text}`)).join('\n');
  return new HacktreeError(
    'LICENSE_CHECKSUM_MISMATCH',
    `${where}: the license text changed: md5 of ${range} of ${entry.path} is ${hashed.md5}, the recipe expects ${entry.md5}; lines hashed (${hashed.lines.length}):\n${text}`,
    {
      hint: 'read the license text above; if the license is unchanged (or the range moved), update md5=/beginline=/endline= in LIC_FILES_CHKSUM',
      data: { path: entry.path, file: sandboxPath, expected: entry.md5, actual: hashed.md5, beginLine: entry.beginLine, endLine: entry.endLine, linesHashed: hashed.lines.length },
    },
  );
}
