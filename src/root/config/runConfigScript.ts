import type { Readable } from 'node:stream';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { ShadowTree } from './shadowTree.js';
import { SCRIPTS_MOUNT, spawnInShadow } from './spawnInShadow.js';

export interface ScriptRun {
  script: string;
  /** The exit status, or 128 + signal number when it was killed. */
  status: number;
  timedOut: boolean;
  /** Everything it wrote to stdout and stderr, interleaved as it came (the last MiB at most). */
  output: string;
  seconds: number;
}

const OUTPUT_LIMIT = 1 << 20;

/**
 * Runs one config script in the shadow's sandbox and waits for it; past `timeoutSeconds` the
 * whole sandbox is killed. A sandbox that never started (bwrap or the overlay mount failed) is
 * EXTERNAL_COMMAND_FAILED; what the script itself does is for the caller to judge.
 */
export async function runConfigScript(options: {
  shadow: ShadowTree;
  scriptsDir: string;
  script: string;
  timeoutSeconds: number;
  onOutput?: (chunk: Buffer) => void;
}): Promise<ScriptRun> {
  const started = Date.now();
  const child = spawnInShadow({ shadow: options.shadow, scriptsDir: options.scriptsDir, argv: [`${SCRIPTS_MOUNT}/${options.script}`], interactive: false });
  let output = Buffer.alloc(0);
  const collect = (chunk: Buffer) => {
    options.onOutput?.(chunk);
    output = Buffer.concat([output, chunk]);
    if (output.length > 2 * OUTPUT_LIMIT) output = output.subarray(output.length - OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let status = '';
  (child.stdio[3] as Readable).on('data', (chunk: Buffer) => (status += chunk.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // The process group: unshare became sh became bwrap; its sandbox dies with it (--die-with-parent).
    process.kill(-child.pid!, 'SIGKILL');
  }, options.timeoutSeconds * 1000);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  }).finally(() => clearTimeout(timer));
  const text = output.toString('utf8');
  if (!timedOut && !/"child-pid"/.test(status)) {
    throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `could not start the sandbox for config script ${options.script}: ${text.trim() || `exit status ${exit.code}`}`, {
      hint: 'config.d needs root, overlayfs, unshare (util-linux) and bubblewrap (apt-get install bubblewrap)',
      data: { script: options.script, status: exit.code, output: text },
    });
  }
  const exitCode = /"exit-code":\s*(\d+)/.exec(status)?.[1];
  return {
    script: options.script,
    status: exitCode !== undefined ? Number(exitCode) : (exit.code ?? 128 + 9),
    timedOut,
    output: text,
    seconds: (Date.now() - started) / 1000,
  };
}
