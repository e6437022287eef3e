import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseJsonRecord } from './jsonRecord.js';

/** debootstrap's variants hacktree makes bases with. */
export const DEBOOTSTRAP_VARIANTS = ['minbase', 'buildd'] as const;
export type DebootstrapVariant = (typeof DEBOOTSTRAP_VARIANTS)[number];

/**
 * How `hacktree bootstrap` makes a base root, roots/bases/NAME.json (branch base/NAME-ARCH):
 *   { "description": "…", "suite": "bookworm", "variant": "minbase", "include": ["gdb", "strace"] }
 * The base is debootstrap's `--variant=VARIANT --include=INCLUDE SUITE`.
 */
export interface BaseDefinition {
  name: string;
  suite: string;
  variant: DebootstrapVariant;
  include: string[];
  description?: string;
}

/** The branch a base is kept on, for one arch: base/NAME-ARCH. */
export function baseBranch(name: string, arch: string): string {
  return `base/${name}-${arch}`;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const PACKAGE = /^[a-z0-9][a-z0-9.+-]+$/;

export function parseBaseDefinition(text: string, name: string, source: string): BaseDefinition {
  if (!NAME.test(name)) throw invalid(source, `"${name}" is not a base name (letters, digits, ._+-)`);
  const record = parseJsonRecord(text, ['description', 'suite', 'variant', 'include'], (why) => invalid(source, why));
  if (typeof record.suite !== 'string' || !/^[a-z][a-z0-9-]*$/.test(record.suite)) throw invalid(source, '"suite" must be a Debian suite name, e.g. "bookworm"');
  const variant = record.variant ?? 'minbase';
  if (!DEBOOTSTRAP_VARIANTS.includes(variant as DebootstrapVariant)) throw invalid(source, `"variant" must be one of ${DEBOOTSTRAP_VARIANTS.join(', ')}`);
  const include = record.include ?? [];
  if (!Array.isArray(include) || !include.every((p) => typeof p === 'string' && PACKAGE.test(p))) {
    throw invalid(source, '"include" must be a list of Debian package names');
  }
  const def: BaseDefinition = { name, suite: record.suite, variant: variant as DebootstrapVariant, include: include as string[] };
  if (typeof record.description === 'string') def.description = record.description;
  return def;
}

function invalid(source: string, why: string): HacktreeError {
  return new HacktreeError('ROOT_DEFINITION_INVALID', `base definition ${source}: ${why}`, {
    hint: 'see docs/roots.md "Bases" for the format of roots/bases/NAME.json',
    data: { source },
  });
}
