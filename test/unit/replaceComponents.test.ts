import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { Oid } from '../../src/model/git/oid.js';
import { replaceComponents, resolveLinkTarget } from '../../src/model/artifact/replaceComponents.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';

const meta = { mode: 0o755, uid: 0, gid: 0, xattrs: [] };
const dir = (path: string, mode = 0o755): FsEntry => ({ ...meta, mode, kind: 'dir', path: path as RepoPath });
const file = (path: string, content = path): FsEntry => ({
  ...meta, mode: 0o644, kind: 'file', path: path as RepoPath, size: content.length, oid: content.padEnd(40, '0').slice(0, 40) as Oid,
});
const link = (path: string, target: string): FsEntry => ({ ...meta, mode: 0o777, kind: 'symlink', path: path as RepoPath, target, oid: 'f'.repeat(40) as Oid });

const art = (name: string, kind: 'runtime' | 'devel', origin: 'master' | 'local', v = '1.0') =>
  `${name}-${kind},b=opt,o=${origin},r=1-opt-x86_64,v=${v},.tar.gz`;

/** A devel root of zlib and bash: master's runtime and devel of each. */
function root() {
  const providers = new Map<string, string>();
  const add = (artifact: string, entries: FsEntry[]) => {
    for (const e of entries) if (e.kind !== 'dir') providers.set(e.path, artifact);
    return entries;
  };
  const entries = [
    dir('.'), dir('bin'), dir('usr'), dir('usr/include'), dir('usr/lib'), dir('usr/lib/zlib-plugins'), dir('usr/share'), dir('usr/share/empty'),
    ...add(art('bash', 'runtime', 'master'), [file('bin/bash')]),
    ...add(art('zlib', 'runtime', 'master'), [file('usr/lib/libz.so.1.0'), link('usr/lib/libz.so.1', 'libz.so.1.0'), file('usr/lib/zlib-plugins/p.so')]),
    ...add(art('zlib', 'devel', 'master'), [file('usr/include/zlib.h'), link('usr/lib/libz.so', 'libz.so.1')]),
  ];
  entries.sort((a, b) => (a.path === '.' ? -1 : b.path === '.' ? 1 : a.path < b.path ? -1 : 1));
  return { entries, providers };
}

const paths = (entries: readonly FsEntry[]) => entries.map((e) => e.path);

