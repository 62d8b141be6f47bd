/**
 * Paired comparisons (DeLong's test, the paired bootstrap, Holm's adjustment) and the two EER
 * methods on hand-computed and generated cases; they need no python
 * (tests/metrics_paired_oracle_test.ts checks them against independent python implementations).
 */
import assert from "node:assert/strict";
import { bootstrapAuc } from "../metrics/bootstrap.ts";
import { pairedAucTest } from "../metrics/delong.ts";
import { type EerMethod, equalErrorRate } from "../metrics/equal_error_rate.ts";
import { holmAdjust } from "../metrics/holm.ts";
import { MetricError } from "../metrics/metric_error.ts";
import { pairedBootstrapDelta } from "../metrics/paired_bootstrap.ts";
import { seededRandom } from "../util/prng.ts";
import { rocAuc } from "../metrics/roc_auc.ts";

/** Correlated score pairs: a shared per-video difficulty plus a little noise per detector. */
function correlatedScores(size: number, seed: number, levels = 0) {
  const random = seededRandom(seed);
  const labels: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const round = (v: number) => levels === 0 ? v : Math.round(v * (levels - 1)) / (levels - 1);
  for (let i = 0; i < size; i++) {
    const label = i % 3 === 0 ? 1 : 0;
    const shared = random();
    labels.push(label);
    a.push(round(0.6 * shared + 0.3 * label + 0.1 * random()));
    b.push(round(0.6 * shared + 0.2 * label + 0.1 * random()));
  }
  return { labels, a, b };
}

function assertMetricError(call: () => unknown, message: RegExp) {
  assert.throws(call, (e: unknown) => {
    assert.ok(e instanceof MetricError, `not a MetricError: ${e}`);
    assert.match(e.message, message);
    return true;
  });
}

Deno.test("pairedAucTest() computes DeLong's statistic on a hand-worked case", () => {
  // Fakes 0.9, 0.4 and reals 0.5, 0.1. A: components V10 = (1, 1/2), V01 = (1/2, 1), AUC 3/4.
  // B ranks both fakes first: V10 = V01 = (1, 1), AUC 1. Differences (0, -1/2) and (-1/2, 0)
  // have sample variance 1/8 each: se^2 = 1/8 / 2 + 1/8 / 2 = 1/8, z = -1/4 / sqrt(1/8) =
  // -1/sqrt(2), p = erfc(1/2).
  const test = pairedAucTest([1, 1, 0, 0], [0.9, 0.4, 0.5, 0.1], [0.9, 0.8, 0.5, 0.1]);
  assert.equal(test.aucA, 0.75);
  assert.equal(test.aucB, 1);
  assert.equal(test.delta, -0.25);
  assert.ok(Math.abs(test.se - Math.sqrt(1 / 8)) < 1e-16);
  assert.ok(Math.abs(test.z + Math.SQRT1_2) < 1e-15);
  assert.ok(Math.abs(test.p - 0.4795001221869535) < 1e-15, `p ${test.p}`); // erfc(0.5)
  assert.equal(test.positives, 2);
  assert.equal(test.negatives, 2);
});

Deno.test("pairedAucTest() gives rocAuc's values bit for bit and is antisymmetric", async (t) => {
  for (const [size, levels] of [[7, 2], [50, 3], [333, 10], [2000, 0]]) {
    await t.step(`n=${size} levels=${levels}`, () => {
      const { labels, a, b } = correlatedScores(size, size + levels, levels);
      const ab = pairedAucTest(labels, a, b);
      assert.equal(ab.aucA, rocAuc(labels, a));
      assert.equal(ab.aucB, rocAuc(labels, b));
      assert.equal(ab.delta, ab.aucA - ab.aucB);
      const ba = pairedAucTest(labels.map((l) => l === 1), b, Float64Array.from(a));
      assert.equal(ba.delta, -ab.delta);
      assert.equal(ba.z, -ab.z);
      assert.equal(ba.se, ab.se);
      assert.equal(ba.p, ab.p);
      assert.ok(ab.se > 0 && ab.p > 0 && ab.p <= 1);
    });
  }
});

