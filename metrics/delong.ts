/**
 * DeLong's test for two correlated ROC AUCs: two score sets on the same samples (e.g. one
 * detector on the unaltered and on a processed copy of the same videos).
 * @module
 */
import { _checkSameLength, type _ClassScores, _splitByClass } from "./_binary.ts";
import { _twoSidedP } from "./_normal.ts";
import { type BinaryLabels, MetricError, type Scores } from "./metric_error.ts";

/** What {@link pairedAucTest} returns. */
export interface PairedAucTest {
  /** ROC AUC of `scoresA`, equal to `rocAuc(labels, scoresA)`. */
  aucA: number;
  /** ROC AUC of `scoresB`. */
  aucB: number;
  /** `aucA - aucB`, in [-1, 1]. */
  delta: number;
  /** DeLong's standard error of `delta` (>= 0). */
  se: number;
  /**
   * `delta / se`; 0 when both are 0, ±Infinity when `se` is 0 but `delta` is not (see
   * {@link pairedAucTest}).
   */
  z: number;
  /** Two-sided p-value from the standard normal, P(|Z| >= |z|), in [0, 1]. */
  p: number;
  /** Fake (label 1) samples. */
  positives: number;
  /** Real (label 0) samples. */
  negatives: number;
}

/**
 * DeLong's test of H0: AUC(A) = AUC(B), for two score sets of the same samples (same labels,
 * `scoresA[i]` and `scoresB[i]` from the same video). DeLong, DeLong & Clarke-Pearson (1988),
 * "Comparing the areas under two or more correlated receiver operating characteristic curves:
 * a nonparametric approach", Biometrics 44(3): 837-845.
 *
 * Each AUC is a Mann-Whitney statistic; its structural components (for a fake: the share of
 * reals it outranks, ties counting half; for a real: the share of fakes that outrank it) give
 * the covariance of the two AUCs, and `se^2 = Var(V10_A - V10_B) / m + Var(V01_A - V01_B) / n`
 * (sample variances, m fakes, n reals). The components are computed with the midrank algorithm
 * of Sun & Xu (2014), "Fast Implementation of DeLong's Algorithm for Comparing the Areas Under
 * Correlated Receiver Operating Characteristic Curves", IEEE Signal Processing Letters 21(11):
 * 1389-1393: `V10 = (Tz - Tx) / n`, `V01 = 1 - (Tz - Ty) / m` with Tx, Ty, Tz the midranks of a
 * score among the fakes, the reals and all samples. O(N log N) instead of the m x n kernel.
 * Tied scores take midranks, so `aucA` and `aucB` are bit for bit `rocAuc`'s values.
 * `z = delta / se`, and `p` is two-sided from the standard normal. The samples must be
 * independent: pass one score per video (video level); for frame-level scores, where frames of a
 * video are correlated, use `pairedBootstrapDelta` with the video ids as `clusters`.
 *
 * Zero variance: `se` is 0 when every fake's component difference is the same and every
 * real's too, e.g. when both score sets separate the classes perfectly (delta 0), or when A
 * separates them and B is constant (delta 0.5). Then delta 0 gives `z = 0, p = 1` (no
 * difference), and delta != 0 gives `z = ±Infinity, p = 0`: the limit of `delta / se`, read as
 * "no resampling of these samples would change the sign of the difference". With few samples
 * such a p = 0 is an artefact of the normal approximation; look at `positives`, `negatives` and
 * a paired bootstrap interval (`pairedBootstrapDelta`) before calling it a finding.
 *
 * Throws a `MetricError` when the lengths differ, a label is not 0/1, a score is not finite,
 * only one class is present, or a class has fewer than 2 samples (the variance needs 2).
 *
 * @example
 * ```ts
 * import { pairedAucTest } from "./delong.ts";
 * const labels = [1, 1, 1, 0, 0, 0];
 * const test = pairedAucTest(labels, [0.9, 0.8, 0.3, 0.4, 0.2, 0.1], [0.9, 0.2, 0.3, 0.4, 0.8, 0.1]);
 * if (test.delta !== 8 / 9 - 5 / 9) throw new Error(`delta ${test.delta}`);
 * if (!(test.p > 0 && test.p < 1)) throw new Error(`p ${test.p}`);
 * ```
 */
export function pairedAucTest(
  labels: BinaryLabels,
  scoresA: Scores,
  scoresB: Scores,
): PairedAucTest {
  const name = "pairedAucTest";
  _checkSameLength(scoresA, scoresB, name);
  const a = placements(_splitByClass(labels, scoresA, `${name} (scoresA)`));
  const b = placements(_splitByClass(labels, scoresB, `${name} (scoresB)`));
  const m = a.positive.length;
  const n = a.negative.length;
  if (m < 2 || n < 2) {
    throw new MetricError(
      `${name}: DeLong's variance needs at least 2 fake and 2 real samples (got ${m} fake, ` +
        `${n} real)`,
    );
  }
  // Placements are multiples of 1/2 and their sums exact: aucA is rocAuc's U / (m n) exactly.
  const aucA = sum(a.positive) / (m * n);
  const aucB = sum(b.positive) / (m * n);
  const delta = aucA - aucB;
  // Var(V10_A - V10_B) with V10 = placement / n, and likewise for the reals (V01 = 1 -
  // placement / m: the constant and the sign do not change a variance). Working on the exact
  // half-integer placements keeps a constant difference at variance exactly 0.
  const variance = sampleVariance(difference(a.positive, b.positive)) / (n * n * m) +
    sampleVariance(difference(a.negative, b.negative)) / (m * m * n);
  const se = Math.sqrt(variance);
  const z = se > 0 ? delta / se : delta === 0 ? 0 : delta > 0 ? Infinity : -Infinity;
  return { aucA, aucB, delta, se, z, p: _twoSidedP(z), positives: m, negatives: n };
}

/**
 * Sun & Xu's `Tz - Tx` and `Tz - Ty` per sample, in input order: for a fake, the number of
 * reals below it plus half the reals tied with it; for a real, the same count of fakes.
 */
interface Placements {
  positive: Float64Array;
  negative: Float64Array;
}

function placements({ positives, negatives }: _ClassScores): Placements {
  const m = positives.length;
  const all = new Float64Array(m + negatives.length);
  all.set(positives);
  all.set(negatives, m);
  const tz = midranks(all);
  const tx = midranks(positives);
  const ty = midranks(negatives);
  const positive = Float64Array.from(tx, (rank, i) => tz[i] - rank);
  const negative = Float64Array.from(ty, (rank, j) => tz[m + j] - rank);
  return { positive, negative };
}

/** 1-based ranks of `values`, tied values sharing the mean of their ranks (Sun & Xu, Alg. 1). */
function midranks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    // Sorted positions i .. j-1 hold ranks i+1 .. j.
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

function difference(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (v, i) => v - b[i]);
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

/** Unbiased sample variance (divisor length - 1, numpy's `cov` default), two-pass. */
function sampleVariance(values: Float64Array): number {
  const mean = sum(values) / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return squares / (values.length - 1);
}
