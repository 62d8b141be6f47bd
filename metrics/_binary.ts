/**
 * Internal: validation of (labels, scores) pairs and their split into the scores of each class.
 * @module
 */
import { type BinaryLabels, MetricError, type Scores } from "./metric_error.ts";

/** Scores of the positive and negative samples, in input order. */
export interface _ClassScores {
  positives: Float64Array;
  negatives: Float64Array;
}

/** Checks lengths, labels and scores, and returns their length. */
export function _checkInputs(labels: BinaryLabels, scores: Scores, metric: string): number {
  const n = checkLengths(labels, scores, metric);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1 && label !== true && label !== false) {
      throw new MetricError(
        `${metric}: label at index ${i} is ${label} (want 0, 1, true or false)`,
      );
    }
    const score = scores[i];
    if (typeof score !== "number" || !Number.isFinite(score)) {
      throw new MetricError(`${metric}: score at index ${i} is ${score} (want a finite number)`);
    }
  }
  return n;
}

/**
 * Validates the inputs and splits the scores by class; throws a {@link MetricError} when a
 * class is missing (ranking metrics are undefined then).
 */
export function _splitByClass(labels: BinaryLabels, scores: Scores, metric: string): _ClassScores {
  const n = checkLengths(labels, scores, metric);
  // One tight pass validates and counts (this runs over 1e7 samples in the benchmark).
  let p = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    const score = scores[i];
    if (label === 1) p++;
    else if (label !== 0) {
      if (label === true) p++;
      else if (label !== false) _checkInputs(labels, scores, metric);
    }
    // NaN and ±Infinity are the only numbers for which x - x is not 0.
    if (!(score - score === 0)) _checkInputs(labels, scores, metric);
  }
  if (p === 0 || p === n) {
    throw new MetricError(
      `${metric}: only one class present (${p === 0 ? "no fake" : "no real"} sample among ${n}); ` +
        "it needs both fake (1) and real (0) samples",
    );
  }
  const positives = new Float64Array(p);
  const negatives = new Float64Array(n - p);
  let ip = 0;
  let ineg = 0;
  for (let i = 0; i < n; i++) {
    // `+ 0` turns -0 into +0 so that the two zeros sort as one tie.
    const label = labels[i];
    if (label === 1 || (label !== 0 && label === true)) positives[ip++] = scores[i] + 0;
    else negatives[ineg++] = scores[i] + 0;
  }
  return { positives, negatives };
}

function checkLengths(labels: BinaryLabels, scores: Scores, metric: string): number {
  const n = labels.length;
  if (n !== scores.length) {
    throw new MetricError(
      `${metric}: labels and scores differ in length (${n} vs ${scores.length})`,
    );
  }
  if (n === 0) throw new MetricError(`${metric}: no samples (labels and scores are empty)`);
  return n;
}

/**
 * Checks that two detectors' scores cover the same samples (one score each), for the paired
 * comparisons; each array is then validated against the labels on its own.
 */
export function _checkSameLength(scoresA: Scores, scoresB: Scores, metric: string): void {
  if (scoresA.length !== scoresB.length) {
    throw new MetricError(
      `${metric}: scoresA and scoresB differ in length (${scoresA.length} vs ${scoresB.length}); ` +
        "a paired comparison needs both scores of every sample",
    );
  }
}
