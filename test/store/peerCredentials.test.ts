import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nativeAddon } from '../../src/platform/native/nativeAddon.js';
import { readPeerCredentials } from '../../src/platform/native/readPeerCredentials.js';

// The daemon's authorization rests on this: the kernel's record of who connected, read on the
// accepted socket, for a peer of another uid and groups than the listener's.
test('peerCredentials gives the connecting process\'s pid, uid, gid and supplementary groups; a file that is no socket is an errno error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-peercred-'));
  const path = join(dir, 's.sock');
  try {
    let onAccept: (socket: Socket) => void = () => {};
    const accepted = new Promise<Socket>((resolve) => (onAccept = resolve));
    const server = createServer((socket) => {
      onAccept(socket);
      server.close();
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    chmodSync(dir, 0o755);
    chmodSync(path, 0o666);
    // A peer as uid 65534, gid 65533, groups 4242 and 4343: nothing it could claim, all the kernel's.
    const client = spawn('setpriv', ['--reuid=65534', '--regid=65533', '--groups=4242,4343', process.execPath, '-e',
      `const s = require('net').connect(${JSON.stringify(path)}); s.on('connect', () => setTimeout(() => s.end(), 2000));`], { stdio: 'ignore' });
    const socket = await accepted;
    const peer = readPeerCredentials(socket);
    assert.deepEqual({ ...peer, groups: [...peer.groups].sort() }, { pid: client.pid, uid: 65534, gid: 65533, groups: [4242, 4343] });
    socket.destroy();
    client.kill();
    const fd = openSync(dir, 'r');
    try {
      assert.throws(() => nativeAddon()!.peerCredentials(fd), { code: 'ENOTSOCK' });
    } finally {
      closeSync(fd);
    }
    assert.throws(() => nativeAddon()!.peerCredentials(-1), { code: 'ERR_INVALID_ARG_TYPE' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
