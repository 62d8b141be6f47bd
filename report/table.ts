/**
 * Table I of Lu & Ebrahimi (2023): video-level AUC, one row per detector x training set, one
 * column per operation grouped by category in the paper's order, then the mean over the
 * processed copies. Operations outside the paper's twelve follow their category's columns.
 * @module
 */
import { getOperation, PAPER_OP_IDS } from "../ops/catalog.ts";
import { type AucCell, modelLabel } from "./model.ts";

/** One column of Table I: an operation instance, its category and a short header. */
export interface TableColumn {
  opId: string;
  category: string;
  /** Header text, e.g. `CRF 40`. */
  label: string;
}

/** One row of Table I. */
export interface TableRow {
  detector: string;
  trainSet: string;
  /** `detector (train set)`. */
  model: string;
  /** AUC by op id; null where the copy is missing or has one class only. */
  values: Record<string, number | null>;
  /** 95% bootstrap interval `[low, high]` by op id, where the cell has one. */
  intervals: Record<string, [number, number]>;
  /** Mean AUC per category (processed categories only), when asked for. */
  categoryMeans: Record<string, number | null>;
  /** Mean AUC over the processed columns (every column except `unaltered`) that have a value. */
  average: number | null;
}

/** Table I: columns in paper order, rows sorted by detector then train set. */
export interface TableOne {
  columns: TableColumn[];
  /** Categories in column order, each with its display name. */
  categories: { id: string; label: string }[];
  rows: TableRow[];
  /** Whether `categoryMeans` were computed (and are shown by the formatters). */
  withCategoryMeans: boolean;
}

/** Options for {@link tableOne}. */
export interface TableOneOptions {
  /** Add one mean column per processed category. Default false (the paper shows none). */
  categoryMeans?: boolean;
}

// Column headers are presentation: the paper's order and categories come from ops/catalog.ts.
const HEADERS: Record<string, string> = {
  unaltered: "Unaltered",
  h264_crf23: "CRF 23",
  h264_crf40: "CRF 40",
  lighten: "Lighten",
  darken: "Darken",
  contrast: "Contrast",
  noise: "Noise",
  hflip: "H-flip",
  vflip: "V-flip",
  res_half: "1/2",
  res_quarter: "1/4",
  grayscale: "Grayscale",
  vintage: "Vintage",
};

/** The paper's operation columns in its order (ops/catalog.ts), with their headers. */
export const PAPER_COLUMNS: readonly TableColumn[] = PAPER_OP_IDS.map((opId) => ({
  opId,
  category: getOperation(opId).category,
  label: HEADERS[opId] ?? opId,
}));

const CATEGORY_NAMES: Record<string, string> = {
  unaltered: "Unaltered",
  compression: "Compression",
  brightness: "Brightness",
  contrast: "Contrast",
  noise: "Noise",
  flip: "Flip",
  resolution: "Resolution",
  filter: "Filter",
};

/** The paper's categories in the order of its columns, with display names. */
export const PAPER_CATEGORIES: readonly { id: string; label: string }[] = [
  ...new Set(PAPER_COLUMNS.map((c) => c.category)),
].map((id) => ({ id, label: CATEGORY_NAMES[id] ?? id }));

/** An operation as {@link orderColumns} sorts it. */
export interface ColumnKey {
  opId: string;
  category: string;
  /** Ladder family; levels of one family sort by severity. */
  family?: string;
  severity?: number | null;
}

/**
 * Orders operations as the paper does: by category in the paper's order; within a category by
 * family (in the order of the family's first paper column), then severity, so extra ladder
 * levels (`h264_crf33`, `noise_s5`) sit beside the paper's; unknown categories at the end.
 */
