/**
 * Vega-Lite v5 chart specs for the report and the notebooks, as plain functions of plain
 * records (data inlined): AUC per operation by category, the delta-AUC heatmap, ROC curves per
 * operation and AUC against severity. Confidence intervals, where the cells carry them, are
 * drawn as error bars. Every model of the cells gets its panel or row, also when no cell of it
 * has an AUC: a cell without one is labelled with the reason ("no videos scored", "AUC
 * undefined", "no baseline") instead of a mark. Specs hold finite numbers and nulls only (no NaN
 * or Infinity), so they stay valid JSON. Render with `renderSvg()` (report/svg.ts) or show in a
 * notebook.
 * @module
 */
import { type AucCell, modelLabel, NO_VIDEOS_SCORED } from "../metrics/op_auc.ts";
import { columnKey, orderColumns } from "../metrics/columns.ts";
import type { RocCurveData } from "./report_data.ts";
import { categoryLabel, DROP_MARK } from "./table_format.ts";
import { significantDrop } from "../metrics/cell_comparisons.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { severityScale } from "../ops/severity_scale.ts";

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
  /** Panels per row of a chart whose panels wrap (ROC, severity). */
  columns?: number;
}

/** Panels per row of the ROC chart: four of 210 pixels and the legend fit a printed page. */
export const ROC_COLUMNS = 4;

/** Panels per row of the severity chart (one panel per operation family). */
export const SEVERITY_COLUMNS = 3;

/**
 * Bar chart of video-level AUC per operation, coloured by category (paper order), one panel per
 * detector x train set, with CI error bars where `ciLow`/`ciHigh` are set. A cell with a null
 * AUC has no bar but its reason written upwards from the axis ("no videos scored", "AUC
 * undefined").
 */
export function aucByOperationChart(cells: AucCell[], options: ChartOptions = {}): VegaLiteSpec {
  const columns = orderColumns(cells.map(columnKey));
  const values = cells.map((c) => {
    const auc = finiteOrNull(c.auc);
    return {
      model: modelLabel(c.detector, c.trainSet, c.run),
      op: c.opId,
      category: categoryLabel(c.opCategory),
      auc,
      ciLow: finiteOrNull(c.ciLow),
      ciHigh: finiteOrNull(c.ciHigh),
      n: c.negatives + c.positives,
      nReal: c.negatives,
      nFake: c.positives,
      missing: auc === null ? missingLabel(c) : null,
      note: c.note ?? null,
    };
  });
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
    // One panel per run, titled above it; more than three runs wrap two to a row, so that seven
    // fit a printed page.
    facet: {
      field: "model",
      type: "nominal",
      title: null,
      sort: modelOrder(cells),
      header: { labelLimit: 0, labelAnchor: "start", labelFontWeight: "bold" },
    },
    columns: options.columns ?? (modelOrder(cells).length > 3 ? 2 : 1),
    spec: {
      width: options.width ?? (modelOrder(cells).length > 3 ? 400 : 560),
      height: options.height ?? (modelOrder(cells).length > 3 ? 90 : 180),
      layer: [
        chanceLayer(),
        {
          transform: [{ filter: "datum.auc != null" }],
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
              { field: "n", type: "quantitative", title: "videos (n)" },
              { field: "nReal", type: "quantitative", title: "real videos" },
              { field: "nFake", type: "quantitative", title: "fake videos" },
            ],
          },
        },
        ...errorBarLayer(x, values),
        {
          transform: [{ filter: "datum.auc != null" }],
          mark: { type: "text", dy: -6, fontSize: 9 },
          encoding: {
            x,
            y: { field: "auc", type: "quantitative" },
            text: { field: "auc", type: "quantitative", format: ".2f" },
          },
        },
        ...missingTextLayer(x, values),
      ],
    },
  };
}

/**
 * Heatmap of delta AUC (processed minus unaltered) with models as rows and operations as
 * columns in paper order; a diverging scale centred on 0 (red = the operation hurts), the value
 * printed in each cell. A processed copy without a delta is a grey cell with the reason ("no
 * videos scored", "AUC undefined", or "no baseline" when the unaltered AUC is missing). Where
 * the cells carry paired statistics (`opAucs`), the tooltip shows the paired interval, DeLong's
 * p and Holm's, and a drop significant after Holm's correction (`significantDrop`) gets a dark
 * outline and ▼ above its value.
 */