Deno.test("pairedAucTest() defines the zero-variance cases", async (t) => {
  const labels = [1, 1, 1, 0, 0, 0];
  const perfect = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1];
  const constant = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
  const inverted = perfect.map((s) => 1 - s);
  await t.step("identical scores: delta 0, z 0, p 1", () => {
    const { labels: l, a } = correlatedScores(30, 1, 3);
    const same = pairedAucTest(l, a, a);
    assert.deepEqual([same.delta, same.se, same.z, same.p], [0, 0, 0, 1]);
  });
  await t.step("both perfect: delta 0, p 1", () => {
    const both = pairedAucTest(labels, perfect, perfect.map((s) => s * 2));
    assert.deepEqual([both.aucA, both.aucB, both.delta, both.se, both.z, both.p], [
      1,
      1,
      0,
      0,
      0,
      1,
    ]);
  });
  await t.step("perfect against constant: delta 0.5 with se 0 is z = Infinity, p = 0", () => {
    const test = pairedAucTest(labels, perfect, constant);
    assert.deepEqual([test.delta, test.se, test.z, test.p], [0.5, 0, Infinity, 0]);
  });
  await t.step("constant against perfect and perfect against inverted keep the sign", () => {
    const down = pairedAucTest(labels, constant, perfect);
    assert.deepEqual([down.delta, down.se, down.z, down.p], [-0.5, 0, -Infinity, 0]);
    const flipped = pairedAucTest(labels, perfect, inverted);
    assert.deepEqual([flipped.delta, flipped.z, flipped.p], [1, Infinity, 0]);
  });
});

Deno.test("pairedAucTest() rejects unusable input with a MetricError naming the score set", async (t) => {
  const cases: { name: string; call: () => unknown; message: RegExp }[] = [
    {
      name: "A and B lengths",
      call: () => pairedAucTest([1, 1, 0, 0], [1, 2, 3, 4], [1, 2, 3]),
      message: /pairedAucTest: scoresA and scoresB differ in length \(4 vs 3\)/,
    },
    {
      name: "labels and scores lengths",
      call: () => pairedAucTest([1, 0, 0], [1, 2, 3, 4], [1, 2, 3, 4]),
      message: /\(scoresA\): labels and scores differ in length \(3 vs 4\)/,
    },
    {
      name: "NaN in B",
      call: () => pairedAucTest([1, 1, 0, 0], [1, 2, 3, 4], [1, NaN, 3, 4]),
      message: /\(scoresB\): score at index 1 is NaN/,
    },
    {
      name: "Infinity in A",
      call: () => pairedAucTest([1, 1, 0, 0], [1, 2, -Infinity, 4], [1, 2, 3, 4]),
      message: /\(scoresA\): score at index 2 is -Infinity/,
    },
    {
      name: "one class",
      call: () => pairedAucTest([0, 0, 0], [1, 2, 3], [1, 2, 3]),
      message: /only one class present/,
    },
    {
      name: "one fake",
      call: () => pairedAucTest([1, 0, 0, 0], [1, 2, 3, 4], [1, 2, 3, 4]),
      message: /at least 2 fake and 2 real samples \(got 1 fake, 3 real\)/,
    },
    {
      name: "label 2",
      call: () => pairedAucTest([1, 2, 0, 0], [1, 2, 3, 4], [1, 2, 3, 4]),
      message: /label at index 1 is 2/,
    },
  ];
  for (const c of cases) await t.step(c.name, () => assertMetricError(c.call, c.message));
});

Deno.test("holmAdjust() multiplies sorted p-values by m, m-1, ... and keeps them monotone", async (t) => {
  await t.step("hand-worked family", () => {
    // Sorted 0.01, 0.02, 0.03, 0.2 x 4, 3, 2, 1 = 0.04, 0.06, 0.06, 0.2.
    const adjusted = holmAdjust([0.2, 0.01, 0.03, 0.02]);
    const want = [0.2, 0.04, 0.06, 0.06];
    adjusted.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-15, `${i}: ${v}`));
  });
  await t.step("capped at 1, never below the raw p-value", () => {
    assert.deepEqual(holmAdjust([0.6, 0.7, 0.3]), [1, 1, 0.8999999999999999]);
    assert.deepEqual(holmAdjust([1, 1]), [1, 1]);
    assert.deepEqual(holmAdjust([0]), [0]);
  });
  await t.step("NaN stays NaN and does not count in m", () => {
    assert.deepEqual(holmAdjust([0.25, NaN, 0.125]), [0.25, NaN, 0.25]);
    assert.deepEqual(holmAdjust([NaN]), [NaN]);
    assert.deepEqual(holmAdjust([]), []);
  });
  await t.step("ties get the same adjusted value", () => {
    assert.deepEqual(holmAdjust([0.125, 0.125, 0.5]), [0.375, 0.375, 0.5]);
  });
  await t.step("out-of-range p-values are errors", () => {
    assertMetricError(() => holmAdjust([0.1, 1.5]), /p-value at index 1 is 1.5/);
    assertMetricError(() => holmAdjust([-0.1]), /index 0 is -0.1 \(want a number in \[0, 1\]/);
    assertMetricError(() => holmAdjust([Infinity]), /index 0 is Infinity/);
  });
});

