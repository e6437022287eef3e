import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { checkLocalArtifact } from '../../src/model/artifact/checkLocalArtifact.js';
import { formatLocalRecord, mergeLocalArtifacts, parseLocalRecord } from '../../src/model/artifact/localRecord.js';
import type { Oid } from '../../src/model/git/oid.js';
import { parseRootName } from '../../src/model/root/rootName.js';

describe('local record', () => {
  const record = {
    base: 'a'.repeat(40) as Oid,
    artifacts: [{ sha256: 'b'.repeat(64), fileName: 'zlib-runtime,b=opt,o=local,r=1-opt-x86_64,v=1,.tar.gz' }],
  };

  it('round-trips inside a commit message, and a message without one has none', () => {
    const message = `Install local artifact\n\nreplaces: x\n\n${formatLocalRecord(record)}`;
    assert.deepEqual(parseLocalRecord(message), record);
    assert.equal(parseLocalRecord('Compose 1-devel-opt-x86_64\n\nartifact: x\n'), null);
  });

  it('keeps one artifact per component, a newer install in the older one\'s place', () => {
    const componentOf = (f: string) => f.split(',')[0]!;
    const merged = mergeLocalArtifacts(
      [{ sha256: '1', fileName: 'a-runtime,v=1' }, { sha256: '2', fileName: 'b-runtime,v=1' }],
      [{ sha256: '3', fileName: 'a-runtime,v=2' }, { sha256: '4', fileName: 'c-devel,v=1' }],
      componentOf,
    );
    assert.deepEqual(merged.map((a) => a.sha256), ['3', '2', '4']);
  });
});

describe('checkLocalArtifact', () => {
  const devel = parseRootName('1-devel-opt-x86_64');
  const runtime = parseRootName('1-runtime-opt-x86_64');
  const name = (keys: string, kind = 'runtime') => `zlib-${kind},${keys},.tar.gz`;

  it('accepts o=local built against the root', () => {
    assert.equal(checkLocalArtifact(name('b=opt,o=local,r=1-opt-x86_64,v=1'), devel, '1-devel-opt-x86_64').name, 'zlib');
    checkLocalArtifact(name('a=x86_64,b=opt,o=local,r=1-opt-x86_64', 'devel'), devel, '1-devel-opt-x86_64');
  });

  it('refuses o=master and a missing origin', () => {
    for (const keys of ['b=opt,o=master,r=1-opt-x86_64', 'b=opt,r=1-opt-x86_64']) {
      assert.throws(() => checkLocalArtifact(name(keys), devel, 'x'), (err) => isHacktreeError(err, 'ARTIFACT_NAME_INVALID') && /o=local/.test(err.message));
    }
  });

  it('refuses another r= or a= or no b=, naming both values', () => {
    const cases: Array<[string, RegExp]> = [
      ['b=opt,o=local,r=2-opt-x86_64', /r=2-opt-x86_64.*needs r=1-opt-x86_64/],
      ['b=debug,o=local,r=1-debug-x86_64', /r=1-debug-x86_64.*needs r=1-opt-x86_64/],
      ['o=local,r=1-opt-x86_64', /b=\(none\).*needs b=opt \(or debug\)/],
      ['a=aarch64,b=opt,o=local,r=1-opt-x86_64', /a=aarch64.*needs a=x86_64/],
    ];
    for (const [keys, message] of cases) {
      assert.throws(() => checkLocalArtifact(name(keys), devel, '1-devel-opt-x86_64'), (err) => isHacktreeError(err, 'ARTIFACT_ROOT_MISMATCH') && message.test(err.message));
    }
  });

  it('takes a local artifact of the other flavor built against the root (make debug in an opt root)', () => {
    assert.equal(checkLocalArtifact(name('b=debug,o=local,r=1-opt-x86_64'), runtime, '1-runtime-opt-x86_64').keys.b, 'debug');
  });

  it('refuses a -devel artifact in a runtime root', () => {
    assert.throws(() => checkLocalArtifact(name('b=opt,o=local,r=1-opt-x86_64', 'devel'), runtime, '1-runtime-opt-x86_64'),
      (err) => isHacktreeError(err, 'ARTIFACT_ROOT_MISMATCH') && /runtime root/.test(err.message));
  });
});
