import { spawn, type ChildProcess } from 'node:child_process';
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
      await fetch(`${url}/__fault`, { method: 'POST', body: JSON.stringify(fault) });
    },
    async packBytes() {
      return ((await (await fetch(`${url}/__counters`)).json()) as { packBytes: number }).packBytes;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
