/**
 * Table I per slice (`report --by`) on a generated store with FaceForensics++-named videos: the
 * per-method AUCs against scikit-learn computed from the store's raw rows (pandas groups the
 * rows into video scores with the rows' own rules, then `roc_auc_score` of each method's fakes
 * against all reals), the `within` protocol, face-size buckets, small slices, and every format.
 */
import assert from "node:assert/strict";
import { skipWithout } from "./_tools.ts";
import { writeFfppStore } from "./ffpp_store_fixture.ts";
import { loadReportData } from "../report/collect.ts";
import { scanStore } from "../store/store.ts";
import { REPORT_FORMATS } from "../report/format_catalog.ts";
import { TOO_SMALL_NOTE } from "../metrics/slices.ts";
import { sliceColumn } from "../metrics/slice_values.ts";
import { runDenoTask } from "./_tools.ts";
import { AP_METRIC } from "../metrics/cell_metrics.ts";

// Video scores from the raw rows (max over a frame's faces, mean over frames: the fixture's
// rules), then per run x op x method: that method's fakes against all reals, and within.
const ORACLE = String.raw`
import json, sys
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score
rows = pd.read_csv(sys.argv[1], dtype={"video_id": str, "method": str})
rows = rows[rows.status == "ok"]
frames = rows.groupby(["run_id", "op_id", "video_id", "label", "method", "frame_index"])["score"].max()
videos = frames.groupby(level=[0, 1, 2, 3, 4]).mean().reset_index()
out = {}
for (run, op), g in videos.groupby(["run_id", "op_id"]):
    reals = g[g.label == 0]
    for method, fakes in g[g.label == 1].groupby("method"):
        both = pd.concat([fakes, reals])
        out[f"{run}|{op}|{method}"] = {
            "auc": roc_auc_score(both.label, both.score),
            "ap": average_precision_score(both.label, both.score),
            "n": len(both), "fakes": len(fakes),
        }
print(json.dumps(out))
`;

async function storeCsv(storeDir: string, path: string): Promise<void> {
  const frame = (await scanStore(storeDir)).select(
    "run_id",
    "op_id",
    "video_id",
    "label",
    "method",
    "frame_index",
    "face_index",
    "score",
    "status",
  ).collectSync();
  frame.writeCSV(path);
}

