import { HacktreeError } from '../errors/HacktreeError.js';
import type { ArtifactKind } from './artifactName.js';
import type { RootKind } from './rootName.js';

/**
 * A root definition, roots/VERSION.json: which components make up the runtime, what the sdk
 * adds (command-line developer tools), and what only devel roots carry.
 *   { "version": "3.2", "arches": ["x86_64"], "runtime": [...], "sdk": [...], "devel": [...] }
 * runtime = runtime components' -runtime artifacts; sdk = runtime + sdk components' -runtime;
 * devel = sdk + devel components' -runtime, and every component's -devel artifact.
 */
export interface RootDefinition {
  version: string;
  arches: string[];
  runtime: string[];
  sdk: string[];
  devel: string[];
  /** The base toolchain root builds for this version run on, per arch: branch base/BASE-ARCH (default debian-bookworm). */
  base?: string;
}

export function parseRootDefinition(text: string, source: string): RootDefinition {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw invalid(source, `it is not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(source, 'expected a JSON object');
  const record = raw as Record<string, unknown>;
  const strings = (key: string, required: boolean): string[] => {
    const value = record[key];
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(v))) {
      throw invalid(source, `"${key}" must be a list of component names`);
    }
    return value as string[];
  };
  if (typeof record.version !== 'string' || record.version === '') throw invalid(source, '"version" must be a non-empty string');
  for (const key of Object.keys(record)) {
    if (!['version', 'arches', 'runtime', 'sdk', 'devel', 'base', 'description'].includes(key)) throw invalid(source, `unknown key "${key}"`);
  }
  if (record.base !== undefined && (typeof record.base !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(record.base))) {
    throw invalid(source, '"base" must name a base toolchain root without its arch (branch base/BASE-ARCH), e.g. debian-bookworm');
  }
  const def: RootDefinition = { version: record.version, arches: strings('arches', true), runtime: strings('runtime', true), sdk: strings('sdk', false), devel: strings('devel', false) };
  if (typeof record.base === 'string') def.base = record.base;
  return def;
}

/** The (component, artifact kind) pairs a root of this kind is made of, in layering order. */
export function artifactsOfRoot(def: RootDefinition, kind: RootKind): Array<{ component: string; kind: ArtifactKind }> {
  const components = kind === 'runtime' ? def.runtime : kind === 'sdk' ? [...def.runtime, ...def.sdk] : [...def.runtime, ...def.sdk, ...def.devel];
  const out = components.map((component) => ({ component, kind: 'runtime' as ArtifactKind }));
  if (kind === 'devel') out.push(...components.map((component) => ({ component, kind: 'devel' as ArtifactKind })));
  return out;
}

function invalid(source: string, why: string): HacktreeError {
  return new HacktreeError('ROOT_DEFINITION_INVALID', `root definition ${source}: ${why}`, {
    hint: 'see README "Root definitions" for the format',
    data: { source },
  });
}
