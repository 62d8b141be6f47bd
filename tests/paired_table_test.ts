/**
 * Issue 9: Table I's paired statistics (delta AUC with its paired bootstrap interval, DeLong's p,
 * Holm's correction over the row) on a generated store where one operation clearly drops and the
 * others do not, through loadReportData, every report format and the delta chart.
 */
import assert from "node:assert/strict";
import { pairedAucTest } from "../metrics/delong.ts";
import { holmAdjust } from "../metrics/holm.ts";
import { NOT_PAIRED_NOTE, opAucs } from "../metrics/op_auc.ts";
import { seededRandom } from "../util/prng.ts";
import { significantDrop } from "../metrics/cell_comparisons.ts";
import { getOperation } from "../ops/catalog.ts";
import { deltaHeatmapChart } from "../report/charts.ts";
import { loadReportData } from "../report/collect.ts";
import { renderReport } from "../report/html.ts";
import { renderSvg } from "../report/svg.ts";
import { scanStore, writeUnit } from "../store/store.ts";
import { runDenoTask } from "./_tools.ts";
import { scoreRow } from "./store_fixtures.ts";

const VIDEOS = 60; // 30 fake, 30 real
const OPS = ["unaltered", "noise", "hflip", "grayscale"] as const;

/**
 * Video scores per operation: unaltered separates the classes well (shared per-video
 * difficulty); noise pulls the fakes down to the reals (a clear drop); hflip and grayscale
 * only jitter the scores by 0.01 (no real change).
 */
function generatedScores(): Record<(typeof OPS)[number], { label: 0 | 1; score: number }[]> {
  const random = seededRandom(9);
  const gauss = () => {
    // Box-Muller on the seeded PRNG.
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const clip = (x: number) => Math.min(0.99, Math.max(0.01, x));
  const base = Array.from({ length: VIDEOS }, (_, v) => {
    const label = (v % 2) as 0 | 1;
    return { label, difficulty: gauss(), score: 0 };
  });
  for (const b of base) b.score = clip((b.label ? 0.6 : 0.4) + 0.12 * b.difficulty);
  const jitter = () => base.map((b) => ({ label: b.label, score: clip(b.score + 0.01 * gauss()) }));
  return {
    unaltered: base.map((b) => ({ label: b.label, score: b.score })),
    noise: base.map((b) => ({
      label: b.label,
      score: clip(0.4 + 0.12 * b.difficulty + 0.08 * gauss()),
    })),
    hflip: jitter(),
    grayscale: jitter(),
  };
}

/** Writes the generated store (2 frames per video whose mean is the video score). */
async function writeStore(dir: string, options: { dropFromHflip?: string } = {}) {
  const scores = generatedScores();
  for (const opId of OPS) {
    const op = getOperation(opId);
    const rows = scores[opId].flatMap(({ label, score }, v) => {
      const videoId = `v${String(v).padStart(2, "0")}`;
      if (opId === "hflip" && videoId === options.dropFromHflip) return [];
      return [-0.005, 0.005].map((offset, frame) =>
        scoreRow({
          run_id: "run-x",
          op_id: opId,
          op_family: op.family,
          op_category: op.category,
          severity: op.severity,
          artifact_id: `art-${opId}`,
          video_id: videoId,
          label,
          method: label ? "Deepfakes" : "real",
          frame_index: frame,
          score: score + offset,
        })
      );
    });
    await writeUnit(dir, { detector: "xception", opId, unitId: "run-x" }, rows);
  }
  return scores;
}

Deno.test("every processed cell of Table I carries delta, its paired interval, p and Holm's p", async (t) => {
  const store = await Deno.makeTempDir({ prefix: "dfrobust-paired-" });
  const scores = await writeStore(store);
  const data = await loadReportData(store);
  const cell = (opId: string) => data.cells.find((c) => c.opId === opId)!;

  await t.step("p is DeLong's on the video scores and Holm's family is the row", () => {
    const labels = scores.unaltered.map((s) => s.label);
    const base = scores.unaltered.map((s) => s.score);
    const raw = ["noise", "hflip", "grayscale"].map((opId) => {
      const test = pairedAucTest(labels, scores[opId as "noise"].map((s) => s.score), base);
      // Sign: processed minus unaltered, as deltaAuc.
      assert.ok(Math.abs(cell(opId).deltaAuc! - test.delta) < 1e-12, opId);
      assert.ok(Math.abs(cell(opId).p! - test.p) < 1e-12, opId);
      return test.p;
    });
    const holm = holmAdjust(raw);
    ["noise", "hflip", "grayscale"].forEach((opId, i) => {
      assert.ok(Math.abs(cell(opId).pHolm! - holm[i]) < 1e-12, opId);
    });
    const unaltered = cell("unaltered");
    assert.equal(unaltered.p, undefined);
    assert.equal(unaltered.deltaCiLow, undefined);
  });

  await t.step("noise drops significantly; hflip and grayscale do not", () => {
    const noise = cell("noise");
    assert.ok(noise.deltaAuc! < -0.2, `noise delta ${noise.deltaAuc}`);
    assert.ok(noise.pHolm! < 0.001, `noise Holm p ${noise.pHolm}`);
    assert.ok(noise.deltaCiLow! <= noise.deltaAuc! && noise.deltaAuc! <= noise.deltaCiHigh!);
    assert.ok(noise.deltaCiHigh! < 0, "the paired interval excludes 0");
    assert.equal(significantDrop(noise), true);
    for (const opId of ["hflip", "grayscale"]) {
      const c = cell(opId);
      assert.ok(c.pHolm! > 0.05, `${opId} Holm p ${c.pHolm}`);
      assert.ok(c.deltaCiLow! <= 0 && 0 <= c.deltaCiHigh!, `${opId} interval holds 0`);
      assert.equal(significantDrop(c), false);
    }
  });

  await t.step("deno task report --format json, md and csv carry them", async () => {
    const json = await runDenoTask("tasks/report.ts", ["--store", store, "--format", "json"]);
    assert.equal(json.code, 0, json.stderr);
    const [row] = JSON.parse(json.stdout).rows;
    for (const opId of ["noise", "hflip", "grayscale"]) {
      const c = row.cells[opId];
      for (const field of ["deltaAuc", "deltaCiLow", "deltaCiHigh", "p", "pHolm", "n"]) {
        assert.equal(typeof c[field], "number", `${opId}.${field}`);
      }
      assert.equal(c.n, VIDEOS);
    }
    assert.equal("p" in row.cells.unaltered, false);
    const md = await runDenoTask("tasks/report.ts", ["--store", store, "--format", "md"]);
    const line = md.stdout.split("\n").find((l) => l.startsWith("| xception"))!;
    assert.equal((line.match(/▼/g) ?? []).length, 1, line);
    assert.match(
      line,
      /\| 0\.\d{3} ▼ \|/,
    );
    // The statistics behind the mark, in the details table (issue 25: Table I numbers only).
    assert.match(
      md.stdout,
      /\n\| xception \| [^|]+ \| 60 \(\d+\/\d+\) \| 0\.\d{3} \[[^\]]+\] \| -0\.\d{3} \[-\d\.\d{3}, -0\.\d{3}\] \| <0\.001 \| <0\.001 \| face 120\/120 frames \(100%\), 60 videos \|/,
    );
    assert.match(
      md.stdout,
      /\n▼ marks a drop in AUC that is significant after Holm's correction for the 3 comparisons of the row \(DeLong's test/,
    );
    const csv = await runDenoTask("tasks/report.ts", ["--store", store, "--format", "csv"]);
    const [head, values] = csv.stdout.trim().split("\n").map((l) => l.split(","));
    const field = (name: string) => Number(values[head.indexOf(name)]);
    assert.ok(head.includes("delta_ci_low_noise") && !head.includes("p_unaltered"), head.join());
    assert.ok(Math.abs(field("p_holm_noise") - cell("noise").pHolm!) / cell("noise").pHolm! < 1e-2);
    assert.ok(field("p_holm_hflip") > 0.05);
  });

  await t.step(
    "the HTML report marks the significant drop and says what the mark means",
    async () => {
      const html = await renderReport(data, { interactive: false });
      const table = html.slice(html.indexOf('<table class="table-one">'), html.indexOf("</table>"));
      assert.equal((table.match(/<span class="drop"/g) ?? []).length, 1);
      assert.match(
        table,
        /title="[^"]*delta AUC -0\.\d{3} \(95% paired CI -0\.\d{3} to -0\.\d{3}\); DeLong p&lt;0\.001, Holm p&lt;0\.001"/,
      );
      assert.match(
        html,
        /<p class="caption" id="significance"><span class="drop">▼<\/span> marks a drop in AUC that is significant after Holm&#39;s correction for the 3 comparisons of the row/,
      );
      const spec = deltaHeatmapChart(data.cells);
      const values = (spec.data as { values: { opId: string; significant: boolean }[] }).values;
      assert.deepEqual(values.filter((v) => v.significant).map((v) => v.opId), ["noise"]);
      const svg = await renderSvg(spec);
      assert.equal((svg.match(/>▼</g) ?? []).length, 1, "one ▼ in the delta chart");
    },
  );
  await Deno.remove(store, { recursive: true });
});