describe('replaceComponents', () => {
  it('empties nested directories of the replaced component only, and keeps every other entry as the same object', () => {
    const tree = root();
    const deep = art('zlib', 'runtime', 'master');
    // zlib's plugins two levels deeper, beside a directory that was empty before and one of bash's.
    const extra = [dir('usr/lib/zlib-plugins/a'), dir('usr/lib/zlib-plugins/a/b'), file('usr/lib/zlib-plugins/a/b/q.so'), dir('usr/lib/zlib-plugins/kept-empty'), dir('usr/share/bash'), file('usr/share/bash/x')];
    for (const e of extra) if (e.kind === 'file') tree.providers.set(e.path, e.path.startsWith('usr/lib') ? deep : art('bash', 'runtime', 'master'));
    tree.entries.push(...extra);
    tree.entries.sort((a, b) => (a.path === '.' ? -1 : b.path === '.' ? 1 : a.path < b.path ? -1 : 1));
    const local = art('zlib', 'runtime', 'local');
    const out = replaceComponents(tree, [{ fileName: local, entries: [dir('.'), dir('usr'), dir('usr/lib'), file('usr/lib/libz.so.1.0', 'new')] }]);
    const kept = paths(out.entries);
    for (const gone of ['usr/lib/zlib-plugins/a', 'usr/lib/zlib-plugins/a/b', 'usr/lib/zlib-plugins/a/b/q.so', 'usr/lib/zlib-plugins/p.so']) assert.ok(!kept.includes(gone as RepoPath), `${gone} goes`);
    assert.ok(kept.includes('usr/lib/zlib-plugins/kept-empty' as RepoPath), 'a directory empty before stays, and so does its parent');
    assert.ok(kept.includes('usr/lib/zlib-plugins' as RepoPath));
    assert.deepEqual(kept, [...kept].sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : 1)), 'sorted by path');
    for (const e of out.entries) {
      if (e.path === 'usr/lib/libz.so.1.0') continue;
      assert.ok(tree.entries.includes(e), `${e.path} is the root's own object`);
    }
  });

  it('removes the component\'s paths and its emptied directories, layers the local ones, attributes them', () => {
    const local = art('zlib', 'runtime', 'local');
    const out = replaceComponents(root(), [{ fileName: local, entries: [dir('.'), dir('usr'), dir('usr/lib'), file('usr/lib/libz.so.1.0', 'new'), link('usr/lib/libz.so.1', 'libz.so.1.0')] }]);
    assert.deepEqual(out.replaced, [art('zlib', 'runtime', 'master')]);
    assert.ok(!paths(out.entries).includes('usr/lib/zlib-plugins/p.so' as RepoPath));
    assert.ok(!paths(out.entries).includes('usr/lib/zlib-plugins' as RepoPath), 'an emptied directory goes');
    assert.ok(paths(out.entries).includes('usr/share/empty' as RepoPath), 'a directory empty before stays');
    assert.equal(out.providers.get('usr/lib/libz.so.1.0'), local);
    assert.equal(out.providers.get('bin/bash'), art('bash', 'runtime', 'master'));
    assert.equal(out.providers.get('usr/include/zlib.h'), art('zlib', 'devel', 'master'), 'same version, no conflict, no dangling link: -devel kept');
    assert.deepEqual(out.droppedDevel, []);
    const lib = out.entries.find((e) => e.path === 'usr/lib/libz.so.1.0');
    assert.equal(lib?.kind === 'file' && lib.oid.startsWith('new'), true);
  });

  it('drops master\'s -devel when the local -runtime has another version', () => {
    const local = art('zlib', 'runtime', 'local', '2.0');
    const out = replaceComponents(root(), [{ fileName: local, entries: [dir('.'), dir('usr'), dir('usr/lib'), file('usr/lib/libz.so.1.0', 'new'), link('usr/lib/libz.so.1', 'libz.so.1.0')] }]);
    assert.deepEqual(out.droppedDevel.map((d) => d.artifact), [art('zlib', 'devel', 'master')]);
    assert.match(out.droppedDevel[0]!.reason, /version 1\.0 differs/);
    assert.ok(!paths(out.entries).includes('usr/include/zlib.h' as RepoPath));
    assert.ok(!paths(out.entries).includes('usr/include' as RepoPath), 'its emptied directory goes too');
  });

  it('drops master\'s -devel when one of its symlinks would dangle, or the local -runtime provides its path', () => {
    const local = art('zlib', 'runtime', 'local');
    const renamed = replaceComponents(root(), [{ fileName: local, entries: [dir('.'), dir('usr'), dir('usr/lib'), file('usr/lib/libz.so.2', 'new')] }]);
    assert.match(renamed.droppedDevel[0]!.reason, /usr\/lib\/libz\.so -> libz\.so\.1 would dangle/);
    const overlapping = replaceComponents(root(), [{ fileName: local, entries: [dir('.'), dir('usr'), dir('usr/include'), file('usr/include/zlib.h', 'other')] }]);
    assert.match(overlapping.droppedDevel[0]!.reason, /usr\/include\/zlib\.h is also in the local -runtime/);
    assert.equal(overlapping.providers.get('usr/include/zlib.h'), local);
  });

  it('replaces only -devel for a local -devel, and both for both', () => {
    const devel = art('zlib', 'devel', 'local');
    const out = replaceComponents(root(), [{ fileName: devel, entries: [dir('.'), dir('usr'), dir('usr/include'), file('usr/include/zlib.h', 'hdr')] }]);
    assert.equal(out.providers.get('usr/lib/libz.so.1.0'), art('zlib', 'runtime', 'master'));
    assert.ok(!paths(out.entries).includes('usr/lib/libz.so' as RepoPath));
    assert.equal(out.providers.get('usr/include/zlib.h'), devel);
    const both = replaceComponents(root(), [
      { fileName: art('zlib', 'runtime', 'local', '3'), entries: [dir('.'), dir('usr'), dir('usr/lib'), file('usr/lib/libz.so.3')] },
      { fileName: art('zlib', 'devel', 'local', '3'), entries: [dir('.'), dir('usr'), dir('usr/include'), file('usr/include/zlib.h', 'hdr3')] },
    ]);
    assert.deepEqual(both.droppedDevel, [], 'a -devel installed alongside replaces master\'s, no rule applies');
    assert.deepEqual([...new Set(both.providers.values())].sort(), [art('bash', 'runtime', 'master'), art('zlib', 'devel', 'local', '3'), art('zlib', 'runtime', 'local', '3')]);
  });

  it('a second local install of a component replaces the first', () => {
    const first = replaceComponents(root(), [{ fileName: art('zlib', 'runtime', 'local', 'a'), entries: [dir('.'), dir('opt'), file('opt/a')] }]);
    const second = replaceComponents(first, [{ fileName: art('zlib', 'runtime', 'local', 'b'), entries: [dir('.'), dir('opt'), file('opt/b')] }]);
    assert.ok(!paths(second.entries).includes('opt/a' as RepoPath));
    assert.equal(second.providers.get('opt/b'), art('zlib', 'runtime', 'local', 'b'));
    assert.deepEqual(second.replaced, [art('zlib', 'runtime', 'local', 'a')]);
  });

  it('a path of another component is a TREE_CONFLICT naming every such path; an identical one is not', () => {
    const local = art('zlib', 'runtime', 'local');
    assert.throws(
      () => replaceComponents(root(), [{ fileName: local, entries: [dir('.'), dir('bin'), file('bin/bash', 'evil'), dir('usr'), dir('usr/lib'), file('usr/lib/x')] }]),
      (err) => isHacktreeError(err, 'TREE_CONFLICT') && /bin\/bash \(bash-runtime,/.test(err.message),
    );
    assert.throws(
      () => replaceComponents(root(), [{ fileName: local, entries: [dir('.'), file('bin')] }]),
      (err) => isHacktreeError(err, 'TREE_CONFLICT') && /at bin /.test(err.message),
    );
    const same = replaceComponents(root(), [{ fileName: local, entries: [dir('.'), dir('bin'), file('bin/bash')] }]);
    assert.equal(same.providers.get('bin/bash'), art('bash', 'runtime', 'master'));
  });

  it('a shared directory keeps the root\'s metadata', () => {
    const out = replaceComponents(root(), [{ fileName: art('new', 'runtime', 'local'), entries: [dir('.', 0o700), dir('usr', 0o700), file('usr/new')] }]);
    assert.equal(out.entries.find((e) => e.path === 'usr')!.mode, 0o755);
    assert.equal(out.providers.get('usr/new'), art('new', 'runtime', 'local'));
  });
});

describe('resolveLinkTarget', () => {
  it('resolves relative and absolute targets lexically', () => {
    assert.equal(resolveLinkTarget('usr/lib/libz.so' as RepoPath, 'libz.so.1'), 'usr/lib/libz.so.1');
    assert.equal(resolveLinkTarget('usr/lib/libz.so' as RepoPath, '../../lib/./x'), 'lib/x');
    assert.equal(resolveLinkTarget('usr/lib/libz.so' as RepoPath, '/etc/x'), 'etc/x');
    assert.equal(resolveLinkTarget('a' as RepoPath, '../../x'), null);
  });
});
