import { HacktreeError } from '../../errors/HacktreeError.js';

export const ROOT_KINDS = ['runtime', 'sdk', 'devel'] as const;
export type RootKind = (typeof ROOT_KINDS)[number];
export type Flavor = 'opt' | 'debug';

/** A root's name: VERSION-KIND-FLAVOR-ARCH, e.g. 3.2-runtime-opt-x86_64. */
export interface RootName {
  version: string;
  kind: RootKind;
  flavor: Flavor;
  arch: string;
}

const PATTERN = /^([A-Za-z0-9][A-Za-z0-9._+]*(?:-[A-Za-z0-9._+]+)*)-(runtime|sdk|devel)-(opt|debug)-([A-Za-z0-9_]+)$/;

export function parseRootName(text: string): RootName {
  const m = PATTERN.exec(text);
  if (!m) {
    throw new HacktreeError('ROOT_NAME_INVALID', `"${text}" is not a root name VERSION-KIND-FLAVOR-ARCH`, {
      hint: 'KIND is runtime, sdk or devel and FLAVOR opt or debug, e.g. 3.2-runtime-opt-x86_64',
      data: { root: text },
    });
  }
  return { version: m[1]!, kind: m[2] as RootKind, flavor: m[3] as Flavor, arch: m[4]! };
}

export function formatRootName(root: RootName): string {
  return `${root.version}-${root.kind}-${root.flavor}-${root.arch}`;
}

/** The `r=` value of artifacts built against this root: VERSION-FLAVOR-ARCH. */
export function buildRootOf(root: RootName): string {
  return `${root.version}-${root.flavor}-${root.arch}`;
}

export function rootBranch(name: string): string {
  return `root-${name}`;
}
