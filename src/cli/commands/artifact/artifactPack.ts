import { defineCommand } from '../defineCommand.js';

/** `hacktree artifact pack`: a subcommand of the `artifact` group. */
export const artifactPackCommand = defineCommand({
  command: 'pack <destdir>',
  describe: 'Split a DESTDIR into NAME-runtime and NAME-devel artifacts (deterministic .tar.gz)',
  positionals: { destdir: { type: 'string', demandOption: true, describe: 'the tree "make install DESTDIR=…" filled' } },
  options: {
    name: { type: 'string', demandOption: true, describe: 'the artifact name (recipe name)' },
    version: { type: 'string', demandOption: true, describe: 'the artifact version (git describe or recipe version)' },
    root: { type: 'string', demandOption: true, describe: 'the root it was compiled against, e.g. 3.2-opt-x86_64' },
    flavor: { choices: ['opt', 'debug'] as const, demandOption: true, describe: 'the build flavor' },
    origin: { choices: ['master', 'local'] as const, default: 'master' as const, describe: 'where the build came from' },
    arch: { type: 'string', describe: 'the architecture, recorded as a=ARCH in the file names' },
    out: { type: 'string', demandOption: true, describe: 'the directory to write the two tarballs to' },
  },
  // The artifact's version, not hacktree's: the global --version flag gives way here.
  extend: (y) => y.version(false),
  examples: [[
    '$0 artifact pack /tmp/dest --name gdk-pixbuf --version 2.24.0 --root 3.2-opt-x86_64 --flavor opt --out artifacts',
    'write artifacts/gdk-pixbuf-runtime,…,.tar.gz and artifacts/gdk-pixbuf-devel,…,.tar.gz',
  ]],
  run: async (args, ui) => {
    const { packArtifact } = await import('../../../builder/pack/packArtifact.js');
    const { destdir, name, version, root, flavor, origin, arch } = args;
    return packArtifact({ destdir, name, version, root, flavor, origin, arch, outDir: args.out, onProgress: ui.progress });
  },
  text: (packed) => [packed.runtime.path, packed.devel.path],
});
