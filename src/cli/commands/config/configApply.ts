import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

export const configApplyCommand = defineCommand({
  command: 'apply <name>',
  describe: 'Run the config.d scripts in a shadow of a deployed root, commit what they changed on local/root-NAME, redeploy (needs root)',
  positionals: { name: { type: 'string', demandOption: true, describe: 'a deployed root' } },
  options: {
    scripts: { type: 'string', describe: 'run the executable files of this directory instead of the root\'s etc/hacktree/config.d' },
    shell: { type: 'boolean', default: false, describe: 'on a terminal: when a script fails, open a shell in the shadow, then ask whether to apply' },
    timeout: { type: 'number', default: 300, describe: 'seconds each script may run before its sandbox is killed' },
    prefix: prefixOption,
  },
  examples: [
    ['$0 config apply 3.2-runtime-opt-x86_64', 'run the root\'s own /etc/hacktree/config.d scripts'],
    ['$0 config apply 3.2-runtime-opt-x86_64 --scripts /srv/admin/config.d --timeout 60', 'an admin\'s own scripts, one minute each'],
  ],
  daemon: { operation: 'config-apply', paths: ['scripts'] },
  run: async (args, ui) => {
    const { HacktreeError } = await import('../../../errors/HacktreeError.js');
    if (!(args.timeout > 0)) throw new HacktreeError('USAGE', `--timeout must be a positive number of seconds, not ${args.timeout}`);
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    if (args.shell && !interactive) {
      throw new HacktreeError('USAGE', '--shell needs a terminal: it opens a shell and asks before applying', {
        hint: 'run it from an interactive terminal, or without --shell',
      });
    }
    const { resolve } = await import('node:path');
    const { applyConfig } = await import('../../../root/config/applyConfig.js');
    const { formatEntryChanges } = await import('../../output/formatEntryChanges.js');
    const live = ui.live;
    return applyConfig({
      repoDir: args.repo,
      name: args.name,
      prefix: await ui.prefix(),
      scriptsDir: args.scripts === undefined ? undefined : resolve(args.scripts),
      timeoutSeconds: args.timeout,
      onScriptStart: live && ((script) => live(`==> ${script}\n`)),
      onOutput: live && ((_script, chunk) => live(chunk)),
      shellOnFailure: args.shell
        ? {
            onShell: (script, status) =>
              process.stderr.write(`config script ${script} failed with exit status ${status}: a shell in the shadow (/ is the root as the scripts left it); exit it to review the changes\n`),
            confirm: async (shadow) => {
              const { createInterface } = await import('node:readline/promises');
              process.stdout.write(`${formatEntryChanges(shadow.changes, shadow.summary).join('\n')}\n`);
              const rl = createInterface({ input: process.stdin, output: process.stdout });
              const answer = await rl.question('apply these changes? [y/N] ').finally(() => rl.close());
              return /^y(es)?$/i.test(answer.trim());
            },
          }
        : undefined,
    });
  },
  text: async (result) => {
    if (result.scripts.length === 0) return `no config.d scripts in ${result.source === 'root' ? `${result.deployment?.dir}/etc/hacktree/config.d` : result.source}: nothing to do`;
    const ran = `ran ${result.scripts.map((s) => s.name).join(', ')}`;
    if (!result.applied) return `${ran}: no changes`;
    const { formatEntryChanges } = await import('../../output/formatEntryChanges.js');
    return [
      ...formatEntryChanges(result.changes, result.summary),
      `${ran}; committed ${result.commit} on local/root-${result.root}, deployed at ${result.deployment?.dir}`,
    ];
  },
});
