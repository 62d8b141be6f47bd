/**
 * Robustness against quality: each detector run's video-level AUC (and, where the run has an
 * operating threshold, its decision view's TPR and FPR) against how much each copy changed the
 * videos, its mean PSNR-Y and its mean bitrate (report/quality_view.ts), one line per operation
 * family through its ladder levels, so that ladders of different operations share one axis.
 * @module
 */
import { type AucCell, modelLabel } from "../metrics/op_auc.ts";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./charts.ts";
import type { OpQuality } from "./quality_view.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";

/** The measures drawn, in legend order. */
const MEASURES = ["AUC", "TPR", "FPR"];
// Each measure's point shape, and its name in the legend label (`AUC (circles)`).
const MEASURE_SHAPES: Readonly<Record<string, string>> = {
  AUC: "circle",
  TPR: "triangle-up",
  FPR: "square",
};
const SHAPE_WORDS: Readonly<Record<string, string>> = {
  AUC: " (circles)",
  TPR: " (triangles)",
  FPR: " (squares)",
};

// 40 distinct colours (Vega's tableau20, then category20b): one per operation family, more
// than the catalog holds, so no two families of one chart share a colour (category10 has 10).
const FAMILY_PALETTE: readonly string[] = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
  "#ff9da6",
  "#9d755d",
  "#bab0ac",
  "#9ecae9",
  "#ffbf79",
  "#88d27a",
  "#b79a20",
  "#439894",
  "#ff9d98",
  "#79706e",
  "#d67195",
  "#d6a5c9",
  "#d8b5a5",
  "#393b79",
  "#6b6ecf",
  "#637939",
  "#b5cf6b",
  "#8c6d31",
  "#e7ba52",
  "#843c39",
  "#d6616b",
  "#7b4173",
  "#ce6dbd",
  "#5254a3",
  "#9c9ede",
  "#8ca252",
  "#cedb9c",
  "#bd9e39",
  "#e7cb94",
  "#ad494a",
  "#e7969c",
  "#a55194",
  "#de9ed6",
];

/**
 * `n` distinct colours for `n` operation families; past the palette's 40 they repeat (a chart
 * of more families than the catalog holds).
 */
export function familyColours(n: number): string[] {
  return Array.from({ length: n }, (_, i) => FAMILY_PALETTE[i % FAMILY_PALETTE.length]);
}

/**
 * Tick values for a log axis over `values` (nulls ignored): 1, 2 and 5 times each power of ten
 * inside the data's range, plus its ends' decades, so labels never run together.
 */
export function logTicks(values: readonly (number | null)[]): number[] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  if (finite.length === 0) return [];
  const low = Math.min(...finite), high = Math.max(...finite);
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(low)); e <= Math.ceil(Math.log10(high)); e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= low / 1.5 && t <= high * 1.5) ticks.push(Number(t.toPrecision(6)));
    }
  }
  return ticks;
}

/** One point of {@link qualityChart}. */
export interface QualityPoint {
  model: string;
  family: string;
  op: string;
  severity: number | null;
  /** `AUC`, `TPR` or `FPR` (decision view at the run's threshold). */
  measure: string;
  value: number;
  /** Mean PSNR-Y of the copy in dB; null when infinite (identical) or unmeasured. */
  psnr: number | null;
  /** Mean bitrate of the copy in kbit/s; null when unmeasured. */
  kbps: number | null;
  videos: number;
}

/**
 * The points drawn: one per cell with a defined value whose operation has recorded quality, and
 * per measure (AUC; TPR and FPR where the cell has a decision view).
 */
export function qualityPoints(
  cells: readonly AucCell[],
  quality: ReadonlyMap<string, OpQuality>,
): QualityPoint[] {
  const points: QualityPoint[] = [];
  for (const c of cells) {
    const q = quality.get(c.opId);
    if (!q) continue;
    const measures: [string, number | null | undefined][] = [
      ["AUC", c.auc],
      ["TPR", c.decision?.tpr],
      ["FPR", c.decision?.fpr],
    ];
    for (const [measure, value] of measures) {
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      points.push({
        model: modelLabel(c.detector, c.trainSet, c.run),
        family: c.opFamily ?? c.opId,
        op: c.opId,
        severity: c.severity ?? null,
        measure,
        value,
        psnr: q.psnrY?.mean ?? null,
        kbps: q.bitrateKbps?.mean ?? null,
        videos: c.positives + c.negatives,
      });
    }
  }
  return points;
}

