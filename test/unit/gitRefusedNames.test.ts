import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { hashObject } from '../../src/model/git/gitObject.js';
import { gitSpecialFileProblem } from '../../src/model/git/gitSpecialFileProblem.js';
import { encodePathBytes } from '../../src/model/snapshot/pathBytes.js';
import { entryKindProblem, isGitSpecialFileName, nameProblem, parseCanonicalRepoPath, parseRepoPath } from '../../src/model/snapshot/repoPath.js';

// What hacktree refuses at the door is what `git fsck --strict` would refuse later: the git on
// this machine is the oracle. Every case becomes a loose object in one scratch repository and
// one fsck run says which of them git reports.

let gitDir: string;
before(() => {
  gitDir = mkdtempSync(join(tmpdir(), 'hacktree-refused-names-'));
  const init = spawnSync('git', ['init', '-q', '--bare', gitDir], { encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
});
after(() => rmSync(gitDir, { recursive: true, force: true }));

function writeLoose(type: 'blob' | 'tree', body: Buffer): string {
  const oid = hashObject(type, body);
  const dir = join(gitDir, 'objects', oid.slice(0, 2));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, oid.slice(2)), deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body])));
  return oid;
}

function treeOf(mode: string, name: string, oid: string): string {
  return writeLoose('tree', Buffer.concat([Buffer.from(`${mode} `), encodePathBytes(name), Buffer.from([0]), Buffer.from(oid, 'hex')]));
}

/** The ids git fsck --strict reports an error for (warnings and notices aside). */
function fsckErrors(): Set<string> {
  const run = spawnSync('git', [`--git-dir=${gitDir}`, 'fsck', '--strict', '--no-dangling', '--no-progress'], { encoding: 'utf8' });
  return new Set([...`${run.stdout}${run.stderr}`.matchAll(/^error in (?:tree|blob) ([0-9a-f]{40})/gm)].map((m) => m[1]!));
}

const EMPTY = Buffer.alloc(0);

test('the names refused as .git are exactly those git fsck --strict refuses (hasDotgit)', () => {
  const names = [
    '.git', '.GIT', '.Git', '.git.', '.git ', '.git. .', '.git:x', '.git::$INDEX_ALLOCATION', 'git~1', 'GIT~1', 'Git~1.', 'git~1 ',
    '.g\u200cit', '\u200c.git', '.git\ufeff', '.GI\u200dT', 'a\\.git', 'a\\git~1', '.git\\x', 'x\\.GIT.',
    'git', '.gitignore', '.github', '.git-blame-ignore-revs', 'git~2', 'git~10', '.gitx', 'x.git', '.g it', '.gi', 'git~', '.git.x',
    '.git\udcff', 'gitmod~1', '.gitmodules', 'caf\u00e9', '\u200c',
  ];
  const blob = writeLoose('blob', EMPTY);
  const trees = names.map((name) => treeOf('100644', name, blob));
  const refused = fsckErrors();
  names.forEach((name, i) => {
    const problem = nameProblem(name);
    assert.equal(problem?.code === 'UNSAFE_PATH', refused.has(trees[i]!), `${JSON.stringify(name)}: git ${refused.has(trees[i]!) ? 'refuses' : 'accepts'} it, hacktree ${problem ? 'refuses' : 'accepts'} it`);
  });
});

test('the .gitmodules and .gitattributes spellings whose content is checked are those git fsck checks', () => {
  const modules = [
    '.gitmodules', '.GITMODULES', '.gitmodules ', '.gitmodules.', '.gitmodules:x', 'gitmod~1', 'GITMOD~4', 'gi7eba~1', 'gi7eba~9',
    '.git\u200cmodules', 'a\\.gitmodules', 'a\\gitmod~1',
    'gitmod~5', '.gitmodulesx', 'gitmodules', 'gi7eba~0', 'gi7eb~12', '.gitmodule',
  ];
  const attributes = ['.gitattributes', '.GITATTRIBUTES', 'gitatt~1', 'gi7d29~1', '.gitattributes .', 'gitattributes', '.gitattribute'];
  const longLine = `*.c ${'x'.repeat(3000)}\n`;
  const cases = [
    ...modules.map((name, i) => ({ name, content: Buffer.from(`# ${i}\n[submodule "x"]\n\turl = --upload-pack=touch /tmp/pwned\n`) })),
    ...attributes.map((name, i) => ({ name, content: Buffer.from(`# ${i}\n${longLine}`) })),
  ];
  const blobs = cases.map(({ content }) => writeLoose('blob', content));
  cases.forEach(({ name }, i) => treeOf('100644', name, blobs[i]!));
  const refused = fsckErrors();
  cases.forEach(({ name, content }, i) => {
    const ours = isGitSpecialFileName(name) && gitSpecialFileProblem(name, content) !== undefined;
    assert.equal(ours, refused.has(blobs[i]!), `${JSON.stringify(name)}: git ${refused.has(blobs[i]!) ? 'refuses' : 'accepts'} its content`);
  });
  // Symlinks and directories with those names: git refuses them as entries.
  assert.match(entryKindProblem('sub/.GITMODULES', 'symlink')!, /symlink/);
  assert.match(entryKindProblem('gitmod~1', 'dir')!, /directory/);
  assert.match(entryKindProblem('a/.gitattributes', 'dir')!, /\.gitattributes/);
  assert.equal(entryKindProblem('.gitattributes', 'symlink'), undefined, 'git only notes (INFO) a .gitattributes symlink');
  assert.equal(entryKindProblem('.gitmodules', 'file'), undefined);
});

