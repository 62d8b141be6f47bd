/**
 * The paper's Table I (Lu & Ebrahimi 2023): video-level AUC per detector run and operation,
 * columns grouped by category in the catalog's (the paper's) order, with category means and the
 * average over altered copies. Built from per-operation AUC cells ({@link opAucs}); rendering
 * (Markdown, CSV, JSON, HTML) lives in report/table_format.ts.
 * @module
 */
import { AUC_METRIC } from "./cell_metrics.ts";
import type { CellDecision, OperatingThreshold } from "./decision.ts";
import { isDecisionMetric, type TableMetric } from "./decision_metrics.ts";
import type { PairedStats } from "./cell_comparisons.ts";
import type { FaceShare } from "./face_share.ts";
import type { LocatorChangeShare } from "./locator_changes.ts";
import { type AucCell, modelLabel } from "./op_auc.ts";
import { columnKey, orderColumns, type TableColumn } from "./columns.ts";
import { UNALTERED_CATEGORY } from "../ops/unaltered.ts";
import { compareIds } from "../util/compare.ts";

/** Options for {@link tableOne}. */
export interface TableOneOptions {
  /**
   * Operation columns to show, in this order (columns of one category stay together); default
   * every operation of the cells, in the paper's order.
   */
  opIds?: readonly string[];
  /**
   * The metric in `values`, category means and the average (metrics/cell_metrics.ts); default
   * {@link AUC_METRIC}. Another needs the cells' `metrics` (`opAucs(frame, { metrics })`), a
   * decision metric (metrics/decision_metrics.ts) their `decision` (`opAucs(frame, { threshold })`).
   */
  metric?: TableMetric;
  /**
   * Run ids in the order the rows should have (the order the runs were made or named,
   * report/run_order.ts); rows of runs not listed follow, in the default order. Default: rows
   * sorted by detector, training set, run.
   */
  runOrder?: readonly string[];
}

/**
 * One cell of Table I: what a renderer prints for one run x operation. A record of named
 * fields, so that further columns (a delta, a p-value) are further fields. A processed cell
 * from `opAucs` carries the paired statistics against its row's Unaltered cell
 * (`deltaCiLow`, `deltaCiHigh`, `p`, `pHolm`; metrics/cell_comparisons.ts), null where they
 * could not be computed; the Unaltered cell has none.
 */
export interface TableCell extends Partial<PairedStats> {
  opId: string;
  /** AUC in [0, 1]; null when no video is scored or the videos are of one class. */
  auc: number | null;
  /** Bootstrap interval of `auc`, when computed. */
  ciLow?: number | null;
  ciHigh?: number | null;
  /** AUC minus the run's unaltered AUC (negative = a drop), when computed. */
  deltaAuc?: number | null;
  /** Samples behind `auc` (videos at video level): `nReal + nFake`; 0 = no video scored. */
  n: number;
  /** Real (label 0) samples. */
  nReal: number;
  /** Fake (label 1) samples. */
  nFake: number;
  /** Why `auc` is missing, or a caveat (see `AucCell.note`). */
  note?: string;
  /** Further cell metrics by id, when the cell has them (`AucCell.metrics`). */
  metrics?: Record<string, number | null>;
  /**
   * Sampled frames with a face scored, of the frames read, over the videos behind the cell
   * (metrics/face_share.ts), when the cell has it (`AucCell.faceShare`).
   */
  faceShare?: FaceShare;
  /** What the face locator changed (metrics/locator_changes.ts), when the cell has it. */
  locatorChange?: LocatorChangeShare;
  /** The cell at its run's operating threshold (metrics/decision.ts), when computed. */
  decision?: CellDecision;
}

/** The Table I cell of an AUC cell. */
export function tableCell(cell: AucCell): TableCell {
  return {
    opId: cell.opId,
    auc: cell.auc,
    ...(cell.ciLow === undefined ? {} : { ciLow: cell.ciLow }),
    ...(cell.ciHigh === undefined ? {} : { ciHigh: cell.ciHigh }),
    ...(cell.deltaAuc === undefined ? {} : { deltaAuc: cell.deltaAuc }),
    ...(cell.deltaCiLow === undefined ? {} : { deltaCiLow: cell.deltaCiLow }),
    ...(cell.deltaCiHigh === undefined ? {} : { deltaCiHigh: cell.deltaCiHigh }),
    ...(cell.p === undefined ? {} : { p: cell.p }),
    ...(cell.pHolm === undefined ? {} : { pHolm: cell.pHolm }),
    n: cell.positives + cell.negatives,
    nReal: cell.negatives,
    nFake: cell.positives,
    ...(cell.note ? { note: cell.note } : {}),
    ...(cell.metrics ? { metrics: { ...cell.metrics } } : {}),
    ...(cell.faceShare ? { faceShare: { ...cell.faceShare } } : {}),
    ...(cell.locatorChange ? { locatorChange: { ...cell.locatorChange } } : {}),
    ...(cell.decision ? { decision: { ...cell.decision } } : {}),
  };
}

/** One row of Table I: a detector run (detector x training set). */
export interface TableRow {
  /** The run id, when the cells carry one (cells from {@link opAucs} do). */
  runId?: string;
  detector: string;
  trainSet: string;
  /**
   * What sets the row's run apart from the other runs of its detector and training set, in
   * words (`faces: ultraface`; store/run_labels.ts); absent when it is the only one. Renderers
   * name the row `detector (run)`.
   */
  run?: string;
  /** The cell of each operation column that has one (a copy with no cell was not scored). */
  cells: Record<string, TableCell>;
  /**
   * The table's metric (AUC unless `TableOne.metric` says otherwise) of every column by op id;
   * null where the copy is missing or has one class only.
   */
  values: Record<string, number | null>;
  /** Mean value per altered category over its columns with a value (null when none). */
  categoryMeans: Record<string, number | null>;
  /** Mean value over the altered columns (every column except `unaltered`) that have one. */
  average: number | null;
  /**
   * The run's operating threshold (metrics/decision.ts), where its cells have a decision view:
   * `value` and the rule in words (`name`, e.g. `EER point of Unaltered`).
   */
  threshold?: Pick<OperatingThreshold, "value" | "name">;
}

