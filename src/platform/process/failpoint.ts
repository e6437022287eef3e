/**
 * Crash points for the crash-safety tests: with HACKTREE_FAILPOINT=NAME (or NAME:N, the Nth time
 * it is reached) the process kills itself with SIGKILL right there, as a power cut or OOM kill
 * would. Costs one environment lookup per call otherwise; never set outside tests.
 */
const wanted = process.env.HACKTREE_FAILPOINT;
const hits = new Map<string, number>();

export function failpoint(name: string): void {
  if (wanted === undefined) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (wanted === name || wanted === `${name}:${count}`) process.kill(process.pid, 'SIGKILL');
}
