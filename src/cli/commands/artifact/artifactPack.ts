import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';

export interface ArtifactPackArgs extends GlobalArgs {
  destdir: string;
  name: string;
  version: string;
  root: string;
  flavor: 'opt' | 'debug';
  origin: 'master' | 'local';
  arch?: string;
  out: string;
}

/** `hacktree artifact pack`: a subcommand of the `artifact` group. */
export const artifactPackCommand: CommandModule<GlobalArgs, ArtifactPackArgs> = {
  command: 'pack <destdir>',
  describe: 'Split a DESTDIR into NAME-runtime and NAME-devel artifacts (deterministic .tar.gz)',
  builder: (y) =>
    y
      .positional('destdir', { type: 'string', demandOption: true, describe: 'the tree "make install DESTDIR=…" filled' })
      // The artifact's version, not hacktree's: the global --version flag gives way here.
      .version(false)
      .option('name', { type: 'string', demandOption: true, describe: 'the artifact name (recipe name)' })
      .option('version', { type: 'string', demandOption: true, describe: 'the artifact version (git describe or recipe version)' })
      .option('root', { type: 'string', demandOption: true, describe: 'the root it was compiled against, e.g. 3.2-opt-x86_64' })
      .option('flavor', { choices: ['opt', 'debug'] as const, demandOption: true, describe: 'the build flavor' })
      .option('origin', { choices: ['master', 'local'] as const, default: 'master' as const, describe: 'where the build came from' })
      .option('arch', { type: 'string', describe: 'the architecture, recorded as a=ARCH in the file names' })
      .option('out', { type: 'string', demandOption: true, describe: 'the directory to write the two tarballs to' })
      .example(
        '$0 artifact pack /tmp/dest --name gdk-pixbuf --version 2.24.0 --root 3.2-opt-x86_64 --flavor opt --out artifacts',
        'write artifacts/gdk-pixbuf-runtime,…,.tar.gz and artifacts/gdk-pixbuf-devel,…,.tar.gz',
      ),
  handler: async (argv) => {
    const { packArtifact } = await import('../../../builder/pack/packArtifact.js');
    const progress = progressBar(argv);
    try {
      const packed = await packArtifact({
        destdir: argv.destdir,
        name: argv.name,
        version: argv.version,
        root: argv.root,
        flavor: argv.flavor,
        origin: argv.origin,
        arch: argv.arch,
        outDir: argv.out,
        onProgress: progress.report,
      });
      progress.finish();
      printResult(argv, packed, () => [packed.runtime.path, packed.devel.path]);
    } catch (err) {
      progress.finish();
      throw err;
    }
  },
};
