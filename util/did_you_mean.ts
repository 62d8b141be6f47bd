/**
 * "Did you mean" for a mistyped name (a flag, a subcommand): the closest known name by edit
 * distance, when it is close enough to be a likely typo.
 * @module
 */

/**
 * The name in `known` closest to `given` (Levenshtein distance, ties to the earlier name), or
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

// Levenshtein distance (insert, delete, substitute: 1 each).
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}
