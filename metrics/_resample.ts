/**
 * Internal: the seeded resampling behind every bootstrap interval (one metric, or the paired
 * difference of two), so that all of them draw the same videos for the same seed.
 * @module
 */
import { MetricError } from "./metric_error.ts";
import { seededRandom } from "../util/prng.ts";

/** The resampling settings shared by the bootstrap functions (see `BootstrapOptions`). */
export interface _ResampleOptions {
  resamples?: number;
  seed?: number;
  confidence?: number;
  stratified?: boolean;
  clusters?: ArrayLike<string | number>;
}

/** Validated settings with their defaults. */
export interface _ResampleSettings {
  resamples: number;
  confidence: number;
}

/** Applies the defaults (1000 resamples, 95%) and checks them; `name` prefixes errors. */
export function _resampleSettings(options: _ResampleOptions, name: string): _ResampleSettings {
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples > 0)) {
    throw new MetricError(`${name}: resamples must be a positive integer, not ${resamples}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new MetricError(`${name}: confidence must be in (0, 1), not ${confidence}`);
  }
  return { resamples, confidence };
}

/** Labels as 0/1 bytes (inputs already validated). */
export function _labelBytes(labels: ArrayLike<number | boolean>): Uint8Array {
  return Uint8Array.from(
    { length: labels.length },
    (_, i) => (labels[i] === 1 || labels[i] === true ? 1 : 0),
  );
}

/**
 * Draws `resamples` bootstrap resamples of the samples and calls `visit` with each one that
 * holds both classes: the drawn labels and, for each array in `scores`, the drawn scores, in
 * draw order (views, valid during the call only). Clusters (default: each sample alone) are
 * drawn with replacement from a mulberry32 stream seeded with `seed` (default 0), within each
 * class when `stratified` (default): fakes first, then reals, clusters in order of first
 * appearance. Every score array is resampled with the same draws (paired). Returns the number
 * of resamples skipped for holding one class (only possible unstratified). Throws a
 * `MetricError` when the clusters' length differs from the labels' or a cluster holds both
 * labels.
 */
export function _forEachResample(
  label: Uint8Array,
  scores: Float64Array[],
  options: _ResampleOptions,
  settings: _ResampleSettings,
  name: string,
  visit: (labels: Uint8Array, scores: Float64Array[]) => void,
): number {
  const n = label.length;
  const groups = clusterMembers(label, options.clusters, name);
  const random = seededRandom(options.seed ?? 0);
  const strata = (options.stratified ?? true)
    ? [groups.filter((g) => label[g[0]] === 1), groups.filter((g) => label[g[0]] === 0)]
    : [groups];
  let skipped = 0;
  let drawnLabels = new Uint8Array(n);
  let drawnScores = scores.map(() => new Float64Array(n));
  for (let r = 0; r < settings.resamples; r++) {
    let m = 0;
    let positives = 0;
    for (const stratum of strata) {
      for (let k = 0; k < stratum.length; k++) {
        const members = stratum[Math.floor(random() * stratum.length)];
        for (const i of members) {
          if (m === drawnLabels.length) {
            // Large clusters drawn often can make a resample longer than the data: grow.
            drawnLabels = grow(drawnLabels, new Uint8Array(m * 2));
            drawnScores = drawnScores.map((drawn) => grow(drawn, new Float64Array(m * 2)));
          }
          drawnLabels[m] = label[i];
          for (let s = 0; s < scores.length; s++) drawnScores[s][m] = scores[s][i];
          positives += label[i];
          m++;
        }
      }
    }
    if (positives === 0 || positives === m) skipped++;
    else visit(drawnLabels.subarray(0, m), drawnScores.map((drawn) => drawn.subarray(0, m)));
  }
  return skipped;
}

/**
 * Draws exactly the resamples of {@link _forEachResample} (same stream, same order, same skips)
 * but hands `visit` how often each cluster was drawn instead of the drawn copies: `drawn[c]`
 * for the clusters numbered by {@link _clusterOf} (sample `i` is in the resample
 * `drawn[clusterOf[i]]` times), `positives` the fake samples drawn (with repeats), `total` all
 * samples drawn. A metric that depends on the drawn multiset only (AUC) computes each resample
 * from the counts in one pass over data sorted once. The draws depend on the strata's sizes,
 * the seed and the resamples only, so they are made once and reused by the next call with the
 * same three (the cells of one paired run, and their paired deltas). Returns the resamples
 * skipped (one class).
 */
export function _forEachResampleCount(
  label: Uint8Array,
  options: _ResampleOptions,
  settings: _ResampleSettings,
  name: string,
  visit: (drawn: ArrayLike<number>, positives: number, total: number) => void,
): number {
  const strata = strataOf(label, options, name);
  const flat = strata.flat();
  const size = Uint32Array.from(flat, (g) => g.length);
  const fake = Uint8Array.from(flat, (g) => label[g[0]]);
  const lengths = strata.map((s) => s.length);
  const m = flat.length;
  // Draws of every resample at once (reused by the next call), or one resample at a time
  // where that would not fit in _PLAN_LIMIT counts.
  const plan = settings.resamples * m <= _PLAN_LIMIT
    ? drawPlan(lengths, options.seed ?? 0, settings.resamples)
    : undefined;
  const random = seededRandom(options.seed ?? 0);
  const row = plan ? undefined : new Uint32Array(m);
  let skipped = 0;
  for (let r = 0; r < settings.resamples; r++) {
    const drawn = plan
      ? plan.subarray(r * m, (r + 1) * m)
      : drawRow(random, lengths, row!.fill(0), 0);
    let total = 0;
    let positives = 0;
    for (let c = 0; c < m; c++) {
      const k = drawn[c] * size[c];
      total += k;
      positives += fake[c] * k;
    }
    if (positives === 0 || positives === total) skipped++;
    else visit(drawn, positives, total);
  }
  return skipped;
}

/**
 * The cluster number of each sample as {@link _forEachResampleCount}'s `drawn` indexes it
 * (clusters stratum by stratum, in order of first appearance; each sample its own cluster
 * without `clusters`).
 */
export function _clusterOf(
  label: Uint8Array,
  options: _ResampleOptions,
  name: string,
): Uint32Array {
  const clusterOf = new Uint32Array(label.length);
  strataOf(label, options, name).flat().forEach((members, c) => {
    for (const i of members) clusterOf[i] = c;
  });
  return clusterOf;
}

// The clusters drawn from, stratum by stratum (fakes, then reals; or one stratum).
function strataOf(label: Uint8Array, options: _ResampleOptions, name: string): number[][][] {
  const groups = clusterMembers(label, options.clusters, name);
  return (options.stratified ?? true)
    ? [groups.filter((g) => label[g[0]] === 1), groups.filter((g) => label[g[0]] === 0)]
    : [groups];
}

/** Most counts (resamples x clusters) a draw plan holds: 2^24 (32 MiB as Uint16). */
export const _PLAN_LIMIT = 2 ** 24;

// The last draw plan made: resamples x clusters counts, row r = resample r.
let lastPlan: { key: string; plan: Uint16Array | Uint32Array } | undefined;

// How often each cluster (strata flattened) is drawn in each resample, from the same stream
// and in the same order as _forEachResample draws.
function drawPlan(lengths: number[], seed: number, resamples: number): Uint16Array | Uint32Array {
  const key = `${seed}:${resamples}:${lengths.join(",")}`;
  if (lastPlan?.key === key) return lastPlan.plan;
  const m = lengths.reduce((a, b) => a + b, 0);
  // A count is at most its stratum's size.
  const plan = Math.max(0, ...lengths) < 65536
    ? new Uint16Array(resamples * m)
    : new Uint32Array(resamples * m);
  const random = seededRandom(seed);
  for (let r = 0; r < resamples; r++) drawRow(random, lengths, plan, r * m);
  lastPlan = { key, plan };
  return plan;
}

// One resample's draws, added into `counts` from `offset`: per stratum, `length` draws of a
// position in it, as _forEachResample draws them.
function drawRow<T extends Uint16Array | Uint32Array>(
  random: () => number,
  lengths: readonly number[],
  counts: T,
  offset: number,
): T {
  let at = offset;
  for (const length of lengths) {
    for (let k = 0; k < length; k++) counts[at + Math.floor(random() * length)]++;
    at += length;
  }
  return counts;
}

function grow<T extends Uint8Array | Float64Array>(drawn: T, grown: T): T {
  grown.set(drawn);
  return grown;
}

/**
 * The percentile interval of bootstrap `values` (sorted in place): numpy's default (linear)
 * quantiles at (1 - confidence) / 2 and (1 + confidence) / 2. Throws a `MetricError` when no
 * resample produced a value.
 */
export function _percentiles(
  values: number[],
  confidence: number,
  name: string,
): { low: number; high: number } {
  if (values.length === 0) {
    throw new MetricError(`${name}: every resample held a single class`);
  }
  values.sort((a, b) => a - b);
  return {
    low: quantile(values, (1 - confidence) / 2),
    high: quantile(values, (1 + confidence) / 2),
  };
}

function clusterMembers(
  label: Uint8Array,
  clusters: ArrayLike<string | number> | undefined,
  name: string,
): number[][] {
  const n = label.length;
  if (clusters === undefined) return Array.from({ length: n }, (_, i) => [i]);
  if (clusters.length !== n) {
    throw new MetricError(
      `${name}: clusters and labels differ in length (${clusters.length} vs ${n})`,
    );
  }
  const byKey = new Map<string | number, number[]>();
  for (let i = 0; i < n; i++) {
    const members = byKey.get(clusters[i]);
    if (members === undefined) byKey.set(clusters[i], [i]);
    else {
      if (label[members[0]] !== label[i]) {
        throw new MetricError(`${name}: cluster "${clusters[i]}" holds both labels`);
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
