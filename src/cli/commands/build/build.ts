import { localOptions } from '../../options/localOptions.js';
import { workspaceOption } from '../../options/workspaceOption.js';
import { buildDisplay } from '../../output/buildDisplay.js';
import { defineCommand } from '../defineCommand.js';
import { buildStatsCommand } from './buildStats.js';

// build's own options, kept from `build stats` (yargs passes a command's options down).
const OWN_OPTIONS = ['C', 'root', 'arch', 'flavor', 'dry-run', 'explain', 'jobs', 'make-jobs', 'keep-failed', 'cache', 'stats'];

export const buildCommand = defineCommand({
  command: 'build [recipes..]',
  describe: 'Build recipes into artifacts, hermetically, cached by build id',
  positionals: { recipes: { type: 'string', array: true, default: [], describe: 'recipes to build, with their build dependencies (default: all)' } },
  extend: (y) => localOptions(y, OWN_OPTIONS).command(buildStatsCommand),
  options: {
    C: workspaceOption,
    root: { type: 'string', array: true, default: [], describe: 'root versions (roots/VERSION.json) to build for (default: all)' },
    arch: { type: 'string', array: true, default: [], describe: 'architectures to build for (x86_64, i686; ia32 is i686; aarch64 is cross-built)', defaultDescription: 'every arch the root definitions name' },
    flavor: { choices: ['opt', 'debug'] as const, array: true, default: ['opt', 'debug'] as Array<'opt' | 'debug'>, describe: 'flavors to build' },
    'dry-run': { alias: 'n', type: 'boolean', default: false, describe: 'say for each recipe: cached, fetch or build, and why; change nothing' },
    explain: { type: 'string', describe: 'say which inputs of RECIPE changed since its last build (implies --dry-run)' },
    jobs: { alias: 'j', type: 'number', default: 1, describe: 'recipes built at once' },
    'make-jobs': { type: 'number', describe: 'make -jN inside each build', defaultDescription: 'the number of CPUs' },
    'keep-failed': { type: 'boolean', default: false, describe: 'keep the work directory of a failed build' },
    cache: { type: 'string', array: true, default: [], describe: 'artifact cache (URL or directory) to look in before building; also HACKTREE_CACHE and "cache =" in the config file' },
    stats: { type: 'boolean', default: false, describe: "after the build, each recipe's time per step (artifacts/.builds/stats.json keeps them)" },
  },
  examples: [
    ['$0 build', 'build every recipe for every root in roots/, both flavors'],
    ['$0 build --arch i686', 'build every recipe for the i686 roots only'],
    ['$0 build hello --flavor debug -n', 'what building hello (debug) would do, and why'],
    ['$0 build --stats', "build, then each recipe's time per step"],
  ],
  run: async (args) => {
    const { buildWorkspace } = await import('../../../builder/plan/buildWorkspace.js');
    const { resolveArtifactCaches, resolveSourceCache } = await import('../../../builder/plan/buildSettings.js');
    // On a terminal, a live display of the running builds; in a pipe, plain step lines (with -v).
    const display = buildDisplay(args);
    return buildWorkspace({
      repoDir: args.repo,
      workspace: args.C,
      recipes: args.explain !== undefined ? [args.explain] : args.recipes,
      versions: args.root,
      arches: args.arch,
      flavors: [...new Set(args.flavor)],
      dryRun: args['dry-run'] || args.explain !== undefined,
      parallel: args.jobs,
      makeJobs: args['make-jobs'],
      keepFailed: args['keep-failed'],
      caches: resolveArtifactCaches(args.cache),
      sourceCache: resolveSourceCache(),
      onStep: display.onStep,
      onProgress: display.onProgress,
      onWarning: (warning) => args.quiet || display.log(`hacktree: warning: ${warning}`),
      onNote: args.verbose ? (note) => display.log(`hacktree: warning: ${note}`) : undefined,
    }).finally(display.finish);
  },
  json: (result, args) => (args.explain === undefined ? result : { plan: result.plan.filter((line) => line.recipe === args.explain) }),
  text: async (result, args) => {
    if (args.explain !== undefined) {
      return result.plan.filter((line) => line.recipe === args.explain).flatMap((line) => [
        `${line.recipe} for ${line.root} (${line.flavor}): ${line.action}, build id ${line.buildId}`,
        `  ${line.reason}`,
        ...line.changes.map((c) => `  ${c.change} ${c.kind} ${c.name}`),
      ]);
    }
    if (args['dry-run']) return result.plan.map((line) => `${line.action.padEnd(6)} ${line.recipe} ${line.root} ${line.flavor}: ${line.reason}`);
    const { formatStepTimes } = await import('../../output/formatStepTimes.js');
    const outcomes = result.outcomes ?? [];
    const count = (what: string) => outcomes.filter((o) => o.result === what).length;
    return [
      ...outcomes.filter((o) => o.result !== 'cached').map((o) => `${o.result} ${o.recipe} ${o.root} ${o.flavor} in ${o.seconds.toFixed(1)} s`),
      `${count('built')} built, ${count('fetched')} fetched, ${count('cached')} cached`,
      ...(args.stats ? formatStepTimes(outcomes) : []),
    ];
  },
});
