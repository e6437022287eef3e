import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  name?: string;
  prefix?: string;
}

export const rootStatusCommand: CommandModule<GlobalArgs, Args> = {
  command: 'status [name]',
  describe: 'The deployed roots: branch, commit, when deployed, local components, previous deployment',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'one root (default: every deployed root)' })
      .option('prefix', prefixOption)
      .example('$0 root status', 'every deployed root')
      .example('$0 root status 3.2-runtime-opt-x86_64 --json', 'one root, as JSON'),
  handler: printRootStatus,
};

/** The handler, also run by main's quick path (see quickCommands). */
export async function printRootStatus(argv: Args): Promise<void> {
  const { rootStatus, describeDeployment } = await import('../../../root/deploy/rootStatus.js');
  const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
  const roots = rootStatus({ prefix: resolvePrefix(argv.prefix), name: argv.name });
  printResult(argv, roots, () =>
    roots.length === 0
      ? 'no deployed roots'
      : roots.flatMap((s) => [
          `root ${s.root} at ${s.publicPath}${s.published ? '' : ' (NOT PUBLISHED: run "hacktree root mount --all")'}`,
          `  current:  ${describeDeployment(s.current)}`,
          `  local:    ${s.current?.localArtifacts?.length ? s.current.localArtifacts.join(' ') : 'none'}`,
          `  previous: ${describeDeployment(s.previous)}`,
          ...s.older.map((r) => `  older:    ${describeDeployment(r)}`),
        ]),
  );
}