Deno.test("paired statistics are null, with a note, where they do not hold", async (t) => {
  const store = await Deno.makeTempDir({ prefix: "dfrobust-paired-" });
  await writeStore(store, { dropFromHflip: "v03" });
  const frame = await scanStore(store);
  await t.step("at frame level DeLong's independence assumption fails: p is null", () => {
    const noise = opAucs(frame, { level: "frame" }).find((c) => c.opId === "noise")!;
    assert.equal(noise.p, null);
    assert.equal(noise.pHolm, null);
    assert.equal(noise.deltaCiLow, null);
    assert.match(
      noise.note!,
      /DeLong's test assumes independent samples .*p omitted at frame level/,
    );
  });
  await t.step("unpaired, a column with other videos than Unaltered has none", async () => {
    const cells = opAucs(frame, { pairing: "unpaired" });
    const hflip = cells.find((c) => c.opId === "hflip")!;
    assert.equal(hflip.samples, VIDEOS - 1);
    assert.equal(hflip.p, null);
    assert.ok(hflip.note!.includes(NOT_PAIRED_NOTE), hflip.note!);
    assert.equal(typeof cells.find((c) => c.opId === "noise")!.p, "number");
    const data = await loadReportData(store, { pairing: "unpaired", bootstrapResamples: 0 });
    assert.ok(data.notes.some((n) => n.startsWith("1 processed cell ranks other videos")));
    // Paired (the default), v03 is left out of every column and the statistics are back.
    const paired = opAucs(frame).find((c) => c.opId === "hflip")!;
    assert.equal(paired.samples, VIDEOS - 1);
    assert.equal(typeof paired.p, "number");
    // No bootstrap asked for: no interval, no note about it.
    assert.equal(paired.deltaCiLow, null);
  });
  await Deno.remove(store, { recursive: true });
});
