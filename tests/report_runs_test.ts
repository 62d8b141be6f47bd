import assert from "node:assert/strict";
import { join } from "node:path";
import { loadReportData } from "../report/collect.ts";
import {
  decisionFlips,
  detectorVideoScores,
  flipsTable,
  scoreDistributionChart,
  videoScoresSummary,
} from "../report/explore.ts";
import { leftOutMarkdown } from "../report/left_out_view.ts";
import { renderSvg } from "../report/svg.ts";
import { writeReport } from "../report/write_report.ts";
import { tableCsv, tableMarkdown } from "../report/table_format.ts";
import { aucByOperationChart, rocChart } from "../report/charts.ts";
import { flipRates } from "../metrics/flip_rate.ts";
import { MetricError } from "../metrics/metric_error.ts";
import { modelLabel } from "../metrics/op_auc.ts";
import { tableOne, type TableRow } from "../metrics/table.ts";
import { getOperation } from "../ops/catalog.ts";
import { chooseRuns, qualifyRuns, type RunTraits, UnknownRunError } from "../store/run_labels.ts";
import { listRuns } from "../store/runs.ts";
import { scanStore, writeUnit } from "../store/store.ts";
import { runDenoTask } from "./_tools.ts";
import {
  expectedAuc,
  type FixtureRun,
  RUNS_OPS,
  RUNS_VIDEOS,
  type RunsDifference,
  writeRunsStore,
} from "./runs_fixture.ts";
import { scoreRow } from "./store_fixtures.ts";

// What each difference makes of the two sbi runs: full labels (a, b) and Table I's Detector
// column (a, b); b is the newer run.
const CASES: Record<RunsDifference, { labels: [string, string]; names: [string, string] }> = {
  face_mode: {
    labels: ["sbi (FF++c23; faces: full)", "sbi (FF++c23; faces: ultraface)"],
    names: ["sbi (faces: full)", "sbi (faces: ultraface)"],
  },
  model: {
    labels: ["sbi (FF++c23; model aaaaaaaaaaaa)", "sbi (FF++c23; model bbbbbbbbbbbb)"],
    names: ["sbi (model aaaaaaaaaaaa)", "sbi (model bbbbbbbbbbbb)"],
  },
  train_set: {
    labels: ["sbi (FF++c23)", "sbi (DFDC)"],
    names: ["sbi", "sbi"],
  },
  nothing: {
    labels: [
      "sbi (FF++c23; written 2026-11-01 10:00)",
      "sbi (FF++c23; written 2026-11-02 10:00)",
    ],
    names: ["sbi (written 2026-11-01 10:00)", "sbi (written 2026-11-02 10:00)"],
  },
};

const rowLabel = (row: TableRow) => modelLabel(row.detector, row.trainSet, row.run);

