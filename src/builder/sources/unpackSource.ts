import { chmodSync, constants, copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { archiveKind, unsafeMemberReason } from '../../model/tar/archiveKind.js';
import { shouldUnpack } from '../../model/recipe/srcUri.js';
import { dirInside } from '../../platform/fs/dirInside.js';
import type { FetchedSource } from './fetchSources.js';
import { moveTreeInto } from '../../platform/fs/moveTreeInto.js';
import { runCommand } from '../../platform/process/runCommand.js';

let stagingCounter = 0;

/**
 * Puts one fetched source into `workdir` (or `workdir/subdir=`) as BitBake's unpack does: tar
 * archives (any compression GNU tar reads, `striplevel=` as --strip-components) and zips are
 * extracted, after checking that no member escapes; a single compressed file is decompressed
 * without its suffix; anything else, and everything with `unpack=0`, is copied (a file://
 * source keeps its relative directories). Archives are extracted into an empty staging
 * directory and then moved into place, so a symlink an earlier source made is never written
 * through.
 */
export async function unpackSource(source: FetchedSource, workdir: string): Promise<void> {
  const { uri } = source;
  const destDir = dirInside(workdir, uri.params.subdir ?? '', { create: true });
  const kind = shouldUnpack(uri) ? archiveKind(uri.fileName) : { kind: 'plain' as const };
  switch (kind.kind) {
    case 'tar':
    case 'zip': {
      const listing = kind.kind === 'tar' ? await runChecked('tar', ['-t', '-f', source.path], source, 'list') : await runChecked('unzip', ['-Z1', source.path], source, 'list');
      checkMembers(listing, source);
      const staging = join(workdir, `.hacktree-unpack-${process.pid}-${stagingCounter++}`);
      mkdirSync(staging);
      try {
        const strip = uri.params.striplevel === undefined ? [] : [`--strip-components=${uri.params.striplevel}`];
        if (kind.kind === 'tar') await runChecked('tar', ['-x', '-f', source.path, '-C', staging, '--no-same-owner', ...strip], source, 'extract');
        else await runChecked('unzip', ['-q', source.path, '-d', staging], source, 'extract');
        moveTreeInto(staging, destDir);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
      return;
    }
    case 'compressed': {
      const output = join(destDir, kind.outputName);
      rmSync(output, { recursive: true, force: true });
      const run = await runCommand(kind.decompressor, ['-d', '-c', source.path], { stdoutFile: output });
      if (run.status !== 0) {
        rmSync(output, { force: true });
        throw unpackError(source, `${kind.decompressor} -d failed: ${run.output.trim()}`);
      }
      return;
    }
    case 'plain': {
      const dir = uri.scheme === 'file' ? dirInside(destDir, dirname(uri.path), { create: true }) : destDir;
      const target = join(dir, uri.fileName);
      rmSync(target, { recursive: true, force: true });
      copyFileSync(source.path, target, constants.COPYFILE_EXCL);
      chmodSync(target, statSync(source.path).mode & 0o7777);
      return;
    }
  }
}

async function runChecked(command: string, args: string[], source: FetchedSource, step: string): Promise<string> {
  const run = await runCommand(command, args);
  if (run.status !== 0) throw unpackError(source, `${command} could not ${step} it: ${run.output.trim().split('\n').slice(-10).join('\n')}`);
  return run.stdout.toString('utf8');
}

function checkMembers(listing: string, source: FetchedSource): void {
  for (const name of listing.split('\n').filter((line) => line !== '')) {
    const reason = unsafeMemberReason(name);
    if (reason !== undefined) {
      throw new HacktreeError('UNSAFE_PATH', `${source.uri.fileName}: member ${JSON.stringify(name)} ${reason}, so it would be written outside the work directory`, {
        hint: 'the archive is not a source tarball to trust; nothing of it was unpacked',
        data: { source: source.path, member: name },
      });
    }
  }
}

function unpackError(source: FetchedSource, why: string): HacktreeError {
  return new HacktreeError('TAR_INVALID', `cannot unpack ${source.uri.fileName} (${source.path}): ${why}`, {
    hint: 'the file is damaged or not the archive its name says; remove it from the source cache and fetch again',
    data: { source: source.path, url: source.uri.url },
  });
}
