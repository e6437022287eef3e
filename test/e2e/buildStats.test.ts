import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureW1 } from '../fixtures/w1.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeCommand, makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { makeRecipeWorkspace, write, writeSourceTarball } from '../helpers/recipeWorkspace.js';
import { assertFsckClean } from '../helpers/repoState.js';

// Build insight: `build --stats`, artifacts/.builds/stats.json, `build stats` and the live display
// on a terminal. One workspace (liba, and progb which DEPENDS on it), built in order by the tests
// below. Timings are data: they are checked for presence and sign, never for a value.
const STEPS = ['fetch', 'unpack', 'patch', 'buildroot', 'configure', 'make', 'install', 'pack'];
let tmp: string;
let repo: string;
let workspace: string;
let env: Record<string, string>;

before(() => {
  tmp = makeTempDir('hacktree-e2e-buildstats');
  repo = join(tmp, 'repo');
  env = { HACKTREE_SOURCE_CACHE: join(tmp, 'sources'), HACKTREE_PREFIX: join(tmp, 'prefix'), HACKTREE_CACHE: '', HACKTREE_REPO: repo };
  ok(['init']);
  ok(['bootstrap', '--from', ensureW1().rootfs, '--name', 'debian-bookworm-x86_64']);
  workspace = makeRecipeWorkspace(join(tmp, 'ws'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function hacktree(args: string[]): RunResult {
  return runHacktree(args, { env, cwd: workspace });
}

function ok(args: string[]): RunResult {
  const result = hacktree(args);
  assert.equal(result.status, 0, `hacktree ${args.join(' ')}:\n${result.stderr}`);
  return result;
}

const statsFile = () => join(workspace, 'artifacts/.builds/stats.json');

interface StepTime { step: string; status: string; seconds: number }
interface Entry { buildId: string; result: string; finished: string; seconds: number; steps: StepTime[]; artifacts: Array<{ kind: string; file: string; bytes: number }> }
interface History { recipe: string; root: string; flavor: string; builds: Entry[] }
const readStats = () => JSON.parse(readFileSync(statsFile(), 'utf8')) as { version: number; histories: History[] };

/**
 * Runs hacktree under a pseudo-terminal (util-linux's script), as a user at a terminal would:
 * stdout and stderr are the terminal, and `screen` is everything it showed, escapes included.
 */
function onTerminal(args: string[]): { status: number; screen: string } {
  const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
  const command = [hacktreeCommand, ...args].map(quote).join(' ');
  const run = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: workspace, env: { ...process.env, ...env, TERM: 'xterm' }, encoding: 'utf8', input: '' });
  return { status: run.status ?? -1, screen: run.stdout + run.stderr };
}

/** The --stats table's row of `recipe`: recipe, root, flavor, result, one cell per step, total. */
function statsRow(stdout: string, recipe: string): string[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((line) => line.startsWith('recipe '));
  assert.ok(header > 0, `a step table after the result lines:\n${stdout}`);
  assert.deepEqual(lines[header]!.split(/\s+/), ['recipe', 'root', 'flavor', 'result', ...STEPS, 'total']);
  const row = lines.slice(header + 1).find((line) => line.startsWith(`${recipe} `));
  assert.ok(row, `a row for ${recipe}:\n${stdout}`);
  const cells = row.split(/\s+/);
  assert.equal(cells.length, 4 + STEPS.length + 1, row);
  return cells;
}

const isSeconds = (cell: string) => /^\d+\.\d+$/.test(cell) && Number(cell) >= 0;

test('build --stats in a pipe: the result lines as ever, then every step of every built recipe; plain text only', () => {
  const result = ok(['build', '--flavor', 'opt', '--stats']);
  assert.match(result.stdout, /^built liba 1\.0-opt-x86_64 opt in \d+\.\d s\nbuilt progb 1\.0-opt-x86_64 opt in \d+\.\d s\n2 built, 0 fetched, 0 cached\nstep times \(seconds\):\n/);
  for (const recipe of ['liba', 'progb']) {
    const cells = statsRow(result.stdout, recipe);
    assert.deepEqual(cells.slice(0, 4), [recipe, '1.0-opt-x86_64', 'opt', 'built']);
    STEPS.forEach((step, i) => {
      const cell = cells[4 + i]!;
      // Neither recipe has a patch: that step had nothing to do.
      if (step === 'patch') assert.equal(cell, 'skipped');
      else assert.ok(isSeconds(cell), `${recipe} ${step}: ${cell}`);
    });
    assert.ok(isSeconds(cells[4 + STEPS.length]!), `total ${cells.at(-1)}`);
  }
  assert.doesNotMatch(result.stdout + result.stderr, /\x1b/, 'no escape sequence in a pipe');
  assert.equal(result.stderr, '', 'no step lines in a pipe without -v');
});

test('every build writes artifacts/.builds/stats.json: each step, the build id and the artifacts with their sizes', () => {
  const stats = readStats();
  assert.equal(stats.version, 1);
  assert.deepEqual(stats.histories.map((h) => `${h.recipe} ${h.root} ${h.flavor} ${h.builds.length}`), ['liba 1.0-opt-x86_64 opt 1', 'progb 1.0-opt-x86_64 opt 1']);
  const records = join(workspace, 'artifacts/.builds');
  for (const history of stats.histories) {
    const [entry] = history.builds;
    const record = JSON.parse(readFileSync(join(records, `${history.recipe},r=${history.root},b=opt.json`), 'utf8')) as { buildId: string; artifacts: string[] };
    assert.equal(entry!.buildId, record.buildId);
    assert.equal(entry!.result, 'built');
    assert.ok(!Number.isNaN(Date.parse(entry!.finished)), entry!.finished);
    assert.ok(entry!.seconds >= 0);
    assert.deepEqual(entry!.steps.map((s) => s.step), STEPS);
    for (const s of entry!.steps) {
      assert.ok(s.seconds >= 0, `${s.step} ${s.seconds}`);
      assert.equal(s.status, s.step === 'patch' ? 'skipped' : 'ran', s.step);
    }
    assert.deepEqual(entry!.artifacts.map((a) => a.file).sort(), [...record.artifacts].sort());
    assert.deepEqual(entry!.artifacts.map((a) => a.kind).sort(), ['devel', 'runtime']);
    for (const a of entry!.artifacts) assert.equal(a.bytes, statSync(join(workspace, 'artifacts', a.file)).size, a.file);
  }
  assert.deepEqual(readdirSync(records).filter((f) => f.includes('stats') && f !== 'stats.json'), [], 'no temporary file left');
});

test('a cached build shows every step as cached and records no new build; build stats shows one build each', () => {
  const before = readFileSync(statsFile(), 'utf8');
  const result = ok(['build', '--flavor', 'opt', '--stats']);
  assert.match(result.stdout, /^0 built, 0 fetched, 2 cached$/m);
  for (const recipe of ['liba', 'progb']) {
    const cells = statsRow(result.stdout, recipe);
    assert.deepEqual(cells.slice(3), ['cached', ...STEPS.map(() => 'cached'), '-']);
  }
  assert.equal(readFileSync(statsFile(), 'utf8'), before);
  const text = ok(['build', 'stats']).stdout;
  assert.match(text, /^liba 1\.0-opt-x86_64 opt: one build: built [0-9a-f]{12} in \d+\.\d+ s$/m);
  assert.match(text, /^ {2}slowest: \w+ \d+\.\d+ s, \w+ \d+\.\d+ s, \w+ \d+\.\d+ s$/m);
  assert.match(text, /^ {2}artifacts: devel \d+(\.\d)? (B|KiB|MiB), runtime \d+(\.\d)? (B|KiB|MiB)$/m);
});

test('on a terminal the build redraws a live display of the builds running and their steps; build stats then compares the two builds of the changed recipe', () => {
  const progb = join(workspace, 'recipes/progb_1.0.bb');
  writeFileSync(progb, readFileSync(progb, 'utf8').replace('--with-answer', '--with-answer=yes'));
  const run = onTerminal(['build', '--flavor', 'opt']);
  assert.equal(run.status, 0, run.screen);
  const screen = run.screen;
  assert.match(screen, /\x1b\[\d*F\x1b\[J/, 'the display moves up over its lines and redraws them');
  assert.match(screen, /Currently 1 running \(1 of 2 done: 0 built, 0 fetched, 1 cached\)/);
  assert.match(screen, /progb 1\.0-opt-x86_64 opt: (fetch|unpack|buildroot|configure|make|install|pack) \d+\.\d s/);
  assert.match(screen, /^1 built, 0 fetched, 1 cached\r?$/m, 'the result after the display is cleared');

  const comparisons = JSON.parse(ok(['build', 'stats', '--json']).stdout) as Array<{
    recipe: string; builds: number; last: Entry; previous: Entry | null;
    slowest: Array<{ step: string; seconds: number }>;
    steps: Array<{ step: string; previous: number | null; last: number | null; delta: number | null }>;
    artifacts: Array<{ kind: string; previous: number | null; last: number | null; delta: number | null }>;
    grew: unknown[];
  }>;
  assert.deepEqual(comparisons.map((c) => `${c.recipe} ${c.builds}`), ['liba 1', 'progb 2']);
  const [liba, progbStats] = comparisons;
  assert.equal(liba!.previous, null);
  assert.ok(progbStats!.previous !== null && progbStats!.previous.buildId !== progbStats!.last.buildId, 'the two builds of progb, before and after the change');
  assert.deepEqual(progbStats!.steps.map((s) => s.step), STEPS);
  for (const s of progbStats!.steps) {
    assert.ok(s.previous !== null && s.previous >= 0 && s.last !== null && s.last >= 0, JSON.stringify(s));
    assert.equal(s.delta, s.last - s.previous);
  }
  assert.deepEqual(progbStats!.artifacts.map((a) => a.kind), ['devel', 'runtime']);
  for (const a of progbStats!.artifacts) assert.equal(a.delta, a.last! - a.previous!);
  assert.ok(progbStats!.slowest.length > 0 && progbStats!.slowest.every((s, i, all) => i === 0 || all[i - 1]!.seconds >= s.seconds));

  const text = ok(['build', 'stats', 'progb']).stdout;
  assert.match(text, /^progb 1\.0-opt-x86_64 opt: built [0-9a-f]{12} in \d+\.\d+ s; before: built [0-9a-f]{12} in \d+\.\d+ s \([+-]\d+\.\d+ s\)$/m);
  assert.match(text, /^ {2}grew: (nothing|.+)$/m);
  assert.doesNotMatch(text, /^liba /m, 'only the recipe asked for');
});

test('a damaged stats.json: build stats says which file; a build replaces it (a warning with -v)', () => {
  writeFileSync(statsFile(), '{"version": 1, "histories": [{"recipe": "liba"');
  const state = readFileSync(statsFile(), 'utf8');
  const refused = hacktree(['build', 'stats']);
  assertCliError(refused, 'RECORD_DAMAGED', [statsFile(), 'not JSON']);
  assert.equal(readFileSync(statsFile(), 'utf8'), state, 'build stats changes nothing');
  assertFsckClean(repo);

  const progb = join(workspace, 'recipes/progb_1.0.bb');
  writeFileSync(progb, readFileSync(progb, 'utf8').replace('--with-answer=yes', '--with-answer=no'));
  const result = ok(['build', '--flavor', 'opt', '-v']);
  assert.match(result.stdout, /^1 built, 0 fetched, 1 cached$/m);
  assert.match(result.stderr, /^hacktree: warning: build statistics .*stats\.json are damaged: .*; replaced by a new one$/m);
  assert.match(result.stderr, /^progb,r=1\.0-opt-x86_64,b=opt: fetch$/m, 'step lines in a pipe with -v, as ever');
  assert.doesNotMatch(result.stderr, /\x1b/);
  assert.deepEqual(readStats().histories.map((h) => `${h.recipe} ${h.builds.length}`), ['progb 1']);
});

test('on a terminal a failure is printed above the live display as it happens, then the error', () => {
  write(workspace, 'recipes/needz_1.0.bb', 'LICENSE = "MIT"\nSRC_URI = "file://needz-1.0.tar.gz"\n');
  writeSourceTarball(workspace, 'needz-1.0', { configure: '#!/bin/sh\necho "configure: error: zlib.h not found" >&2; exit 1\n', 'Makefile.in': '' });
  try {
    const run = onTerminal(['build', 'needz', '--flavor', 'opt']);
    assert.equal(run.status, 18, run.screen);
    assert.match(run.screen, /\x1b\[\d*F\x1b\[Jfailed needz 1\.0-opt-x86_64 opt in configure: step configure .* failed with exit status 1/);
    assert.match(run.screen, /Currently 0 running \(0 of 1 done: 0 built, 0 fetched, 0 cached; 1 failed\)/);
    assert.match(run.screen, /\x1b\[1F\x1b\[Jhacktree: error\[BUILD_FAILED\]: /, 'the display cleared, then the error');
  } finally {
    rmSync(join(workspace, 'recipes/needz_1.0.bb'));
  }
});