export function deltaHeatmapChart(cells: AucCell[], options: ChartOptions = {}): VegaLiteSpec {
  // The deltas are opAucs' own (metrics/op_auc.ts); a cell without one is drawn grey.
  const deltas = cells.filter((c) => c.opId !== UNALTERED_ID).map((c) => {
    const auc = finiteOrNull(c.auc);
    const delta = auc === null ? null : finiteOrNull(c.deltaAuc);
    return {
      model: modelLabel(c.detector, c.trainSet, c.run),
      opId: c.opId,
      opCategory: c.opCategory,
      auc,
      reference: delta === null ? null : auc! - delta,
      delta,
      deltaCiLow: finiteOrNull(c.deltaCiLow),
      deltaCiHigh: finiteOrNull(c.deltaCiHigh),
      p: finiteOrNull(c.p),
      pHolm: finiteOrNull(c.pHolm),
      significant: significantDrop(c),
      n: c.negatives + c.positives,
      missing: delta !== null ? null : auc === null ? missingLabel(c) : "no baseline",
      note: c.note ?? null,
    };
  });
  const columns = orderColumns(cells.filter((c) => c.opId !== UNALTERED_ID).map(columnKey));
  const extent = Math.max(0.05, ...deltas.map((d) => Math.abs(d.delta ?? 0)));
  const x = {
    field: "opId",
    type: "nominal",
    sort: columns.map((c) => c.opId),
    title: "Operation",
  };
  const y = {
    field: "model",
    type: "nominal",
    title: "Detector (train set)",
    sort: modelOrder(cells),
    // Long run names stay whole (the default cuts labels at 180 pixels).
    axis: { labelLimit: 0 },
  };
  const hasValue = { filter: "datum.delta != null" };
  const noValue = { filter: "datum.delta == null" };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "Delta AUC against the unaltered copy",
    data: { values: deltas },
    width: options.width ?? Math.max(240, 44 * columns.length),
    height: options.height ?? Math.max(60, 32 * new Set(deltas.map((d) => d.model)).size),
    layer: [
      {
        transform: [hasValue],
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
            ...(deltas.some((d) => d.p !== null)
              ? [
                { field: "deltaCiLow", type: "quantitative", format: "+.3f", title: "CI low" },
                { field: "deltaCiHigh", type: "quantitative", format: "+.3f", title: "CI high" },
                { field: "p", type: "quantitative", format: ".2g", title: "DeLong p" },
                { field: "pHolm", type: "quantitative", format: ".2g", title: "Holm p" },
              ]
              : []),
            { field: "n", type: "quantitative", title: "videos (n)" },
          ],
        },
      },
      {
        transform: [noValue],
        mark: { type: "rect", color: "#eeeeee" },
        encoding: {
          x,
          y,
          tooltip: [
            { field: "model", type: "nominal" },
            { field: "opId", type: "nominal" },
            { field: "missing", type: "nominal", title: "no delta" },
            { field: "note", type: "nominal" },
          ],
        },
      },
      {
        transform: [hasValue],
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
      {
        transform: [noValue],
        mark: { type: "text", fontSize: 7, color: "#8a4b00" },
        encoding: { x, y, text: { field: "missing", type: "nominal" } },
      },
      ...significanceLayers(x, y, deltas, extent),
    ],
  };
}

// The outline and ▼ of the drops significant after Holm's correction; none when no cell has one.
function significanceLayers(
  x: Record<string, unknown>,
  y: Record<string, unknown>,
  deltas: { significant: boolean }[],
  extent: number,
): Record<string, unknown>[] {
  if (!deltas.some((d) => d.significant)) return [];
  const significant = { filter: "datum.significant" };
  return [
    {
      transform: [significant],
      mark: { type: "rect", filled: false, stroke: "#222222", strokeWidth: 2 },
      encoding: { x, y },
    },
    {
      transform: [significant],
      mark: { type: "text", fontSize: 9, dy: -10 },
      encoding: {
        x,
        y,
        text: { value: DROP_MARK },
        color: {
          condition: { test: `abs(datum.delta) > ${0.6 * extent}`, value: "white" },
          value: "black",
        },
      },
    },
  ];
}

/**
 * The corner points of a ROC curve (`rocCurve`'s, intermediate points already dropped) as the
 * chart draws them: the first and last, and each corner at least `tolerance` (in rate, either
 * axis) from the last one kept. The line drawn through them stays within `tolerance` of the
 * curve, and a curve has at most `2 / tolerance + 2` points whatever its videos (a curve of
 * 7,000 videos has thousands of corners; the chart, 1 / width: one pixel, keeps at most 522).
 */
