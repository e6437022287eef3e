import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { patchCommitMessage } from '../../src/model/recipe/patchCommitMessage.js';

describe('patchCommitMessage', () => {
  it('a git format-patch file gives its subject without [PATCH n/m], folded lines joined, then its body up to ---', () => {
    const text = [
      'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
      'From: A Developer <a@example.org>',
      'Date: Sun, 1 Jan 2023 00:00:00 +0000',
      'Subject: [PATCH 2/3] hello: a subject long enough',
      ' to be folded',
      '',
      'Why it is needed.',
      '# a line git would strip as a comment, kept here',
      '',
      '---',
      ' hello.c | 2 +-',
      'diff --git a/hello.c b/hello.c',
    ].join('\n');
    assert.equal(patchCommitMessage('0002-x.patch', text), 'hello: a subject long enough to be folded\n\nWhy it is needed.\n# a line git would strip as a comment, kept here');
  });

  it('a mail without the "From <sha>" line, CRLF line ends, and no body gives the subject alone', () => {
    assert.equal(patchCommitMessage('x.patch', 'From: a <a@b>\r\nSubject: [PATCH] fix it\r\n\r\n---\r\n a | 1 +\r\n'), 'fix it');
  });

  it('a plain diff, a quilt header without Subject, or an empty file gives the file name', () => {
    assert.equal(patchCommitMessage('plain.diff', '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n'), 'plain.diff');
    assert.equal(patchCommitMessage('q.patch', 'Upstream-Status: Pending\nSigned-off-by: a <a@b>\n\n--- a/x\n+++ b/x\n'), 'q.patch');
    assert.equal(patchCommitMessage('free.patch', 'Fix the build: it failed\n\n--- a/x\n+++ b/x\n'), 'free.patch');
    assert.equal(patchCommitMessage('empty.patch', ''), 'empty.patch');
  });
});
