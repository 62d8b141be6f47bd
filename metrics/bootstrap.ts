/**
 * Bootstrap confidence intervals for ranking metrics, resampling videos with a seeded PRNG so
 * intervals are identical on every run.
 * @module
 */
import { _checkInputs } from "./_binary.ts";
import { type BinaryLabels, MetricError, type Scores } from "./metric_error.ts";
import { seededRandom } from "./prng.ts";
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
 * `MetricError` on bad inputs, a cluster holding both labels, or bad options.
 */
export function bootstrapInterval(
  labels: BinaryLabels,
  scores: Scores,
  options: BootstrapOptions & { metric: (labels: Uint8Array, scores: Float64Array) => number },
): BootstrapInterval {
  const n = _checkInputs(labels, scores, "bootstrapInterval");
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples > 0)) {
    throw new MetricError(
      `bootstrapInterval: resamples must be a positive integer, not ${resamples}`,
    );
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new MetricError(`bootstrapInterval: confidence must be in (0, 1), not ${confidence}`);
  }
  const label = Uint8Array.from(
    { length: n },
    (_, i) => (labels[i] === 1 || labels[i] === true ? 1 : 0),
  );
  const score = Float64Array.from(scores);
  const groups = clusterMembers(label, options.clusters, n);
  const estimate = options.metric(label, score);
  const random = seededRandom(options.seed ?? 0);
  const strata = (options.stratified ?? true)
    ? [groups.filter((g) => label[g[0]] === 1), groups.filter((g) => label[g[0]] === 0)]
    : [groups];
  const values: number[] = [];
  let skipped = 0;
  let drawnLabels = new Uint8Array(n);
  let drawnScores = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    let m = 0;
    let positives = 0;
    for (const stratum of strata) {
      for (let k = 0; k < stratum.length; k++) {
        const members = stratum[Math.floor(random() * stratum.length)];
        for (const i of members) {
          if (m === drawnLabels.length) {
            // Large clusters drawn often can make a resample longer than the data: grow.
            const grownLabels = new Uint8Array(m * 2);
            const grownScores = new Float64Array(m * 2);
            grownLabels.set(drawnLabels);
            grownScores.set(drawnScores);
            drawnLabels = grownLabels;
            drawnScores = grownScores;
          }
          drawnLabels[m] = label[i];
          drawnScores[m] = score[i];
          positives += label[i];
          m++;
        }
      }
    }
    if (positives === 0 || positives === m) {
      skipped++;
      continue;
    }
    values.push(options.metric(drawnLabels.subarray(0, m), drawnScores.subarray(0, m)));
  }
  if (values.length === 0) {
    throw new MetricError("bootstrapInterval: every resample held a single class");
  }
  values.sort((a, b) => a - b);
  return {
    estimate,
    low: quantile(values, (1 - confidence) / 2),
    high: quantile(values, (1 + confidence) / 2),
    confidence,
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

function clusterMembers(
  label: Uint8Array,
  clusters: ArrayLike<string | number> | undefined,
  n: number,
): number[][] {
  if (clusters === undefined) return Array.from({ length: n }, (_, i) => [i]);
  if (clusters.length !== n) {
    throw new MetricError(
      `bootstrapInterval: clusters and labels differ in length (${clusters.length} vs ${n})`,
    );
  }
  const byKey = new Map<string | number, number[]>();
  for (let i = 0; i < n; i++) {
    const members = byKey.get(clusters[i]);
    if (members === undefined) byKey.set(clusters[i], [i]);
    else {
      if (label[members[0]] !== label[i]) {
        throw new MetricError(`bootstrapInterval: cluster "${clusters[i]}" holds both labels`);
      }
      members.push(i);
    }
  }
  return [...byKey.values()];
}

// numpy's default (linear) percentile: position q * (n - 1) between sorted values.
function quantile(sorted: number[], q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}
