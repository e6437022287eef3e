import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  name: string;
  scripts?: string;
  shell: boolean;
  timeout: number;
  prefix?: string;
}

export const configApplyCommand: CommandModule<GlobalArgs, Args> = {
  command: 'apply <name>',
  describe: 'Run the config.d scripts in a shadow of a deployed root, commit what they changed on local/root-NAME, redeploy (needs root)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'a deployed root' })
      .option('scripts', { type: 'string', describe: 'run the executable files of this directory instead of the root\'s etc/hacktree/config.d' })
      .option('shell', { type: 'boolean', default: false, describe: 'on a terminal: when a script fails, open a shell in the shadow, then ask whether to apply' })
      .option('timeout', { type: 'number', default: 300, describe: 'seconds each script may run before its sandbox is killed' })
      .option('prefix', prefixOption)
      .example('$0 config apply 3.2-runtime-opt-x86_64', 'run the root\'s own /etc/hacktree/config.d scripts')
      .example('$0 config apply 3.2-runtime-opt-x86_64 --scripts /srv/admin/config.d --timeout 60', 'an admin\'s own scripts, one minute each'),
  handler: async (argv) => {
    const { HacktreeError } = await import('../../../errors/HacktreeError.js');
    if (!(argv.timeout > 0)) throw new HacktreeError('USAGE', `--timeout must be a positive number of seconds, not ${argv.timeout}`);
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    if (argv.shell && !interactive) {
      throw new HacktreeError('USAGE', '--shell needs a terminal: it opens a shell and asks before applying', {
        hint: 'run it from an interactive terminal, or without --shell',
      });
    }
    const { resolve } = await import('node:path');
    const { applyConfig } = await import('../../../root/config/applyConfig.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const { formatEntryChanges } = await import('../../output/formatEntryChanges.js');
    const echo = process.stderr.isTTY && !argv.quiet && !argv.json;
    const result = await applyConfig({
      repoDir: argv.repo,
      name: argv.name,
      prefix: resolvePrefix(argv.prefix),
      scriptsDir: argv.scripts === undefined ? undefined : resolve(argv.scripts),
      timeoutSeconds: argv.timeout,
      onScriptStart: echo ? (script) => process.stderr.write(`==> ${script}\n`) : undefined,
      onOutput: echo ? (_script, chunk) => process.stderr.write(chunk) : undefined,
      shellOnFailure: argv.shell
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
    printResult(argv, result, () => {
      if (result.scripts.length === 0) return `no config.d scripts in ${result.source === 'root' ? `${result.deployment?.dir}/etc/hacktree/config.d` : result.source}: nothing to do`;
      const ran = `ran ${result.scripts.map((s) => s.name).join(', ')}`;
      if (!result.applied) return `${ran}: no changes`;
      return [
        ...formatEntryChanges(result.changes, result.summary),
        `${ran}; committed ${result.commit} on local/root-${result.root}, deployed at ${result.deployment?.dir}`,
      ];
    });
  },
};
