/** Hand-computed cases for the ranking metrics; they need no python. */
import assert from "node:assert/strict";
import { accuracyAt } from "../metrics/accuracy.ts";
import { averagePrecision } from "../metrics/average_precision.ts";
import { equalErrorRate } from "../metrics/equal_error_rate.ts";
import { MetricError } from "../metrics/metric_error.ts";
import { seededRandom } from "../util/prng.ts";
import { rocAuc } from "../metrics/roc_auc.ts";
import { rocCurve } from "../metrics/roc_curve.ts";
import { _sortFloat64 } from "../metrics/_sort.ts";

Deno.test("rocAuc() averages tied scores like scikit-learn", async (t) => {
  const cases: { name: string; labels: number[]; scores: number[]; auc: number }[] = [
    // Pairs (pos, neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8 beats both -> 3/4.
    { name: "no ties", labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8], auc: 0.75 },
    // Every pair tied -> every pair counts 1/2.
    { name: "all tied", labels: [0, 1, 0, 1], scores: [0.5, 0.5, 0.5, 0.5], auc: 0.5 },
    // Pos {0.5, 0.9}, neg {0.5, 0.1}: pairs 0.5/0.5 tie (1/2), 0.5/0.1 (1), 0.9 beats both (2).
    { name: "one tie", labels: [1, 1, 0, 0], scores: [0.5, 0.9, 0.5, 0.1], auc: 3.5 / 4 },
    { name: "perfect", labels: [0, 0, 1], scores: [0, 0.2, 0.3], auc: 1 },
    { name: "inverted", labels: [1, 0], scores: [0, 1], auc: 0 },
    // Negative scores and -0/+0 (a tie) are fine: pairs (0,-0) tie, (0,-2) win -> 1.5/2.
    { name: "signed zeros tie", labels: [1, 0, 0], scores: [0, -0, -2], auc: 0.75 },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.equal(rocAuc(c.labels, c.scores), c.auc);
      assert.equal(rocAuc(c.labels.map((l) => l === 1), Float64Array.from(c.scores)), c.auc);
    });
  }
});

Deno.test("metrics reject unusable input with a MetricError saying what is wrong", async (t) => {
  const bad: { name: string; call: () => unknown; message: RegExp }[] = [
    { name: "lengths", call: () => rocAuc([0, 1], [0.1]), message: /differ in length \(2 vs 1\)/ },
    { name: "one class", call: () => rocAuc([1, 1], [0.1, 0.2]), message: /only one class/ },
    { name: "label 2", call: () => rocAuc([0, 2], [0.1, 0.2]), message: /label at index 1 is 2/ },
    { name: "NaN", call: () => rocAuc([0, 1], [NaN, 0.2]), message: /score at index 0 is NaN/ },
    { name: "empty", call: () => averagePrecision([], []), message: /no samples/ },
    { name: "eer one class", call: () => equalErrorRate([0], [1]), message: /only one class/ },
    { name: "curve Infinity", call: () => rocCurve([0, 1], [0, Infinity]), message: /Infinity/ },
  ];
  for (const c of bad) {
    await t.step(c.name, () => {
      assert.throws(c.call, (e: unknown) => {
        assert.ok(e instanceof MetricError && e instanceof RangeError);
        assert.match(e.message, c.message);
        return true;
      });
    });
  }
});

Deno.test("rocCurve() keeps one point per distinct score and drops collinear ones", () => {
  // Scores descending: 0.9(1) 0.8(1) 0.7(0) 0.5(1,0 tied) 0.1(0).
  const labels = [1, 1, 0, 1, 0, 0];
  const scores = [0.9, 0.8, 0.7, 0.5, 0.5, 0.1];
  const full = rocCurve(labels, scores, { dropIntermediate: false });
  assert.deepEqual([...full.thresholds], [Infinity, 0.9, 0.8, 0.7, 0.5, 0.1]);
  assert.deepEqual([...full.tpr], [0, 1 / 3, 2 / 3, 2 / 3, 1, 1]);
  assert.deepEqual([...full.fpr], [0, 0, 0, 1 / 3, 2 / 3, 1]);
  assert.deepEqual([...rocCurve(labels, scores).thresholds], [...full.thresholds]);
  // 0.8 lies on the line 0.9 -> 0.7 (tpr axis), 0.5 on the line 0.7 -> 0.1 (fpr = 1/2, tpr = 1):
  // both go; the first point is always kept, as in scikit-learn.
  const dropped = rocCurve([1, 1, 1, 0, 0], [0.9, 0.8, 0.7, 0.5, 0.1]);
  assert.deepEqual([...dropped.thresholds], [Infinity, 0.9, 0.7, 0.1]);
  assert.deepEqual([...dropped.fpr], [0, 0, 0, 1]);
  assert.deepEqual([...dropped.tpr], [0, 1 / 3, 1, 1]);
});

Deno.test("averagePrecision() steps over distinct thresholds without interpolation", () => {
  // Thresholds 0.9 (tp1 fp0), 0.8 (tp1 fp1), 0.4 (tp2 fp1): P=1,1/2,2/3; R=1/2,1/2,1.
  const ap = averagePrecision([1, 0, 1], [0.9, 0.8, 0.4]);
  assert.ok(Math.abs(ap - (0.5 * 1 + 0 * 0.5 + 0.5 * (2 / 3))) < 1e-15);
});

Deno.test("equalErrorRate() interpolates where FNR meets FPR", async (t) => {
  await t.step("separable scores give 0", () => {
    assert.equal(equalErrorRate([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), 0);
  });
  await t.step("inverted scores give 1", () => {
    assert.equal(equalErrorRate([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]), 1);
  });
  await t.step("all tied gives 1/2 (the diagonal)", () => {
    assert.equal(equalErrorRate([1, 0, 1, 0], [0.3, 0.3, 0.3, 0.3]), 0.5);
  });
  await t.step("a crossing inside a segment", () => {
    // Points (fpr, tpr): (0,0) (0,1/2) (1/2,1/2) (1/2,1) (1,1). FNR-FPR hits 0 at (1/2,1/2).
    assert.equal(equalErrorRate([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6]), 0.5);
  });
});

Deno.test("accuracyAt() flags fake at score >= threshold", () => {
  assert.equal(accuracyAt([1, 0, 1, 0], [0.5, 0.49, 0.2, 0.7]), 0.5);
  assert.equal(accuracyAt([1, 1], [0.6, 0.7], 0.65), 0.5);
  assert.throws(() => accuracyAt([1], [0.5], NaN), MetricError);
});

Deno.test("the radix sort orders like Float64Array.prototype.sort", async (t) => {
  const random = seededRandom(7);
  const generators: Record<string, () => number> = {
    "signed wide range": () => (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20),
    "few levels": () => Math.round(random() * 4) / 4,
    "float32 values": () => Math.fround(random()),
  };
  for (const [name, next] of Object.entries(generators)) {
    await t.step(name, () => {
      const values = Float64Array.from({ length: 50_000 }, next);
      const expected = values.slice().sort();
      assert.deepEqual(_sortFloat64(values), expected);
    });
  }
});
