import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import { dirname } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';

/** Where the daemon listens: a socket systemd passed (fd 3), or the path it made itself. */
export type DaemonListener = { activated: true } | { activated: false; path: string };

/**
 * Listens on the socket systemd passed when it started the daemon on a first connection
 * (LISTEN_PID is this process, LISTEN_FDS at least 1: fd 3, sd_listen_fds(3)), else on `path`:
 * a socket no daemon answers on is a stale one and is replaced; a live daemon's socket, or
 * anything that is not a socket, is left alone and refused. The socket is open to everyone
 * (mode 0666): who may do what is decided per request from the caller's credentials.
 */
export async function listenDaemonSocket(server: Server, path: string): Promise<DaemonListener> {
  if (process.env.LISTEN_PID === String(process.pid) && Number(process.env.LISTEN_FDS) >= 1) {
    // Not for the processes the daemon starts (config.d scripts, git): they are no daemon.
    delete process.env.LISTEN_PID;
    delete process.env.LISTEN_FDS;
    delete process.env.LISTEN_FDNAMES;
    await listen(server, { fd: 3 });
    return { activated: true };
  }
  await clearStaleSocket(path);
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  await listen(server, { path });
  chmodSync(path, 0o666);
  return { activated: false, path };
}

function listen(server: Server, where: { fd: number } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function clearStaleSocket(path: string): Promise<void> {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    throw err;
  }
  if (!stat.isSocket()) {
    const what = stat.isFile() ? 'a regular file' : stat.isDirectory() ? 'a directory' : stat.isSymbolicLink() ? 'a symbolic link' : 'not a socket';
    throw new HacktreeError('PATH_OCCUPIED', `the daemon's socket path ${path} is ${what}; nothing was removed`, {
      hint: 'move it away, or give the daemon another path with --socket PATH (and HACKTREE_SOCKET=PATH to its clients)',
      data: { path },
    });
  }
  const answered = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (answered) {
    throw new HacktreeError('PATH_OCCUPIED', `a daemon already listens on ${path}; nothing was removed`, {
      hint: 'stop it first (systemctl stop hacktree.socket hacktree.service), or give this one another --socket PATH',
      data: { path },
    });
  }
  unlinkSync(path);
}
