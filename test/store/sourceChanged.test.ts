import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import type { Repository } from '../../src/store/repository/repository.js';
import { scanDirectory } from '../../src/store/snapshot/scanDirectory.js';
import { storeScannedEntries } from '../../src/store/snapshot/storeScannedEntries.js';
import { makeTempDir } from '../helpers/cli.js';

// A file that changes between the scan (which takes its size) and the read of its content is
// SOURCE_CHANGED naming it: deleted, replaced by a fifo (never waited on), shrunk, or grown,
// which is never stored cut short at its old size. Small files are read whole, big ones
// (over 8 MiB) streamed: both ways.
let dir: string;
let repo: Repository;

before(async () => {
  dir = makeTempDir('hacktree-source-changed');
  repo = await initRepository(join(dir, 'repo'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const changes: Array<{ what: string; change: (path: string) => void; says: RegExp }> = [
  { what: 'deleted', change: (path) => unlinkSync(path), says: /vanished/ },
  { what: 'grown', change: (path) => appendFileSync(path, 'more\n'), says: /grew/ },
  { what: 'cut short', change: (path) => writeFileSync(path, 'x'), says: /shrank/ },
  { what: 'replaced by a directory', change: (path) => { unlinkSync(path); mkdirSync(path); }, says: /no longer a regular file/ },
];

for (const size of [100, 9 << 20]) {
  for (const { what, change, says } of changes) {
    test(`a ${size > 1 << 20 ? 'big' : 'small'} file ${what} after the scan is SOURCE_CHANGED naming it`, async () => {
      const src = join(dir, `src-${size}-${what.replace(/ /g, '-')}`);
      mkdirSync(src);
      writeFileSync(join(src, 'steady'), 'steady\n');
      writeFileSync(join(src, 'moving'), Buffer.alloc(size, 0x61));
      const scanned = scanDirectory(src);
      change(join(src, 'moving'));
      await assert.rejects(storeScannedEntries(repo, scanned), (err: unknown) => {
        assert.ok(isHacktreeError(err, 'SOURCE_CHANGED'), `SOURCE_CHANGED, not ${String(err)}`);
        assert.ok(err.message.includes(join(src, 'moving')), err.message);
        assert.match(err.message, says);
        return true;
      });
    });
  }
}
