/**
 * Internal: ROC AUC of a bootstrap resample from how often each sample was drawn, over scores
 * sorted once (metrics/_resample.ts `_forEachResampleCount`). The value is bit for bit
 * `rocAuc` of the drawn copies: the same exact integer (twice the Mann-Whitney U, ties counting
 * half) divided by the same product, so intervals do not change; each resample costs one pass
 * over the samples instead of a sort.
 * @module
 */

/** Scores sorted once: sample indices in ascending score order, cut into runs of equal scores. */
export interface _SortedScores {
  /** Sample indices, ascending by score. */
  order: Uint32Array;
  /** Start of each run of tied scores in `order`, then `order.length`. */
  runs: Uint32Array;
}

/** Sorts the sample indices of `scores` (finite, validated) by score, ties grouped. */
export function _sortScores(scores: Float64Array): _SortedScores {
  const n = scores.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const starts: number[] = [];
  for (let k = 0; k < n; k++) {
    // -0 === +0: the two zeros are one tie, as in rocAuc.
    if (k === 0 || scores[order[k]] !== scores[order[k - 1]]) starts.push(k);
  }
  starts.push(n);
  return { order, runs: Uint32Array.from(starts) };
}

/**
 * `rocAuc` of the resample in which sample `i` was drawn `counts[i]` times (`positives` fakes of
 * `total` drawn, both classes present).
 */
export function _countedAuc(
  sorted: _SortedScores,
  label: Uint8Array,
  counts: Uint32Array,
  positives: number,
  total: number,
): number {
  const { order, runs } = sorted;
  // Twice U: each (fake, real) pair counts 2 when ordered, 1 when tied; an exact integer.
  let twiceU = 0;
  let below = 0;
  for (let r = 0; r + 1 < runs.length; r++) {
    let fakes = 0;
    let reals = 0;
    for (let k = runs[r]; k < runs[r + 1]; k++) {
      const i = order[k];
      if (label[i] === 1) fakes += counts[i];
      else reals += counts[i];
    }
    if (fakes > 0) twiceU += fakes * (2 * below + reals);
    below += reals;
  }
  return twiceU / (2 * positives * (total - positives));
}
