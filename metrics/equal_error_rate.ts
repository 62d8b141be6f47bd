/**
 * Equal error rate: where the false positive rate equals the false negative rate.
 * @module
 */
import { _binaryCurve } from "./_curve.ts";
import type { BinaryLabels, Scores } from "./metric_error.ts";

/**
 * Equal error rate of `scores` for binary `labels` (1/true = fake): the false positive rate at
 * the point where the ROC curve, linearly interpolated between its points (one per distinct
 * score, from (0, 0)), meets FNR = FPR (FNR = 1 - TPR). This is the value that the common
 * `brentq(lambda x: 1 - x - interp1d(fpr, tpr)(x), 0, 1)` recipe approximates, computed exactly.
 * Returns a value in [0, 1]. Throws a `MetricError` on unequal lengths, labels other than 0/1,
 * non-finite scores or a single class.
 */
export function equalErrorRate(labels: BinaryLabels, scores: Scores): number {
  const { tps, fps, positives, negatives } = _binaryCurve(labels, scores, "equalErrorRate");
  // d = FNR - FPR goes from 1 at (0, 0) down to -1 at (1, 1); find where it crosses 0.
  let prevFpr = 0;
  let prevD = 1;
  for (let k = 0; k < tps.length; k++) {
    const fpr = fps[k] / negatives;
    const d = 1 - tps[k] / positives - fpr;
    if (d <= 0) {
      if (d === 0) return fpr;
      const t = prevD / (prevD - d);
      return prevFpr + t * (fpr - prevFpr);
    }
    prevFpr = fpr;
    prevD = d;
  }
  return prevFpr; // unreachable: the last point is (1, 1) where d = -1
}
