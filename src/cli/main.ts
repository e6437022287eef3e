import type { Argv } from 'yargs';
import { nativeAddonStatus } from '../platform/native/nativeAddon.js';
import { hacktreeVersion } from './hacktreeVersion.js';
import type { GlobalArgs } from './options/globalArgs.js';
import { nativeAddonSummary } from './output/nativeAddonSummary.js';

// Command modules import only types at the top and load the library inside their handler,
// so `hacktree --help` stays fast; `--version` alone does not even load yargs, nor do the plain
// forms of `root status`, `checkout` and `root commit` (quickCommands.ts; why:
// docs/decisions/0013-start-up-time.md).
// bin/hacktree starts node without NODE_EXTRA_CA_CERTS (parsing it slows every start, see there):
// the processes hacktree starts get it back; platform/http/trustExtraCaCertificates.ts loads it
// for hacktree's own HTTPS requests.
if (process.env.HACKTREE_DEFERRED_CA_CERTS) process.env.NODE_EXTRA_CA_CERTS = process.env.HACKTREE_DEFERRED_CA_CERTS;
const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  // The version alone on the first line (what scripts read), then whether the addon serves.
  process.stdout.write(`${hacktreeVersion()}\n${nativeAddonSummary(nativeAddonStatus())}\n`);
  process.exit(0);
}
const quick = argv[0] === 'root' || argv[0] === 'checkout' ? (await import('./quickCommands.js')).parseQuickCommand(argv) : null;
const verbose = argv.includes('-v') || argv.includes('--verbose');
const json = argv.includes('--json');
if (verbose) {
  // A build without the addon, or with a stale one, works ~4x slower at deflate: said here, not silently.
  const native = nativeAddonStatus();
  if (!native.loaded && !native.deliberate) process.stderr.write(`hacktree: warning: ${nativeAddonSummary(native)}; hacktree runs without it, slower\n`);
}

try {
  if (quick) await quick();
  else await runWithYargs();
} catch (err) {
  await reportError(err);
}

async function runWithYargs(): Promise<void> {
  const { default: yargs } = await import('yargs');
  const { commands } = await import('./commands/index.js');
  const { globalOptions, programUsage } = await import('./options/globalOptions.js');
  let cli = (yargs(argv) as unknown as Argv<GlobalArgs>).scriptName('hacktree').usage(programUsage).options(globalOptions)
    .check((args) => !(args.verbose && args.quiet) || '--verbose and --quiet cannot be used together')
    .strict()
    .demandCommand(1, 'name a command; "hacktree --help" lists them')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(hacktreeVersion())
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw Object.assign(new Error(msg), { usage: true });
    });
  for (const command of commands) cli = cli.command(command);
  skipHelpCaching(cli);
  try {
    await cli.parseAsync();
  } catch (err) {
    // A failed .check() reaches here as its message, a string, not through .fail: a usage error too.
    if (typeof err === 'string') throw Object.assign(new Error(err), { usage: true });
    throw err;
  }
}

/**
 * yargs renders the running command's whole help text as soon as its handler starts, to keep it
 * for a `showHelp()` the handler might call later: 25-50 ms of every command's start-up
 * (docs/decisions/0013-start-up-time.md). hacktree's handlers never call showHelp (a failure is
 * an error with a hint, and `--help` is parsed before any handler runs), so that rendering is
 * skipped. yargs offers no option for it: its usage instance is reached through
 * getInternalMethods(), and if a later yargs drops either, nothing is skipped and all still works.
 */
function skipHelpCaching(cli: Argv<GlobalArgs>): void {
  const internals = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/** Loads the error rendering only when there is an error: `--version` and every success go without it. */
async function reportError(err: unknown): Promise<void> {
  if (err instanceof Error && (err as { usage?: boolean }).usage) {
    process.stderr.write(`hacktree: error[USAGE]: ${err.message}\n  hint: see "hacktree --help" or "hacktree COMMAND --help"\n`);
    process.exitCode = 2;
  } else {
    const { renderError } = await import('./output/renderError.js');
    const rendered = renderError(err, verbose);
    if (json) process.stdout.write(`${JSON.stringify(rendered.json, null, 2)}\n`);
    process.stderr.write(rendered.text);
    process.exitCode = rendered.exitCode;
  }
}
