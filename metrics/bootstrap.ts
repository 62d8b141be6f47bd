/**
 * Bootstrap confidence intervals for ranking metrics, resampling videos with a seeded PRNG so
 * intervals are identical on every run.
 * @module
 */
import { _checkInputs } from "./_binary.ts";
import { _countedAuc, _sortScores } from "./_counted_auc.ts";
import {
  _clusterOf,
  _forEachResample,
  _forEachResampleCount,
  _labelBytes,
  _percentiles,
  _resampleSettings,
} from "./_resample.ts";
import type { BinaryLabels, Scores } from "./metric_error.ts";
import { rocAuc } from "./roc_auc.ts";

/** Options for {@link bootstrapInterval} and {@link bootstrapAuc}. */
export interface BootstrapOptions {
  /** Number of resamples; default 1000. */
  resamples?: number;
  /** PRNG seed; default 0. Same seed, same data: same interval. */
  seed?: number;
  /** Coverage of the interval in (0, 1); default 0.95. */
  confidence?: number;
  /**
   * Resample fakes and reals separately, keeping each class's count (default true). This is
   * the common choice for AUC (pROC's default): every resample has both classes, so none is
   * thrown away. With false, resamples with one class are skipped and counted in `skipped`.
   */
  stratified?: boolean;
  /**
   * Cluster of each sample (e.g. the video id of each frame score): whole clusters are drawn,
   * so frame-level intervals resample videos. Default: every sample is its own cluster. A
   * cluster must hold one label.
   */
  clusters?: ArrayLike<string | number>;
}

/** A percentile bootstrap interval. */
export interface BootstrapInterval {
  /** The metric on the original data. */
  estimate: number;
  /** Lower bound (percentile (1 - confidence) / 2, linear interpolation like numpy). */
  low: number;
  /** Upper bound (percentile (1 + confidence) / 2). */
  high: number;
  /** Coverage asked for. */
  confidence: number;
  /** Resamples that produced a value. */
  resamples: number;
  /** Resamples skipped because they held one class (unstratified only). */
  skipped: number;
}

/**
 * Percentile bootstrap interval of `metric(labels, scores)`: clusters (default: samples) are
 * drawn with replacement, within each class when `stratified` (default). Throws a
 * `MetricError` on bad inputs, a cluster holding both labels, or bad options. With `rocAuc` as
 * the metric each resample is computed from how often each video was drawn, over the scores
 * sorted once: the same values as drawing copies, without a sort per resample.
 */
export function bootstrapInterval(
  labels: BinaryLabels,
  scores: Scores,
  options: BootstrapOptions & { metric: (labels: Uint8Array, scores: Float64Array) => number },
): BootstrapInterval {
  const name = "bootstrapInterval";
  _checkInputs(labels, scores, name);
  const settings = _resampleSettings(options, name);
  const label = _labelBytes(labels);
  const score = Float64Array.from(scores);
  const estimate = options.metric(label, score);
  const values: number[] = [];
  let skipped: number;
  if (options.metric === rocAuc) {
    // AUC depends on the drawn multiset only: sort once, count each resample's draws.
    const sorted = _sortScores(score, label, _clusterOf(label, options, name));
    skipped = _forEachResampleCount(label, options, settings, name, (drawn, pos, total) => {
      values.push(_countedAuc(sorted, drawn, pos, total));
    });
  } else {
    skipped = _forEachResample(label, [score], options, settings, name, (drawn, [s]) => {
      values.push(options.metric(drawn, s));
    });
  }
  return {
    estimate,
    ..._percentiles(values, settings.confidence, name),
    confidence: settings.confidence,
    resamples: values.length,
    skipped,
  };
}

/** Bootstrap interval of {@link rocAuc}; see {@link bootstrapInterval} for the options. */
export function bootstrapAuc(
  labels: BinaryLabels,
  scores: Scores,
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrapInterval(labels, scores, { ...options, metric: rocAuc });
}
