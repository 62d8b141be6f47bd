/**
 * Detector against detector (`report --compare A,B`) on a generated FF++-named store: the
 * per-operation AUC difference and DeLong's paired p against an independent implementation
 * (the O(m n) structural components with the Heaviside kernel and numpy's covariance, as in
 * tests/metrics_paired_oracle_test.ts), computed by pandas from the store's raw rows; Holm over
 * the operations; the drop difference and its interval; every format and the CLI.
 */
import assert from "node:assert/strict";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { writeFfppStore } from "./ffpp_store_fixture.ts";
import { loadReportData } from "../report/collect.ts";
import { REPORT_FORMATS } from "../report/format_catalog.ts";
import { holmAdjust } from "../metrics/holm.ts";
import { scanStore } from "../store/store.ts";

const ORACLE = String.raw`
import json, math, sys
import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.metrics import roc_auc_score
rows = pd.read_csv(sys.argv[1], dtype={"video_id": str})
rows = rows[rows.status == "ok"]
frames = rows.groupby(["run_id", "op_id", "video_id", "label", "frame_index"])["score"].max()
videos = frames.groupby(level=[0, 1, 2, 3]).mean().reset_index()

def delong(y, a, b):
    pos, neg = y == 1, y == 0
    m, n = int(pos.sum()), int(neg.sum())
    def kernel(s):
        x, r = s[pos][:, None], s[neg][None, :]
        return (x > r) * 1.0 + (x == r) * 0.5
    ka, kb = kernel(a), kernel(b)
    v10 = np.vstack([ka.mean(axis=1), kb.mean(axis=1)])
    v01 = np.vstack([ka.mean(axis=0), kb.mean(axis=0)])
    s = np.cov(v10) / m + np.cov(v01) / n
    var = s[0, 0] + s[1, 1] - 2 * s[0, 1]
    z = (ka.mean() - kb.mean()) / math.sqrt(var)
    return {"aucA": ka.mean(), "aucB": kb.mean(), "p": float(2 * norm.sf(abs(z)))}

def scores(run, op):
    g = videos[(videos.run_id == run) & (videos.op_id == op)].sort_values("video_id")
    return g.label.to_numpy(), g.score.to_numpy()

out = {}
for op in sorted(videos.op_id.unique()):
    y, a = scores("run-xception", op)
    y2, b = scores("run-effnet", op)
    assert (y == y2).all()
    t = delong(y, b, a)  # B against A
    _, a0 = scores("run-xception", "unaltered")
    _, b0 = scores("run-effnet", "unaltered")
    drop = (roc_auc_score(y, b) - roc_auc_score(y, b0)) - (roc_auc_score(y, a) - roc_auc_score(y, a0))
    out[op] = {"aucA": t["aucB"], "aucB": t["aucA"], "p": t["p"], "drop": drop, "n": len(y)}
print(json.dumps(out))
`;

