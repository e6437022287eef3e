import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchCredential, parseCredentialLine } from '../../src/model/remote/credentialLine.js';
import { parseCommit, serializeCommit, type GitCommit } from '../../src/model/git/gitCommit.js';
import { hashObject } from '../../src/model/git/gitObject.js';
import type { Oid } from '../../src/model/git/oid.js';
import { redactUrl, urlHasCredentials } from '../../src/model/remote/redactUrl.js';
import { remoteEnvPrefix, validateRemoteName } from '../../src/model/remote/remoteName.js';

test('URLs lose their credentials wherever they appear in a message', () => {
  assert.equal(redactUrl("fatal: unable to access 'https://bob:s3cret@git.example.org/r.git/': 401"), "fatal: unable to access 'https://***@git.example.org/r.git/': 401");
  assert.equal(redactUrl('http://tok@127.0.0.1:8080/x and http://a:b@h/y'), 'http://***@127.0.0.1:8080/x and http://***@h/y');
  assert.equal(redactUrl('https://git.example.org/r.git'), 'https://git.example.org/r.git');
  assert.ok(urlHasCredentials('https://u:p@h/r'));
  assert.ok(!urlHasCredentials('https://h/r@x'));
});

test('credentials file lines: git credential-store format, matched by protocol, host, port and path prefix', () => {
  const lines = ['# comment', '', 'https://bob:p%40ss@git.example.org/team', 'http://amy:pw@127.0.0.1:8080', 'not a url'].map(parseCredentialLine).filter((l) => l !== null);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0], { protocol: 'https:', host: 'git.example.org', path: '/team', user: 'bob', password: 'p@ss' });
  assert.equal(matchCredential(lines, 'https://git.example.org/team/roots.git')?.user, 'bob');
  assert.equal(matchCredential(lines, 'https://git.example.org/other/roots.git'), null);
  assert.equal(matchCredential(lines, 'http://git.example.org/team/roots.git'), null, 'not across protocols');
  assert.equal(matchCredential(lines, 'http://127.0.0.1:8080/dist.git')?.user, 'amy');
  assert.equal(matchCredential(lines, 'http://127.0.0.1:8081/dist.git'), null, 'not across ports');
});

test('remote names are config subsections and environment variable parts', () => {
  assert.equal(validateRemoteName('dist-2_b'), 'dist-2_b');
  for (const bad of ['', '-x', 'a.b', 'a/b', 'a b', 'x'.repeat(65)]) assert.throws(() => validateRemoteName(bad), { code: 'USAGE' });
  assert.equal(remoteEnvPrefix('dist-2'), 'HACKTREE_REMOTE_DIST_2_');
});

test('a gpgsig header is written as git writes it and ignored when parsing', () => {
  const commit: GitCommit = {
    tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904' as Oid,
    parents: [],
    author: { name: 'a', email: 'a@x', timestamp: 1, timezoneOffset: 0 },
    committer: { name: 'a', email: 'a@x', timestamp: 1, timezoneOffset: 0 },
    message: 'm\n',
    gpgsig: '-----BEGIN SSH SIGNATURE-----\nAAAA\nBBBB\n-----END SSH SIGNATURE-----\n',
  };
  const text = serializeCommit(commit).toString();
  assert.equal(text, 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor a <a@x> 1 +0000\ncommitter a <a@x> 1 +0000\ngpgsig -----BEGIN SSH SIGNATURE-----\n AAAA\n BBBB\n -----END SSH SIGNATURE-----\n\nm\n');
  const parsed = parseCommit(serializeCommit(commit), hashObject('commit', serializeCommit(commit)));
  assert.equal(parsed.message, 'm\n');
  assert.equal(parsed.tree, commit.tree);
});
