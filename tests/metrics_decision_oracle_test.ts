/**
 * The decision view (metrics/decision.ts, metrics/threshold_rules.ts) against independent python
 * implementations on generated, tie-heavy runs with one-class edge cases. Python runs once, in
 * one process; the suite is skipped loudly without statsmodels and scikit-learn (fails under
 * CI=true).
 *
 * - Thresholds: scikit-learn's `roc_curve(drop_intermediate=False)` on Unaltered; the EER point
 *   as the first (highest) threshold minimising |FP * P - FN * N| (exact), the FPR rule as the
 *   last threshold with FP <= target * N; roc_curve's first threshold (above every score) is
 *   "just above the highest score".
 * - Rates: `confusion_matrix(labels, scores >= t, labels=[0, 1])`; Wilson intervals from
 *   statsmodels' `proportion_confint(method="wilson")`.
 * - McNemar: statsmodels' `mcnemar(table, exact=True)` per class; Holm: `multipletests(method=
 *   "holm")` over the row's p-values.
 * - Calibration: `brier_score_loss`, ECE written out in python (10 equal-width bins).
 * - Score shift: numpy's median of paired differences; cross-condition AUC: `roc_auc_score`.
 */
import assert from "node:assert/strict";
import { runJson, skipWithout } from "./_tools.ts";
import { type DecisionCell, runDecisions } from "../metrics/decision.ts";
import { nextAbove, type ThresholdChoice } from "../metrics/threshold_rules.ts";
import { seededRandom } from "../util/prng.ts";

interface RunCase {
  name: string;
  choice: ThresholdChoice;
  labels: number[];
  unaltered: number[];
  copies: { opId: string; scores: number[] }[];
  /** Labels of the unaltered copy when it differs (one-class Unaltered). */
}

const ORACLE = String.raw`
import json, sys
import numpy as np
from sklearn.metrics import roc_curve, confusion_matrix, brier_score_loss, roc_auc_score
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.multitest import multipletests

def choose(labels, scores, choice):
    if choice["rule"] == "given":
        return {"t": choice["threshold"], "above": False}
    P = int(labels.sum()); N = len(labels) - P
    if N == 0 or (choice["rule"] == "eer" and P == 0):
        return None
    if P == 0:  # roc_curve needs both classes: count by hand over the same thresholds
        ts = np.unique(scores)[::-1]
        fps = np.array([0] + [int((scores >= t).sum()) for t in ts])
        ths = np.concatenate([[np.inf], ts])
        tps = np.zeros_like(fps)
    else:
        fpr, tpr, ths = roc_curve(labels, scores, drop_intermediate=False)
        fps = np.rint(fpr * N).astype(int); tps = np.rint(tpr * P).astype(int)
    fns = P - tps
    if choice["rule"] == "eer":
        gap = np.abs(fps * P - fns * N)
        i = int(np.argmin(gap))
    else:
        ok = np.nonzero(fps <= choice["fpr"] * N)[0]
        i = int(ok[-1])
    if i == 0:
        return {"t": None, "above": True}
    return {"t": float(ths[i]), "above": False}

def ece(labels, scores, bins=10):
    total = 0.0
    idx = np.minimum((scores * bins).astype(int), bins - 1)
    for b in range(bins):
        m = idx == b
        if m.sum() > 0:
            total += m.sum() / len(scores) * abs(labels[m].mean() - scores[m].mean())
    return total

def wilson(k, n):
    if n == 0: return None
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return [float(lo), float(hi)]

out = []
for case in json.load(sys.stdin):
    labels = np.array(case["labels"], dtype=int)
    base = np.array(case["unaltered"], dtype=float)
    chosen = choose(labels, base, case["choice"])
    if chosen is None:
        out.append(None); continue
    t = chosen["t"] if not chosen["above"] else np.nextafter(base.max(), np.inf)
    cells = {}
    ps = []
    for copy in [{"opId": "unaltered", "scores": case["unaltered"]}] + case["copies"]:
        s = np.array(copy["scores"], dtype=float)
        pred = (s >= t).astype(int)
        tn, fp, fn, tp = (int(v) for v in confusion_matrix(labels, pred, labels=[0, 1]).ravel())
        before = (base >= t).astype(int)
        cell = {"tp": tp, "fn": fn, "tn": tn, "fp": fp,
                "realQ": [float(v) for v in np.percentile(s[labels == 0], [10, 25, 50, 75, 90])] if (labels == 0).any() else None,
                "fakeQ": [float(v) for v in np.percentile(s[labels == 1], [10, 25, 50, 75, 90])] if (labels == 1).any() else None,
                "tprCi": wilson(tp, tp + fn), "fprCi": wilson(fp, fp + tn),
                "brier": float(brier_score_loss(labels, s)) if ((s >= 0) & (s <= 1)).all() else None,
                "ece": float(ece(labels, s)) if ((s >= 0) & (s <= 1)).all() else None}
        for cls, key in ((1, "Tpr"), (0, "Fpr")):
            m = labels == cls
            cell["shift" + ("Fake" if cls else "Real")] = float(np.median(s[m] - base[m])) if m.any() else None
            if copy["opId"] != "unaltered":
                if m.any():
                    a, b = before[m], pred[m]
                    table = [[int(((a == 1) & (b == 1)).sum()), int(((a == 1) & (b == 0)).sum())],
                             [int(((a == 0) & (b == 1)).sum()), int(((a == 0) & (b == 0)).sum())]]
                    cell["p" + key] = float(mcnemar(table, exact=True).pvalue)
                else:
                    cell["p" + key] = None
                ps.append((copy["opId"], "p" + key, cell["p" + key]))
        reals, fakes = labels == 0, labels == 1
        if reals.any() and fakes.any():
            cell["aucFakesProcessed"] = float(roc_auc_score(
                np.r_[np.zeros(reals.sum()), np.ones(fakes.sum())], np.r_[base[reals], s[fakes]]))
            cell["aucRealsProcessed"] = float(roc_auc_score(
                np.r_[np.zeros(reals.sum()), np.ones(fakes.sum())], np.r_[s[reals], base[fakes]]))
        else:
            cell["aucFakesProcessed"] = cell["aucRealsProcessed"] = None
        cells[copy["opId"]] = cell
    present = [(o, k, p) for (o, k, p) in ps if p is not None]
    if present:
        adjusted = multipletests([p for (_, _, p) in present], method="holm")[1]
        for (o, k, _), a in zip(present, adjusted):
            cells[o][k + "Holm"] = float(a)
    out.append({"threshold": chosen["t"], "above": chosen["above"], "cells": cells})
print(json.dumps(out))
`;