/**
 * The chart: two panels side by side (x: mean PSNR-Y in dB; mean bitrate in kbit/s, log
 * scale, 1-2-5 ticks), a row per detector run, y: AUC (solid line, circles) and the decision
 * view's TPR (dashed, triangles) and FPR (dotted, squares) in [0, 1], colour: operation family
 * (one distinct colour each, up to 40 families). A copy identical to its source (Unaltered:
 * infinite PSNR) appears on the bitrate panel only. Null when no processed copy has quality.
 */
export function qualityChart(
  cells: readonly AucCell[],
  quality: ReadonlyMap<string, OpQuality>,
): VegaLiteSpec | null {
  const values = qualityPoints(cells, quality);
  // Unaltered alone is no comparison.
  if (!values.some((p) => p.op !== UNALTERED_ID)) return null;
  const families = [...new Set(values.map((p) => p.family))];
  const panel = (field: "psnr" | "kbps", title: string, log: boolean) => ({
    facet: { row: { field: "model", type: "nominal", title: null } },
    spec: {
      width: 260,
      height: 200,
      transform: [{ filter: `datum.${field} != null` }],
      encoding: {
        x: {
          field,
          type: "quantitative",
          title,
          scale: log ? { type: "log" } : { zero: false },
          // Vega's own log ticks (1, 2, ... 9 per decade) run together: 1-2-5 ticks, short labels.
          axis: log
            ? { values: logTicks(values.map((p) => p.kbps)), format: "~s", labelOverlap: true }
            : { labelOverlap: true },
        },
        y: {
          field: "value",
          type: "quantitative",
          title: "AUC / rate",
          scale: { domain: [0, 1] },
        },
        color: {
          field: "family",
          type: "nominal",
          title: "Operation family",
          scale: { domain: families, range: familyColours(families.length) },
        },
        detail: { field: "measure", type: "nominal" },
        tooltip: [
          { field: "op", type: "nominal" },
          { field: "measure", type: "nominal" },
          { field: "value", type: "quantitative", format: ".3f" },
          { field: "psnr", type: "quantitative", title: "PSNR-Y (dB)", format: ".1f" },
          { field: "kbps", type: "quantitative", title: "bitrate (kbit/s)", format: ".0f" },
          { field: "videos", type: "quantitative", title: "videos (n)" },
        ],
      },
      // The measure twice: the line's dash (its legend: a black line sample each) and the
      // point's shape, so AUC, TPR and FPR points on the one y axis stay apart.
      layer: [
        {
          mark: { type: "line" },
          encoding: {
            strokeDash: {
              field: "measure",
              type: "nominal",
              title: "Measure",
              legend: {
                symbolType: "stroke",
                symbolSize: 400,
                labelExpr: `datum.label + ${JSON.stringify(SHAPE_WORDS)}[datum.label]`,
                encode: {
                  symbols: { update: { stroke: { value: "black" }, strokeWidth: { value: 2 } } },
                },
              },
              scale: { domain: MEASURES, range: [[1, 0], [6, 3], [2, 2]] },
            },
          },
        },
        {
          // The shape straight from the data (no scale, no legend): a shape scale over the
          // measures would have Vega-Lite merge its legend with the dash legend's, as shapes.
          transform: [{
            calculate: `${JSON.stringify(MEASURE_SHAPES)}[datum.measure]`,
            as: "shape",
          }],
          mark: { type: "point", filled: true },
          encoding: { shape: { field: "shape", type: "nominal", scale: null } },
        },
      ],
    },
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: "Robustness against quality",
    data: { values },
    hconcat: [
      panel("psnr", "Mean PSNR-Y against the reference (dB)", false),
      panel("kbps", "Mean bitrate (kbit/s, log scale)", true),
    ],
  };
}
