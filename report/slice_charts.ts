/**
 * Vega-Lite specs of the slice and comparison views: small multiples of Table I per slice (one
 * heatmap per slice, detector runs x operations, coloured by AUC, `n` and the test in the
 * tooltip) and, for `--compare`, the difference of the two runs per operation with the paired
 * bootstrap interval of the difference of their drops.
 * @module
 */
import { significantDrop } from "../metrics/cell_comparisons.ts";
import { columnKey, orderColumns } from "../metrics/columns.ts";
import { modelLabel } from "../metrics/op_auc.ts";
import type { RunComparison } from "../metrics/run_comparison.ts";
import { type Slice, TOO_SMALL_NOTE } from "../metrics/slices.ts";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./charts.ts";

/**
 * One AUC heatmap per slice, side by side (facet by slice value): rows detector runs, columns
 * operations in Table I order, colour AUC in [0, 1] (0.5 = chance, white), the value printed in
 * each cell; a significant drop against the slice's Unaltered cell (Holm) is outlined.
 */
export function sliceHeatmapChart(slices: readonly Slice[]): VegaLiteSpec {
  const values = slices.flatMap((s) =>
    s.cells.map((c) => ({
      slice: s.value,
      model: modelLabel(c.detector, c.trainSet, c.run),
      opId: c.opId,
      auc: c.auc,
      n: c.positives + c.negatives,
      fakes: c.positives,
      reals: c.negatives,
      pHolm: c.pHolm ?? null,
      test: (c.note ?? "").split("; ").find((n) => n.startsWith(TOO_SMALL_NOTE)) ?? null,
      significant: significantDrop(c),
    }))
  );
  const columns = orderColumns(slices.flatMap((s) => s.cells.map(columnKey)));
  const x = { field: "opId", type: "nominal", sort: columns.map((c) => c.opId), title: null };
  const y = { field: "model", type: "nominal", title: null };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `AUC per ${slices[0]?.by ?? "slice"}`,
    data: { values },
    facet: {
      column: {
        field: "slice",
        type: "nominal",
        sort: slices.map((s) => s.value),
        title: slices[0]?.by ?? "slice",
      },
    },
    spec: {
      width: Math.max(120, 36 * columns.length),
      height: Math.max(40, 28 * new Set(values.map((v) => v.model)).size),
      layer: [
        {
          mark: { type: "rect" },
          encoding: {
            x,
            y,
            color: {
              field: "auc",
              type: "quantitative",
              scale: { scheme: "redblue", domain: [0, 1], domainMid: 0.5 },
              title: "AUC",
            },
            stroke: {
              condition: { test: "datum.significant", value: "#111" },
              value: null,
            },
            strokeWidth: { value: 2 },
            tooltip: [
              { field: "slice", type: "nominal" },
              { field: "model", type: "nominal" },
              { field: "opId", type: "nominal" },
              { field: "auc", type: "quantitative", format: ".3f" },
              { field: "fakes", type: "quantitative" },
              { field: "reals", type: "quantitative" },
              { field: "pHolm", type: "quantitative", format: ".3g", title: "Holm p" },
              { field: "test", type: "nominal", title: "no test" },
            ],
          },
        },
        {
          mark: { type: "text", fontSize: 9 },
          encoding: {
            x,
            y,
            text: { field: "auc", type: "quantitative", format: ".2f" },
            // Legible on the dark ends of the scale.
            color: {
              condition: { test: "datum.auc > 0.85 || datum.auc < 0.15", value: "white" },
              value: "black",
            },
          },
        },
      ],
    },
  };
}

/**
 * Run B against run A per operation: a point at the difference of their drops (B's minus A's,
 * positive = B loses less) with its paired bootstrap interval, and a tick at the difference of
 * their values (B - A).
 */
export function comparisonChart(c: RunComparison): VegaLiteSpec {
  const values = c.rows.map((r) => ({
    opId: r.opId,
    difference: r.difference,
    deltaDifference: r.deltaDifference,
    low: r.deltaDifferenceLow,
    high: r.deltaDifferenceHigh,
    p: r.p,
    pHolm: r.pHolm,
    n: r.n,
  }));
  const x = { field: "opId", type: "nominal", sort: c.rows.map((r) => r.opId), title: "Operation" };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `${c.runB.label} against ${c.runA.label}`,
    data: { values },
    width: Math.max(240, 44 * c.rows.length),
    height: 200,
    layer: [
      {
        mark: { type: "rule", color: "#888" },
        encoding: { y: { datum: 0, type: "quantitative" } },
      },
      {
        transform: [{ filter: "datum.low != null" }],
        mark: { type: "errorbar", ticks: true },
        encoding: {
          x,
          y: { field: "low", type: "quantitative", title: "B - A" },
          y2: { field: "high" },
        },
      },
      {
        transform: [{ filter: "datum.deltaDifference != null" }],
        mark: { type: "point", filled: true, color: "#1f77b4" },
        encoding: {
          x,
          y: { field: "deltaDifference", type: "quantitative" },
          tooltip: [
            { field: "opId", type: "nominal" },
            { field: "deltaDifference", type: "quantitative", format: "+.3f", title: "drop B - A" },
            { field: "low", type: "quantitative", format: "+.3f" },
            { field: "high", type: "quantitative", format: "+.3f" },
            { field: "difference", type: "quantitative", format: "+.3f", title: "value B - A" },
            { field: "pHolm", type: "quantitative", format: ".3g", title: "DeLong Holm p" },
            { field: "n", type: "quantitative" },
          ],
        },
      },
      {
        transform: [{ filter: "datum.difference != null" }],
        mark: { type: "tick", color: "#d62728" },
        encoding: { x, y: { field: "difference", type: "quantitative" } },
      },
    ],
  };
}
