import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fault } from './gitHttpServerProcess.js';

export interface GitHttpServer {
  /** http://127.0.0.1:PORT, without credentials. */
  url: string;
  setFault(fault: Fault): Promise<void>;
  /** Bytes of upload-pack responses served so far. */
  packBytes(): Promise<number>;
  process: ChildProcess;
  /** Resolves once the server process has exited. */
  exited(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a smart-HTTP git server for the bare repositories under `projectRoot` (URL
 * `${url}/NAME.git` for `projectRoot/NAME.git`) on 127.0.0.1, port 0, in its own process.
 */
export async function startGitHttpServer(options: { projectRoot: string; users?: Record<string, string>; auth?: 'push' | 'all' }): Promise<GitHttpServer> {
  const main = join(dirname(fileURLToPath(import.meta.url)), 'gitHttpServerProcess.js');
  const config = { projectRoot: options.projectRoot, users: options.users ?? {}, auth: options.auth ?? 'push' };
  const child = spawn(process.execPath, [main, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.on('exit', (code) => reject(new Error(`git HTTP server exited (${code}) before listening`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    process: child,
    async setFault(fault) {
      await control(port, 'POST', '/__fault', JSON.stringify(fault));
    },
    async packBytes() {
      return (JSON.parse(await control(port, 'GET', '/__counters')) as { packBytes: number }).packBytes;
    },
    exited() {
      return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One request on a fresh connection: a kept-alive one may have been closed by the server meanwhile. */
function control(port: number, method: string, path: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}
