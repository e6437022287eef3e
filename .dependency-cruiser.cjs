// Layers of hacktree's source (docs/design.md): cli (cli/daemon) -> builder | root -> store ->
// platform -> model -> errors. Each rule forbids one layer from reaching up or sideways.
const layer = (name, allowed) => ({
  name: `${name}-imports-down`,
  comment: `src/${name}/ may import only ${allowed.map((a) => `src/${a}/`).join(', ')}`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: allowed.map((a) => `^src/${a}/`) },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    layer('errors', ['errors']),
    layer('model', ['model', 'errors']),
    layer('platform', ['platform', 'model', 'errors']),
    layer('store', ['store', 'platform', 'model', 'errors']),
    layer('builder', ['builder', 'store', 'platform', 'model', 'errors']),
    layer('root', ['root', 'store', 'platform', 'model', 'errors']),
    // The daemon is a front end like the CLI (it runs the CLI's command definitions for its
    // clients), but it never builds: builds run unprivileged in the client.
    layer('cli/daemon', ['cli', 'root', 'store', 'platform', 'model', 'errors']),
    {
      name: 'src-not-from-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
