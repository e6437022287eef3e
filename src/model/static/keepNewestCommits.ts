import type { StaticIndex } from './staticIndex.js';

/**
 * Drops from the index every commit that is not among the `keep` newest (first parents) of a
 * root it publishes, and every pack no kept commit needs; returns the packs dropped. git's
 * dumb-HTTP side keeps its packs: a clone needs every commit of a branch's history.
 */
export function keepNewestCommits(index: StaticIndex, keep: number): string[] {
  const kept = new Set<string>();
  for (const tip of Object.values(index.roots)) {
    let commit: string | undefined = tip;
    for (let i = 0; i < keep && commit !== undefined && index.commits[commit] !== undefined; i++) {
      kept.add(commit);
      commit = index.commits[commit]!.parents[0];
    }
  }
  for (const commit of Object.keys(index.commits)) if (!kept.has(commit)) delete index.commits[commit];
  const needed = new Set(Object.values(index.commits).flatMap((c) => (c.delta ? [...c.packs, c.delta.pack] : c.packs)));
  const dropped = Object.keys(index.packs).filter((id) => !needed.has(id));
  for (const id of dropped) delete index.packs[id];
  return dropped;
}
