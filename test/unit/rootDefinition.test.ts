import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { artifactEntries } from '../../src/model/artifact/artifactEntries.js';
import { parseBaseDefinition } from '../../src/model/root/baseDefinition.js';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import type { Oid } from '../../src/model/git/oid.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';
import { baseOfKind, basesOfDefinition, parseRootDefinition } from '../../src/model/root/rootDefinition.js';

const invalid = (re: RegExp) => (err: unknown) => isHacktreeError(err, 'ROOT_DEFINITION_INVALID') && re.test(err.message);

describe('root definition bases', () => {
  const def = (extra: object) => parseRootDefinition(JSON.stringify({ version: '1', arches: ['x86_64'], runtime: ['a'], ...extra }), 'roots/1.json');

  it('a kind sits on its own base, else on the build base, else on nothing', () => {
    const both = def({ base: 'tool', bases: { runtime: 'small' } });
    assert.equal(baseOfKind(both, 'runtime'), 'small');
    assert.equal(baseOfKind(both, 'sdk'), 'tool');
    assert.deepEqual(basesOfDefinition(both), ['tool', 'small']);
    const none = def({});
    assert.equal(baseOfKind(none, 'devel'), undefined);
    assert.deepEqual(basesOfDefinition(none), []);
    assert.deepEqual(basesOfDefinition(def({ base: 'x', bases: { runtime: 'x', sdk: 'y', devel: 'y' } })), ['x', 'y'], 'each once');
  });

  it('refuses unknown kinds and names that are not base names', () => {
    assert.throws(() => def({ bases: { server: 'x' } }), invalid(/unknown root kind "server"/));
    assert.throws(() => def({ bases: { runtime: 'a/b' } }), invalid(/"bases" maps root kinds/));
    assert.throws(() => def({ bases: ['x'] }), invalid(/"bases" maps root kinds/));
  });

  it('says which list is missing or malformed, and what it lists', () => {
    const parse = (record: object) => parseRootDefinition(JSON.stringify(record), 'roots/1.json');
    assert.throws(() => parse({ version: '1', runtime: ['a'] }), invalid(/"arches" is missing: it must be a list of architecture names \(x86_64, i686, aarch64\)/));
    assert.throws(() => parse({ version: '1', arches: 'x86_64', runtime: ['a'] }), invalid(/"arches" must be a list of architecture names/));
    assert.throws(() => parse({ version: '1', arches: ['x86_64'] }), invalid(/"runtime" is missing: it must be a list of component names/));
    assert.throws(() => def({ sdk: [1] }), invalid(/"sdk" must be a list of component names/));
  });
});

describe('base definition', () => {
  it('parses suite, variant (default minbase) and packages', () => {
    assert.deepEqual(parseBaseDefinition('{"suite":"bookworm","include":["gdb","libboost-regex1.74.0"]}', 'sdk', 'sdk.json'), {
      name: 'sdk', suite: 'bookworm', variant: 'minbase', include: ['gdb', 'libboost-regex1.74.0'],
    });
  });

  it('refuses what debootstrap could not be given', () => {
    const parse = (text: string, name = 'b') => () => parseBaseDefinition(text, name, 'roots/bases/b.json');
    assert.throws(parse('{"include":[]}'), invalid(/"suite"/));
    assert.throws(parse('{"suite":"bookworm","variant":"fakechroot"}'), invalid(/"variant" must be one of minbase, buildd/));
    assert.throws(parse('{"suite":"bookworm","include":["gdb; rm -rf /"]}'), invalid(/"include"/));
    assert.throws(parse('{"suite":"bookworm","packages":[]}'), invalid(/unknown key "packages"/));
    assert.throws(parse('{"suite":"bookworm"}', '../x'), invalid(/not a base name/));
    assert.throws(parse('not json'), invalid(/not valid JSON/));
  });
});

describe('artifactEntries', () => {
  const dir = (path: string): FsEntry => ({ kind: 'dir', path: path as RepoPath, mode: 0o755, uid: 0, gid: 0, xattrs: [] });
  const file = (path: string): FsEntry => ({ kind: 'file', path: path as RepoPath, mode: 0o644, uid: 0, gid: 0, xattrs: [], oid: 'a'.repeat(40) as Oid, size: 1 });

  it('keeps what artifacts provided and the directories holding it; the base\'s paths go', () => {
    const entries = [dir('.'), dir('usr'), dir('usr/bin'), file('usr/bin/gzip'), file('usr/bin/sh'), dir('usr/share'), dir('usr/share/doc'), file('usr/share/doc/x')];
    const providers = new Map([
      ['usr/bin/gzip', 'gzip-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz'],
      ['usr/bin/sh', 'base/debian-bookworm-sdk-x86_64'],
      ['usr/share/doc/x', 'base/debian-bookworm-sdk-x86_64'],
    ]);
    assert.deepEqual(artifactEntries(entries, providers).map((e) => e.path), ['.', 'usr', 'usr/bin', 'usr/bin/gzip']);
  });
});