Deno.test("two runs of one detector in one store are two Table I rows, each with its own AUCs", async (t) => {
  for (const difference of Object.keys(CASES) as RunsDifference[]) {
    await t.step(difference, async () => {
      const store = await Deno.makeTempDir();
      try {
        const runs = await writeRunsStore(store, difference);
        const { labels, names } = CASES[difference];
        const data = await loadReportData(store, { bootstrapResamples: 0 });
        // Nothing dropped, nothing pooled: 3 runs x 3 operations, 10 videos behind each cell.
        assert.equal(data.cells.length, 3 * RUNS_OPS.length);
        assert.doesNotMatch(data.notes.join("\n"), /ignored in favour|older run/);
        const table = tableOne(data.cells);
        assert.equal(table.rows.length, 3);
        const sbi = table.rows.filter((r) => r.detector === "sbi");
        assert.equal(sbi.length, 2);
        assert.notEqual(rowLabel(sbi[0]), rowLabel(sbi[1]));
        for (const [i, run] of runs.slice(0, 2).entries()) {
          const row = sbi.find((r) => r.runId === run.runId)!;
          assert.equal(rowLabel(row), labels[i]);
          for (const opId of RUNS_OPS) {
            const cell = row.cells[opId];
            assert.equal(cell.n, RUNS_VIDEOS, `${run.runId} ${opId}`);
            assert.ok(Math.abs(cell.auc! - expectedAuc(run, opId)) < 1e-12, `${run.runId} ${opId}`);
          }
        }
        // The two runs' AUCs differ: a pooled or swapped row would not match both.
        assert.notEqual(sbi[0].values.unaltered, sbi[1].values.unaltered);
        const xception = table.rows.find((r) => r.detector === "xception")!;
        assert.equal(xception.run, undefined);
        assert.ok(Math.abs(xception.values.noise! - expectedAuc(runs[2], "noise")) < 1e-12);

        // Markdown names each row in words; CSV and JSON carry both runs.
        const md = tableMarkdown(table);
        for (const [i, run] of runs.slice(0, 2).entries()) {
          assert.match(
            md,
            new RegExp(`^\\| ${escape(names[i])} \\| ${escape(run.trainSet)} \\|`, "m"),
          );
        }
        assert.match(md, /^\| xception \| FF\+\+c23 \|/m);
        const csv = tableCsv(table).trim().split("\n").map((line) => line.split(","));
        const qualified = difference !== "train_set";
        assert.deepEqual(
          csv[0].slice(0, qualified ? 4 : 2),
          qualified ? ["detector", "train_set", "run", "run_id"] : ["detector", "train_set"],
        );
        assert.equal(csv.length, 4);
        const dir = await Deno.makeTempDir();
        try {
          for (const format of ["json", "md", "csv"]) {
            await writeReport(store, join(dir, `t.${format}`), { format, bootstrapResamples: 0 });
          }
          const json = JSON.parse(await Deno.readTextFile(join(dir, "t.json")));
          assert.equal(json.rows.length, 3);
          for (const [i, run] of runs.slice(0, 2).entries()) {
            const row = json.rows.find((r: { runId: string }) => r.runId === run.runId);
            assert.equal(modelLabel(row.detector, row.trainSet, row.run), labels[i]);
            assert.ok(Math.abs(row.values.noise - expectedAuc(run, "noise")) < 1e-12);
          }
          assert.equal(
            json.rows.find((r: { detector: string }) => r.detector === "xception").run,
            undefined,
          );
          // Every line of the table (the file's rows follow the runs' order: report/run_order.ts).
          const file = await Deno.readTextFile(join(dir, "t.md"));
          for (const line of md.trim().split("\n")) assert.ok(file.includes(`${line}\n`), line);
          assert.equal(
            (await Deno.readTextFile(join(dir, "t.csv"))).split("\n")[0],
            csv[0].join(","),
          );
        } finally {
          await Deno.remove(dir, { recursive: true });
        }

        // ROC curves, provenance and the runs listing: one per run.
        const sbiCurves = data.rocs.filter((r) => r.detector === "sbi");
        assert.equal(sbiCurves.length, 2 * RUNS_OPS.length);
        assert.deepEqual(
          new Set(sbiCurves.map((c) => c.runId)),
          new Set(["run-sbi-a", "run-sbi-b"]),
        );
        assert.deepEqual(
          data.provenance.runs.map((r) => r.runId).sort(),
          ["run-sbi-a", "run-sbi-b", "run-xception"],
        );
        const listed = await listRuns(store);
        assert.deepEqual(
          listed.filter((r) => r.detector === "sbi").map((r) => r.label).sort(),
          [...labels].sort(),
        );
        // Every chart has one panel (or heatmap row) per run, named by its label.
        for (const spec of [aucByOperationChart(data.cells), rocChart(data.rocs)]) {
          const models = new Set(
            (spec.data as { values: { model: string }[] }).values.map((v) => v.model),
          );
          assert.deepEqual(
            [...models].sort(),
            [...labels, "xception (FF++c23)"].sort(),
          );
        }
        // Flip rates are per run too.
        const rates = flipRates(await scanStore(store));
        assert.equal(rates.filter((r) => r.detector === "sbi").length, 2 * RUNS_OPS.length);
      } finally {
        await Deno.remove(store, { recursive: true });
      }
    });
  }
});

