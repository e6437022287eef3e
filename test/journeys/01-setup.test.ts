import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAIN_JOB, story } from './story.js';

// The main job of `bash setup.sh` on the embedded default (recipes/, roots/): bases, builds,
// twelve roots (x86_64 and i686), the runtime ones deployed; run again, it rebuilds nothing.
const s = story();

test('the main job leaves the x86_64 roots composed, each over its kind\'s base, and the runtime root deployed and running', () => {
  assert.match(s.step('hacktree root status'), /^root 3\.2-runtime-opt-x86_64 at \/opt\/hacktree\/root-3\.2-runtime-opt-x86_64$/m);
  assert.equal(s.step('hacktree root run 3.2-runtime-opt-x86_64 -- hello'), 'Hello, world!\n');
  const bases: Record<string, string> = { runtime: 'debian-bookworm-runtime', sdk: 'debian-bookworm-sdk', devel: 'debian-bookworm-sdk' };
  for (const [kind, base] of Object.entries(bases)) {
    const show = s.check(`hacktree root show 3.2-${kind}-opt-x86_64`).stdout;
    assert.match(show, new RegExp(`^ +\\d+ paths  base/${base}-x86_64$`, 'm'), `${kind} sits on ${base}`);
  }
  const runtime = s.step('hacktree root show 3.2-runtime-opt-x86_64');
  assert.match(runtime, /^Artifacts: 4$/m);
  assert.match(runtime, /^ +\d+ paths  hello-runtime,a=x86_64,b=opt,id=[0-9a-f]{32},o=master,r=3\.2-opt-x86_64,v=2\.10,\.tar\.gz$/m);
});

test('running the main job again rebuilds nothing', () => {
  for (const command of MAIN_JOB) {
    const out = s.step(command);
    if (command.startsWith('hacktree build')) assert.equal(out, '0 built, 0 fetched, 20 cached\n');
  }
});
