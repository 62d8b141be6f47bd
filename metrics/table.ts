/**
 * The paper's Table I: video-level AUC per detector (x training set) and operation, columns
 * grouped by category, with category means and the average over altered copies.
 * @module
 */
import type pl from "nodejs-polars";
import { ALL_OP_IDS, FAMILIES } from "../ops/catalog.ts";
import { type OpAuc, type OpAucOptions, opAucs, type ScoreLevel } from "./op_auc.ts";

/** Options for {@link aucTable}. */
export interface AucTableOptions extends OpAucOptions {
  /** Operation columns to show, in this order; default every op in the frame, catalog order. */
  opIds?: readonly string[];
}

/** One column of the table. */
export interface AucTableColumn {
  opId: string;
  category: string;
}

/** One row: a detector run. */
export interface AucTableRow {
  runId: string;
  detector: string;
  trainSet: string;
  /** Per operation id; a column with no data for this run has no entry. */
  cells: Record<string, OpAuc>;
  /** Mean AUC of the row's non-null cells per category (null when none). */
  categoryMeans: Record<string, number | null>;
  /** Mean AUC over the row's non-null cells of altered copies (every category but `unaltered`). */
  average: number | null;
}

/** Table I, ready for rendering (report/) or inspection (notebooks). */
export interface AucTable {
  level: ScoreLevel;
  /** Operation columns, grouped by category, catalog order within and across categories. */
  columns: AucTableColumn[];
  /** Categories in column order. */
  categories: string[];
  rows: AucTableRow[];
  /** Every caveat of the cells (`detector/train set, op: note`), for a footnote. */
  notes: string[];
}

/**
 * Builds Table I from a store frame (eager or lazy). Rows: one per detector run (detector x
 * training set), sorted; columns: operations grouped by category in the catalog's (the paper's)
 * order, chains and unknown ops last. Missing unaltered copies or single-class copies become
 * null values with a note, never an error.
 */
export function aucTable(
  frame: pl.DataFrame | pl.LazyDataFrame,
  options: AucTableOptions = {},
): AucTable {
  const aucs = opAucs(frame, options);
  const categoryOf = new Map<string, string>();
  for (const a of aucs) categoryOf.set(a.opId, a.opCategory);
  const columns = orderColumns(
    (options.opIds ?? [...categoryOf.keys()]).map((opId) => ({
      opId,
      category: categoryOf.get(opId) ?? "unknown",
    })),
    options.opIds !== undefined,
  );
  const categories = [...new Set(columns.map((c) => c.category))];
  const rowsByRun = new Map<string, AucTableRow>();
  const notes: string[] = [];
  for (const a of aucs) {
    if (!columns.some((c) => c.opId === a.opId)) continue;
    let row = rowsByRun.get(a.runId);
    if (row === undefined) {
      row = {
        runId: a.runId,
        detector: a.detector,
        trainSet: a.trainSet,
        cells: {},
        categoryMeans: {},
        average: null,
      };
      rowsByRun.set(a.runId, row);
    }
    row.cells[a.opId] = a;
    if (a.note) notes.push(`${a.detector}/${a.trainSet}, ${a.opId}: ${a.note}`);
  }
  for (const row of rowsByRun.values()) {
    for (const category of categories) {
      row.categoryMeans[category] = mean(
        columns.filter((c) => c.category === category).map((c) => row.cells[c.opId]?.auc),
      );
    }
    row.average = mean(
      columns.filter((c) => c.category !== "unaltered").map((c) => row.cells[c.opId]?.auc),
    );
  }
  const runIdsPerLabel = new Map<string, number>();
  for (const row of rowsByRun.values()) {
    const label = `${row.detector}/${row.trainSet}`;
    runIdsPerLabel.set(label, (runIdsPerLabel.get(label) ?? 0) + 1);
  }
  for (const [label, count] of runIdsPerLabel) {
    if (count > 1) {
      notes.push(`${label}: ${count} runs (different models or face modes), one row each`);
    }
  }
  return {
    level: options.level ?? "video",
    columns,
    categories,
    rows: [...rowsByRun.values()],
    notes,
  };
}

// Catalog order (the paper's Table I) unless the caller chose the order; either way the
// columns of one category stay together (stable sort by category rank).
function orderColumns(columns: AucTableColumn[], callerOrder: boolean): AucTableColumn[] {
  const categoryOrder = callerOrder
    ? [...new Set(columns.map((c) => c.category))]
    : [...new Set([...FAMILIES.map((f) => f.category as string), "chain"])];
  const rank = (list: readonly string[], item: string) => {
    const i = list.indexOf(item);
    return i < 0 ? list.length : i;
  };
  return columns.sort((a, b) =>
    rank(categoryOrder, a.category) - rank(categoryOrder, b.category) ||
    (callerOrder ? 0 : rank(ALL_OP_IDS, a.opId) - rank(ALL_OP_IDS, b.opId) ||
      (a.opId < b.opId ? -1 : a.opId > b.opId ? 1 : 0))
  );
}

function mean(values: (number | null | undefined)[]): number | null {
  const present = values.filter((v): v is number => typeof v === "number");
  return present.length === 0 ? null : present.reduce((s, v) => s + v, 0) / present.length;
}