test('.gitmodules contents: refused exactly where git fsck --strict reports gitmodulesUrl, Path, Update or Name', () => {
  const contents = [
    '[submodule "x"]\n\turl = --upload-pack=touch /tmp/pwned\n',
    '[submodule "x"]\n\turl = https://example.com/x.git\n\tpath = x\n\tupdate = rebase\n',
    '[submodule "x"]\n\tpath = -x\n',
    '[submodule "x"]\n\tupdate = !sh -c evil\n',
    '[submodule "../../x"]\n\tpath = x\n',
    '[submodule "a\\\\..\\\\b"]\n\tpath = x\n',
    '[submodule ""]\n\tpath = a\n',
    '[submodule "x"]\n\turl = "-quoted"\n',
    '[submodule "x"]\n\turl = " -space"\n',
    '[submodule.x]\n\turl = -dotted\n',
    '[SubModule "x"]\n\tURL = -caps\n',
    '[submodule "x"]\n\turl = ok\n[garbage\n[submodule "y"]\n\turl = -after-a-syntax-error\n',
    '[submodule "x"]\n\turl = ../:x\n',
    '[submodule "x"]\n\turl = ../../x\n',
    '[submodule "x"]\n\turl = ./%0afoo\n',
    '[submodule "x"]\n\turl = https://%0a@example.com/\n',
    '[submodule "x"]\n\turl = https:///example.com/\n',
    '[submodule "x"]\n\turl = http::https://example.com/x\n',
    '# comment\n[submodule "x"] ; c\n\turl = -x ; trailing\n',
    '[submodule "x"]\n\turl = \\\n-continued\n',
    '[submodule "x"]\n\turl\n',
    '[submodule "a.b"]\n\turl = -x\n',
    '[submodule "x"]\r\n\turl = -crlf\r\n',
    '[core]\n\turl = -not-a-submodule\n',
    '[submodule "x"]\n\turl = git://example.com/%0a\n',
  ];
  const blobs = contents.map((content) => writeLoose('blob', Buffer.from(content)));
  blobs.forEach((blob) => treeOf('100644', '.gitmodules', blob));
  const refused = fsckErrors();
  contents.forEach((content, i) => {
    const problem = gitSpecialFileProblem('.gitmodules', Buffer.from(content));
    assert.equal(problem !== undefined, refused.has(blobs[i]!), `${JSON.stringify(content)}: git ${refused.has(blobs[i]!) ? 'refuses' : 'accepts'} it, hacktree says ${problem ?? 'nothing'}`);
  });
  // Behind a byte order mark git on x86 sees a syntax error, git on ARM the setting: refused.
  assert.match(gitSpecialFileProblem('.gitmodules', Buffer.from('\ufeff[submodule "x"]\n\turl = -bom\n'))!, /gitmodulesUrl/);
});

test('a name over 255 bytes and a path over 3072 bytes are NAME_TOO_LONG, naming the path; 255 bytes is fine', () => {
  const ok = 'x'.repeat(255);
  assert.equal(parseRepoPath(`usr/${ok}`), `usr/${ok}`);
  assert.equal(parseRepoPath(`usr/${'\u00e9'.repeat(127)}x`), `usr/${'\u00e9'.repeat(127)}x`, '255 bytes of UTF-8');
  for (const raw of [`usr/${'x'.repeat(256)}`, `usr/${'\u00e9'.repeat(128)}`, `usr/${'\udcff'.repeat(256)}`, Array.from({ length: 40 }, () => 'd'.repeat(80)).join('/')]) {
    assert.throws(() => parseRepoPath(raw, 'member 3'), (err: unknown) => {
      assert.ok(isHacktreeError(err, 'NAME_TOO_LONG'), String(err));
      assert.ok(err.message.includes('member 3') && err.message.includes(JSON.stringify(raw).slice(1, 40)), err.message);
      return true;
    });
    assert.throws(() => parseCanonicalRepoPath(raw), (err: unknown) => isHacktreeError(err, 'NAME_TOO_LONG'));
  }
  assert.equal(nameProblem('x'.repeat(256))?.code, 'NAME_TOO_LONG');
  for (const raw of ['usr/GIT~1/x', 'a/.git./b', 'a/.git ', '.Git:x', 'a/\u200c.git/b']) {
    assert.throws(() => parseRepoPath(raw), (err: unknown) => isHacktreeError(err, 'UNSAFE_PATH') && err.message.includes(JSON.stringify(raw)), raw);
    assert.throws(() => parseCanonicalRepoPath(raw), (err: unknown) => isHacktreeError(err, 'UNSAFE_PATH'), raw);
  }
  for (const raw of ['usr/share/gitk/lib', 'usr/share/doc/git/.gitignore', 'a/.github/x', `usr/${'y'.repeat(200)}/z`]) {
    assert.equal(parseCanonicalRepoPath(raw), raw);
  }
});
