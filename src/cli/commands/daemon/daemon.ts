import { DEFAULT_SOCKET } from '../../daemon/daemonProtocol.js';
import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

/** The longest the daemon sleeps between two looks at the policies: one set meanwhile is seen then. */
const POLICY_RECHECK_SECONDS = 900;

export const daemonCommand = defineCommand({
  command: 'daemon',
  describe: 'Serve root operations to other users on a Unix socket (HTTP/JSON, docs/daemon.md): one writer, queued; authorized by the caller\'s uid and groups',
  options: {
    socket: { type: 'string', describe: 'the socket to listen on, unless systemd passes one (LISTEN_FDS)', defaultDescription: `HACKTREE_SOCKET, else ${DEFAULT_SOCKET}` },
    'idle-exit': { type: 'number', default: 0, describe: 'exit after this many seconds without clients or queued work (0: never; the systemd unit uses 60)' },
    group: { type: 'string', default: 'hacktree', describe: 'members of this group may install-local, reset and update local branches' },
    'request-timeout': { type: 'number', default: 10, describe: 'seconds a client has to send a whole request' },
    upgrades: { type: 'boolean', default: true, describe: 'run the roots\' upgrade policies (root policy) when due, and on SIGUSR1 (--no-upgrades: never)' },
    prefix: prefixOption,
  },
  examples: [
    ['$0 daemon --socket /tmp/hacktree.sock', 'in the foreground, for a test'],
    ['systemctl enable --now hacktree.socket', 'started by systemd on the first connection, exiting when idle'],
    ['systemctl kill -s USR1 hacktree.service', 'run the upgrade policies that are due now'],
  ],
  output: 'none',
  run: async (args, ui) => {
    const { HacktreeError } = await import('../../../errors/HacktreeError.js');
    if (!(args['idle-exit'] >= 0)) throw new HacktreeError('USAGE', `--idle-exit must be 0 or a number of seconds, not ${args['idle-exit']}`);
    if (!(args['request-timeout'] > 0)) throw new HacktreeError('USAGE', `--request-timeout must be a positive number of seconds, not ${args['request-timeout']}`);
    const { resolve } = await import('node:path');
    const { daemonSocketPath } = await import('../../daemon/daemonProtocol.js');
    const { startDaemon } = await import('../../daemon/daemonServer.js');
    const { recoverDeployments } = await import('../../daemon/recoverDeployments.js');
    // What a client does not send is not taken from the daemon's own environment instead.
    delete process.env.HACKTREE_ROOT;
    const scope = { repo: resolve(args.repo), prefix: await ui.prefix() };
    const log = (line: string) => process.stderr.write(`hacktree daemon: ${line}\n`);
    const daemon = await startDaemon({
      socket: resolve(args.socket ?? daemonSocketPath()),
      scope,
      group: args.group,
      idleExitSeconds: args['idle-exit'],
      requestTimeoutSeconds: args['request-timeout'],
      log,
      recover: () => recoverDeployments(scope.prefix, log),
      periodic: args.upgrades ? { run: () => runDuePolicies(scope, log), maxSleepSeconds: POLICY_RECHECK_SECONDS } : undefined,
    });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => daemon.stop(signal));
    process.on('SIGUSR1', () => daemon.runPeriodicNow('SIGUSR1'));
    await daemon.closed;
  },
});

/** The daemon's periodic work: `root upgrade --due`, each root's outcome in the daemon's log. */
async function runDuePolicies(scope: { repo: string; prefix: string }, log: (line: string) => void): Promise<{ nextAt: Date | null }> {
  const { runDueUpgrades } = await import('../../../root/upgrade/runDueUpgrades.js');
  const { describeDueUpgradeEvent } = await import('../../output/describeDueUpgrades.js');
  const run = await runDueUpgrades({
    repoDir: scope.repo,
    prefix: scope.prefix,
    onEvent: (event) => {
      const line = describeDueUpgradeEvent(event);
      log(line === undefined ? `upgrade policy: root ${event.root}: ${event.policy.policy} started` : `upgrade policy: ${line}`);
    },
  });
  log(`upgrade policies: ${run.nextDueAt === null ? 'none set on a deployed root' : `the next is due at ${run.nextDueAt}`}`);
  return { nextAt: run.nextDueAt === null ? null : new Date(run.nextDueAt) };
}
