/**
 * Accuracy of thresholded scores.
 * @module
 */
import { _checkInputs } from "./_binary.ts";
import { type BinaryLabels, MetricError, type Scores } from "./metric_error.ts";

/**
 * Fraction of samples classified correctly when "fake" means `score >= threshold`
 * (default 0.5, the usual decision rule for fake probabilities). A single class is allowed.
 * Returns a value in [0, 1]. Throws a `MetricError` on unequal lengths, empty input, labels
 * other than 0/1, non-finite scores or a NaN threshold.
 */
export function accuracyAt(labels: BinaryLabels, scores: Scores, threshold = 0.5): number {
  if (Number.isNaN(threshold)) throw new MetricError("accuracyAt: threshold is NaN");
  const n = _checkInputs(labels, scores, "accuracyAt");
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const fake = labels[i] === 1 || labels[i] === true;
    if ((scores[i] >= threshold) === fake) correct++;
  }
  return correct / n;
}
