/**
 * Equal error rate: where the false positive rate equals the false negative rate, in the two
 * ways deepfake-detection codebases compute it.
 * @module
 */
import { type _BinaryCurve, _binaryCurve, _dropIntermediate } from "./_curve.ts";
import { type BinaryLabels, MetricError, type Scores } from "./metric_error.ts";

/**
 * How {@link equalErrorRate} finds the point where FNR = FPR.
 * - `interpolated` (default): where the ROC curve, linearly interpolated between its points,
 *   crosses FNR = FPR: `brentq(lambda x: 1. - x - interp1d(fpr, tpr)(x), 0., 1.)` over
 *   scikit-learn's `roc_curve`, as in Capsule-Forensics-v2 (nii-yamagishilab/Capsule-Forensics-v2,
 *   `test_vid_binary_ffpp.py`), computed exactly instead of by root finding.
 * - `nearest`: the FPR of the ROC point where |FNR - FPR| is smallest, over scikit-learn's
 *   `roc_curve` with its default `drop_intermediate=True`, first such point on ties:
 *   `fpr[np.nanargmin(np.absolute(fnr - fpr))]`, as in DeepfakeBench (SCLBD/DeepfakeBench,
 *   `training/metrics/utils.py`, `get_test_metrics`). No interpolation: the value is one of the
 *   curve's FPRs, so it moves in steps of 1 / reals, and it depends on which collinear points
 *   scikit-learn drops.
 */
export type EerMethod = "interpolated" | "nearest";

/** Options for {@link equalErrorRate}. */
export interface EqualErrorRateOptions {
  /** `interpolated` (default) or `nearest`; see {@link EerMethod}. */
  method?: EerMethod;
}

/**
 * Equal error rate of `scores` for binary `labels` (1/true = fake): the false positive rate where
 * it equals the false negative rate (FNR = 1 - TPR), by `method` (default `interpolated`; see
 * {@link EerMethod} for which codebase uses which). The two agree when a ROC point lies on
 * FNR = FPR and can differ by up to the length of the curve's step there otherwise. `nearest`
 * on a curve with one threshold (all scores tied) returns 0: (0, 0) and (1, 1) are equally far
 * from FNR = FPR and the first point wins, as in numpy. Returns a value in [0, 1]. Throws a
 * `MetricError` on unequal lengths, labels other than 0/1, non-finite scores, a single class or
 * an unknown method.
 *
 * @example
 * ```ts
 * import { equalErrorRate } from "./equal_error_rate.ts";
 * const labels = [1, 1, 0, 1, 0, 0];
 * const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.1];
 * // The curve steps from FPR 0 to 1/3 at TPR 2/3 and crosses FNR = FPR at FPR 1/3.
 * if (Math.abs(equalErrorRate(labels, scores) - 1 / 3) > 1e-15) throw new Error("interpolated");
 * if (equalErrorRate(labels, scores, { method: "nearest" }) !== 1 / 3) throw new Error("nearest");
 * ```
 */
export function equalErrorRate(
  labels: BinaryLabels,
  scores: Scores,
  options: EqualErrorRateOptions = {},
): number {
  const method = options.method ?? "interpolated";
  const compute = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (compute === undefined) {
    throw new MetricError(
      `equalErrorRate: method is "${method}" (want one of ${
        Object.keys(METHODS).map((m) => `"${m}"`).join(", ")
      })`,
    );
  }
  return compute(_binaryCurve(labels, scores, "equalErrorRate"));
}

const METHODS: Record<EerMethod, (curve: _BinaryCurve) => number> = {
  interpolated,
  nearest,
};

function interpolated({ tps, fps, positives, negatives }: _BinaryCurve): number {
  // d = FNR - FPR goes from 1 at (0, 0) down to -1 at (1, 1); find where it crosses 0. Collinear
  // points do not move the crossing, so the full curve gives what the dropped one would.
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

function nearest(full: _BinaryCurve): number {
  const { tps, fps, positives, negatives } = _dropIntermediate(full);
  // Start at scikit-learn's first point (0, 0), where |FNR - FPR| = 1. The same floating-point
  // operations as numpy (fnr = 1 - tpr, then |fnr - fpr|) so that ties break the same way.
  let bestFpr = 0;
  let bestGap = 1;
  for (let k = 0; k < tps.length; k++) {
    const fpr = fps[k] / negatives;
    const gap = Math.abs((1 - tps[k] / positives) - fpr);
    if (gap < bestGap) {
      bestGap = gap;
      bestFpr = fpr;
    }
  }
  return bestFpr;
}
