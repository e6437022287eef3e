import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseJsonRecord } from './jsonRecord.js';
import type { ArtifactKind } from '../artifact/artifactName.js';
import { ROOT_KINDS, type RootKind } from './rootName.js';
import { isHacktreeError } from '../../errors/HacktreeError.js';
import { licenseExpression } from '../recipe/recipeLicense.js';
import { ARCH_ALIASES, ARCHES, canonicalArch, type Arch } from './arch.js';

/**
 * A root definition, roots/VERSION.json: which components make up the runtime, what the sdk
 * adds (command-line developer tools), what only devel roots carry, and the base roots under
 * them.
 *   { "version": "3.2", "arches": ["x86_64"], "base": "debian-bookworm",
 *     "bases": { "runtime": "debian-bookworm-runtime", "sdk": "debian-bookworm-sdk", "devel": "debian-bookworm-sdk" },
 *     "runtime": [...], "sdk": [...], "devel": [...], "refuse": ["GPL-3.0-only"] }
 * runtime = runtime components' -runtime artifacts; sdk = runtime + sdk components' -runtime;
 * devel = sdk + devel components' -runtime, and every component's -devel artifact.
 */
export interface RootDefinition {
  version: string;
  /** Canonical names (an alias such as ia32 is read as the arch it stands for), each once. */
  arches: Arch[];
  runtime: string[];
  sdk: string[];
  devel: string[];
  /** The base toolchain root builds for this version run on, per arch: branch base/BASE-ARCH (default debian-bookworm). */
  base?: string;
  /** The base each kind of root is composed over (branch base/BASE-ARCH); a kind not named here sits on `base`. */
  bases?: Partial<Record<RootKind, string>>;
  /** SPDX license ids no component may carry (see refusedLicenses for OR, AND and -or-later). */
  refuse?: string[];
}

/** What a root of this kind is composed over: its own base, else the build base, else nothing (artifacts alone). */
export function baseOfKind(def: RootDefinition, kind: RootKind): string | undefined {
  return def.bases?.[kind] ?? def.base;
}

/** Every base a definition names (the build base first), each once. */
export function basesOfDefinition(def: RootDefinition): string[] {
  return [...new Set([...(def.base === undefined ? [] : [def.base]), ...Object.values(def.bases ?? {})])];
}

export function parseRootDefinition(text: string, source: string): RootDefinition {
  const record = parseJsonRecord(text, ['version', 'arches', 'runtime', 'sdk', 'devel', 'base', 'bases', 'refuse', 'description'], (why) => invalid(source, why));
  const strings = (key: string, required: boolean): string[] => {
    const value = record[key];
    if (value === undefined && !required) return [];
    const what = key === 'arches' ? `architecture names (${ARCHES.join(', ')})` : 'component names';
    if (value === undefined) throw invalid(source, `"${key}" is missing: it must be a list of ${what}`);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(v))) {
      throw invalid(source, `"${key}" must be a list of ${what}`);
    }
    return value as string[];
  };
  if (typeof record.version !== 'string' || record.version === '') throw invalid(source, '"version" must be a non-empty string');
  if (record.base !== undefined && !isBaseName(record.base)) {
    throw invalid(source, '"base" must name a base toolchain root without its arch (branch base/BASE-ARCH), e.g. debian-bookworm');
  }
  const def: RootDefinition = { version: record.version, arches: parseArches(strings('arches', true), source), runtime: strings('runtime', true), sdk: strings('sdk', false), devel: strings('devel', false) };
  if (typeof record.base === 'string') def.base = record.base;
  if (record.bases !== undefined) def.bases = parseKindBases(record.bases, source);
  if (record.refuse !== undefined) def.refuse = parseRefuse(record.refuse, source);
  return def;
}

function parseArches(names: string[], source: string): Arch[] {
  if (names.length === 0) throw invalid(source, `"arches" names no architecture: name one or more of ${ARCHES.join(', ')}`);
  const arches: Arch[] = [];
  for (const name of names) {
    const arch = canonicalArch(name);
    if (arch === undefined) {
      const aliases = Object.entries(ARCH_ALIASES).map(([alias, of]) => `${alias} for ${of}`).join(', ');
      throw invalid(source, `"arches" names an unknown architecture ${JSON.stringify(name)}: hacktree knows ${ARCHES.join(', ')} (and ${aliases})`, { arch: name });
    }
    if (arches.includes(arch)) throw invalid(source, `"arches" names ${arch} twice${name === arch ? '' : ` (${name} is ${arch})`}`, { arch: name });
    arches.push(arch);
  }
  return arches;
}

function parseKindBases(value: unknown, source: string): Partial<Record<RootKind, string>> {
  const usage = '"bases" maps root kinds to base roots without their arch, e.g. { "runtime": "debian-bookworm-runtime", "sdk": "debian-bookworm-sdk" }';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(source, usage);
  const out: Partial<Record<RootKind, string>> = {};
  for (const [kind, base] of Object.entries(value)) {
    if (!ROOT_KINDS.includes(kind as RootKind)) throw invalid(source, `"bases" has an unknown root kind "${kind}": the kinds are ${ROOT_KINDS.join(', ')}`);
    if (!isBaseName(base)) throw invalid(source, usage);
    out[kind as RootKind] = base;
  }
  return out;
}

/** `"refuse"`: SPDX license ids, each as SPDX spells it (an old name would silently refuse nothing). */
function parseRefuse(value: unknown, source: string): string[] {
  const usage = '"refuse" must be a list of SPDX license ids, e.g. ["GPL-3.0-only", "GPL-3.0-or-later"]';
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(source, usage);
  for (const id of value as string[]) {
    let parsed;
    try {
      parsed = licenseExpression(id, { recipe: '', file: source });
    } catch (err) {
      if (!isHacktreeError(err, 'LICENSE_INVALID')) throw err;
      throw invalid(source, `"refuse" names ${JSON.stringify(id)}, which is not an SPDX license id (see https://spdx.org/licenses/)`);
    }
    if (parsed.expression !== id) throw invalid(source, `"refuse" names ${JSON.stringify(id)}: SPDX spells it ${parsed.expression}`);
    if (/ (AND|OR) /.test(id)) throw invalid(source, `"refuse" names ${JSON.stringify(id)}: one license id per entry, e.g. ["GPL-3.0-only", "GPL-3.0-or-later"]`);
  }
  return value as string[];
}

function isBaseName(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(value);
}

/** The (component, artifact kind) pairs a root of this kind is made of, in layering order. */
export function artifactsOfRoot(def: RootDefinition, kind: RootKind): Array<{ component: string; kind: ArtifactKind }> {
  const components = kind === 'runtime' ? def.runtime : kind === 'sdk' ? [...def.runtime, ...def.sdk] : [...def.runtime, ...def.sdk, ...def.devel];
  const out = components.map((component) => ({ component, kind: 'runtime' as ArtifactKind }));
  if (kind === 'devel') out.push(...components.map((component) => ({ component, kind: 'devel' as ArtifactKind })));
  return out;
}

function invalid(source: string, why: string, data: Record<string, string> = {}): HacktreeError {
  return new HacktreeError('ROOT_DEFINITION_INVALID', `root definition ${source}: ${why}`, {
    hint: 'see docs/roots.md "Root names and definitions" for the format',
    data: { source, ...data },
  });
}
