/**
 * Internal: the cumulative counts behind every ranking metric, one point per distinct score,
 * like scikit-learn's `_binary_clf_curve`.
 * @module
 */
import { _splitByClass } from "./_binary.ts";
import { _sortFloat64 } from "./_sort.ts";
import type { BinaryLabels, Scores } from "./metric_error.ts";

/** Counts at each distinct score, thresholds descending; index k = "score >= thresholds[k]". */
export interface _BinaryCurve {
  /** Distinct scores, descending. */
  thresholds: Float64Array;
  /** True positives (fakes with score >= threshold). */
  tps: Float64Array;
  /** False positives (reals with score >= threshold). */
  fps: Float64Array;
  /** Number of positives. */
  positives: number;
  /** Number of negatives. */
  negatives: number;
}

/** Validates inputs (both classes required) and builds the curve by merging two sorted arrays. */
export function _binaryCurve(labels: BinaryLabels, scores: Scores, metric: string): _BinaryCurve {
  const { positives, negatives } = _splitByClass(labels, scores, metric);
  _sortFloat64(positives);
  _sortFloat64(negatives);
  const p = positives.length;
  const n = negatives.length;
  const thresholds = new Float64Array(p + n);
  const tps = new Float64Array(p + n);
  const fps = new Float64Array(p + n);
  let ip = p - 1;
  let ineg = n - 1;
  let k = 0;
  while (ip >= 0 || ineg >= 0) {
    const v = ip < 0
      ? negatives[ineg]
      : ineg < 0
      ? positives[ip]
      : Math.max(positives[ip], negatives[ineg]);
    while (ip >= 0 && positives[ip] === v) ip--;
    while (ineg >= 0 && negatives[ineg] === v) ineg--;
    thresholds[k] = v;
    tps[k] = p - 1 - ip;
    fps[k] = n - 1 - ineg;
    k++;
  }
  return {
    thresholds: thresholds.slice(0, k),
    tps: tps.slice(0, k),
    fps: fps.slice(0, k),
    positives: p,
    negatives: n,
  };
}

/**
 * The curve without the points that lie on a straight line between their neighbours, as
 * scikit-learn's `roc_curve(drop_intermediate=True)` drops them: a point stays when the second
 * difference of fps or tps there is non-zero (a corner); the first and last always stay.
 */
export function _dropIntermediate(curve: _BinaryCurve): _BinaryCurve {
  const { tps, fps } = curve;
  if (tps.length <= 2) return curve;
  const keep: number[] = [0];
  for (let i = 1; i < tps.length - 1; i++) {
    const bendF = fps[i + 1] - 2 * fps[i] + fps[i - 1];
    const bendT = tps[i + 1] - 2 * tps[i] + tps[i - 1];
    if (bendF !== 0 || bendT !== 0) keep.push(i);
  }
  keep.push(tps.length - 1);
  return {
    thresholds: Float64Array.from(keep, (i) => curve.thresholds[i]),
    tps: Float64Array.from(keep, (i) => tps[i]),
    fps: Float64Array.from(keep, (i) => fps[i]),
    positives: curve.positives,
    negatives: curve.negatives,
  };
}