Deno.test("loadReportData({runs}) reports only the runs chosen and names them", async () => {
  const store = await Deno.makeTempDir();
  try {
    const runs = await writeRunsStore(store, "face_mode");
    for (const choice of ["sbi (faces: ultraface)", "faces: ultraface", "run-sbi-b"]) {
      const data = await loadReportData(store, { runs: [choice], bootstrapResamples: 0 });
      const table = tableOne(data.cells);
      assert.equal(table.rows.length, 1, choice);
      assert.equal(table.rows[0].runId, "run-sbi-b");
      // Named as beside the other run, not as if alone.
      assert.equal(rowLabel(table.rows[0]), "sbi (FF++c23; faces: ultraface)");
      assert.ok(
        Math.abs(table.rows[0].values.unaltered! - expectedAuc(runs[1], "unaltered")) < 1e-12,
      );
      assert.ok(
        data.notes.includes(
          "Runs chosen (--run): sbi (FF++c23; faces: ultraface) [run id run-sbi-b]; left out: " +
            "sbi (FF++c23; faces: full) [run id run-sbi-a], xception (FF++c23) [run id run-xception].",
        ),
        data.notes.join("\n"),
      );
      assert.deepEqual(data.provenance.runs.map((r) => r.label), [
        "sbi (FF++c23; faces: ultraface)",
      ]);
    }
    // A detector chooses all its runs; two choices add up.
    const both = await loadReportData(store, { runs: ["sbi"], bootstrapResamples: 0 });
    assert.equal(tableOne(both.cells).rows.length, 2);
    await assert.rejects(
      () => loadReportData(store, { runs: ["faces: sidecar"] }),
      (error: Error) =>
        error instanceof UnknownRunError &&
        error.message.includes('No run in the store matches "faces: sidecar"') &&
        error.message.includes("sbi (FF++c23; faces: full) (run id run-sbi-a)"),
    );
    // The mCE reference may be a run label; a detector with two runs is ambiguous.
    const relative = await loadReportData(store, {
      bootstrapResamples: 0,
      referenceDetector: "sbi (FF++c23; faces: full)",
    });
    const errors = relative.relative!.errors;
    assert.equal(errors.length, 3);
    assert.equal(errors.find((e) => e.runId === "run-sbi-a")!.mce, 1);
    assert.equal(errors.find((e) => e.runId === "run-sbi-b")!.run, "faces: ultraface");
    // The section names the reference run in words, with its id (its detector has two runs).
    assert.equal(relative.relative!.reference, "sbi (FF++c23; faces: full), run run-sbi-a");
    // A run id names the run too.
    const byPrefix = await loadReportData(store, {
      bootstrapResamples: 0,
      referenceDetector: "run-sbi-b",
    });
    assert.equal(byPrefix.relative!.reference, "sbi (FF++c23; faces: ultraface), run run-sbi-b");
    await assert.rejects(
      () => loadReportData(store, { bootstrapResamples: 0, referenceDetector: "sbi" }),
      (error: Error) =>
        error instanceof MetricError &&
        error.message.startsWith('Reference detector "sbi" has 2 runs in the store; give one') &&
        error.message.includes('"sbi (FF++c23; faces: full)" (run id run-sbi-a)') &&
        !error.message.includes("corruptionErrors"),
    );
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("deno task report --run shows the run chosen and names it; an unknown one is a usage error", async () => {
  const store = await Deno.makeTempDir();
  try {
    await writeRunsStore(store, "face_mode");
    const all = await runDenoTask("tasks/report.ts", ["--store", store, "--format", "md"]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^\| sbi \(faces: full\) \| FF\+\+c23 \|/m);
    assert.match(all.stdout, /^\| sbi \(faces: ultraface\) \| FF\+\+c23 \|/m);
    const one = await runDenoTask("tasks/report.ts", [
      "--store",
      store,
      "--format",
      "md",
      "--run",
      "sbi (faces: ultraface)",
    ]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^\| sbi \(faces: ultraface\) \| FF\+\+c23 \|/m);
    assert.doesNotMatch(one.stdout, /^\| (sbi \(faces: full\)|xception)/m);
    assert.match(one.stderr, /note: Runs chosen \(--run\): sbi \(FF\+\+c23; faces: ultraface\)/);
    // The note on the runs left out is in every format, not only on stderr and in HTML.
    assert.match(
      one.stdout,
      /^\*\*Notes\*\*\n\n- Runs chosen \(--run\): sbi \(FF\+\+c23; faces: ultraface\).*left out: .*faces: full/m,
    );
    const json = await runDenoTask("tasks/report.ts", [
      "--store",
      store,
      "--format",
      "json",
      "--run",
      "sbi (faces: ultraface)",
    ]);
    assert.equal(json.code, 0, json.stderr);
    const notes: string[] = JSON.parse(json.stdout).notes;
    assert.ok(
      notes.some((n) => /^Runs chosen \(--run\).*left out: .*faces: full/.test(n)),
      notes.join("\n"),
    );
    const bad = await runDenoTask("tasks/report.ts", ["--store", store, "--run", "nope"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /No run in the store matches "nope".*faces: full/s);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("a video left out of one run is that run's, named by its label", async () => {
  const store = await Deno.makeTempDir();
  try {
    await writeRunsStore(store, "face_mode");
    const noise = getOperation("noise");
    await writeUnit(store, { detector: "sbi", opId: "noise", unitId: "extra" }, [
      scoreRow({
        run_id: "run-sbi-b",
        detector: "sbi",
        train_set: "FF++c23",
        model_sha256: "a".repeat(64),
        face_mode: "ultraface",
        op_id: "noise",
        op_family: noise.family,
        op_category: noise.category,
        severity: noise.severity,
        artifact_id: "art-noise",
        video_id: "v10",
        frame_index: -1,
        face_index: -1,
        box_x: null,
        box_y: null,
        box_w: null,
        box_h: null,
        crop_x: null,
        crop_y: null,
        crop_w: null,
        crop_h: null,
        score: null,
        status: "video_error",
        error: 'Cannot decode "v10.mp4": moov atom not found',
      }),
    ]);
    const data = await loadReportData(store, { bootstrapResamples: 0 });
    const leftOut = data.leftOut ?? [];
    assert.equal(leftOut.length, RUNS_OPS.length);
    for (const v of leftOut) {
      assert.equal(v.runId, "run-sbi-b");
      assert.equal(v.run, "faces: ultraface");
    }
    assert.match(
      leftOutMarkdown(leftOut),
      /\| sbi \(FF\+\+c23; faces: ultraface\) \| v10 \| fake \| noise \| `video_error` \|/,
    );
    assert.ok(
      data.notes.some((n) => n.startsWith("sbi (FF++c23; faces: ultraface): video v10 (fake)")),
      data.notes.join("\n"),
    );
    // The other run of sbi keeps all its videos.
    const a = tableOne(data.cells).rows.find((r) => r.runId === "run-sbi-a")!;
    assert.equal(a.cells.noise.n, RUNS_VIDEOS);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("explore keeps two runs of one detector apart: scores, flips and charts per run", async () => {
  const store = await Deno.makeTempDir();
  try {
    const runs = await writeRunsStore(store, "face_mode");
    const scores = await detectorVideoScores(store, "sbi");
    assert.deepEqual(scores.runs.map((r) => r.runId).sort(), ["run-sbi-a", "run-sbi-b"]);
    // One score per run, operation and video: never two for one video of one run.
    assert.equal(scores.videos.length, 2 * RUNS_OPS.length * RUNS_VIDEOS);
    const keys = scores.videos.map((v) => `${v.runId}/${v.opId}/${v.videoId}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const v of scores.videos) {
      const run = runs.find((r) => r.runId === v.runId)!;
      assert.ok(Math.abs(v.score - run.scores[v.opId][v.videoId]) < 1e-12);
      assert.equal(v.run, v.runId === "run-sbi-a" ? "faces: full" : "faces: ultraface");
    }
    assert.match(
      videoScoresSummary(scores),
      /^sbi: 2 runs, each on its own: sbi \(FF\+\+c23; faces: full\) 30 video scores, sbi \(FF\+\+c23; faces: ultraface\) 30 video scores, over 3 operations/,
    );

    // Decision flips: each against its own run's unaltered score, as computed from the scores.
    const flips = decisionFlips(scores.videos);
    assert.deepEqual(
      flips.map((f) => `${f.runId}/${f.opId}/${f.videoId}`).sort(),
      expectedFlips(runs.slice(0, 2)).sort(),
    );
    for (const f of flips) {
      const run = runs.find((r) => r.runId === f.runId)!;
      assert.equal(
        f.unalteredScore,
        scores.videos.find((v) =>
          v.runId === f.runId && v.opId === "unaltered" && v.videoId === f.videoId
        )!.score,
      );
      assert.ok(Math.abs(f.unalteredScore - run.scores.unaltered[f.videoId]) < 1e-12);
    }
    assert.ok(new Set(flips.map((f) => f.runId)).size === 2, "the fixture flips in both runs");
    const table = flipsTable(flips, { limit: 100 });
    assert.match(
      table.markdown,
      /^sbi \(FF\+\+c23; faces: full\): \d+ flips: .*; sbi \(FF\+\+c23; faces: ultraface\): \d+ flips: /,
    );
    assert.match(table.markdown, /\| Run \| Operation \| Video \|/);
    assert.match(
      table.markdown,
      /\| sbi \(FF\+\+c23; faces: ultraface\) \| (h264_crf40|noise) \| v\d\d \|/,
    );

    // The score chart: one panel per run, every video once.
    const chart = scoreDistributionChart(scores.videos);
    const panels = chart.vconcat as { title: string }[];
    assert.deepEqual(panels.map((p) => p.title), [
      "sbi (FF++c23; faces: full)",
      "sbi (FF++c23; faces: ultraface)",
    ]);
    const svg = await renderSvg(chart);
    assert.equal((svg.match(/aria-roledescription="tick"/g) ?? []).length, scores.videos.length);

    // One run chosen, by label, qualifier or id; the detector follows from it.
    for (const run of ["sbi (faces: ultraface)", "faces: ultraface", "run-sbi-b"]) {
      const one = await detectorVideoScores(store, undefined, { run });
      assert.equal(one.detector, "sbi");
      assert.deepEqual(one.runs.map((r) => r.label), ["sbi (FF++c23; faces: ultraface)"]);
      assert.equal(one.videos.length, RUNS_OPS.length * RUNS_VIDEOS);
      assert.ok(one.videos.every((v) => v.runId === "run-sbi-b"));
      // A single run: the chart and the flips table look as they always did.
      assert.equal(scoreDistributionChart(one.videos).vconcat, undefined);
      assert.doesNotMatch(flipsTable(decisionFlips(one.videos)).markdown, /\| Run \|/);
    }
    await assert.rejects(
      () => detectorVideoScores(store, "xception", { run: "faces: ultraface" }),
      UnknownRunError,
    );
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("qualifyRuns() names what differs, then the write time, then the run id", () => {
  const base: RunTraits = {
    runId: "r1",
    detector: "sbi",
    trainSet: "FF++c23",
    modelSha256: "a".repeat(64),
    faceMode: "ultraface",
    faceRule: "max",
    videoRule: "mean",
    failScore: 0.5,
    frames: 32,
    lastWritten: "2026-11-01T10:00:00.000Z",
  };
  const q = qualifyRuns([
    base,
    { ...base, runId: "r2", frames: 16 },
    { ...base, runId: "r3", frames: 16, faceMode: "full", videoRule: "median" },
    { ...base, runId: "r4", detector: "xception" },
    { ...base, runId: "r5", trainSet: "DFDC" },
  ]);
  assert.deepEqual(Object.fromEntries(q), {
    r1: "faces: ultraface, 32 frames, video rule: mean",
    r2: "faces: ultraface, 16 frames, video rule: mean",
    r3: "faces: full, 16 frames, video rule: median",
  });
  const same = qualifyRuns([
    base,
    { ...base, runId: "r2", lastWritten: "2026-11-02T10:00:00.000Z" },
    { ...base, runId: "r3", lastWritten: "2026-11-02T10:00:30.000Z" },
    { ...base, runId: "r4", failScore: null },
  ]);
  assert.deepEqual(Object.fromEntries(same), {
    r1: "fail score: 0.5, written 2026-11-01 10:00",
    r2: "fail score: 0.5, written 2026-11-02 10:00, run r2",
    r3: "fail score: 0.5, written 2026-11-02 10:00, run r3",
    r4: "fail score: none",
  });
  const runs = [{ runId: "abcdef123", detector: "sbi", trainSet: "", run: "faces: full" }];
  assert.deepEqual(chooseRuns(runs, ["ABCDEF"]), runs);
  assert.deepEqual(chooseRuns(runs, [" sbi  (faces: full) "]), runs);
  assert.throws(() => chooseRuns(runs, ["abc"]), UnknownRunError);
});

// Every (run, op, video) whose decision at 0.5 differs from the run's own unaltered decision.
function expectedFlips(runs: FixtureRun[]): string[] {
  const flips: string[] = [];
  for (const run of runs) {
    for (const opId of RUNS_OPS.filter((op) => op !== "unaltered")) {
      for (const [videoId, score] of Object.entries(run.scores[opId])) {
        if ((score >= 0.5) !== (run.scores.unaltered[videoId] >= 0.5)) {
          flips.push(`${run.runId}/${opId}/${videoId}`);
        }
      }
    }
  }
  return flips;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
