import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { formatInterval, isUpgradeDue, parseUpgradeInterval, parseUpgradePolicyMode, type UpgradePolicy } from '../../src/model/root/upgradePolicy.js';
import { upgradeRecordParser } from '../../src/model/root/upgradeRecordSchema.js';

const policy = (mode: UpgradePolicy['policy'], intervalSeconds = 3600): UpgradePolicy => ({ root: '1.0-runtime-opt-x86_64', policy: mode, intervalSeconds, remote: null });

test('policies and intervals parse; anything else is USAGE', () => {
  assert.equal(parseUpgradePolicyMode('stage'), 'stage');
  assert.equal(parseUpgradeInterval('6h'), 21_600);
  assert.equal(parseUpgradeInterval('1d'), 86_400);
  for (const bad of ['Stage', 'auto', '']) assert.throws(() => parseUpgradePolicyMode(bad), (err) => isHacktreeError(err, 'USAGE'));
  for (const bad of ['59s', '0m', 'soon', '-1h']) assert.throws(() => parseUpgradeInterval(bad), (err) => isHacktreeError(err, 'USAGE'));
  assert.deepEqual([21_600, 86_400, 90, 1_209_600, 5400].map(formatInterval), ['6h', '1d', '90s', '2w', '90m']);
});

test('a policy is due when it never ran, when its interval has passed, or when the clock went back; never when off', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  assert.equal(isUpgradeDue(policy('check'), null, now), true);
  assert.equal(isUpgradeDue(policy('off'), null, now), false);
  assert.equal(isUpgradeDue(policy('stage'), '2030-01-01T11:00:00.000Z', now), true, 'exactly one interval ago');
  assert.equal(isUpgradeDue(policy('stage'), '2030-01-01T11:00:01.000Z', now), false);
  assert.equal(isUpgradeDue(policy('apply'), '2030-01-02T00:00:00.000Z', now), true, 'a last check in the future');
  assert.equal(isUpgradeDue(policy('apply'), 'not a time', now), true);
});

test('the upgrade record parses only in its own shape', () => {
  const good = { root: 'r', remote: 'dist', lastCheck: '2030-01-01T00:00:00.000Z', outcome: 'failed', remoteCommit: null, deployedCommit: 'a'.repeat(40), lastFailure: { at: 'x', code: 'REMOTE_FAILED', message: 'm' } };
  assert.ok(upgradeRecordParser.parse(JSON.stringify(good)).ok);
  const bad: Array<[unknown, RegExp]> = [
    [{ ...good, outcome: 'maybe' }, /outcome must be equal to one of the allowed values/],
    [{ ...good, remoteCommit: 'abc' }, /remoteCommit must match pattern/],
    [{ ...good, extra: 1 }, /additional properties \(extra\)/],
    [{ ...good, lastFailure: { at: 'x' } }, /lastFailure must have required property 'code'/],
  ];
  for (const [record, why] of bad) {
    const parsed = upgradeRecordParser.parse(JSON.stringify(record));
    assert.ok(!parsed.ok && why.test(parsed.why), JSON.stringify(parsed));
  }
  assert.match((upgradeRecordParser.parse('{') as { why: string }).why, /not valid JSON/);
});
