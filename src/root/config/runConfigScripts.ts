import { HacktreeError } from '../../errors/HacktreeError.js';
import { failpoint } from '../../platform/process/failpoint.js';
import type { ConfigScript } from './listConfigScripts.js';
import { runConfigScript, type ScriptRun } from './runConfigScript.js';
import type { ShadowTree } from './shadowTree.js';

export interface ConfigScriptsOptions {
  shadow: ShadowTree;
  scriptsDir: string;
  scripts: readonly ConfigScript[];
  timeoutSeconds: number;
  onScriptStart?: (script: string) => void;
  onOutput?: (script: string, chunk: Buffer) => void;
}

/** Runs the scripts in order in the shadow; stops at the first that fails and returns it as `failed`. */
export async function runConfigScripts(options: ConfigScriptsOptions): Promise<{ runs: ScriptRun[]; failed: ScriptRun | null }> {
  const runs: ScriptRun[] = [];
  for (const script of options.scripts) {
    options.onScriptStart?.(script.name);
    const run = await runConfigScript({
      shadow: options.shadow,
      scriptsDir: options.scriptsDir,
      script: script.name,
      timeoutSeconds: options.timeoutSeconds,
      onOutput: options.onOutput && ((chunk) => options.onOutput!(script.name, chunk)),
    });
    runs.push(run);
    failpoint('config-after-script');
    if (run.timedOut || run.status !== 0) return { runs, failed: run };
  }
  return { runs, failed: null };
}

/** CONFIG_SCRIPT_FAILED naming the script, how it ended and the end of its output. */
export function configScriptFailed(run: ScriptRun, timeoutSeconds: number, note = 'nothing was changed'): HacktreeError {
  const how = run.timedOut ? `ran longer than ${timeoutSeconds} s and was killed` : `failed with exit status ${run.status}`;
  const tail = run.output.replace(/\n+$/, '').split('\n').slice(-20).join('\n');
  return new HacktreeError('CONFIG_SCRIPT_FAILED', `config script ${run.script} ${how}; ${note}${tail === '' ? '' : `\nlast lines of its output:\n${tail}`}`, {
    hint: run.timedOut
      ? 'fix the script so it ends, or give it longer with --timeout SECONDS'
      : 'fix the script and apply again; --shell (on a terminal) opens a shell in the shadow instead of failing',
    data: { script: run.script, status: run.status, timedOut: run.timedOut, output: tail },
  });
}
