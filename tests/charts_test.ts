import assert from "node:assert/strict";
import { compile } from "../deps/vega.ts";
import {
  aucByOperationChart,
  deltaHeatmapChart,
  rocChart,
  scoreShiftChart,
  severityChart,
  VEGA_LITE_SCHEMA,
} from "../report/charts.ts";
import { runDecisions } from "../metrics/decision.ts";
import type { AucCell } from "../metrics/op_auc.ts";
import { getOperation, PAPER_OP_IDS } from "../ops/catalog.ts";
import { REPORT_CHARTS } from "../report/chart_catalog.ts";
import type { ReportData, RocCurveData } from "../report/report_data.ts";
import { renderSvg } from "../report/svg.ts";
import { QUALITY_CHART } from "../report/chart_catalog.ts";
import { logTicks, qualityChart, qualityPoints } from "../report/quality_chart.ts";
import type { OpQuality } from "../report/quality_view.ts";
import { FAMILIES } from "../ops/catalog.ts";
import { opQuality } from "../report/quality_view.ts";
import { CSV_FORMAT, HTML_FORMAT, JSON_FORMAT, MARKDOWN_FORMAT } from "../report/format_catalog.ts";

// The paper's 13 columns (ops/catalog.ts), with their categories.
const PAPER_COLUMNS = PAPER_OP_IDS.map((opId) => ({ opId, category: getOperation(opId).category }));

// Two models over the paper's 13 columns plus a two-level noise ladder, with fixed AUCs so the
// expected labels are known.
function sampleCells(): AucCell[] {
  const cells: AucCell[] = [];
  const models = [["xception", "FF++c23", 0.95], ["sbi", "FF++raw", 0.9]] as const;
  for (const [detector, trainSet, base] of models) {
    PAPER_COLUMNS.forEach((c, i) => {
      const auc = c.opId === "unaltered" ? base : base - 0.02 * i;
      cells.push({
        detector,
        trainSet,
        opId: c.opId,
        opCategory: c.category,
        opFamily: c.opId.startsWith("h264") ? "h264" : c.opId,
        severity: c.opId === "h264_crf23" ? 23 : c.opId === "h264_crf40" ? 40 : null,
        auc,
        // As opAucs() computes it: minus the same model's unaltered AUC.
        deltaAuc: auc - base,
        ciLow: auc - 0.05,
        ciHigh: Math.min(1, auc + 0.05),
        negatives: 20,
        positives: 20,
      });
    });
  }
  // The decision view (metrics/decision.ts) of 20 real and 20 fake videos whose scores rise
  // with the column: every copy flags more reals than Unaltered.
  const labels = Uint8Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));
  const scoresAt = (shift: number) =>
    Float64Array.from(labels, (l, i) => Math.min(1, 0.3 + 0.4 * l + 0.01 * (i % 20) + shift));
  const inputs = PAPER_COLUMNS.map((c, i) => ({
    opId: c.opId,
    labels,
    scores: scoresAt(0.02 * i),
    baseline: scoresAt(0),
  }));
  for (const model of models) {
    const view = runDecisions(inputs[0], inputs, { rule: "eer" });
    for (const cell of cells.filter((c) => c.detector === model[0])) {
      cell.decision = view.decisions.get(cell.opId);
    }
  }
  return cells;
}

function sampleRocs(): RocCurveData[] {
  return ["unaltered", "noise"].map((opId) => ({
    detector: "xception",
    trainSet: "FF++c23",
    opId,
    opCategory: opId === "noise" ? "noise" : "unaltered",
    points: [{ fpr: 0, tpr: 0 }, { fpr: 0.1, tpr: opId === "noise" ? 0.4 : 0.8 }, {
      fpr: 1,
      tpr: 1,
    }],
  }));
}

