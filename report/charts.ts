/**
 * Vega-Lite v5 chart specs for the report and the notebooks, as plain functions of plain
 * records (data inlined): AUC per operation by category, the delta-AUC heatmap, ROC curves per
 * operation and AUC against severity. Confidence intervals, where the cells carry them, are
 * drawn as error bars. Render with `renderSvg()` (report/svg.ts) or show in a notebook.
 * @module
 */
import type { AucCell } from "../metrics/op_auc.ts";
import { columnKey, orderColumns } from "../metrics/table.ts";
import { modelLabel, type RocCurveData } from "./model.ts";
import { categoryLabel } from "./table_format.ts";

/** The Vega-Lite v5 schema URL every spec carries (the Jupyter kernel knows v3-v5 only). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A Vega-Lite specification (plain JSON). */
export type VegaLiteSpec = { $schema: string } & Record<string, unknown>;

/** Options shared by the chart functions. */
export interface ChartOptions {
  /** Chart title; each function has a default. */
  title?: string;
  /** Width of one panel in pixels. */
  width?: number;
  /** Height of one panel in pixels. */
  height?: number;
}

/**
 * Bar chart of video-level AUC per operation, coloured by category (paper order), one panel per
 * detector x train set, with CI error bars where `ciLow`/`ciHigh` are set. Cells with a null
 * AUC are left out.
 */
export function aucByOperationChart(cells: AucCell[], options: ChartOptions = {}): VegaLiteSpec {
  const columns = orderColumns(cells.map(columnKey));
  const values = cells.filter((c) => c.auc !== null && Number.isFinite(c.auc)).map((c) => ({
    model: modelLabel(c.detector, c.trainSet),
    op: c.opId,
    category: categoryLabel(c.opCategory),
    auc: c.auc,
    ciLow: c.ciLow ?? null,
    ciHigh: c.ciHigh ?? null,
    nReal: c.negatives,
    nFake: c.positives,
  }));
  const x = {
    field: "op",
    type: "nominal",
    sort: columns.map((c) => c.opId),
    title: "Operation",
    axis: { labelAngle: -40 },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "Video-level AUC per operation",
    data: { values },
    facet: { row: { field: "model", type: "nominal", title: null } },
    spec: {
      width: options.width ?? 560,
      height: options.height ?? 180,
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            x,
            y: aucAxis(),
            color: {
              field: "category",
              type: "nominal",
              sort: [...new Set(columns.map((c) => categoryLabel(c.category)))],
              title: "Category",
            },
            tooltip: [
              { field: "model", type: "nominal" },
              { field: "op", type: "nominal" },
              { field: "auc", type: "quantitative", format: ".3f" },
              { field: "ciLow", type: "quantitative", format: ".3f", title: "CI low" },
              { field: "ciHigh", type: "quantitative", format: ".3f", title: "CI high" },
              { field: "nReal", type: "quantitative", title: "real videos" },
              { field: "nFake", type: "quantitative", title: "fake videos" },
            ],
          },
        },
        ...errorBarLayer(x, values),
        {
          mark: { type: "text", dy: -6, fontSize: 9 },
          encoding: {
            x,
            y: { field: "auc", type: "quantitative" },
            text: { field: "auc", type: "quantitative", format: ".2f" },
          },
        },
      ],
    },
  };
}

/**
 * Heatmap of delta AUC (processed minus unaltered) with models as rows and operations as
 * columns in paper order; a diverging scale centred on 0 (red = the operation hurts), the value
 * printed in each cell.
 */
export function deltaHeatmapChart(cells: AucCell[], options: ChartOptions = {}): VegaLiteSpec {
  // The deltas are opAucs' own (metrics/op_auc.ts); cells without one are left out.
  const deltas = cells.flatMap((c) =>
    c.opId === "unaltered" || c.auc === null || c.deltaAuc === null || c.deltaAuc === undefined
      ? []
      : [{
        model: modelLabel(c.detector, c.trainSet),
        opId: c.opId,
        opCategory: c.opCategory,
        auc: c.auc,
        reference: c.auc - c.deltaAuc,
        delta: c.deltaAuc,
      }]
  );
  const columns = orderColumns(cells.filter((c) => c.opId !== "unaltered").map(columnKey));
  const extent = Math.max(0.05, ...deltas.map((d) => Math.abs(d.delta)));
  const x = {
    field: "opId",
    type: "nominal",
    sort: columns.map((c) => c.opId),
    title: "Operation",
  };
  const y = { field: "model", type: "nominal", title: "Detector (train set)" };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "Delta AUC against the unaltered copy",
    data: { values: deltas },
    width: options.width ?? Math.max(240, 44 * columns.length),
    height: options.height ?? Math.max(60, 32 * new Set(deltas.map((d) => d.model)).size),
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          x,
          y,
          color: {
            field: "delta",
            type: "quantitative",
            scale: { scheme: "redblue", domain: [-extent, extent], domainMid: 0 },
            title: "Delta AUC",
          },
          tooltip: [
            { field: "model", type: "nominal" },
            { field: "opId", type: "nominal" },
            { field: "auc", type: "quantitative", format: ".3f" },
            { field: "reference", type: "quantitative", format: ".3f", title: "unaltered AUC" },
            { field: "delta", type: "quantitative", format: "+.3f" },
          ],
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          x,
          y,
          text: { field: "delta", type: "quantitative", format: "+.2f" },
          // Dark cells (strong effects) need light text to stay readable.
          color: {
            condition: { test: `abs(datum.delta) > ${0.6 * extent}`, value: "white" },
            value: "black",
          },
        },
      },
    ],
  };
}

