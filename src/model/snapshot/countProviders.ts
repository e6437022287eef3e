/** Artifacts with how many of the given paths each provided, most first, then by name. */
export interface ProviderCount {
  artifact: string;
  paths: number;
}

export function countProviders(providers: Iterable<string>): ProviderCount[] {
  const counts = new Map<string, number>();
  for (const artifact of providers) counts.set(artifact, (counts.get(artifact) ?? 0) + 1);
  return [...counts]
    .map(([artifact, paths]) => ({ artifact, paths }))
    .sort((a, b) => b.paths - a.paths || (a.artifact < b.artifact ? -1 : a.artifact > b.artifact ? 1 : 0));
}