// Report data around the sample cells and curves, as loadReportData() would give it.
function sampleData(cells = sampleCells(), rocs = sampleRocs()): ReportData {
  return {
    cells,
    rocs,
    notes: [],
    provenance: {
      dfrobustVersion: "0.0.0",
      denoVersion: "2",
      generatedAt: "2026-01-01T00:00:00.000Z",
      store: "store",
      runs: [],
      // Recorded copy quality (artifacts/copy_quality.ts) for the quality chart.
      copies: PAPER_COLUMNS.map((c, i) => ({
        artifactId: `a${i}`,
        opId: c.opId,
        opCategory: c.category,
        profile: "paper",
        quality: {
          references: ["source"],
          sizeBytes: { n: 40, mean: 1e5, sd: 1, min: 1e5, max: 1e5 },
          bitrateKbps: { n: 40, mean: 2000 / (i + 1), sd: 1, min: 1, max: 3000 },
          psnrY: c.opId === "unaltered" ? null : { n: 40, mean: 45 - i, sd: 1, min: 30, max: 50 },
          psnrInfinite: c.opId === "unaltered" ? 40 : 0,
          ssimY: { n: 40, mean: 0.95, sd: 0.01, min: 0.9, max: 1 },
          unmeasured: 0,
        },
      })),
    },
  };
}

Deno.test("every chart of the report is Vega-Lite v5 and compiles without error", async (t) => {
  const data = sampleData();
  assert.deepEqual(REPORT_CHARTS.map((c) => c.id), [
    "auc-by-operation",
    "delta-auc",
    "roc",
    "severity",
    "score-shift",
    "quality",
  ]);
  for (const chart of REPORT_CHARTS) {
    await t.step(chart.id, () => {
      assert.ok(chart.applies(data), `${chart.id} does not apply to the sample data`);
      const spec = chart.spec(data);
      assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
      // deno-lint-ignore no-explicit-any
      const vega = compile(spec as any).spec;
      assert.ok(Array.isArray(vega.marks) && vega.marks.length > 0, `${chart.id}: no marks`);
      assert.ok(chart.title && chart.caption && chart.absent, `${chart.id}: text missing`);
    });
  }
});

Deno.test("a chart with nothing to draw does not apply", () => {
  // Only unaltered copies, no curve, no ladder: the AUC chart alone has something to show.
  const cells = sampleCells().filter((c) => c.opId === "unaltered");
  const applies = REPORT_CHARTS.filter((c) => c.applies(sampleData(cells, [])));
  assert.deepEqual(applies.map((c) => c.id), ["auc-by-operation"]);
  assert.deepEqual(REPORT_CHARTS.filter((c) => c.applies(sampleData([], []))), []);
});

Deno.test("aucByOperationChart() draws one bar per cell with its AUC label", async () => {
  const cells = sampleCells();
  const svg = await renderSvg(aucByOperationChart(cells));
  assert.match(svg, /^<svg/);
  assert.equal((svg.match(/aria-roledescription="bar"/g) ?? []).length, cells.length);
  assert.equal((svg.match(/aria-roledescription="errorbar"/g) ?? []).length, cells.length);
  // Every operation id is an axis label and each model a facet header.
  for (const c of PAPER_COLUMNS) assert.ok(svg.includes(`>${c.opId}<`), `no label ${c.opId}`);
  assert.ok(svg.includes("xception (FF++c23)"));
  assert.ok(svg.includes("sbi (FF++raw)"));
  assert.ok(svg.includes(">0.95<") && svg.includes(">0.90<"), "AUC labels missing");
  // Category legend in the paper's order.
  const legend = ["Unaltered", "Compression", "Brightness", "Flip", "Filter"]
    .map((label) => svg.indexOf(`>${label}<`));
  assert.ok(legend.every((i) => i > 0), "category legend missing");
  assert.deepEqual([...legend].sort((a, b) => a - b), legend);
});

Deno.test("aucByOperationChart() labels a cell whose AUC is null instead of a bar", async () => {
  // Issue 8: such cells used to vanish from the chart; now they are named.
  const cells = sampleCells();
  cells[1].auc = null;
  cells[2] = { ...cells[2], auc: null, positives: 0, negatives: 0, ciLow: null, ciHigh: null };
  const spec = aucByOperationChart(cells);
  const values = (spec.data as { values: { auc: number | null; missing: string | null }[] })
    .values;
  assert.equal(values.length, cells.length);
  assert.deepEqual(values.slice(1, 3).map((v) => [v.auc, v.missing]), [
    [null, "AUC undefined"],
    [null, "no videos scored"],
  ]);
  const svg = await renderSvg(spec);
  assert.equal((svg.match(/aria-roledescription="bar"/g) ?? []).length, cells.length - 2);
  assert.ok(svg.includes("no videos scored") && svg.includes("AUC undefined"));
});