/** Table I, ready for rendering (report/) or inspection (notebooks). */
export interface TableOne {
  /** The id of the metric in `values` when it is not AUC (`ap`, `eer`); absent for AUC. */
  metric?: string;
  /** Operation columns, grouped by category, paper order within and across categories. */
  columns: TableColumn[];
  /** Categories in column order. */
  categories: string[];
  /** In `runOrder` where given, else sorted by detector, training set, run (qualifier, then id). */
  rows: TableRow[];
  /** Every caveat of the cells (`detector/train set, op: note`), for a footnote. */
  notes: string[];
}

/**
 * Builds Table I from AUC cells (e.g. `opAucs(frame)`, or hand-made records). Rows: one per
 * detector run (run id when the cells have one, else detector x training set); a cell repeated
 * for the same row and op keeps the last. Missing or undefined AUCs are null values, never an
 * error; a run whose cells have no video scored still has its row. The cells' notes are
 * collected in `notes`.
 */
export function tableOne(cells: readonly AucCell[], options: TableOneOptions = {}): TableOne {
  const columns = options.opIds === undefined
    ? orderColumns(cells.map(columnKey))
    : callerColumns(options.opIds, cells);
  const metric = options.metric ?? AUC_METRIC;
  const valueOf = (cell: TableCell | undefined) =>
    isDecisionMetric(metric)
      ? (cell?.decision ? metric.value(cell.decision) : null)
      : metric.id === AUC_METRIC.id
      ? cell?.auc ?? null
      : cell?.metrics?.[metric.id] ?? null;
  const categories = [...new Set(columns.map((c) => c.category))];
  const shown = new Set(columns.map((c) => c.opId));
  const rowsByRun = new Map<string, TableRow>();
  const notes: string[] = [];
  for (const cell of cells) {
    if (!shown.has(cell.opId)) continue;
    const key = JSON.stringify([cell.detector, cell.trainSet, cell.runId ?? ""]);
    let row = rowsByRun.get(key);
    if (row === undefined) {
      row = {
        ...(cell.runId === undefined ? {} : { runId: cell.runId }),
        detector: cell.detector,
        trainSet: cell.trainSet,
        ...(cell.run ? { run: cell.run } : {}),
        cells: {},
        values: {},
        categoryMeans: {},
        average: null,
      };
      rowsByRun.set(key, row);
    }
    row.cells[cell.opId] = tableCell(cell);
    if (cell.note) {
      const run = cell.run ? ` (${cell.run})` : "";
      notes.push(`${cell.detector}/${cell.trainSet}${run}, ${cell.opId}: ${cell.note}`);
    }
  }
  const rank = (row: TableRow) => {
    const i = options.runOrder?.indexOf(row.runId ?? "") ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const rows = [...rowsByRun.values()].sort((a, b) =>
    rank(a) - rank(b) || compareIds(a.detector, b.detector) || compareIds(a.trainSet, b.trainSet) ||
    compareIds(a.run ?? "", b.run ?? "") || compareIds(a.runId ?? "", b.runId ?? "")
  );
  const altered = columns.filter((c) => c.category !== UNALTERED_CATEGORY);
  for (const row of rows) {
    for (const column of columns) row.values[column.opId] = valueOf(row.cells[column.opId]);
    for (const category of categories.filter((c) => c !== UNALTERED_CATEGORY)) {
      row.categoryMeans[category] = mean(
        altered.filter((c) => c.category === category).map((c) => row.values[c.opId]),
      );
    }
    row.average = mean(altered.map((c) => row.values[c.opId]));
    const decided = Object.values(row.cells).find((c) => c.decision)?.decision;
    if (decided) row.threshold = { value: decided.threshold, name: decided.thresholdRule };
  }
  const rowsPerLabel = new Map<string, TableRow[]>();
  for (const row of rows) {
    const label = `${row.detector}/${row.trainSet}`;
    rowsPerLabel.set(label, [...(rowsPerLabel.get(label) ?? []), row]);
  }
  for (const [label, same] of rowsPerLabel) {
    if (same.length > 1) {
      notes.push(
        `${label}: ${same.length} runs, one row each: ${
          same.map((r) => modelLabel(r.detector, r.trainSet, r.run)).join(", ")
        }`,
      );
    }
  }
  return {
    ...(metric.id === AUC_METRIC.id ? {} : { metric: metric.id }),
    columns,
    categories,
    rows,
    notes,
  };
}

// The caller's order, except that the columns of one category stay together (stable sort by
// the category's first appearance).
function callerColumns(opIds: readonly string[], cells: readonly AucCell[]): TableColumn[] {
  const categoryOf = new Map(cells.map((c) => [c.opId, c.opCategory]));
  const columns = [...new Set(opIds)].map((opId) => ({
    opId,
    category: categoryOf.get(opId) ?? "unknown",
  }));
  const order = [...new Set(columns.map((c) => c.category))];
  return columns.sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category));
}

function mean(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length === 0 ? null : present.reduce((s, v) => s + v, 0) / present.length;
}
