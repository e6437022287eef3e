/**
 * The names of `known` a user probably meant by `wanted`: those that contain it or that it
 * contains (case aside), and those a typo away (edit distance at most 2, or 1 for short names),
 * closest first. Empty when nothing is close: a hint then lists names instead of guessing.
 */
export function similarNames(wanted: string, known: Iterable<string>): string[] {
  const target = wanted.toLowerCase();
  const scored: Array<{ name: string; distance: number }> = [];
  for (const name of known) {
    const candidate = name.toLowerCase();
    const distance = editDistance(target, candidate);
    const contains = target.length >= 2 && (candidate.includes(target) || target.includes(candidate));
    if (distance <= (target.length <= 4 ? 1 : 2) || contains) scored.push({ name, distance });
  }
  return scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name)).map((each) => each.name);
}

/** Levenshtein distance (insert, delete, substitute), one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