// Scores on a coarse grid (ties within and across classes), processed copies shifted per class.
function makeCases(): RunCase[] {
  const cases: RunCase[] = [];
  const choices: ThresholdChoice[] = [
    { rule: "eer" },
    { rule: "fpr", fpr: 0.01 },
    { rule: "fpr", fpr: 0.05 },
    { rule: "fpr", fpr: 0.3 },
    { rule: "given", threshold: 0.5 },
  ];
  for (
    const [size, levels, seed] of [[12, 4, 1], [40, 6, 2], [90, 11, 3], [301, 21, 4], [700, 101, 5]]
  ) {
    const random = seededRandom(seed);
    const labels = Array.from({ length: size }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const grid = (x: number) =>
      Math.min(1, Math.max(0, Math.round(x * (levels - 1)) / (levels - 1)));
    const unaltered = labels.map((l) => grid(0.3 + 0.35 * l + (random() - 0.5) * 0.6));
    const copies = [
      { opId: "h264_crf40", scores: unaltered.map((s) => grid(s + 0.15 + (random() - 0.5) * 0.2)) },
      {
        opId: "brightness_up",
        scores: unaltered.map((s, i) => grid(s - (labels[i] ? 0.2 : 0) + (random() - 0.5) * 0.1)),
      },
      { opId: "same", scores: unaltered.slice() },
    ];
    for (const choice of choices) {
      cases.push({
        name: `n=${size} levels=${levels} ${JSON.stringify(choice)}`,
        choice,
        labels,
        unaltered,
        copies,
      });
    }
  }
  // One-class edge cases: only reals (the FPR and given rules still choose), only fakes (only
  // the given rule), a single video, and scores outside [0, 1] (no calibration).
  const reals = [0.1, 0.4, 0.4, 0.7, 0.9, 0.9];
  for (
    const choice of [{ rule: "fpr", fpr: 0.2 }, {
      rule: "given",
      threshold: 0.4,
    }] as ThresholdChoice[]
  ) {
    cases.push({
      name: `only reals ${JSON.stringify(choice)}`,
      choice,
      labels: reals.map(() => 0),
      unaltered: reals,
      copies: [{ opId: "up", scores: reals.map((s) => Math.min(1, s + 0.3)) }],
    });
    cases.push({
      name: `only fakes ${JSON.stringify(choice)}`,
      choice,
      labels: reals.map(() => 1),
      unaltered: reals,
      copies: [{ opId: "down", scores: reals.map((s) => s / 2) }],
    });
  }
  cases.push({
    name: "logits outside [0, 1]",
    choice: { rule: "eer" },
    labels: [0, 0, 1, 1, 0, 1],
    unaltered: [-2, 0.5, 0.5, 3, 1.5, 1.5],
    copies: [{ opId: "x", scores: [-1, 1.5, 0.5, 2, 1.5, 4] }],
  });
  cases.push({
    name: "all scores tied",
    choice: { rule: "eer" },
    labels: [0, 1, 0, 1],
    unaltered: [0.5, 0.5, 0.5, 0.5],
    copies: [{ opId: "x", scores: [0.5, 0.5, 0.9, 0.1] }],
  });
  return cases;
}

function runOracle(cases: RunCase[]): Promise<unknown[]> {
  return runJson("statsmodels oracle", "/usr/bin/python3", ["-c", ORACLE], cases);
}

function close(
  actual: number | null | undefined,
  expected: number | null | undefined,
  what: string,
) {
  if (expected === null || expected === undefined) {
    assert.ok(actual === null || actual === undefined, `${what}: got ${actual}, oracle has none`);
    return;
  }
  assert.ok(typeof actual === "number", `${what}: got ${actual}, oracle says ${expected}`);
  const tolerance = 1e-12 * Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: got ${actual}, oracle says ${expected}`,
  );
}

Deno.test({
  name: "the decision view equals scikit-learn and statsmodels on tie-heavy and one-class runs",
  ignore: skipWithout("python-statsmodels", "decision view vs statsmodels and scikit-learn"),
  async fn(t) {
    const cases = makeCases();
    const oracle = await runOracle(cases) as ({
      threshold: number | null;
      above: boolean;
      cells: Record<string, Record<string, number | number[] | null>>;
    } | null)[];
    let checked = 0;
    for (const [i, c] of cases.entries()) {
      await t.step(c.name, () => {
        const labels = Uint8Array.from(c.labels);
        const base: DecisionCell = {
          opId: "unaltered",
          labels,
          scores: Float64Array.from(c.unaltered),
          baseline: null,
        };
        const cells = [
          base,
          ...c.copies.map((copy) => ({
            opId: copy.opId,
            labels,
            scores: Float64Array.from(copy.scores),
            baseline: base.scores,
          })),
        ];
        const view = runDecisions(base, cells, c.choice);
        const want = oracle[i];
        if (want === null) {
          assert.equal(view.threshold, null, "oracle chooses no threshold");
          assert.match(view.note ?? "", /Unaltered has no (real|fake)/);
          return;
        }
        const expected = want.above ? nextAbove(Math.max(...c.unaltered)) : want.threshold!;
        assert.equal(view.threshold?.value, expected, "threshold");
        for (const [opId, w] of Object.entries(want.cells)) {
          const d = view.decisions.get(opId)!;
          for (const k of ["tp", "fn", "tn", "fp"] as const) {
            assert.equal(d[k], w[k], `${opId} ${k}`);
          }
          const tprCi = w.tprCi as number[] | null;
          const fprCi = w.fprCi as number[] | null;
          close(d.tprLow, tprCi?.[0], `${opId} tprLow`);
          close(d.tprHigh, tprCi?.[1], `${opId} tprHigh`);
          close(d.fprLow, fprCi?.[0], `${opId} fprLow`);
          close(d.fprHigh, fprCi?.[1], `${opId} fprHigh`);
          for (
            const k of [
              "brier",
              "ece",
              "shiftReal",
              "shiftFake",
              "aucFakesProcessed",
              "aucRealsProcessed",
            ] as const
          ) {
            close(d[k], w[k] as number | null, `${opId} ${k}`);
          }
          for (
            const [mine, theirs] of [[d.realQuantiles, w.realQ], [
              d.fakeQuantiles,
              w.fakeQ,
            ]] as const
          ) {
            const q = theirs as number[] | null;
            assert.equal(mine === null, q === null, `${opId} quantiles present`);
            q?.forEach((v, j) => close(mine![j], v, `${opId} quantile ${j}`));
          }
          if (opId !== "unaltered") {
            for (const k of ["pTpr", "pFpr", "pTprHolm", "pFprHolm"] as const) {
              close(d[k], w[k] as number | null, `${opId} ${k}`);
            }
          }
          checked++;
        }
      });
    }
    assert.ok(checked > 50, `only ${checked} cells checked`);
  },
});