export function thinCurve<P extends { fpr: number; tpr: number }>(
  points: readonly P[],
  tolerance: number,
): P[] {
  if (points.length <= 2) return [...points];
  const kept = [points[0]];
  for (let i = 1; i < points.length - 1; i++) {
    const last = kept[kept.length - 1];
    const p = points[i];
    if (Math.abs(p.fpr - last.fpr) >= tolerance || Math.abs(p.tpr - last.tpr) >= tolerance) {
      kept.push(p);
    }
  }
  kept.push(points[points.length - 1]);
  return kept;
}

/**
 * ROC curves (video level), one line per operation, one panel per detector x train set, with
 * the chance diagonal; each curve drawn through its corner points thinned to one per pixel
 * ({@link thinCurve}). Curves without points (a cell with no video scored, or one class) are
 * named in their panel; a model with no curve at all still gets its panel.
 */
export function rocChart(curves: RocCurveData[], options: ChartOptions = {}): VegaLiteSpec {
  const columns = orderColumns(curves.map(columnKey));
  const models = [...new Set(curves.map((c) => modelLabel(c.detector, c.trainSet, c.run)))];
  const size = options.width ?? 210;
  // One data set with a `kind`, so that the facet splits every layer by model.
  const values: Record<string, unknown>[] = curves.flatMap((c) =>
    thinCurve(c.points, 1 / size).map((p, i) => ({
      kind: "curve",
      model: modelLabel(c.detector, c.trainSet, c.run),
      op: c.opId,
      order: i,
      fpr: p.fpr,
      tpr: p.tpr,
    }))
  );
  for (const model of models) {
    values.push(
      { kind: "diagonal", model, order: 0, fpr: 0, tpr: 0 },
      { kind: "diagonal", model, order: 1, fpr: 1, tpr: 1 },
    );
    const empty = curves.filter((c) =>
      c.points.length === 0 && modelLabel(c.detector, c.trainSet, c.run) === model
    );
    if (empty.length === 0) continue;
    const all = empty.length === curves.filter((c) =>
      modelLabel(c.detector, c.trainSet, c.run) === model
    ).length;
    const none = empty.every((c) => (c.note ?? "").startsWith(NO_VIDEOS_SCORED));
    values.push({
      kind: "missing",
      model,
      fpr: 0.98,
      tpr: 0.03,
      text: all && none ? NO_VIDEOS_SCORED : `no curve: ${empty.map((c) => c.opId).join(", ")}`,
    });
  }
  const position = {
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
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "ROC curves per operation (video level)",
    data: { values },
    // Panels wrap into rows (in the table's order) instead of running off the page sideways.
    facet: {
      field: "model",
      type: "nominal",
      title: null,
      sort: models,
      header: { labelLimit: 0 },
    },
    columns: options.columns ?? ROC_COLUMNS,
    // Each panel its own axes: no stray axis under an empty slot of the last row.
    resolve: { axis: { x: "independent", y: "independent" } },
    spec: {
      width: size,
      height: options.height ?? size,
      layer: [
        {
          transform: [{ filter: "datum.kind == 'diagonal'" }],
          mark: { type: "line", strokeDash: [4, 4], color: "#999" },
          encoding: { ...position, order: { field: "order", type: "quantitative" } },
        },
        {
          transform: [{ filter: "datum.kind == 'curve'" }],
          mark: { type: "line", interpolate: "linear" },
          encoding: {
            ...position,
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
        {
          transform: [{ filter: "datum.kind == 'missing'" }],
          mark: { type: "text", align: "right", baseline: "bottom", fontSize: 9, color: "#8a4b00" },
          encoding: { ...position, text: { field: "text", type: "nominal" } },
        },
      ],
    },
  };
}

/**
 * AUC against severity for every operation family with at least two ladder levels in the
 * cells: one panel per family, its x axis the level's value in the family's unit
 * (ops/severity_scale.ts: CRF, scale factor, noise strength; reversed where the value falls as
 * the harm grows), one line per detector run in the report's order, CI error bars, a dashed
 * chance line at 0.5; panels wrap into rows of `columns`. A level without an AUC is labelled
 * with the reason at the axis. Returns null when no family has a ladder in the data.
 */
export function severityChart(cells: AucCell[], options: ChartOptions = {}): VegaLiteSpec | null {
  const ladders = severityLadders(cells);
  if (ladders.size === 0) return null;
  const models = modelOrder(cells);
  const color = {
    field: "model",
    type: "nominal",
    title: "Detector",
    sort: models,
    scale: { domain: models },
    legend: { labelLimit: 0 },
  };
  const panels = [...ladders].map((family) => {
    const scale = severityScale(family);
    const values = cells.filter((c) =>
      c.severity !== null && c.severity !== undefined && (c.opFamily ?? c.opId) === family
    ).map((c) => {
      const auc = finiteOrNull(c.auc);
      return {
        model: modelLabel(c.detector, c.trainSet, c.run),
        op: c.opId,
        level: scale.values.get(c.opId) ?? c.severity,
        auc,
        ciLow: finiteOrNull(c.ciLow),
        ciHigh: finiteOrNull(c.ciHigh),
        n: c.negatives + c.positives,
        missing: auc === null ? missingLabel(c) : null,
      };
    });
    const x = {
      field: "level",
      type: "quantitative",
      title: scale.title,
      scale: { zero: false, reverse: scale.reversed, nice: false, padding: 8 },
      // The ladder's own values as ticks, printed as they are (0.25, not 0.3).
      axis: { values: [...new Set(values.map((v) => v.level))], labelFlush: false, format: ".4~g" },
    };
    return {
      title: {
        text: `${
          categoryLabel(cells.find((c) => (c.opFamily ?? c.opId) === family)!.opCategory)
        }: ${family}`,
        anchor: "start",
        fontSize: 12,
      },
      width: options.width ?? 240,
      height: options.height ?? 180,
      data: { values },
      layer: [
        chanceLayer(),
        {
          transform: [{ filter: "datum.auc != null" }],
          mark: { type: "line", point: true },
          encoding: {
            x,
            y: aucAxis(),
            color,
            tooltip: [
              { field: "model", type: "nominal" },
              { field: "op", type: "nominal" },
              { field: "level", type: "quantitative", title: scale.title },
              { field: "auc", type: "quantitative", format: ".3f" },
              { field: "n", type: "quantitative", title: "videos (n)" },
            ],
          },
        },
        ...errorBarLayer(x, values, color),
        ...missingTextLayer(x, values),
      ],
    };
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "AUC against severity",
    columns: options.columns ?? SEVERITY_COLUMNS,
    concat: panels,
  };
}

/**
 * The operation families with at least two ladder levels among the cells (what
 * {@link severityChart} draws); empty when there is none.
 */
export function severityLadders(cells: readonly AucCell[]): Set<string> {
  const levels = new Map<string, Set<number>>();
  for (const c of cells) {
    if (c.severity === null || c.severity === undefined) continue;
    const family = c.opFamily ?? c.opId;
    if (!levels.has(family)) levels.set(family, new Set());
    levels.get(family)!.add(c.severity);
  }
  return new Set([...levels].filter(([, s]) => s.size >= 2).map(([f]) => f));
}

/**
 * The models of the cells (`modelLabel`: detector, train set, run) in the order of their first
 * cell: the report's run order (report/run_order.ts), so panels and rows follow Table I.
 */
export function modelOrder(
  cells: readonly { detector: string; trainSet: string; run?: string }[],
): string[] {
  return [...new Set(cells.map((c) => modelLabel(c.detector, c.trainSet, c.run)))];
}

// A dashed rule at AUC 0.5: chance, below which a detector ranks worse than a coin.
function chanceLayer(): Record<string, unknown> {
  return {
    data: { values: [{ chance: 0.5 }] },
    mark: { type: "rule", strokeDash: [4, 4], color: "#777" },
    encoding: { y: { field: "chance", type: "quantitative" } },
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

// Text written upwards from the axis where a cell has no AUC: the reason, e.g. "no videos
// scored". Left out when every cell has an AUC.
function missingTextLayer(
  x: Record<string, unknown>,
  values: { missing: string | null }[],
): Record<string, unknown>[] {
  if (!values.some((v) => v.missing !== null)) return [];
  return [{
    transform: [{ filter: "datum.missing != null" }, { calculate: "0.02", as: "base" }],
    mark: {
      type: "text",
      angle: -90,
      align: "left",
      baseline: "middle",
      fontSize: 9,
      color: "#8a4b00",
    },
    encoding: {
      x,
      y: { field: "base", type: "quantitative", title: "Video-level AUC" },
      text: { field: "missing", type: "nominal" },
    },
  }];
}

// Why a cell has no AUC, in a few words.
function missingLabel(cell: AucCell): string {
  return cell.positives + cell.negatives === 0 ? NO_VIDEOS_SCORED : "AUC undefined";
}

// Vega-Lite data must stay valid JSON: NaN and Infinity would be written as null silently by
// JSON.stringify, so they become null here, explicitly.
function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
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

/**
 * The real and fake score distributions of every operation at a glance, one panel per detector
 * run (cells with a decision view, metrics/decision.ts): per operation and class a line from
 * the 10th to the 90th percentile, a bar over the middle half and a tick at the median; the
 * Unaltered medians as dashed lines (so the shift of a copy reads against them) and the run's
 * threshold as a solid black line. Cells without a decision view are left out; null when no
 * cell has one.
 */
export function scoreShiftChart(cells: AucCell[], options: ChartOptions = {}): VegaLiteSpec | null {
  const columns = orderColumns(cells.map(columnKey));
  const values: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  for (const c of cells) {
    const d = c.decision;
    if (d === undefined) continue;
    const model = modelLabel(c.detector, c.trainSet, c.run);
    for (
      const [cls, q, shift] of [["real", d.realQuantiles, d.shiftReal], [
        "fake",
        d.fakeQuantiles,
        d.shiftFake,
      ]] as const
    ) {
      if (q === null) continue;
      const [q10, q25, q50, q75, q90] = q.map(finiteOrNull);
      values.push({ model, op: c.opId, cls, q10, q25, q50, q75, q90, shift: finiteOrNull(shift) });
      if (c.opId === UNALTERED_ID) {
        lines.push({ model, cls, x: q50, kind: `Unaltered median (${cls})` });
      }
    }
    if (c.opId === UNALTERED_ID && Number.isFinite(d.threshold)) {
      lines.push({
        model,
        cls: "threshold",
        x: d.threshold,
        kind: `threshold (${d.thresholdRule})`,
      });
    }
  }
  if (values.length === 0) return null;
  const y = {
    field: "op",
    type: "nominal",
    sort: columns.map((col) => col.opId),
    title: "Operation",
  };
  const color = {
    field: "cls",
    type: "nominal",
    title: "Videos",
    scale: { domain: ["real", "fake"], range: ["#2166ac", "#b2182b"] },
  };
  const x = { type: "quantitative", title: "Video score", scale: { zero: false } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "Score distributions per operation, against Unaltered",
    facet: { row: { field: "model", type: "nominal", title: null } },
    data: { values: [...values, ...lines.map((l) => ({ ...l, line: true }))] },
    spec: {
      width: options.width ?? 560,
      height: options.height ?? Math.max(160, 22 * columns.length),
      layer: [
        {
          transform: [{ filter: "datum.line && datum.cls != 'threshold'" }],
          mark: { type: "rule", strokeDash: [4, 3], opacity: 0.6 },
          encoding: { x: { ...x, field: "x" }, color },
        },
        {
          transform: [{ filter: "datum.line && datum.cls == 'threshold'" }],
          mark: { type: "rule", color: "black", strokeWidth: 1.5 },
          encoding: {
            x: { ...x, field: "x" },
            tooltip: [{ field: "kind", title: "line" }, {
              field: "x",
              format: ".3f",
              title: "score",
            }],
          },
        },
        {
          transform: [{ filter: "!datum.line" }],
          mark: { type: "rule" },
          encoding: {
            y,
            yOffset: { field: "cls", sort: ["real", "fake"] },
            x: { ...x, field: "q10" },
            x2: { field: "q90" },
            color,
          },
        },
        {
          transform: [{ filter: "!datum.line" }],
          mark: { type: "bar", height: 7, opacity: 0.75 },
          encoding: {
            y,
            yOffset: { field: "cls", sort: ["real", "fake"] },
            x: { ...x, field: "q25" },
            x2: { field: "q75" },
            color,
            tooltip: [
              { field: "model", type: "nominal" },
              { field: "op", type: "nominal", title: "operation" },
              { field: "cls", type: "nominal", title: "videos" },
              { field: "q50", type: "quantitative", format: ".3f", title: "median" },
              { field: "q25", type: "quantitative", format: ".3f", title: "25th pct" },
              { field: "q75", type: "quantitative", format: ".3f", title: "75th pct" },
              {
                field: "shift",
                type: "quantitative",
                format: "+.3f",
                title: "median shift vs Unaltered",
              },
            ],
          },
        },
        {
          transform: [{ filter: "!datum.line" }],
          mark: { type: "tick", color: "black", thickness: 2, size: 9 },
          encoding: {
            y,
            yOffset: { field: "cls", sort: ["real", "fake"] },
            x: { ...x, field: "q50" },
          },
        },
      ],
    },
  };
}