Deno.test({
  name:
    "report --by method: per-method AUCs equal scikit-learn's (each method's fakes vs all reals)",
  ignore: skipWithout("python-sklearn", "per-method AUC oracle"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const store = `${dir}/store`;
      await writeFfppStore(store);
      await storeCsv(store, `${dir}/rows.csv`);
      const py = await new Deno.Command("/usr/bin/python3", {
        args: ["-c", ORACLE, `${dir}/rows.csv`],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(py.code, 0, new TextDecoder().decode(py.stderr));
      const oracle = JSON.parse(new TextDecoder().decode(py.stdout)) as Record<
        string,
        { auc: number; ap: number; n: number; fakes: number }
      >;
      // AP from the metric registry rides along: the slices compute every asked cell metric.
      const data = await loadReportData(store, {
        by: "method",
        bootstrapResamples: 0,
        metrics: [AP_METRIC],
      });
      const slices = data.slices!;
      assert.deepEqual(slices.map((s) => s.value), [
        "Deepfakes",
        "Face2Face",
        "FaceSwap",
        "NeuralTextures",
      ]);
      let checked = 0;
      for (const slice of slices) {
        assert.equal(slice.protocol, "all-reals");
        for (const cell of slice.cells) {
          const want = oracle[`${cell.runId}|${cell.opId}|${slice.value}`];
          assert.ok(want, `${cell.runId} ${cell.opId} ${slice.value}`);
          assert.ok(Math.abs(cell.auc! - want.auc) < 1e-12, `${cell.auc} vs ${want.auc}`);
          assert.ok(Math.abs(cell.metrics!.ap! - want.ap) < 1e-12, `AP ${cell.metrics!.ap}`);
          assert.equal(cell.positives + cell.negatives, want.n);
          assert.equal(cell.positives, want.fakes);
          assert.equal(cell.negatives, 12);
          checked++;
        }
      }
      assert.equal(checked, Object.keys(oracle).length);
      // The NeuralTextures slice (1 fake) is too small for DeLong's test: said, no p.
      const small = slices.find((s) => s.value === "NeuralTextures")!;
      for (const cell of small.cells.filter((c) => c.opId !== "unaltered")) {
        assert.equal(cell.p, null);
        assert.match(cell.note!, new RegExp(TOO_SMALL_NOTE));
      }
      // A larger slice has p and Holm within its row (2 processed copies: pHolm >= p).
      const big = slices.find((s) => s.value === "Deepfakes")!;
      for (const cell of big.cells.filter((c) => c.opId !== "unaltered")) {
        assert.equal(typeof cell.p, "number");
        assert.ok(cell.pHolm! >= cell.p! && cell.pHolm! <= 1);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("report --by: within-slice protocol, face-size buckets and unknown columns", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const store = `${dir}/store`;
    await writeFfppStore(store);
    await t.step(
      "within on method: a fake's slice holds no real, so its AUC is undefined",
      async () => {
        // Reals carry method "real": slices of fakes hold no reals, the real slice no fakes.
        const data = await loadReportData(store, {
          by: "method",
          sliceProtocol: "within",
          bootstrapResamples: 0,
        });
        const deepfakes = data.slices!.find((s) => s.value === "Deepfakes")!;
        assert.ok(deepfakes.cells.every((c) => c.auc === null && c.negatives === 0));
        assert.ok(data.slices!.some((s) => s.value === "real"));
      },
    );
    await t.step("face_size within: each bucket ranks its own fakes and reals", async () => {
      const data = await loadReportData(store, {
        by: "face_size",
        sliceProtocol: "within",
        bootstrapResamples: 0,
      });
      const values = data.slices!.map((s) => s.value);
      assert.ok(
        values.includes("face < 64 px") && values.includes("face >= 256 px"),
        values.join(),
      );
      const total = data.slices!.reduce(
        (sum, s) =>
          sum + s.cells.find((c) => c.runId === "run-xception" && c.opId === "unaltered")!
            .positives +
          s.cells.find((c) => c.runId === "run-xception" && c.opId === "unaltered")!
            .negatives,
        0,
      );
      assert.equal(total, 28, "every video in exactly one bucket");
    });
    await t.step(
      "a decision metric slices the same way (TPR at the run's threshold)",
      async () => {
        const cli = await runDenoTask("tasks/report.ts", [
          "--store",
          store,
          "--format",
          "json",
          "--by",
          "method",
          "--metric",
          "tpr@fpr0.1",
          "--resamples",
          "0",
        ]);
        assert.equal(cli.code, 0, cli.stderr);
        const json = JSON.parse(cli.stdout);
        const slice = json.slices.slices.find((s: { value: string }) => s.value === "Deepfakes");
        assert.equal(slice.table.metric, "tpr");
        const row = slice.table.rows[0];
        // The run's own threshold (chosen on all its Unaltered videos), not one per slice.
        const whole = json.rows.find((r: { runId: string }) => r.runId === row.runId);
        assert.equal(row.threshold.value, whole.threshold.value);
        assert.match(row.threshold.name, /the run's, all videos/);
        for (const [opId, value] of Object.entries(row.values)) {
          assert.equal(value, row.cells[opId].decision.tpr, opId);
          assert.equal(row.cells[opId].decision.tp + row.cells[opId].decision.fn, 6);
        }
      },
    );
    await t.step("an unknown column is an option error naming the valid ones", () => {
      assert.throws(() => sliceColumn("dataset"), /--by must be one of .*method.*face_size/);
    });
    await t.step("every format carries the slices; the CLI says the protocol", async () => {
      const data = await loadReportData(store, { by: "method", bootstrapResamples: 0 });
      for (const format of REPORT_FORMATS) {
        const text = await format.render(data, { interactive: false });
        assert.match(text, /NeuralTextures/, format.id);
        if (format.id === "json") {
          const json = JSON.parse(text);
          assert.equal(json.slices.by, "method");
          assert.match(json.slices.protocolText, /all reals/);
          assert.equal(json.slices.slices.length, 4);
        } else if (format.id === "csv") {
          assert.match(text, /\nby,slice,protocol,/);
          assert.match(text, /too few videos for a test/);
        } else {
          assert.match(text, /fakes against all reals/, format.id);
          assert.match(text, /too few videos for a test/, format.id);
        }
        if (format.id === "html") assert.match(text, /id="slice-heatmap"/);
      }
      const cli = await runDenoTask("tasks/report.ts", [
        "--store",
        store,
        "--format",
        "md",
        "--by",
        "method",
        "--resamples",
        "0",
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /## Table I per method/);
      const bad = await runDenoTask("tasks/report.ts", ["--store", store, "--by", "dataset"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--by must be one of/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
