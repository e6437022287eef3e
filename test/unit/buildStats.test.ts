import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { addBuildStats, BUILD_STEPS, emptyBuildStats, parseBuildStats, STATS_HISTORY, type BuildStatsEntry } from '../../src/model/artifact/buildStats.js';
import { compareBuildStats } from '../../src/model/artifact/compareBuildStats.js';

// Step times here are made-up numbers: the models only carry and subtract them.
function entry(buildId: string, seconds: Partial<Record<(typeof BUILD_STEPS)[number], number>>, runtimeBytes: number): BuildStatsEntry {
  const steps = BUILD_STEPS.map((step) => (seconds[step] === undefined ? { step, status: 'skipped' as const, seconds: 0 } : { step, status: 'ran' as const, seconds: seconds[step]! }));
  return {
    buildId,
    result: 'built',
    finished: '2026-12-07T07:00:00.000Z',
    seconds: steps.reduce((sum, s) => sum + s.seconds, 0),
    steps,
    artifacts: [
      { kind: 'runtime', file: `x-runtime,id=${buildId},.tar.gz`, bytes: runtimeBytes },
      { kind: 'devel', file: `x-devel,id=${buildId},.tar.gz`, bytes: 100 },
    ],
  };
}
const key = { recipe: 'x', root: '1.0-opt-x86_64', flavor: 'opt' };

describe('build statistics', () => {
  it('keep the last builds of each recipe, root and flavor, sorted, and read back what they wrote', () => {
    let stats = emptyBuildStats();
    for (let i = 0; i < STATS_HISTORY + 2; i++) stats = addBuildStats(stats, key, entry(`id${i}`, { make: i }, 1000));
    stats = addBuildStats(stats, { ...key, recipe: 'a' }, entry('other', { make: 1 }, 10));
    assert.deepEqual(stats.histories.map((h) => h.recipe), ['a', 'x']);
    assert.deepEqual(stats.histories[1]!.builds.map((b) => b.buildId), ['id2', 'id3', 'id4', 'id5', 'id6']);
    assert.deepEqual(parseBuildStats(JSON.stringify(stats), 'stats.json'), stats);
  });

  it('refuse a damaged file, naming it and what is wrong', () => {
    const good = addBuildStats(emptyBuildStats(), key, entry('id', { make: 1 }, 1));
    const withoutStep = JSON.parse(JSON.stringify(good)) as { histories: Array<{ builds: Array<{ steps: unknown[] }> }> };
    withoutStep.histories[0]!.builds[0]!.steps.splice(2, 1);
    const negative = JSON.parse(JSON.stringify(good)) as { histories: Array<{ builds: Array<{ steps: Array<{ seconds: number }> }> }> };
    negative.histories[0]!.builds[0]!.steps[5]!.seconds = -1;
    for (const [text, problem] of [
      ['{"version":1,"histories":[', /not JSON/],
      ['[]', /the file is not an object/],
      ['{"version":2,"histories":[]}', /version is 2/],
      [JSON.stringify(withoutStep), /steps\[2\] is "buildroot", not patch/],
      [JSON.stringify(negative), /steps\[5\] has no valid status and seconds/],
    ] as const) {
      assert.throws(() => parseBuildStats(text, '/ws/artifacts/.builds/stats.json'), (err: unknown) => {
        assert.ok(isHacktreeError(err, 'RECORD_DAMAGED'), String(err));
        assert.match(err.message, /\/ws\/artifacts\/\.builds\/stats\.json/);
        assert.match(err.message, problem);
        return true;
      });
    }
  });

  it('compare the last two builds: slowest steps, every step and artifact delta, what grew', () => {
    let stats = addBuildStats(emptyBuildStats(), key, entry('old', { fetch: 1, configure: 2, make: 5, pack: 1 }, 1000));
    stats = addBuildStats(stats, key, entry('new', { fetch: 1, configure: 3, make: 4, install: 1, pack: 2 }, 1500));
    stats = addBuildStats(stats, { ...key, recipe: 'y' }, entry('only', { make: 1 }, 10));
    const [x, y] = compareBuildStats(stats);
    assert.equal(x!.previous!.buildId, 'old');
    assert.equal(x!.last.buildId, 'new');
    assert.deepEqual(x!.slowest, [{ step: 'make', seconds: 4 }, { step: 'configure', seconds: 3 }, { step: 'pack', seconds: 2 }]);
    assert.deepEqual(x!.steps.find((s) => s.step === 'make'), { step: 'make', previous: 5, last: 4, delta: -1 });
    assert.deepEqual(x!.steps.find((s) => s.step === 'install'), { step: 'install', previous: 0, last: 1, delta: 1 });
    assert.deepEqual(x!.artifacts, [{ kind: 'devel', previous: 100, last: 100, delta: 0 }, { kind: 'runtime', previous: 1000, last: 1500, delta: 500 }]);
    assert.deepEqual(x!.grew.map((g) => ('step' in g ? g.step : g.kind)), ['configure', 'install', 'pack', 'runtime']);
    assert.deepEqual(x!.seconds, { previous: 9, last: 11, delta: 2 });
    assert.equal(y!.previous, null);
    assert.deepEqual(y!.grew, []);
    assert.deepEqual(compareBuildStats(stats, ['y']).map((c) => c.recipe), ['y']);
  });

  it('do not compare the steps of a fetched build with timed ones', () => {
    const fetched: BuildStatsEntry = { ...entry('f', {}, 1000), result: 'fetched', steps: BUILD_STEPS.map((step) => ({ step, status: 'fetched', seconds: 0 })) };
    const stats = addBuildStats(addBuildStats(emptyBuildStats(), key, entry('b', { make: 3 }, 900)), key, fetched);
    const [x] = compareBuildStats(stats);
    assert.ok(x!.steps.every((s) => s.last === null && s.delta === null));
    assert.deepEqual(x!.slowest, []);
    assert.deepEqual(x!.grew.map((g) => ('kind' in g ? g.kind : g.step)), ['runtime']);
  });
});
