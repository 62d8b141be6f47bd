import assert from "node:assert/strict";
import { compile } from "../deps/vega.ts";
import {
  aucByOperationChart,
  deltaHeatmapChart,
  rocChart,
  severityChart,
  VEGA_LITE_SCHEMA,
} from "../report/charts.ts";
import type { AucCell } from "../metrics/op_auc.ts";
import { getOperation, PAPER_OP_IDS } from "../ops/catalog.ts";
import type { RocCurveData } from "../report/model.ts";
import { renderSvg } from "../report/svg.ts";

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

Deno.test("every chart spec is Vega-Lite v5 and compiles without error", async (t) => {
  const cases = [
    ["aucByOperationChart", aucByOperationChart(sampleCells())],
    ["deltaHeatmapChart", deltaHeatmapChart(sampleCells())],
    ["rocChart", rocChart(sampleRocs())],
    ["severityChart", severityChart(sampleCells())!],
  ] as const;
  for (const [name, spec] of cases) {
    await t.step(name, () => {
      assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
      // deno-lint-ignore no-explicit-any
      const vega = compile(spec as any).spec;
      assert.ok(Array.isArray(vega.marks) && vega.marks.length > 0, `${name} compiled to no marks`);
    });
  }
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

Deno.test("aucByOperationChart() leaves out cells whose AUC is null", () => {
  const cells = sampleCells();
  cells[1].auc = null;
  const values = (aucByOperationChart(cells).data as { values: unknown[] }).values;
  assert.equal(values.length, cells.length - 1);
});

Deno.test("deltaHeatmapChart() plots the cells' deltas and leaves out models without one", () => {
  // Without an unaltered copy, opAucs() gives sbi's cells null deltas.
  const cells = sampleCells()
    .filter((c) => !(c.detector === "sbi" && c.opId === "unaltered"))
    .map((c) => c.detector === "sbi" ? { ...c, deltaAuc: null } : c);
  const deltas = (deltaHeatmapChart(cells).data as {
    values: { model: string; opId: string; delta: number; reference: number }[];
  }).values;
  assert.deepEqual([...new Set(deltas.map((d) => d.model))], ["xception (FF++c23)"]);
  assert.equal(deltas.length, 12);
  const noise = deltas.find((d) => d.opId === "noise")!;
  assert.ok(Math.abs(noise.delta - -0.12) < 1e-12);
  assert.ok(Math.abs(noise.reference - 0.95) < 1e-12);
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
  assert.ok(svg.includes(">h264<"), "ladder family missing from the legend");
  const flat = sampleCells().map((c) => ({ ...c, severity: null }));
  assert.equal(severityChart(flat), null);
});

Deno.test("renderSvg() rejects a spec that does not compile", async () => {
  await assert.rejects(() =>
    renderSvg({ $schema: VEGA_LITE_SCHEMA, mark: "no-such-mark", data: { values: [] } })
  );
});
