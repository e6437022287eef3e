import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuickCommand } from '../../src/cli/quickCommands.js';

// The quick path takes only forms it reads exactly as yargs would; anything else goes to yargs.
const quick = (line: string) => parseQuickCommand(line.split(' '));

test('the plain forms of checkout, root status and root commit take the quick path', () => {
  for (const line of [
    'checkout root-w1 /tmp/w1',
    'checkout root-w1 /tmp/w1 --copy --json -q --repo /r',
    'root status',
    'root status 3.2-runtime --prefix=/opt/x',
    'root commit root-w1 --tree dir=/srv/w1',
    'root commit root-w1 --tree dir=/a --tree tar=/b.tar.gz -m msg --union --repo=/r --json',
    'root commit root-w1 --tree=ref=root-x --message=text --sign /k',
  ]) {
    assert.equal(typeof quick(line), 'function', line);
  }
});

test('forms yargs may read otherwise go to yargs: help, unknown options, list values before a positional, repeated values', () => {
  for (const line of [
    'checkout root-w1 /tmp/w1 --help',
    'checkout root-w1',
    'checkout root-w1 /tmp/w1 --verbose',
    'root commit root-w1',
    // yargs' array option takes every value up to the next option: root-w1 would be a layer
    'root commit --tree dir=/a root-w1',
    'root commit root-w1 --tree dir=/a dir=/b',
    'root commit root-w1 --tree',
    'root commit root-w1 --tree dir=/a -m',
    'root commit root-w1 --tree dir=/a -m one -m two',
    'root commit root-w1 --tree dir=/a --repo /r --repo /s',
    'root commit root-w1 extra --tree dir=/a',
    'root commit root-w1 --tree dir=/a --union=false',
    'root list',
  ]) {
    assert.equal(quick(line), null, line);
  }
});
