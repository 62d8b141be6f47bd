/**
 * Internal: ROC AUC of a bootstrap resample from how often each video was drawn, over scores
 * sorted once (metrics/_resample.ts `_forEachResampleCount`). The value is bit for bit
 * `rocAuc` of the drawn copies: the same exact integer (twice the Mann-Whitney U, ties counting
 * half) divided by the same product, so intervals do not change; each resample costs one pass
 * over the samples instead of a sort.
 * @module
 */

/** Scores sorted once, with what a resample's pass needs at each sorted position. */
export interface _SortedScores {
  /** The cluster (`drawn` index) of the sample at each sorted position. */
  clusterAt: Uint32Array;
  /** 1 where the sample at that position is fake. */
  fakeAt: Uint8Array;
  /** 1 where the position ends a run of tied scores. */
  runEnd: Uint8Array;
}

/**
 * Sorts the samples of `scores` (finite, validated) ascending; `clusterOf` numbers each sample's
 * cluster as `_forEachResampleCount`'s `drawn` does (`_clusterOf`).
 */
export function _sortScores(
  scores: Float64Array,
  label: Uint8Array,
  clusterOf: Uint32Array,
): _SortedScores {
  const n = scores.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const clusterAt = Uint32Array.from(order, (i) => clusterOf[i]);
  const fakeAt = Uint8Array.from(order, (i) => label[i]);
  // -0 === +0: the two zeros are one tie, as in rocAuc.
  const runEnd = Uint8Array.from(
    order,
    (i, k) => (k === n - 1 || scores[order[k + 1]] !== scores[i] ? 1 : 0),
  );
  return { clusterAt, fakeAt, runEnd };
}

/**
 * `rocAuc` of the resample in which cluster `g` was drawn `drawn[g]` times (`positives` fakes
 * of `total` drawn, both classes present).
 */
export function _countedAuc(
  sorted: _SortedScores,
  drawn: ArrayLike<number>,
  positives: number,
  total: number,
): number {
  const { clusterAt, fakeAt, runEnd } = sorted;
  // Twice U: each (fake, real) pair counts 2 when ordered, 1 when tied; an exact integer.
  let twiceU = 0;
  let below = 0;
  let fakes = 0;
  let reals = 0;
  for (let k = 0; k < clusterAt.length; k++) {
    // Branch-free where labels alternate at random: a fake adds c to fakes, a real to reals.
    const c = drawn[clusterAt[k]];
    const f = c * fakeAt[k];
    fakes += f;
    reals += c - f;
    if (runEnd[k] === 1) {
      twiceU += fakes * (2 * below + reals);
      below += reals;
      fakes = 0;
      reals = 0;
    }
  }
  return twiceU / (2 * positives * (total - positives));
}
