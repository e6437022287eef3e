import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { commands } from '../commands/index.js';
import { hacktreeVersion } from '../hacktreeVersion.js';
import { globalOptions, programUsage } from '../options/globalOptions.js';
import { collectCommandDocs } from './collectCommandDocs.js';
import { completionTable } from './completionTable.js';
import { renderBashCompletion } from './renderBashCompletion.js';
import { renderManPages } from './renderManPage.js';
import { renderZshCompletion } from './renderZshCompletion.js';

/**
 * Writes OUT/man/*.1 and OUT/completion/{hacktree.bash,_hacktree} from the command definitions
 * --help is made of. `npm run build` runs it (node dist/src/cli/manual/writeManual.js dist) and
 * setup.sh installs what it wrote: files made once at build time, so a Tab or `man` never starts
 * node, and no hidden command joins the CLI.
 */
export async function writeManual(outDir: string): Promise<void> {
  const program = collectCommandDocs({ usage: programUsage, globalOptions, commands });
  const manDir = join(outDir, 'man');
  const completionDir = join(outDir, 'completion');
  // A command that is gone must not leave its page behind.
  await rm(manDir, { recursive: true, force: true });
  await mkdir(manDir, { recursive: true });
  await mkdir(completionDir, { recursive: true });
  for (const page of renderManPages(program, hacktreeVersion())) await writeFile(join(manDir, `${page.name}.1`), page.text);
  const table = completionTable(program);
  await writeFile(join(completionDir, 'hacktree.bash'), renderBashCompletion(table));
  await writeFile(join(completionDir, '_hacktree'), renderZshCompletion(table));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2];
  if (outDir === undefined) {
    process.stderr.write('usage: node dist/src/cli/manual/writeManual.js OUT_DIR\n');
    process.exit(2);
  }
  await writeManual(outDir);
}
