/**
 * Area under the ROC curve, with ties handled exactly like scikit-learn's `roc_auc_score`.
 * @module
 */
import { _splitByClass } from "./_binary.ts";
import { _sortFloat64 } from "./_sort.ts";
import type { BinaryLabels, Scores } from "./metric_error.ts";

/**
 * ROC AUC of `scores` for binary `labels` (1/true = fake = positive).
 *
 * Tied scores count half (the trapezoid over distinct thresholds, i.e. the average rank), which
 * is what scikit-learn's `roc_auc_score` computes; results agree to ~1e-15. Computed as the
 * Mann-Whitney statistic in exact integer arithmetic over two radix-sorted arrays, O(n).
 * Returns a value in [0, 1]. Throws a `MetricError` (a RangeError) when lengths differ, a label
 * is not 0/1, a score is not finite, or only one class is present.
 *
 * @example
 * ```ts
 * import { rocAuc } from "./roc_auc.ts";
 * // Pairs (fake, real): 0.35 > 0.1, 0.35 < 0.4, 0.8 beats both: 3 of 4.
 * if (rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) !== 0.75) throw new Error("AUC");
 * // A tie counts half: 0.5 vs 0.5.
 * if (rocAuc([0, 1], [0.5, 0.5]) !== 0.5) throw new Error("tie");
 * ```
 */
export function rocAuc(labels: BinaryLabels, scores: Scores): number {
  const { positives, negatives } = _splitByClass(labels, scores, "rocAuc");
  _sortFloat64(positives);
  _sortFloat64(negatives);
  const p = positives.length;
  const n = negatives.length;
  // Twice the U statistic: each (positive, negative) pair counts 2 when ordered, 1 when tied.
  // It stays an exact integer below 2^53 for any array that fits in memory.
  let twiceU = 0;
  let j = 0;
  let i = 0;
  while (i < p) {
    const v = positives[i];
    let end = i + 1;
    while (end < p && positives[end] === v) end++;
    while (j < n && negatives[j] < v) j++;
    let k = j;
    while (k < n && negatives[k] === v) k++;
    twiceU += (end - i) * (2 * j + (k - j));
    i = end;
    j = k;
  }
  return twiceU / (2 * p * n);
}
