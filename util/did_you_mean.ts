/**
 * "Did you mean" for a mistyped name (a flag, a subcommand): the closest known name by edit
 * distance, when it is close enough to be a likely typo.
 * @module
 */

/**
 * The name in `known` closest to `given` (edit distance, a swap of neighbours counting one; ties
 * to the earlier name), or
 * undefined when none is within a third of the longer name's length (at least 1, at most 3
 * edits) and none starts with `given` (a prefix of at least 3 characters: `--stor` -> `store`).
 *
 * @example
 * ```ts
 * import { closestName } from "./did_you_mean.ts";
 * closestName("sotre", ["store", "out"]); // "store"
 * closestName("zzz", ["store", "out"]); // undefined
 * ```
 */
export function closestName(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = editDistance(given, name);
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(given.length, name.length) / 3)));
    if (d <= limit && d < bestDistance) [best, bestDistance] = [name, d];
  }
  if (best !== undefined) return best;
  return given.length >= 3 ? known.find((name) => name.startsWith(given)) : undefined;
}

// Edit distance with adjacent swaps (insert, delete, substitute, swap two neighbours: 1 each;
// "optimal string alignment"), so `hepl` is one edit from `help`.
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
