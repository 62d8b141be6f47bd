/**
 * Calibration of fake probabilities: Brier score and expected calibration error.
 * @module
 */
import { _checkInputs } from "./_binary.ts";
import { type BinaryLabels, MetricError, type Scores } from "./metric_error.ts";

/** Bins of {@link expectedCalibrationError} unless told otherwise (Guo et al. 2017 use 15; 10 is the common default). */
export const ECE_BINS = 10;

/**
 * Brier score: mean of (score - label)^2 over the samples, in [0, 1] (Brier 1950; scikit-learn's
 * `brier_score_loss`). A single class is allowed. Throws a `MetricError` on unequal lengths,
 * empty input, bad labels, or a score outside [0, 1] (not a probability).
 */
export function brierScore(labels: BinaryLabels, scores: Scores): number {
  const n = checkProbabilities(labels, scores, "brierScore");
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i] === 1 || labels[i] === true ? 1 : 0;
    sum += (scores[i] - y) ** 2;
  }
  return sum / n;
}

/**
 * Expected calibration error with `bins` equal-width bins over [0, 1] (default
 * {@link ECE_BINS}): bin b holds scores in [b/bins, (b+1)/bins), the last bin also 1;
 * ECE = sum over bins of (n_b / n) |fraction of fakes in b - mean score in b| (Naeini et al.
 * 2015; Guo et al. 2017, eq. 3, with the fake probability as the confidence of "fake"). In
 * [0, 1]. A single class is allowed. Throws a `MetricError` as {@link brierScore}, or for a
 * bin count that is not a whole number >= 1.
 */
export function expectedCalibrationError(
  labels: BinaryLabels,
  scores: Scores,
  bins: number = ECE_BINS,
): number {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new MetricError(
      `expectedCalibrationError: bins must be a whole number >= 1, got ${bins}`,
    );
  }
  const n = checkProbabilities(labels, scores, "expectedCalibrationError");
  const count = new Float64Array(bins);
  const fakes = new Float64Array(bins);
  const scoreSum = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.floor(scores[i] * bins));
    count[b]++;
    scoreSum[b] += scores[i];
    if (labels[i] === 1 || labels[i] === true) fakes[b]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0) ece += Math.abs(fakes[b] - scoreSum[b]) / n;
  }
  return ece;
}

/** True when every score is a probability (finite, in [0, 1]). */
export function areProbabilities(scores: Scores): boolean {
  for (let i = 0; i < scores.length; i++) if (!(scores[i] >= 0 && scores[i] <= 1)) return false;
  return true;
}

function checkProbabilities(labels: BinaryLabels, scores: Scores, metric: string): number {
  const n = _checkInputs(labels, scores, metric);
  if (!areProbabilities(scores)) {
    throw new MetricError(`${metric}: scores must be probabilities in [0, 1]`);
  }
  return n;
}
