/**
 * "Did you mean" for a mistyped name (a flag, a subcommand, an operation id, a format, a column,
 * a run, a detector key): the closest known names by edit distance, when close enough to be a
 * likely typo. Every "unknown name" message in dfrobust ends with {@link didYouMean}'s phrase,
 * so the hint reads the same everywhere.
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

/**
 * Up to `max` names of `known` close to `given`, best first (the same closeness as
 * {@link closestName}, but none for a name under 3 letters but a case change; with none close, the names that start with `given`, for 3+ characters,
 * or that `given` starts with: `h264_crf99` -> `h264`). Case is ignored. Never throws.
 *
 * @example
 * ```ts
 * import { closestNames } from "./did_you_mean.ts";
 * closestNames("framrate", ["framerate", "freeze", "frame"]); // ["framerate", "frame"]
 * ```
 */
export function closestNames(given: string, known: readonly string[], max = 3): string[] {
  const g = given.toLowerCase();
  const scored: { name: string; d: number }[] = [];
  for (const name of new Set(known)) {
    const n = name.toLowerCase();
    const d = editDistance(g, n);
    // One or two letters are too short to guess from (`c` is one edit from `a`): exact only.
    const limit = g.length < 3
      ? 0
      : Math.min(3, Math.max(1, Math.floor(Math.max(g.length, n.length) / 3)));
    if (d <= limit) scored.push({ name, d });
  }
  scored.sort((a, b) => a.d - b.d);
  if (scored.length > 0) return scored.slice(0, max).map((s) => s.name);
  const prefixed = [...new Set(known)].filter((name) => {
    const n = name.toLowerCase();
    return (g.length >= 3 && n.startsWith(g)) || (n.length >= 3 && g.startsWith(n));
  });
  return prefixed.slice(0, max);
}

/**
 * The hint for an unknown name: `did you mean "a"?` / `did you mean "a" or "b"?` (quoted by
 * `quote`, default double quotes), or `""` when no known name is close. Never throws.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./did_you_mean.ts";
 * didYouMean("methd", ["method", "label"]); // 'did you mean "method"?'
 * didYouMean("zzz", ["method"]); // ""
 * ```
 */
export function didYouMean(
  given: string,
  known: readonly string[],
  quote: (name: string) => string = (name) => `"${name}"`,
): string {
  const near = closestNames(given, known);
  if (near.length === 0) return "";
  const list = near.length === 1
    ? quote(near[0])
    : `${near.slice(0, -1).map(quote).join(", ")} or ${quote(near[near.length - 1])}`;
  return `did you mean ${list}?`;
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

/**
 * {@link didYouMean}'s phrase in parentheses with a leading space (` (did you mean "a"?)`), or
 * `""`: the tail of every "unknown name" message. Never throws.
 */
export function didYouMeanSuffix(given: string, known: readonly string[]): string {
  const hint = didYouMean(given, known);
  return hint === "" ? "" : ` (${hint})`;
}
