import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Argv, CommandModule } from 'yargs';
import { collectCommandDocs } from '../../src/cli/manual/collectCommandDocs.js';

const usage = '$0 <command> [options]\n\nDo things.';

function collect(command: CommandModule<any, any>) {
  return collectCommandDocs({ usage, globalOptions: { json: { type: 'boolean', default: false, describe: 'print JSON' } }, commands: [command] });
}

describe('collectCommandDocs', () => {
  it('reads positionals, options, examples and subcommands from the builders, $0 spelt hacktree', () => {
    const program = collect({
      command: 'tree <command>',
      describe: 'Trees',
      builder: (y: Argv) =>
        y
          .command({
            command: 'plant <names..> [where]',
            describe: 'Plant $0 trees',
            builder: (z: Argv) =>
              z
                .positional('names', { type: 'string', describe: 'tree names' })
                .option('depth', { alias: 'd', type: 'number', default: 2, describe: 'how deep' })
                .option('kind', { choices: ['oak', 'elm'], demandOption: true, describe: 'which tree' })
                .option('secret', { type: 'string', hidden: true })
                .example('$0 tree plant a b', 'two trees'),
            handler: () => {},
          })
          .demandCommand(1),
      handler: () => {},
    });
    assert.equal(program.describe, 'Do things.');
    assert.deepEqual(program.options.map((o) => o.name), ['json', 'version', 'help']);
    const plant = program.subcommands[0]!.subcommands[0]!;
    assert.deepEqual(plant.path, ['tree', 'plant']);
    assert.equal(plant.describe, 'Plant hacktree trees');
    assert.deepEqual(plant.positionals, [
      { name: 'names', aliases: [], type: 'string', array: true, describe: 'tree names', defaultText: '[]', choices: [], required: true },
      { name: 'where', aliases: [], array: false, describe: '', choices: [], required: false },
    ]);
    assert.deepEqual(plant.options, [
      { name: 'depth', aliases: ['d'], type: 'number', array: false, describe: 'how deep', defaultText: '2', choices: [], required: false },
      { name: 'kind', aliases: [], array: false, describe: 'which tree', choices: ['oak', 'elm'], required: true },
    ]);
    assert.deepEqual(plant.examples, [{ command: 'hacktree tree plant a b', description: 'two trees' }]);
  });

  it('refuses a builder call it does not read, rather than leave it out of the man pages', () => {
    const command = { command: 'x', describe: 'X', builder: (y: Argv) => y.group(['a'], 'Group:'), handler: () => {} };
    assert.throws(() => collect(command), /"x" calls yargs \.group\(\), which src\/cli\/manual\/collectCommandDocs\.ts does not read/);
  });

  it('refuses a positional its command string does not name', () => {
    const command = { command: 'x <a>', describe: 'X', builder: (y: Argv) => y.positional('b', { type: 'string' }), handler: () => {} };
    assert.throws(() => collect(command), /declares positional b, which its command string "x <a>" does not name/);
  });
});
