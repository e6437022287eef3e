import type { ChangeStatus } from '../snapshot/diffEntries.js';

/** What a config.d commit records about the run that made it. */
export interface ConfigRun {
  /** The scripts that ran, in order, with the sha256 of each. */
  scripts: Array<{ name: string; sha256: string }>;
  /** "root" for the root's own etc/hacktree/config.d, else the admin's directory. */
  source: string;
  summary: Record<ChangeStatus, number>;
  /** Set when a script failed and the admin fixed the shadow in a shell, then confirmed. */
  shellAfter?: { script: string; status: number };
}

export const CONFIG_SUBJECT = 'config.d:';
const SCRIPT_LINE = 'config.d-script: ';
const SOURCE_LINE = 'config.d-source: ';

/** The commit message: a subject naming the scripts, then one line per script and per kind of change. */
export function formatConfigMessage(run: ConfigRun): string {
  const subject = `${CONFIG_SUBJECT} ${run.scripts.map((s) => `${s.name} ${s.sha256.slice(0, 12)}`).join(', ')}`;
  const { added, removed, modified, metadata } = run.summary;
  return [
    subject,
    '',
    ...run.scripts.map((s) => `${SCRIPT_LINE}${s.name} sha256:${s.sha256}`),
    `${SOURCE_LINE}${run.source}`,
    ...(run.shellAfter ? [`config.d-shell: after ${run.shellAfter.script} failed with status ${run.shellAfter.status}, changes confirmed in a shell`] : []),
    `added: ${added}`,
    `modified: ${modified}`,
    `removed: ${removed}`,
    `permission changes: ${metadata}`,
    '',
  ].join('\n');
}

/** The scripts and source a config.d commit records, or null for any other commit. */
export function parseConfigMessage(message: string): Pick<ConfigRun, 'scripts' | 'source'> | null {
  if (!message.startsWith(CONFIG_SUBJECT)) return null;
  const scripts: ConfigRun['scripts'] = [];
  let source = 'root';
  for (const line of message.split('\n')) {
    const script = line.startsWith(SCRIPT_LINE) ? /^(.*) sha256:([0-9a-f]{64})$/.exec(line.slice(SCRIPT_LINE.length)) : null;
    if (script) scripts.push({ name: script[1]!, sha256: script[2]! });
    if (line.startsWith(SOURCE_LINE)) source = line.slice(SOURCE_LINE.length);
  }
  return { scripts, source };
}
