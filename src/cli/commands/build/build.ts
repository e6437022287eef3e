import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { buildDisplay } from '../../output/buildDisplay.js';
import { buildStatsCommand } from './buildStats.js';
import { localOptions } from '../../options/localOptions.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  recipes: string[];
  root: string[];
  flavor: Array<'opt' | 'debug'>;
  'dry-run': boolean;
  explain?: string;
  jobs: number;
  'make-jobs'?: number;
  'keep-failed': boolean;
  cache: string[];
  stats: boolean;
}

export const buildCommand: CommandModule<GlobalArgs, Args> = {
  command: 'build [recipes..]',
  describe: 'Build recipes into artifacts, hermetically, cached by build id',
  builder: (y) =>
    localOptions(y, ['C', 'root', 'flavor', 'dry-run', 'explain', 'jobs', 'make-jobs', 'keep-failed', 'cache', 'stats'])
      .option('C', workspaceOption)
      .positional('recipes', { type: 'string', array: true, default: [], describe: 'recipes to build, with their build dependencies (default: all)' })
      .option('root', { type: 'string', array: true, default: [], describe: 'root versions (roots/VERSION.json) to build for (default: all)' })
      .option('flavor', { choices: ['opt', 'debug'] as const, array: true, default: ['opt', 'debug'] as Array<'opt' | 'debug'>, describe: 'flavors to build' })
      .option('dry-run', { alias: 'n', type: 'boolean', default: false, describe: 'say for each recipe: cached, fetch or build, and why; change nothing' })
      .option('explain', { type: 'string', describe: 'say which inputs of RECIPE changed since its last build (implies --dry-run)' })
      .option('jobs', { alias: 'j', type: 'number', default: 1, describe: 'recipes built at once' })
      .option('make-jobs', { type: 'number', describe: 'make -jN inside each build', defaultDescription: 'the number of CPUs' })
      .option('keep-failed', { type: 'boolean', default: false, describe: 'keep the work directory of a failed build' })
      .option('cache', { type: 'string', array: true, default: [], describe: 'artifact cache (URL or directory) to look in before building; also HACKTREE_CACHE and "cache =" in the config file' })
      .option('stats', { type: 'boolean', default: false, describe: "after the build, each recipe's time per step (artifacts/.builds/stats.json keeps them)" })
      .command(buildStatsCommand)
      .example('$0 build', 'build every recipe for every root in roots/, both flavors')
      .example('$0 build hello --flavor debug -n', 'what building hello (debug) would do, and why')
      .example('$0 build --stats', "build, then each recipe's time per step"),
  handler: async (argv) => {
    const { buildWorkspace } = await import('../../../builder/plan/buildWorkspace.js');
    const { resolveArtifactCaches, resolveSourceCache } = await import('../../../builder/plan/buildSettings.js');
    const { formatStepTimes } = await import('../../output/formatStepTimes.js');
    const dryRun = argv['dry-run'] || argv.explain !== undefined;
    const display = buildDisplay(argv);
    const result = await buildWorkspace({
      repoDir: argv.repo,
      workspace: argv.C,
      recipes: argv.explain !== undefined ? [argv.explain] : argv.recipes,
      versions: argv.root,
      flavors: [...new Set(argv.flavor)],
      dryRun,
      parallel: argv.jobs,
      makeJobs: argv['make-jobs'],
      keepFailed: argv['keep-failed'],
      caches: resolveArtifactCaches(argv.cache),
      sourceCache: resolveSourceCache(),
      onStep: display.onStep,
      onProgress: display.onProgress,
      onWarning: (warning) => argv.quiet || display.log(`hacktree: warning: ${warning}`),
      onNote: argv.verbose ? (note) => display.log(`hacktree: warning: ${note}`) : undefined,
    }).finally(display.finish);
    const plan = argv.explain === undefined ? result.plan : result.plan.filter((line) => line.recipe === argv.explain);
    printResult(argv, argv.explain === undefined ? result : { plan }, () => {
      if (argv.explain !== undefined) {
        return plan.flatMap((line) => [
          `${line.recipe} for ${line.root} (${line.flavor}): ${line.action}, build id ${line.buildId}`,
          `  ${line.reason}`,
          ...line.changes.map((c) => `  ${c.change} ${c.kind} ${c.name}`),
        ]);
      }
      if (dryRun) return plan.map((line) => `${line.action.padEnd(6)} ${line.recipe} ${line.root} ${line.flavor}: ${line.reason}`);
      const outcomes = result.outcomes ?? [];
      const count = (what: string) => outcomes.filter((o) => o.result === what).length;
      return [
        ...outcomes.filter((o) => o.result !== 'cached').map((o) => `${o.result} ${o.recipe} ${o.root} ${o.flavor} in ${o.seconds.toFixed(1)} s`),
        `${count('built')} built, ${count('fetched')} fetched, ${count('cached')} cached`,
        ...(argv.stats ? formatStepTimes(outcomes) : []),
      ];
    });
  },
};