/**
 * ROC curves (video level), one line per operation, one panel per detector x train set, with
 * the chance diagonal.
 */
export function rocChart(curves: RocCurveData[], options: ChartOptions = {}): VegaLiteSpec {
  const columns = orderColumns(curves.map(columnKey));
  const values = curves.flatMap((c) =>
    c.points.map((p, i) => ({
      model: modelLabel(c.detector, c.trainSet),
      op: c.opId,
      order: i,
      fpr: p.fpr,
      tpr: p.tpr,
    }))
  );
  const models = [...new Set(values.map((v) => v.model))];
  const diagonal = models.flatMap((model) => [
    { model, fpr: 0, tpr: 0 },
    { model, fpr: 1, tpr: 1 },
  ]);
  const size = options.width ?? 260;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "ROC curves per operation (video level)",
    datasets: { curves: values, diagonal },
    data: { name: "curves" },
    facet: { column: { field: "model", type: "nominal", title: null } },
    spec: {
      width: size,
      height: options.height ?? size,
      layer: [
        {
          data: { name: "diagonal" },
          mark: { type: "line", strokeDash: [4, 4], color: "#999" },
          encoding: {
            x: { field: "fpr", type: "quantitative" },
            y: { field: "tpr", type: "quantitative" },
          },
          transform: [{ filter: "true" }],
        },
        {
          mark: { type: "line", interpolate: "linear" },
          encoding: {
            x: {
              field: "fpr",
              type: "quantitative",
              title: "False positive rate",
              scale: { domain: [0, 1] },
            },
            y: {
              field: "tpr",
              type: "quantitative",
              title: "True positive rate",
              scale: { domain: [0, 1] },
            },
            color: {
              field: "op",
              type: "nominal",
              sort: columns.map((c) => c.opId),
              // 13+ operations: a 20-colour scheme keeps neighbours apart.
              scale: { scheme: "tableau20" },
              title: "Operation",
            },
            order: { field: "order", type: "quantitative" },
          },
        },
      ],
    },
  };
}

/**
 * AUC against severity for every operation family with at least two ladder levels, one line per
 * family, one panel per detector x train set, with CI error bars. Returns null when no family
 * has a ladder in the data (nothing to draw).
 */
export function severityChart(cells: AucCell[], options: ChartOptions = {}): VegaLiteSpec | null {
  const withLevel = cells.filter((c) =>
    c.severity !== null && c.severity !== undefined && c.auc !== null && Number.isFinite(c.auc)
  );
  const levels = new Map<string, Set<number>>();
  for (const c of withLevel) {
    const family = c.opFamily ?? c.opId;
    if (!levels.has(family)) levels.set(family, new Set());
    levels.get(family)!.add(c.severity!);
  }
  const ladders = new Set([...levels].filter(([, s]) => s.size >= 2).map(([f]) => f));
  if (ladders.size === 0) return null;
  const values = withLevel.filter((c) => ladders.has(c.opFamily ?? c.opId)).map((c) => ({
    model: modelLabel(c.detector, c.trainSet),
    family: c.opFamily ?? c.opId,
    op: c.opId,
    severity: c.severity,
    auc: c.auc,
    ciLow: c.ciLow ?? null,
    ciHigh: c.ciHigh ?? null,
  }));
  const x = {
    field: "severity",
    type: "quantitative",
    title: "Severity (ladder level)",
    // Levels are whole numbers: no 1.5 ticks.
    axis: { tickMinStep: 1, format: "d" },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "AUC against severity",
    data: { values },
    facet: { column: { field: "model", type: "nominal", title: null } },
    spec: {
      width: options.width ?? 260,
      height: options.height ?? 200,
      layer: [
        {
          mark: { type: "line", point: true },
          encoding: {
            x,
            y: aucAxis(),
            color: { field: "family", type: "nominal", title: "Operation" },
            tooltip: [
              { field: "op", type: "nominal" },
              { field: "severity", type: "quantitative" },
              { field: "auc", type: "quantitative", format: ".3f" },
            ],
          },
        },
        ...errorBarLayer(x, values, { field: "family", type: "nominal" }),
      ],
    },
  };
}

// The y encoding of every AUC chart: AUC on a fixed [0, 1] scale, so panels compare.
function aucAxis(): Record<string, unknown> {
  return {
    field: "auc",
    type: "quantitative",
    scale: { domain: [0, 1] },
    title: "Video-level AUC",
  };
}

function errorBarLayer(
  x: Record<string, unknown>,
  values: { ciLow: number | null; ciHigh: number | null }[],
  color?: Record<string, unknown>,
): Record<string, unknown>[] {
  // An errorbar layer over data with no interval would draw nothing but still warn; skip it.
  if (!values.some((v) => v.ciLow !== null && v.ciHigh !== null)) return [];
  return [{
    transform: [{ filter: "datum.ciLow != null && datum.ciHigh != null" }],
    mark: { type: "errorbar", ticks: true },
    encoding: {
      x,
      y: { field: "ciLow", type: "quantitative", title: "Video-level AUC" },
      y2: { field: "ciHigh" },
      ...(color ? { color } : {}),
    },
  }];
}
