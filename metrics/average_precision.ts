/**
 * Average precision (area under the precision-recall curve, step-wise), as scikit-learn's
 * `average_precision_score`.
 * @module
 */
import { _binaryCurve } from "./_curve.ts";
import type { BinaryLabels, Scores } from "./metric_error.ts";

/**
 * Average precision of `scores` for binary `labels` (1/true = fake = positive):
 * sum over distinct thresholds (descending) of (recall_k - recall_{k-1}) * precision_k, with
 * tied scores forming one threshold — no interpolation, exactly scikit-learn's definition.
 * Returns a value in (0, 1]. Throws a `MetricError` on unequal lengths, labels other than 0/1,
 * non-finite scores or a single class.
 */
export function averagePrecision(labels: BinaryLabels, scores: Scores): number {
  const { tps, fps, positives } = _binaryCurve(labels, scores, "averagePrecision");
  let sum = 0;
  let previousRecall = 0;
  for (let k = 0; k < tps.length; k++) {
    const recall = tps[k] / positives;
    const precision = tps[k] / (tps[k] + fps[k]);
    sum += (recall - previousRecall) * precision;
    previousRecall = recall;
  }
  return sum;
}