Deno.test("pairedBootstrapDelta() is seeded, brackets the point delta and narrows with pairing", async (t) => {
  const { labels, a, b } = correlatedScores(300, 7);
  const options = { seed: 3, resamples: 400 };
  const delta = pairedBootstrapDelta(labels, a, b, options);
  await t.step("same seed, same interval; another seed, another", () => {
    assert.deepEqual(pairedBootstrapDelta(labels, a, b, options), delta);
    assert.notDeepEqual(pairedBootstrapDelta(labels, a, b, { ...options, seed: 4 }), delta);
  });
  await t.step("the point delta lies inside", () => {
    assert.equal(delta.estimateA, rocAuc(labels, a));
    assert.equal(delta.estimateB, rocAuc(labels, b));
    assert.equal(delta.estimate, delta.estimateA - delta.estimateB);
    assert.ok(delta.low < delta.estimate && delta.estimate < delta.high, JSON.stringify(delta));
    assert.deepEqual([delta.resamples, delta.skipped, delta.confidence], [400, 0, 0.95]);
  });
  await t.step("narrower than the unpaired difference of two intervals", () => {
    const ia = bootstrapAuc(labels, a, options);
    const ib = bootstrapAuc(labels, b, { ...options, seed: 5 });
    const unpaired = Math.hypot(ia.high - ia.low, ib.high - ib.low);
    const paired = delta.high - delta.low;
    // The shared difficulty dominates both scores: pairing removes most of the spread.
    assert.ok(paired < 0.5 * unpaired, `paired ${paired}, unpaired ${unpaired}`);
  });
  await t.step("its spread matches DeLong's standard error", () => {
    const { se } = pairedAucTest(labels, a, b);
    const bootstrapSe = (delta.high - delta.low) / (2 * 1.959963984540054);
    assert.ok(Math.abs(bootstrapSe / se - 1) < 0.2, `bootstrap ${bootstrapSe}, DeLong ${se}`);
  });
  await t.step("draws the same videos as bootstrapAuc for the same seed", () => {
    // With a constant B, every resample's delta is AUC(A) - 1/2.
    const single = bootstrapAuc(labels, a, options);
    const vsConstant = pairedBootstrapDelta(labels, a, a.map(() => 0.5), options);
    assert.ok(Math.abs(vsConstant.low - (single.low - 0.5)) < 1e-15);
    assert.ok(Math.abs(vsConstant.high - (single.high - 0.5)) < 1e-15);
  });
  await t.step("resamples whole videos when given clusters", () => {
    const clusters = labels.map((_, i) => `video${Math.floor(i / 3)}-${labels[i]}`);
    const clustered = pairedBootstrapDelta(labels, a, b, { ...options, clusters });
    assert.equal(clustered.estimate, delta.estimate);
    assert.ok(clustered.low <= clustered.estimate && clustered.estimate <= clustered.high);
    assert.notDeepEqual(clustered, delta);
  });
  await t.step("any metric", () => {
    const eer = (l: Uint8Array, s: Float64Array) => equalErrorRate(l, s);
    const d = pairedBootstrapDelta(labels, a, b, { ...options, metric: eer, resamples: 50 });
    assert.equal(d.estimate, equalErrorRate(labels, a) - equalErrorRate(labels, b));
  });
  await t.step("bad input is a MetricError", () => {
    assertMetricError(
      () => pairedBootstrapDelta([1, 0], [1, 2], [1]),
      /pairedBootstrapDelta: scoresA and scoresB differ in length \(2 vs 1\)/,
    );
    assertMetricError(
      () => pairedBootstrapDelta([1, 0], [1, 2], [1, NaN]),
      /\(scoresB\): score at index 1 is NaN/,
    );
    assertMetricError(
      () => pairedBootstrapDelta([1, 0], [1, 2], [1, 2], { resamples: 0 }),
      /resamples must be a positive integer/,
    );
    assertMetricError(
      () => pairedBootstrapDelta([1, 0], [1, 2], [1, 2], { clusters: ["v", "v"] }),
      /pairedBootstrapDelta: cluster "v" holds both labels/,
    );
    assertMetricError(
      () => pairedBootstrapDelta([1, 1], [1, 2], [1, 2], { resamples: 5 }),
      /only one class present/,
    );
  });
});

