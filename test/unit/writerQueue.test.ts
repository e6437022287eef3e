import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writerQueue } from '../../src/cli/daemon/writerQueue.js';

// The daemon's one writer: jobs run one at a time in arrival order, each told how many are ahead.
test('jobs run one at a time, in arrival order, and learn their position as the queue moves', async () => {
  const queue = writerQueue();
  const events: string[] = [];
  const positions = new Map<string, number[]>();
  let running = 0;
  const releases: Array<() => void> = [];
  const job = (name: string) =>
    queue.enqueue(
      async () => {
        running++;
        assert.equal(running, 1, 'one job at a time');
        events.push(`start ${name}`);
        await new Promise<void>((resolve) => releases.push(resolve));
        events.push(`end ${name}`);
        running--;
        if (name === 'b') throw new Error('b failed');
        return name;
      },
      (ahead) => positions.set(name, [...(positions.get(name) ?? []), ahead]),
    );
  const a = job('a');
  const b = job('b');
  const bFailed = assert.rejects(b, /b failed/);
  const c = job('c');
  assert.equal(queue.length, 3);
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    releases.shift()!();
  }
  assert.equal(await a, 'a');
  await bFailed;
  assert.equal(await c, 'c');
  assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.deepEqual(Object.fromEntries(positions), { a: [0], b: [1, 0], c: [2, 1, 0] });
  assert.equal(queue.length, 0);
  await queue.drained();
});
