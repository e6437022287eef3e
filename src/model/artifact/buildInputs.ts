import { createHash } from 'node:crypto';

/**
 * One thing a build's result depends on, with the digest of its content. A build id is the
 * hash of all of them, so listing them also explains why an id changed (`build --explain`).
 */
export interface BuildInput {
  kind: BuildInputKind;
  /** What it is: a file path relative to the workspace, a variable name, a recipe name... */
  name: string;
  /** sha256 hex of the content, or the value itself when it is short and already canonical. */
  digest: string;
}

export type BuildInputKind =
  | 'rules' // hacktree's build rules (the steps, the split, the tarball format)
  | 'recipe' // the .bb file
  | 'include' // a file the recipe includes or requires
  | 'variable' // a variable's final value
  | 'local-source' // a file:// source or patch
  | 'remote-source' // a remote source, by its declared sha256
  | 'flavor'
  | 'root' // the r= the artifacts are built for
  | 'base' // the base toolchain root's tree id
  | 'dependency' // a build dependency's build id
  | 'arch'; // the architecture the artifacts are built for (a=)

/** The build id: sha256 over the inputs in a canonical order. */
export function buildIdOf(inputs: readonly BuildInput[]): string {
  const hash = createHash('sha256');
  for (const line of canonicalLines(inputs)) hash.update(`${line}\n`);
  return hash.digest('hex');
}

/** The short form artifact names carry as `id=`: 128 bits are plenty to tell builds apart. */
export function shortBuildId(buildId: string): string {
  return buildId.slice(0, 32);
}

export interface BuildInputChange {
  kind: BuildInputKind;
  name: string;
  change: 'added' | 'removed' | 'changed';
}

/** What differs between the inputs of an earlier build and the current ones. */
export function diffBuildInputs(before: readonly BuildInput[], after: readonly BuildInput[]): BuildInputChange[] {
  const key = (input: BuildInput): string => `${input.kind}\0${input.name}`;
  const old = new Map(before.map((input) => [key(input), input]));
  const now = new Map(after.map((input) => [key(input), input]));
  const changes: BuildInputChange[] = [];
  for (const [k, input] of now) {
    const was = old.get(k);
    if (!was) changes.push({ kind: input.kind, name: input.name, change: 'added' });
    else if (was.digest !== input.digest) changes.push({ kind: input.kind, name: input.name, change: 'changed' });
  }
  for (const [k, input] of old) if (!now.has(k)) changes.push({ kind: input.kind, name: input.name, change: 'removed' });
  return changes.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind.localeCompare(b.kind)));
}

function canonicalLines(inputs: readonly BuildInput[]): string[] {
  return inputs.map((input) => JSON.stringify([input.kind, input.name, input.digest])).sort();
}
