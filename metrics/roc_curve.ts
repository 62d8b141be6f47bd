/**
 * The ROC curve, point for point as scikit-learn's `roc_curve`.
 * @module
 */
import { _binaryCurve, _dropIntermediate } from "./_curve.ts";
import type { BinaryLabels, Scores } from "./metric_error.ts";

/** Options for {@link rocCurve}. */
export interface RocCurveOptions {
  /**
   * Drop points that lie on a straight line between their neighbours (scikit-learn's
   * `drop_intermediate`, default true there and here). They change neither the drawn curve nor
   * its area.
   */
  dropIntermediate?: boolean;
}

/** A ROC curve: parallel arrays, thresholds descending, starting at (0, 0). */
export interface RocCurve {
  /** False positive rate at each threshold, non-decreasing from 0 to 1. */
  fpr: Float64Array;
  /** True positive rate at each threshold, non-decreasing from 0 to 1. */
  tpr: Float64Array;
  /**
   * Decision thresholds (predict fake when score >= threshold), descending. The first is
   * `Infinity` (no sample flagged), as in scikit-learn >= 1.3; scikit-learn 1.2 wrote
   * `max score + 1` there instead.
   */
  thresholds: Float64Array;
}

/**
 * ROC curve of `scores` for binary `labels` (1/true = fake): one point per distinct score,
 * ties kept together, plus the (0, 0) start, exactly like scikit-learn's `roc_curve`.
 * Throws a `MetricError` on unequal lengths, labels other than 0/1, non-finite scores or a
 * single class.
 */
export function rocCurve(
  labels: BinaryLabels,
  scores: Scores,
  options: RocCurveOptions = {},
): RocCurve {
  const full = _binaryCurve(labels, scores, "rocCurve");
  const curve = (options.dropIntermediate ?? true) ? _dropIntermediate(full) : full;
  const { tps, fps, thresholds } = curve;
  const m = tps.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const out = new Float64Array(m);
  out[0] = Infinity;
  for (let i = 1; i < m; i++) {
    fpr[i] = fps[i - 1] / curve.negatives;
    tpr[i] = tps[i - 1] / curve.positives;
    out[i] = thresholds[i - 1];
  }
  return { fpr, tpr, thresholds: out };
}