Deno.test("deltaHeatmapChart() plots the cells' deltas and greys out models without one", async () => {
  // Without an unaltered copy, opAucs() gives sbi's cells null deltas: issue 8 keeps the model
  // in the chart (it used to vanish), its cells grey and labelled.
  const cells = sampleCells()
    .filter((c) => !(c.detector === "sbi" && c.opId === "unaltered"))
    .map((c) => c.detector === "sbi" ? { ...c, deltaAuc: null } : c);
  const spec = deltaHeatmapChart(cells);
  const deltas = (spec.data as {
    values: {
      model: string;
      opId: string;
      delta: number | null;
      reference: number | null;
      missing: string | null;
    }[];
  }).values;
  const xception = deltas.filter((d) => d.model === "xception (FF++c23)");
  const sbi = deltas.filter((d) => d.model === "sbi (FF++raw)");
  assert.equal(xception.length, 12);
  assert.equal(sbi.length, 12);
  assert.ok(sbi.every((d) => d.delta === null && d.missing === "no baseline"));
  const noise = xception.find((d) => d.opId === "noise")!;
  assert.ok(Math.abs(noise.delta! - -0.12) < 1e-12);
  assert.ok(Math.abs(noise.reference! - 0.95) < 1e-12);
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("no baseline"));
});

Deno.test("deltaHeatmapChart() renders a signed value in each cell", async () => {
  const svg = await renderSvg(deltaHeatmapChart(sampleCells()));
  assert.ok(svg.includes("−0.12") || svg.includes("-0.12"), "noise delta label missing");
  assert.ok(svg.includes("−0.24") || svg.includes("-0.24"), "vintage delta label missing");
  assert.ok(svg.includes("Delta AUC"));
});

Deno.test("rocChart() draws one line per operation and the chance diagonal", async () => {
  const svg = await renderSvg(rocChart(sampleRocs()));
  const lines = (svg.match(/aria-roledescription="line mark"/g) ?? []).length;
  assert.ok(lines >= 3, `expected >= 3 line marks, got ${lines}`);
  assert.ok(svg.includes("False positive rate") && svg.includes("True positive rate"));
  assert.ok(svg.includes(">noise<") && svg.includes(">unaltered<"));
});

Deno.test("severityChart() plots ladders and returns null when there is none", async () => {
  const spec = severityChart(sampleCells());
  assert.ok(spec);
  const svg = await renderSvg(spec);
  // One panel per family, titled by it, its x axis in the family's unit (ops/severity_scale.ts).
  assert.ok(svg.includes(">Compression: h264<"), "ladder family panel missing");
  assert.ok(svg.includes("CRF (libx264 constant rate factor"), "the CRF axis title is missing");
  const flat = sampleCells().map((c) => ({ ...c, severity: null }));
  assert.equal(severityChart(flat), null);
});

/** Every number in `value` is finite (JSON.stringify would turn NaN into null silently). */
function assertFiniteJson(value: unknown, path = "spec"): void {
  if (typeof value === "number") assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertFiniteJson(v, `${path}[${i}]`));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertFiniteJson(v, `${path}.${k}`);
  }
}

