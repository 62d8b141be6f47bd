/**
 * Paired bootstrap interval for the difference of a metric between two score sets of the same
 * samples (delta AUC of one detector between two copies of the same videos).
 * @module
 */
import { _checkInputs, _checkSameLength } from "./_binary.ts";
import { _countedAuc, _sortScores } from "./_counted_auc.ts";
import {
  _clusterOf,
  _forEachResample,
  _forEachResampleCount,
  _labelBytes,
  _percentiles,
  _resampleSettings,
} from "./_resample.ts";
import type { BootstrapInterval, BootstrapOptions } from "./bootstrap.ts";
import type { BinaryLabels, Scores } from "./metric_error.ts";
import { rocAuc } from "./roc_auc.ts";

/** Options for {@link pairedBootstrapDelta}: the bootstrap's, plus the metric. */
export interface PairedBootstrapOptions extends BootstrapOptions {
  /** The metric whose difference is bootstrapped; default {@link rocAuc}. */
  metric?: (labels: Uint8Array, scores: Float64Array) => number;
}

/** A percentile interval of `metric(A) - metric(B)`; `estimate` is that difference. */
export interface PairedBootstrapInterval extends BootstrapInterval {
  /** The metric of `scoresA` on the original data. */
  estimateA: number;
  /** The metric of `scoresB` on the original data. */
  estimateB: number;
}

/**
 * Percentile bootstrap interval of `metric(labels, scoresA) - metric(labels, scoresB)` (default
 * metric: ROC AUC, so delta AUC), for two score sets of the same samples. Each resample draws
 * the samples once (stratified by label by default, clusters = videos when given, exactly as
 * `bootstrapInterval` draws them for the same seed) and scores both copies on it, so what the
 * two share (hard and easy videos) cancels in the difference: with correlated scores the paired
 * interval is much narrower than one built from two separate intervals. Efron & Tibshirani
 * (1993), "An Introduction to the Bootstrap", ch. 13 (percentile intervals). The paired,
 * stratified draw is what pROC's bootstrap comparison of paired curves does by default
 * (Robin et al. 2011, BMC Bioinformatics 12:77; `roc.test(method = "bootstrap")`,
 * `boot.stratified = TRUE`) and fbroc's `boot.paired.roc(stratify = TRUE)`.
 *
 * The interval answers "how much could this drop move with other videos like these"; an
 * interval that excludes 0 is a significant difference at level 1 - confidence. Throws a
 * `MetricError` on unequal lengths, bad labels or scores, bad options, clusters holding both
 * labels, or when every resample held a single class (unstratified).
 *
 * @example
 * ```ts
 * import { pairedBootstrapDelta } from "./paired_bootstrap.ts";
 * const labels = [1, 1, 1, 1, 0, 0, 0, 0];
 * const a = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2];
 * const b = [0.9, 0.8, 0.7, 0.3, 0.5, 0.4, 0.6, 0.2];
 * const delta = pairedBootstrapDelta(labels, a, b, { resamples: 200, seed: 1 });
 * if (!(delta.low <= delta.estimate && delta.estimate <= delta.high)) throw new Error("interval");
 * ```
 */
export function pairedBootstrapDelta(
  labels: BinaryLabels,
  scoresA: Scores,
  scoresB: Scores,
  options: PairedBootstrapOptions = {},
): PairedBootstrapInterval {
  const name = "pairedBootstrapDelta";
  _checkSameLength(scoresA, scoresB, name);
  _checkInputs(labels, scoresA, `${name} (scoresA)`);
  _checkInputs(labels, scoresB, `${name} (scoresB)`);
  const settings = _resampleSettings(options, name);
  const metric = options.metric ?? rocAuc;
  const label = _labelBytes(labels);
  const a = Float64Array.from(scoresA);
  const b = Float64Array.from(scoresB);
  const estimateA = metric(label, a);
  const estimateB = metric(label, b);
  const values: number[] = [];
  let skipped: number;
  if (metric === rocAuc) {
    // AUC depends on the drawn multiset only: sort each copy once, count each resample's draws.
    const clusterOf = _clusterOf(label, options, name);
    const [sortedA, sortedB] = [a, b].map((s) => _sortScores(s, label, clusterOf));
    skipped = _forEachResampleCount(label, options, settings, name, (drawn, pos, total) => {
      values.push(
        _countedAuc(sortedA, drawn, pos, total) - _countedAuc(sortedB, drawn, pos, total),
      );
    });
  } else {
    skipped = _forEachResample(label, [a, b], options, settings, name, (drawn, [da, db]) => {
      values.push(metric(drawn, da) - metric(drawn, db));
    });
  }
  return {
    estimate: estimateA - estimateB,
    ..._percentiles(values, settings.confidence, name),
    confidence: settings.confidence,
    resamples: values.length,
    skipped,
    estimateA,
    estimateB,
  };
}
