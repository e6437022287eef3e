import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// The boundaries check: dependency-cruiser with the rules of .dependency-cruiser.cjs (imports
// point down: cli -> builder | root -> store -> platform -> model -> errors; no cycles).
function cruise(): { summary: { totalCruised: number; violations: { rule: { name: string }; from: string; to: string }[] } } {
  const run = spawnSync('npx', ['--no-install', 'depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  assert.ok(run.stdout.startsWith('{'), `depcruise did not report: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

function countSources(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? countSources(join(dir, e.name)) : e.name.endsWith('.ts') ? 1 : 0),
    0,
  );
}

describe('source layers', () => {
  it('every source file is cruised and no import points up, sideways or round', () => {
    const { summary } = cruise();
    // A parser that cannot read TypeScript cruises nothing and finds nothing: count them.
    assert.ok(summary.totalCruised >= countSources('src'), `cruised ${summary.totalCruised} of ${countSources('src')} files`);
    const broken = summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    assert.deepEqual(broken, []);
  });
});