Deno.test("a run with no video scored still has a panel, row or label in every chart", async (t) => {
  const note = "no videos scored (4 videos left out: 4 no_face)";
  // Like b12: a detector without a fail score on videos without a face, next to a scored run.
  const empty = sampleCells().filter((c) => c.detector === "sbi").map((c) => ({
    ...c,
    detector: "nofail",
    trainSet: "",
    auc: null,
    deltaAuc: null,
    ciLow: undefined,
    ciHigh: undefined,
    // NaN never reaches a spec, even where a caller passes one.
    ...(c.opId === "noise" ? { auc: NaN } : {}),
    positives: 0,
    negatives: 0,
    note,
  }));
  const cells = [...sampleCells().filter((c) => c.detector === "xception"), ...empty];
  const rocs: RocCurveData[] = [
    ...sampleRocs(),
    ...empty.map((c) => ({ ...c, points: [], note })),
  ];
  const specs = [
    ["aucByOperationChart", aucByOperationChart(cells)],
    ["deltaHeatmapChart", deltaHeatmapChart(cells)],
    ["rocChart", rocChart(rocs)],
    ["severityChart", severityChart(cells)!],
  ] as const;
  for (const [name, spec] of specs) {
    await t.step(name, async () => {
      assertFiniteJson(spec);
      assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec, "spec is not plain JSON");
      const svg = await renderSvg(spec);
      assert.ok(svg.includes("nofail"), `${name}: no panel or row for the run`);
      assert.ok(svg.includes("no videos scored"), `${name}: the empty cells are not named`);
    });
  }
  await t.step("only the empty run: every chart still draws it", async () => {
    for (
      const spec of [aucByOperationChart(empty), deltaHeatmapChart(empty), severityChart(empty)!]
    ) {
      assertFiniteJson(spec);
      assert.ok((await renderSvg(spec)).includes("no videos scored"));
    }
  });
});

Deno.test("renderSvg() rejects a spec that does not compile", async () => {
  await assert.rejects(() =>
    renderSvg({ $schema: VEGA_LITE_SCHEMA, mark: "no-such-mark", data: { values: [] } })
  );
});

Deno.test("scoreShiftChart() draws both classes per operation, the Unaltered medians and the threshold", async () => {
  const cells = sampleCells();
  const spec = scoreShiftChart(cells)!;
  const values = (spec.data as { values: Record<string, unknown>[] }).values;
  const boxes = values.filter((v) => !v.line);
  assert.equal(boxes.length, cells.length * 2, "a real and a fake box per cell");
  const lines = values.filter((v) => v.line);
  // Per model: two Unaltered medians and one threshold.
  assert.equal(lines.length, 2 * 3);
  const xception = cells.find((c) => c.detector === "xception" && c.opId === "unaltered")!;
  assert.ok(lines.some((l) => l.x === xception.decision!.threshold && l.cls === "threshold"));
  const svg = await renderSvg(spec);
  assert.match(svg, /^<svg/);
  assert.equal(scoreShiftChart(cells.map((c) => ({ ...c, decision: undefined }))), null);
});

Deno.test("the quality chart puts each run's AUC, TPR and FPR at its copies' PSNR and bitrate", async () => {
  const data = sampleData();
  const points = qualityPoints(data.cells, opQuality(data.provenance.copies));
  const at = (opId: string, measure: string) =>
    points.find((p) => p.model.startsWith("xception") && p.op === opId && p.measure === measure)!;
  // h264_crf40 is column 2: PSNR 43 dB, 2000/3 kbit/s; the decision view adds TPR and FPR.
  assert.equal(at("h264_crf40", "AUC").psnr, 43);
  assert.equal(at("h264_crf40", "AUC").kbps, 2000 / 3);
  assert.equal(at("h264_crf40", "AUC").family, "h264");
  assert.ok(at("h264_crf40", "TPR") && at("h264_crf40", "FPR"));
  // Unaltered: infinite PSNR, drawn on the bitrate panel only.
  assert.equal(at("unaltered", "AUC").psnr, null);
  assert.equal(at("unaltered", "AUC").kbps, 2000);
  // No recorded quality: no chart, and the report says why.
  const none = { ...data, provenance: { ...data.provenance, copies: [] } };
  assert.equal(qualityChart(none.cells, opQuality([])), null);
  assert.ok(!QUALITY_CHART.applies(none));
  const svg = await renderSvg(QUALITY_CHART.spec(data));
  assert.match(svg, /Mean PSNR-Y/);
  assert.match(svg, /Mean bitrate/);
});

