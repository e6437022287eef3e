import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

/** A real nginx (Debian's, with its WebDAV module) serving `root` on 127.0.0.1, started and stopped by a test. */
export interface NginxServer {
  /** The base URL, ending in '/'. */
  url: string;
  /** The directory it serves and PUT writes into. */
  root: string;
  port: number;
  /** Stops it and waits for it to exit. */
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** Everything (config, pid, logs, temp files, the served root) goes below this directory. */
  dir: string;
  /** When given, PUT needs these credentials (HTTP basic); GET and HEAD need none. */
  user?: string;
  password?: string;
  /** nginx's dav_methods (default "PUT"; "PUT DELETE" lets an upload delete). */
  davMethods?: string;
  /** The directory it serves (default: `dir`/www). */
  root?: string;
  /** An address and port to listen on (default: 127.0.0.1 and a free port). */
  listen?: { host: string; port: number };
}

/** A port no one listens on right now: the kernel picks one for a listener that is closed at once. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts nginx in the foreground with its own config, pid, logs and temp paths under `dir`
 * (never the system service), PUT enabled (`dav_methods PUT`, or `davMethods`; `create_full_put_path on`).
 */
export async function startNginx(options: NginxOptions): Promise<NginxServer> {
  const { dir } = options;
  const root = options.root ?? join(dir, 'www');
  mkdirSync(root, { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  if (options.user !== undefined) writeFileSync(join(dir, 'htpasswd'), `${options.user}:{PLAIN}${options.password ?? ''}\n`);
  const auth = options.user === undefined ? '' : `limit_except GET HEAD { auth_basic "hacktree cache"; auth_basic_user_file ${join(dir, 'htpasswd')}; }`;
  for (let attempt = 0; ; attempt++) {
    const port = options.listen?.port ?? (await freePort());
    const host = options.listen?.host ?? '127.0.0.1';
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, `
daemon off;
user root root;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} info;
events { worker_connections 64; }
http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'tmp', 'body')};
  proxy_temp_path ${join(dir, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(dir, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(dir, 'tmp', 'scgi')};
  server {
    listen ${host}:${port};
    root ${root};
    client_max_body_size 0;
    location / {
      dav_methods ${options.davMethods ?? 'PUT'};
      create_full_put_path on;
      dav_access user:rw group:r all:r;
      ${auth}
    }
  }
}
`);
    const child = spawn('nginx', ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (await waitForListener(host, port, child)) {
      return { url: `http://${host}:${port}/`, root, port, stop: () => stopChild(child, exited) };
    }
    await stopChild(child, exited);
    // Another process may have taken the port between freePort and nginx's bind: try another.
    if (attempt >= 3 || options.listen !== undefined) throw new Error(`nginx did not start: ${stderr}\n${readLog(join(dir, 'error.log'))}`);
  }
}

async function waitForListener(host: string, port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) return false;
    const connected = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (connected) return child.exitCode === null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