Deno.test("equalErrorRate() offers the interpolated and the nearest-point EER", async (t) => {
  const cases: {
    name: string;
    labels: number[];
    scores: number[];
    want: Record<EerMethod, number>;
  }[] = [
    {
      // ROC points (FPR, TPR): (0, 1/2), (1/2, 1/2), (1/2, 1), (1, 1). The curve passes
      // through (1/2, 1/2), where FNR = FPR: both methods give 1/2.
      name: "the curve meets FNR = FPR at a point",
      labels: [1, 0, 1, 0],
      scores: [0.9, 0.8, 0.7, 0.6],
      want: { interpolated: 0.5, nearest: 0.5 },
    },
    {
      // (0, 1/3), (1/3, 1/3), (1/3, 2/3), (2/3, 2/3), (2/3, 1), (1, 1): FNR = FPR = 1/3 at
      // (1/3, 2/3) (up to rounding, which both methods absorb).
      name: "a staircase meeting FNR = FPR at a corner",
      labels: [1, 0, 1, 0, 1, 0],
      scores: [6, 5, 4, 3, 2, 1],
      want: { interpolated: 1 / 3, nearest: 1 / 3 },
    },
    {
      // (0, 1/2), then a tie of one fake and two reals: a diagonal step to (1, 1). The segment
      // crosses FNR = FPR at FPR 1/3; the nearest point is (0, 1/2) (|FNR - FPR| = 1/2).
      name: "a tie makes a diagonal segment crossing FNR = FPR",
      labels: [1, 1, 0, 0],
      scores: [0.9, 0.5, 0.5, 0.5],
      want: { interpolated: 1 / 3, nearest: 0 },
    },
    {
      // Four ties of one fake and one real: (1/4, 1/4), (1/2, 1/2), (3/4, 3/4), (1, 1), all on
      // the diagonal. scikit-learn's drop_intermediate keeps (1/4, 1/4) and (1, 1) only, so
      // the nearest kept point is (1/4, 1/4), although (1/2, 1/2) lies on FNR = FPR.
      name: "collinear points dropped as in scikit-learn",
      labels: [1, 0, 1, 0, 1, 0, 1, 0],
      scores: [4, 4, 3, 3, 2, 2, 1, 1],
      want: { interpolated: 0.5, nearest: 0.25 },
    },
    {
      // One threshold: (0, 0) and (1, 1) are both 1 away from FNR = FPR; numpy's argmin keeps
      // the first, (0, 0).
      name: "all scores tied",
      labels: [1, 0, 1, 0],
      scores: [0.3, 0.3, 0.3, 0.3],
      want: { interpolated: 0.5, nearest: 0 },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      for (const method of ["interpolated", "nearest"] as const) {
        const eer = equalErrorRate(c.labels, c.scores, { method });
        assert.ok(Math.abs(eer - c.want[method]) < 1e-15, `${method}: ${eer}`);
      }
      assert.equal(equalErrorRate(c.labels, c.scores), equalErrorRate(c.labels, c.scores, {}));
      assert.equal(
        equalErrorRate(c.labels, c.scores),
        equalErrorRate(c.labels, c.scores, { method: "interpolated" }),
      );
    });
  }
  await t.step("an unknown method is a MetricError listing the known ones", () => {
    assertMetricError(
      () => equalErrorRate([1, 0], [1, 0], { method: "brentq" as EerMethod }),
      /method is "brentq" \(want one of "interpolated", "nearest"\)/,
    );
    assertMetricError(
      () => equalErrorRate([1, 0], [1, 0], { method: "toString" as EerMethod }),
      /method is "toString"/,
    );
  });
});
