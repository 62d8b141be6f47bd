/**
 * The bootstraps of AUC count how often each video was drawn over scores sorted once
 * (metrics/_counted_auc.ts) instead of sorting every drawn copy: the intervals must be exactly
 * those of the straightforward computation (rocAuc over the drawn copies, which a metric other
 * than `rocAuc` itself still gets), on random data with ties, -0, clusters, unstratified draws
 * and one-class resamples.
 */
import assert from "node:assert/strict";
import { bootstrapAuc, bootstrapInterval } from "../metrics/bootstrap.ts";
import { pairedBootstrapDelta } from "../metrics/paired_bootstrap.ts";
import { _PLAN_LIMIT } from "../metrics/_resample.ts";
import { rocAuc } from "../metrics/roc_auc.ts";
import { seededRandom } from "../util/prng.ts";

// The straightforward path: any metric that is not `rocAuc` itself draws copies and sorts them.
const reference = (labels: Uint8Array, scores: Float64Array) => rocAuc(labels, scores);

function data(seed: number, n: number, levels: number) {
  const random = seededRandom(seed);
  const labels = Uint8Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
  labels[0] = 1;
  labels[1] = 0;
  const round = (x: number) => levels > 0 ? Math.round(x * levels) / levels : x;
  const a = Float64Array.from(labels, (l) => round(Math.min(1, random() * 0.8 + 0.2 * l)));
  const b = Float64Array.from(labels, (_l, i) => round(Math.min(1, a[i] * 0.7 + 0.3 * random())));
  a[2] = -0;
  b[3] = 0;
  const clusters = Array.from(labels, (l, i) => `${l}-${Math.floor(i / 3)}`);
  return { labels, a, b, clusters };
}

Deno.test("counted bootstrap AUC equals the drawn-copies bootstrap exactly", () => {
  for (const [seed, n, levels] of [[1, 7, 4], [2, 60, 0], [3, 301, 10], [4, 2500, 0]]) {
    const { labels, a, b, clusters } = data(seed, n, levels);
    for (
      const options of [
        { resamples: 300, seed },
        { resamples: 200, seed: seed + 9, stratified: false },
        { resamples: 150, seed, clusters },
        { resamples: 150, seed, clusters, stratified: false, confidence: 0.8 },
      ]
    ) {
      const fast = bootstrapAuc(labels, a, options);
      const slow = bootstrapInterval(labels, a, { ...options, metric: reference });
      assert.deepEqual(fast, slow, `bootstrapAuc n=${n} ${JSON.stringify(options)}`);
      const pairedFast = pairedBootstrapDelta(labels, a, b, options);
      const pairedSlow = pairedBootstrapDelta(labels, a, b, { ...options, metric: reference });
      assert.deepEqual(pairedFast, pairedSlow, `paired n=${n} ${JSON.stringify(options)}`);
    }
  }
});

Deno.test("counted bootstrap skips one-class resamples as the drawn-copies one does", () => {
  const labels = Uint8Array.from([1, 0, 0, 0]);
  const scores = Float64Array.from([0.9, 0.1, 0.5, 0.5]);
  const options = { resamples: 500, seed: 5, stratified: false };
  const fast = bootstrapAuc(labels, scores, options);
  assert.ok(fast.skipped > 0, "some resamples hold one class");
  assert.deepEqual(fast, bootstrapInterval(labels, scores, { ...options, metric: reference }));
});

Deno.test("counted bootstrap draws one resample at a time beyond the plan limit, alike", () => {
  const { labels, a } = data(6, 17_000, 0);
  const options = { resamples: 1000, seed: 4 };
  assert.ok(labels.length * options.resamples > _PLAN_LIMIT);
  const fast = bootstrapAuc(labels, a, options);
  assert.deepEqual(fast, bootstrapInterval(labels, a, { ...options, metric: reference }));
});
