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
 * scale), a row per detector run, y: AUC (solid) and the decision view's TPR (dashed) and FPR
 * (dotted) in [0, 1], colour: operation family. A copy identical to its source (Unaltered:
 * infinite PSNR) appears on the bitrate panel only. Null when no processed copy has quality.
 */
export function qualityChart(
  cells: readonly AucCell[],
  quality: ReadonlyMap<string, OpQuality>,
): VegaLiteSpec | null {
  const values = qualityPoints(cells, quality);
  // Unaltered alone is no comparison.
  if (!values.some((p) => p.op !== UNALTERED_ID)) return null;
  const panel = (field: "psnr" | "kbps", title: string, log: boolean) => ({
    facet: { row: { field: "model", type: "nominal", title: null } },
    spec: {
      width: 260,
      height: 200,
      transform: [{ filter: `datum.${field} != null` }],
      mark: { type: "line", point: true },
      encoding: {
        x: {
          field,
          type: "quantitative",
          title,
          scale: log ? { type: "log" } : { zero: false },
        },
        y: {
          field: "value",
          type: "quantitative",
          title: "AUC / rate",
          scale: { domain: [0, 1] },
        },
        color: { field: "family", type: "nominal", title: "Operation family" },
        strokeDash: {
          field: "measure",
          type: "nominal",
          title: "Measure",
          legend: { symbolType: "stroke", symbolStrokeColor: "black" },
          scale: { domain: ["AUC", "TPR", "FPR"], range: [[1, 0], [6, 3], [2, 2]] },
        },
        tooltip: [
          { field: "op", type: "nominal" },
          { field: "measure", type: "nominal" },
          { field: "value", type: "quantitative", format: ".3f" },
          { field: "psnr", type: "quantitative", title: "PSNR-Y (dB)", format: ".1f" },
          { field: "kbps", type: "quantitative", title: "bitrate (kbit/s)", format: ".0f" },
          { field: "videos", type: "quantitative", title: "videos (n)" },
        ],
      },
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
