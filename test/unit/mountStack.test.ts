import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mountsStackedAt, parseMountInfo } from '../../src/model/root/mountStack.js';

const line = (id: number, parent: number, point: string) => `${id} ${parent} 0:1 / ${point} rw - ext4 /dev/vda rw`;
const ids = (text: string, path: string) => mountsStackedAt(parseMountInfo(text), path).map((m) => m.id);

describe('mountsStackedAt', () => {
  it('counts a deployment mounted on the prefix, and two stacked when one went beneath the other', () => {
    const one = [line(1, 0, '/'), line(2, 1, '/opt/hacktree/root-a')].join('\n');
    assert.deepEqual(ids(one, '/opt/hacktree/root-a'), ['2']);
    // MOVE_MOUNT_BENEATH: 3 went under 2, so 2 now sits on 3.
    const beneath = [line(1, 0, '/'), line(2, 3, '/opt/hacktree/root-a'), line(3, 1, '/opt/hacktree/root-a')].join('\n');
    assert.deepEqual(ids(beneath, '/opt/hacktree/root-a'), ['3', '2']);
    assert.deepEqual(ids(one, '/opt/hacktree/root-b'), []);
  });

  it('does not count a deployment hidden by a later bind mount over the prefix', () => {
    const hidden = [line(1, 0, '/'), line(2, 1, '/opt/hacktree/root-a'), line(3, 1, '/opt/hacktree')].join('\n');
    assert.deepEqual(ids(hidden, '/opt/hacktree/root-a'), []);
    const republished = `${hidden}\n${line(4, 3, '/opt/hacktree/root-a')}`;
    assert.deepEqual(ids(republished, '/opt/hacktree/root-a'), ['4']);
  });

  it('reads mountinfo\'s octal escapes in mount points', () => {
    assert.deepEqual(ids([line(1, 0, '/'), line(2, 1, '/opt/my\\040roots/root-a')].join('\n'), '/opt/my roots/root-a'), ['2']);
  });
});