export function orderColumns(ops: ColumnKey[]): TableColumn[] {
  const seen = new Map<string, ColumnKey>();
  for (const op of ops) if (!seen.has(op.opId)) seen.set(op.opId, op);
  const catRank = (c: string) => {
    const i = PAPER_CATEGORIES.findIndex((p) => p.id === c);
    return i < 0 ? PAPER_CATEGORIES.length : i;
  };
  const paperRank = (id: string) => {
    const i = PAPER_COLUMNS.findIndex((p) => p.opId === id);
    return i < 0 ? PAPER_COLUMNS.length : i;
  };
  // A family ranks where its first paper column (seen in this data) does.
  const familyRank = new Map<string, number>();
  for (const op of seen.values()) {
    const family = op.family ?? op.opId;
    familyRank.set(family, Math.min(familyRank.get(family) ?? Infinity, paperRank(op.opId)));
  }
  const famRank = (op: ColumnKey) => familyRank.get(op.family ?? op.opId)!;
  return [...seen.values()]
    .sort((a, b) =>
      catRank(a.category) - catRank(b.category) ||
      a.category.localeCompare(b.category) ||
      famRank(a) - famRank(b) ||
      (a.family ?? a.opId).localeCompare(b.family ?? b.opId) ||
      (a.severity ?? 0) - (b.severity ?? 0) ||
      paperRank(a.opId) - paperRank(b.opId) ||
      a.opId.localeCompare(b.opId)
    )
    .map((op) => ({
      opId: op.opId,
      category: op.category,
      label: PAPER_COLUMNS.find((p) => p.opId === op.opId)?.label ?? op.opId,
    }));
}

/** The display name of a category (`compression` -> `Compression`). */
export function categoryLabel(category: string): string {
  return PAPER_CATEGORIES.find((c) => c.id === category)?.label ??
    category.charAt(0).toUpperCase() + category.slice(1);
}

/** Builds Table I from AUC cells. A cell repeated for the same model and op keeps the last. */
export function tableOne(cells: AucCell[], options: TableOneOptions = {}): TableOne {
  const columns = orderColumns(cells.map(columnKey));
  const categoryIds = [...new Set(columns.map((c) => c.category))];
  const rowsByModel = new Map<string, TableRow>();
  for (const cell of cells) {
    const key = JSON.stringify([cell.detector, cell.trainSet]);
    let row = rowsByModel.get(key);
    if (!row) {
      row = {
        detector: cell.detector,
        trainSet: cell.trainSet,
        model: modelLabel(cell.detector, cell.trainSet),
        values: {},
        intervals: {},
        categoryMeans: {},
        average: null,
      };
      rowsByModel.set(key, row);
    }
    row.values[cell.opId] = cell.auc;
    if (typeof cell.ciLow === "number" && typeof cell.ciHigh === "number") {
      row.intervals[cell.opId] = [cell.ciLow, cell.ciHigh];
    }
  }
  const rows = [...rowsByModel.values()].sort((a, b) =>
    a.detector.localeCompare(b.detector) || a.trainSet.localeCompare(b.trainSet)
  );
  for (const row of rows) {
    for (const column of columns) row.values[column.opId] ??= null;
    const processed = columns.filter((c) => c.category !== "unaltered");
    row.average = mean(processed.map((c) => row.values[c.opId]));
    if (options.categoryMeans) {
      for (const category of categoryIds.filter((c) => c !== "unaltered")) {
        row.categoryMeans[category] = mean(
          processed.filter((c) => c.category === category).map((c) => row.values[c.opId]),
        );
      }
    }
  }
  return {
    columns,
    categories: categoryIds.map((id) => ({ id, label: categoryLabel(id) })),
    rows,
    withCategoryMeans: options.categoryMeans ?? false,
  };
}

function mean(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length ? present.reduce((s, v) => s + v, 0) / present.length : null;
}

/** The sort key of an AUC cell's operation. */
export function columnKey(
  cell: { opId: string; opCategory: string; opFamily?: string; severity?: number | null },
): ColumnKey {
  return {
    opId: cell.opId,
    category: cell.opCategory,
    family: cell.opFamily,
    severity: cell.severity,
  };
}
