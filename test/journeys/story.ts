import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { clone, startJourney, type JourneyShell, type StepResult } from './journeyShell.js';

/** The main job of `bash setup.sh` on the embedded default: what every story starts from. */
export const MAIN_JOB = [
  'hacktree init',
  'hacktree bootstrap',
  'hacktree build -j 2',
  ...['x86_64', 'i686'].flatMap((arch) => ['runtime', 'sdk', 'devel'].flatMap((kind) => ['opt', 'debug'].map((flavor) => `hacktree root compose 3.2-${kind}-${flavor}-${arch}`))),
  'hacktree root checkout 3.2-runtime-opt-x86_64',
  'hacktree root checkout 3.2-runtime-opt-i686',
];

export interface Story {
  /** Runs a command as the README shows it; it must succeed. Returns stdout. */
  step(command: string, cwd?: string): string;
  /** Runs a command as the README shows it, whatever its exit status. */
  try(command: string, cwd?: string): StepResult;
  /** Runs a command the test uses to look at the result, not one the README shows. */
  check(command: string, cwd?: string): StepResult;
  /** step, try and check as `user` (an account the story made), in a login of theirs. */
  as(user: string): Pick<Story, 'step' | 'try' | 'check'>;
  shell(): JourneyShell;
}

/**
 * One README story as a test file: a journey shell for the whole file, the main job run first
 * (everything cached after the first run on a machine), and every command the story runs as a
 * user step checked, before it runs, to be a line of README.md, exactly.
 */
export function story(): Story {
  let shell: JourneyShell | undefined;
  const readme = new Set(readFileSync(join(clone, 'README.md'), 'utf8').split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()));
  const inReadme = (command: string) => assert.ok(readme.has(command), `README.md shows this command differently, or not at all: ${command}`);
  before(() => {
    shell = startJourney();
    for (const command of MAIN_JOB) {
      inReadme(command);
      shell.ok(command);
    }
  });
  after(() => shell?.close());
  const current = (): JourneyShell => {
    assert.ok(shell, 'the journey has not started');
    return shell;
  };
  const as = (user?: string): Pick<Story, 'step' | 'try' | 'check'> => ({
    step(command, cwd) {
      inReadme(command);
      return current().ok(command, cwd, user);
    },
    try(command, cwd) {
      inReadme(command);
      return current().run(command, cwd, user);
    },
    check: (command, cwd) => current().run(command, cwd, user),
  });
  return { ...as(), as, shell: current };
}
