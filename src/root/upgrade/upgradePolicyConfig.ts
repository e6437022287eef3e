import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseRootName } from '../../model/root/rootName.js';
import { validateRemoteName } from '../../model/remote/remoteName.js';
import { DEFAULT_UPGRADE_INTERVAL_SECONDS, formatInterval, parseUpgradeInterval, parseUpgradePolicyMode, type UpgradePolicy, type UpgradePolicyMode } from '../../model/root/upgradePolicy.js';
import { readRemote } from '../../store/remote/remoteConfig.js';
import { withRepoLock } from '../../store/repository/repoLock.js';
import type { Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';

/**
 * Upgrade policies live in the repository's git config beside its remotes, one section per
 * root: `root.NAME.upgradePolicy` (off|check|stage|apply), `root.NAME.upgradeInterval` ("6h")
 * and `root.NAME.upgradeRemote`. A root without a section has policy off.
 */
export async function listUpgradePolicies(repo: Repository): Promise<UpgradePolicy[]> {
  const run = await runGit(repo, ['config', '--null', '--get-regexp', '^root\\.']);
  const byRoot = new Map<string, UpgradePolicy>();
  for (const record of run.stdout.split('\0')) {
    const newline = record.indexOf('\n');
    if (newline < 0) continue;
    const m = /^root\.(.+)\.(upgradepolicy|upgradeinterval|upgraderemote)$/i.exec(record.slice(0, newline));
    if (!m) continue;
    const value = record.slice(newline + 1);
    const policy = byRoot.get(m[1]!) ?? { root: m[1]!, policy: 'off', intervalSeconds: DEFAULT_UPGRADE_INTERVAL_SECONDS, remote: null };
    byRoot.set(m[1]!, policy);
    const key = m[2]!.toLowerCase();
    const where = `root.${m[1]}.${m[2]} in ${repo.dir}/config`;
    if (key === 'upgradepolicy') policy.policy = inConfig(where, () => parseUpgradePolicyMode(value));
    else if (key === 'upgradeinterval') policy.intervalSeconds = inConfig(where, () => parseUpgradeInterval(value));
    else policy.remote = value;
  }
  return [...byRoot.values()].sort((a, b) => (a.root < b.root ? -1 : 1));
}

export async function readUpgradePolicy(repo: Repository, name: string): Promise<UpgradePolicy> {
  return (await listUpgradePolicies(repo)).find((p) => p.root === name) ?? { root: name, policy: 'off', intervalSeconds: DEFAULT_UPGRADE_INTERVAL_SECONDS, remote: null };
}

export interface SetUpgradePolicyOptions {
  name: string;
  policy?: UpgradePolicyMode;
  intervalSeconds?: number;
  remote?: string;
}

/** `hacktree root policy NAME [POLICY] [--interval D] [--remote R]`: changes only what is given. */
export async function setUpgradePolicy(repo: Repository, options: SetUpgradePolicyOptions): Promise<UpgradePolicy> {
  parseRootName(options.name);
  if (options.remote !== undefined) await readRemote(repo, validateRemoteName(options.remote));
  await withRepoLock(repo, async () => {
    const section = `root.${options.name}`;
    if (options.policy !== undefined) await setConfig(repo, `${section}.upgradePolicy`, options.policy);
    if (options.intervalSeconds !== undefined) await setConfig(repo, `${section}.upgradeInterval`, formatInterval(options.intervalSeconds));
    if (options.remote !== undefined) await setConfig(repo, `${section}.upgradeRemote`, options.remote);
  });
  return readUpgradePolicy(repo, options.name);
}

function inConfig<T>(where: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new HacktreeError('USAGE', `${where}: ${(err as Error).message}`, {
      hint: 'set it again with "hacktree root policy NAME POLICY --interval 6h"',
      cause: err,
    });
  }
}

async function setConfig(repo: Repository, key: string, value: string): Promise<void> {
  const run = await runGit(repo, ['config', key, value]);
  if (run.status !== 0) {
    throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `git config failed: ${run.stderr.trim()}`, { hint: 'check that the repository config is writable' });
  }
}