Deno.test({
  name:
    "report --compare: DeLong's paired test across detectors equals an independent implementation",
  ignore: skipWithout("python-sklearn", "detector comparison oracle"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const store = `${dir}/store`;
      await writeFfppStore(store);
      (await scanStore(store)).select(
        "run_id",
        "op_id",
        "video_id",
        "label",
        "frame_index",
        "score",
        "status",
      ).collectSync().writeCSV(`${dir}/rows.csv`);
      const py = await new Deno.Command("/usr/bin/python3", {
        args: ["-c", ORACLE, `${dir}/rows.csv`],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(py.code, 0, new TextDecoder().decode(py.stderr));
      const oracle = JSON.parse(new TextDecoder().decode(py.stdout)) as Record<
        string,
        { aucA: number; aucB: number; p: number; drop: number; n: number }
      >;
      const data = await loadReportData(store, {
        compare: ["xception", "effnet"],
        bootstrapResamples: 200,
      });
      const c = data.comparison!;
      assert.equal(c.runA.runId, "run-xception");
      assert.equal(c.runB.runId, "run-effnet");
      assert.deepEqual(c.rows.map((r) => r.opId), ["unaltered", "h264_crf40", "noise"]);
      for (const r of c.rows) {
        const want = oracle[r.opId];
        assert.equal(r.n, want.n);
        assert.ok(Math.abs(r.valueA! - want.aucA) < 1e-12, `${r.opId} A`);
        assert.ok(Math.abs(r.valueB! - want.aucB) < 1e-12, `${r.opId} B`);
        assert.ok(Math.abs(r.difference! - (want.aucB - want.aucA)) < 1e-12);
        assert.ok(Math.abs(r.p! - want.p) < 1e-9 * Math.max(1, want.p), `${r.p} vs ${want.p}`);
        if (r.opId === "unaltered") {
          assert.equal(r.deltaDifference, null);
          continue;
        }
        assert.ok(Math.abs(r.deltaDifference! - want.drop) < 1e-12);
        assert.ok(r.deltaDifferenceLow! <= r.deltaDifference! + 1e-12);
        assert.ok(r.deltaDifference! <= r.deltaDifferenceHigh! + 1e-12);
      }
      const holm = holmAdjust(c.rows.map((r) => r.p!));
      c.rows.forEach((r, i) => assert.equal(r.pHolm, holm[i]));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("report --compare: every format, the decision metrics and the CLI's usage errors", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const store = `${dir}/store`;
    await writeFfppStore(store);
    await t.step("every format names A and B and the test", async () => {
      const data = await loadReportData(store, {
        compare: ["xception", "effnet"],
        bootstrapResamples: 50,
      });
      for (const format of REPORT_FORMATS) {
        const text = await format.render(data, { interactive: false });
        if (format.id === "json") {
          const json = JSON.parse(text);
          assert.equal(json.comparison.runA.runId, "run-xception");
          assert.equal(json.comparison.rows.length, 3);
        } else if (format.id === "csv") {
          assert.match(text, /\nrun_a,run_b,run_id_a,run_id_b,metric,op_id,/);
        } else {
          assert.match(text, /DeLong(&#39;|')s paired test of AUC\(B\) = AUC\(A\)/, format.id);
        }
        if (format.id === "html") assert.match(text, /id="run-comparison"/);
      }
    });
    await t.step(
      "a decision metric compares the same way (values from the decision view)",
      async () => {
        const cli = await runDenoTask("tasks/report.ts", [
          "--store",
          store,
          "--format",
          "json",
          "--metric",
          "tpr@fpr0.1",
          "--compare",
          "xception,effnet",
          "--resamples",
          "0",
        ]);
        assert.equal(cli.code, 0, cli.stderr);
        const json = JSON.parse(cli.stdout);
        assert.equal(json.comparison.metric, "tpr");
        const row = json.comparison.rows.find((r: { opId: string }) => r.opId === "noise");
        const a = json.rows.find((r: { runId: string }) => r.runId === "run-xception").values.noise;
        assert.ok(Math.abs(row.valueA - a) < 1e-12, "same TPR as Table I");
        assert.equal(row.p, null);
      },
    );
    await t.step("--compare with one name or an unknown run is an error", async () => {
      const one = await runDenoTask("tasks/report.ts", ["--store", store, "--compare", "xception"]);
      assert.equal(one.code, 2);
      assert.match(one.stderr, /--compare wants two runs as A,B/);
      const unknown = await runDenoTask("tasks/report.ts", [
        "--store",
        store,
        "--compare",
        "xception,nosuch",
      ]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /No run in the store matches "nosuch"/);
      const twice = await runDenoTask("tasks/report.ts", [
        "--store",
        store,
        "--compare",
        "xception,run-xception",
      ]);
      assert.equal(twice.code, 2);
      assert.match(twice.stderr, /--compare names the same run twice/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
