/**
 * The ROC curve, point for point as scikit-learn's `roc_curve`.
 * @module
 */
import { _binaryCurve } from "./_curve.ts";
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
  const curve = _binaryCurve(labels, scores, "rocCurve");
  let { tps, fps, thresholds } = curve;
  if ((options.dropIntermediate ?? true) && tps.length > 2) {
    // Keep a point when the second difference of fps or tps there is non-zero (a corner).
    const keep: number[] = [0];
    for (let i = 1; i < tps.length - 1; i++) {
      const bendF = fps[i + 1] - 2 * fps[i] + fps[i - 1];
      const bendT = tps[i + 1] - 2 * tps[i] + tps[i - 1];
      if (bendF !== 0 || bendT !== 0) keep.push(i);
    }
    keep.push(tps.length - 1);
    tps = Float64Array.from(keep, (i) => curve.tps[i]);
    fps = Float64Array.from(keep, (i) => curve.fps[i]);
    thresholds = Float64Array.from(keep, (i) => curve.thresholds[i]);
  }
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
