import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../helpers/cli.js';

// The addon's tests once more, against a build of it with AddressSanitizer and UBSan: a read or
// write out of bounds, a use after free or undefined behaviour in native/*.c fails them here
// (a null pointer given to memcpy was the first it found). Node itself is not instrumented, so
// libasan is preloaded; leak checking is off, as node leaks by design at exit. The sanitized
// build is cached under $HACKTREE_TEST_CACHE by a hash of the sources, flags and node version.
const here = dirname(fileURLToPath(import.meta.url));
const top = join(here, '../../..');
const FLAGS = '-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined';
const TESTS = ['nativeAddon.test.js', 'nativeParity.test.js'].map((name) => join(here, name));
/** What a sanitizer prints when it finds something. */
const REPORT = /ERROR: AddressSanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior)Sanitizer|ERROR: LeakSanitizer/;

let scratch: string | undefined;
after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

function sanitizedAddon(): string {
  const native = join(top, 'native');
  const hash = createHash('sha256').update(`${FLAGS}\n${process.version}\n`);
  for (const name of readdirSync(native).sort()) hash.update(`${name}\n`).update(readFileSync(join(native, name)));
  const key = hash.digest('hex').slice(0, 16);
  const cache = process.env.HACKTREE_TEST_CACHE;
  const dir = cache ? join(cache, 'native-sanitized', key) : join((scratch ??= makeTempDir('hacktree-native-sanitized')), key);
  const addon = join(dir, 'hacktree.node');
  if (!existsSync(addon)) {
    mkdirSync(dir, { recursive: true });
    const built = spawnSync('bash', [join(native, 'build.sh'), dir], { encoding: 'utf8', env: { ...process.env, NATIVE_CFLAGS: FLAGS } });
    assert.equal(built.status, 0, `the sanitized build failed:\n${built.stderr}`);
  }
  return addon;
}

test('the native addon\'s tests pass under AddressSanitizer and UBSan, with no sanitizer report', () => {
  const addon = sanitizedAddon();
  const libasan = spawnSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim();
  assert.ok(libasan.startsWith('/') && existsSync(libasan), `gcc has no libasan (${libasan}): install gcc's sanitizer runtimes (bash setup.sh --deps-only)`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LD_PRELOAD: libasan,
    ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0',
    UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
    HACKTREE_NATIVE_PATH: addon,
    HACKTREE_NATIVE: '1',
  };
  // Set by this test runner for its own children: the nested run would report in its binary form.
  delete env.NODE_TEST_CONTEXT;
  // The sanitized addon is what loads, with both runtimes in the process.
  const probe = spawnSync(
    process.execPath,
    ['-e', 'const a = require(process.env.HACKTREE_NATIVE_PATH); const maps = require("fs").readFileSync("/proc/self/maps", "utf8"); console.log(a.abiVersion, /libasan/.test(maps), /libubsan/.test(maps))'],
    { encoding: 'utf8', env },
  );
  assert.equal(probe.status, 0, probe.stderr);
  assert.match(probe.stdout, /^\d+ true true$/m);

  const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...TESTS], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  const output = `${run.stdout}\n${run.stderr}`;
  assert.doesNotMatch(output, REPORT, `a sanitizer report:\n${output.split('\n').filter((line) => /Sanitizer|runtime error|#\d+ 0x/.test(line)).slice(0, 40).join('\n')}`);
  assert.equal(run.status, 0, `the addon's tests failed under the sanitizers:\n${output.slice(-4000)}`);
  assert.match(run.stdout, /^# fail 0$/m);
  assert.match(run.stdout, /^# pass ([1-9]\d*)$/m);
});
