/**
 * The ranking metrics against scikit-learn on generated, tie-heavy data (scores rounded to few
 * levels), several sizes and seeds. scikit-learn runs once, in one python process.
 */
import assert from "node:assert/strict";
import { runJson, skipWithout } from "./_tools.ts";
import { accuracyAt } from "../metrics/accuracy.ts";
import { averagePrecision } from "../metrics/average_precision.ts";
import { equalErrorRate } from "../metrics/equal_error_rate.ts";
import { seededRandom } from "../util/prng.ts";
import { rocAuc } from "../metrics/roc_auc.ts";
import { rocCurve } from "../metrics/roc_curve.ts";

interface Case {
  name: string;
  labels: number[];
  scores: number[];
}

interface Oracle {
  auc: number;
  ap: number;
  fpr: number[];
  tpr: number[];
  thresholds: (number | null)[];
  eer: number;
  acc50: number;
  acc30: number;
}

const ORACLE = `
import json, sys
import numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score, roc_curve, accuracy_score

def eer(y, s):
    # FPR where the linearly interpolated ROC curve meets FNR = FPR (full curve, from (0, 0)).
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    d = 1 - tpr - fpr
    k = int(np.argmax(d <= 0))
    if d[k] == 0:
        return float(fpr[k])
    t = d[k - 1] / (d[k - 1] - d[k])
    return float(fpr[k - 1] + t * (fpr[k] - fpr[k - 1]))

out = []
for case in json.load(sys.stdin):
    y = np.array(case["labels"], dtype=np.int64)
    s = np.array(case["scores"], dtype=np.float64)
    fpr, tpr, thr = roc_curve(y, s)
    thr = [None] + [float(v) for v in thr[1:]]
    out.append({
        "auc": float(roc_auc_score(y, s)),
        "ap": float(average_precision_score(y, s)),
        "fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thr,
        "eer": eer(y, s),
        "acc50": float(accuracy_score(y, (s >= 0.5).astype(int))),
        "acc30": float(accuracy_score(y, (s >= 0.3).astype(int))),
    })
json.dump(out, sys.stdout)
`;

function makeCases(): Case[] {
  const cases: Case[] = [];
  for (const size of [2, 7, 50, 333, 5000]) {
    for (const levels of [2, 3, 10, 1000, 0]) {
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed * 7919 + size * 31 + levels);
        const positiveRate = [0.5, 0.1, 0.9][seed - 1];
        const labels: number[] = [];
        const scores: number[] = [];
        for (let i = 0; i < size; i++) labels.push(random() < positiveRate ? 1 : 0);
        labels[0] = 1; // both classes present
        labels[size - 1] = 0;
        for (let i = 0; i < size; i++) {
          const raw = random() * 0.8 + labels[i] * 0.25 - 0.05;
          // levels 0 = continuous scores; otherwise rounded to `levels` steps (ties galore).
          scores.push(levels === 0 ? raw : Math.round(raw * (levels - 1)) / (levels - 1));
        }
        cases.push({ name: `n=${size} levels=${levels} seed=${seed}`, labels, scores });
      }
    }
  }
  return cases;
}

function runOracle(cases: Case[]): Promise<Oracle[]> {
  return runJson("scikit-learn oracle", "/usr/bin/python3", ["-c", ORACLE], cases);
}

function assertAlmostEquals(actual: number, expected: number, tolerance: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: got ${actual}, scikit-learn says ${expected}`,
  );
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assertAlmostEquals(actual[i], expected[i], 1e-12, `${what}[${i}]`);
  }
}

Deno.test({
  name: "metrics agree with scikit-learn on tie-heavy generated data",
  ignore: skipWithout("python-sklearn", "metrics vs scikit-learn"),
  async fn(t) {
    const cases = makeCases();
    const oracle = await runOracle(cases);
    for (const [i, c] of cases.entries()) {
      const want = oracle[i];
      await t.step(`${c.name}`, () => {
        assertAlmostEquals(rocAuc(c.labels, c.scores), want.auc, 1e-12, "rocAuc");
        assertAlmostEquals(
          averagePrecision(c.labels, c.scores),
          want.ap,
          1e-12,
          "averagePrecision",
        );
        assertAlmostEquals(equalErrorRate(c.labels, c.scores), want.eer, 1e-12, "EER");
        assert.equal(accuracyAt(c.labels, c.scores), want.acc50, "accuracy at 0.5");
        assert.equal(accuracyAt(c.labels, c.scores, 0.3), want.acc30, "accuracy at 0.3");
        const curve = rocCurve(c.labels, c.scores);
        assertClose(curve.fpr, want.fpr, "fpr");
        assertClose(curve.tpr, want.tpr, "tpr");
        assert.equal(curve.thresholds[0], Infinity);
        assertClose(curve.thresholds.slice(1), want.thresholds.slice(1) as number[], "thresholds");
      });
    }
    assert.ok(cases.length >= 60);
  },
});