Deno.test("the quality chart tells every family, measure and bitrate tick apart", async (t) => {
  // Every parametric family of the catalog, each level with AUC, TPR and FPR.
  const cells: AucCell[] = [];
  const quality = new Map<string, OpQuality>();
  const stat = (mean: number) => ({ mean, min: mean, max: mean, n: 20 }) as never;
  for (const family of FAMILIES.filter((f) => f.parametric)) {
    family.levels.forEach((level, i) => {
      cells.push({
        detector: "xception",
        trainSet: "c23",
        opId: level.id,
        opFamily: family.id,
        severity: level.severity,
        auc: 0.9 - 0.05 * i,
        positives: 10,
        negatives: 10,
        decision: { tpr: 0.8 - 0.1 * i, fpr: 0.1 + 0.05 * i, threshold: 0.5 },
      } as AucCell);
      quality.set(level.id, {
        opId: level.id,
        opCategory: family.category,
        psnrY: stat(45 - 3 * i),
        psnrInfinite: 0,
        ssimY: null,
        bitrateKbps: stat(3000 / (1 + i)),
        sizeBytes: null,
        references: [],
        unmeasured: 0,
      });
    });
  }
  const spec = qualityChart(cells, quality)!;
  const families = FAMILIES.filter((f) => f.parametric).length;
  const compiled = JSON.stringify(compile(spec as never).spec);
  await t.step("one distinct colour per family", () => {
    const scales = (compile(spec as never).spec.scales ?? []) as {
      name: string;
      range?: unknown;
    }[];
    const colour = scales.find((s) => s.name === "color")!;
    const range = colour.range as string[];
    assert.equal(range.length, families);
    assert.equal(new Set(range).size, families, "two families share a colour");
  });
  const svg = await renderSvg(spec);
  await t.step(
    "the Measure legend draws a black line sample per measure, dashed as the lines",
    () => {
      const legend = svg.slice(svg.indexOf("titled 'Measure'"));
      for (const dash of ["1,0", "6,3", "2,2"]) {
        assert.match(
          legend,
          new RegExp(`d="M-\\d+,0L\\d+,0"[^>]*stroke="black"[^>]*stroke-dasharray="${dash}"`),
        );
      }
      assert.match(legend, /TPR \(triangles\)/);
    },
  );
  await t.step("AUC, TPR and FPR points have their own shapes", () => {
    // Each point's shape is computed from its measure and read with no scale.
    for (const shape of ["circle", "triangle-up", "square"]) assert.ok(compiled.includes(shape));
    assert.ok(compiled.includes(`"shape":{"field":"shape"}`), "points are not shaped by measure");
  });
  await t.step("the log bitrate axis has 1-2-5 ticks with short labels", () => {
    assert.deepEqual(logTicks([150, null, 3000]), [100, 200, 500, 1000, 2000]);
    assert.deepEqual(logTicks([null]), []);
    assert.match(svg, />1k</);
    assert.doesNotMatch(svg, />1,000</);
  });
});

Deno.test("Table I's headers carry each operation's mean PSNR and bitrate in every format", async () => {
  const data = sampleData();
  const md = await MARKDOWN_FORMAT.render(data, {});
  assert.match(md, /Compression: CRF 40 — 43\.0 dB, 667 kbit\/s/);
  assert.match(md, /Unaltered — identical, 2000 kbit\/s/);
  const html = await HTML_FORMAT.render(data, { interactive: false });
  assert.match(html, /<th>CRF 40 — 43\.0 dB, 667 kbit\/s<\/th>/);
  const csv = (await CSV_FORMAT.render(data, {})).split("\n");
  const heads = csv[0].split(",");
  const row = csv[1].split(",");
  assert.equal(row[heads.indexOf("psnr_y_h264_crf40")], "43.00");
  assert.equal(row[heads.indexOf("bitrate_kbps_h264_crf40")], "666.7");
  assert.equal(row[heads.indexOf("psnr_y_unaltered")], "");
  const json = JSON.parse(await JSON_FORMAT.render(data, {}));
  assert.equal(json.quality.h264_crf40.psnrY.mean, 43);
  // No recorded quality: the headers are as before.
  const plain = await MARKDOWN_FORMAT.render(
    { ...data, provenance: { ...data.provenance, copies: [] } },
    {},
  );
  assert.doesNotMatch(plain, /kbit\/s/);
});
