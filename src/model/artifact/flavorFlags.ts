import type { Flavor } from '../root/rootName.js';

/** CFLAGS and CXXFLAGS of a flavor: optimized with debug info, or unoptimized with macros in the debug info. */
export function flavorFlags(flavor: Flavor): string {
  return flavor === 'opt' ? '-O2 -g' : '-O0 -g3';
}
