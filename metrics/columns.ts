/**
 * The column order of Table I: operations sorted as the paper's table, by category in the
 * catalog's order, then family, then severity. Shared by Table I and the paired video sets.
 * @module
 */
import { FAMILIES, PAPER_OP_IDS } from "../ops/catalog.ts";
import { compareIds } from "../util/compare.ts";

/** One column of Table I: an operation instance and its category. */
export interface TableColumn {
  opId: string;
  category: string;
}

/** An operation as {@link orderColumns} sorts it. */
export interface ColumnKey {
  opId: string;
  category: string;
  /** Ladder family; levels of one family sort by severity. Default: the op id. */
  family?: string;
  severity?: number | null;
}

// Category order: the catalog's families (the paper's Table I order), then chains.
const CATEGORY_ORDER: readonly string[] = [
  ...new Set([...FAMILIES.map((f) => f.category as string), "chain"]),
];

/**
 * Orders operations as the paper does: by category in the catalog's order; within a category by
 * family (ranked by the family's first paper column), then severity, so extra ladder levels
 * (`h264_crf33`, `noise_s5`) sit beside the paper's; unknown categories and ops at the end.
 * An op id given twice keeps its first key.
 */
export function orderColumns(ops: readonly ColumnKey[]): TableColumn[] {
  const seen = new Map<string, ColumnKey>();
  for (const op of ops) if (!seen.has(op.opId)) seen.set(op.opId, op);
  const paperRank = (id: string) => rank(PAPER_OP_IDS, id);
  // A family ranks where its first paper column (seen in this data) does.
  const familyRank = new Map<string, number>();
  for (const op of seen.values()) {
    const family = op.family ?? op.opId;
    familyRank.set(family, Math.min(familyRank.get(family) ?? Infinity, paperRank(op.opId)));
  }
  const famRank = (op: ColumnKey) => familyRank.get(op.family ?? op.opId)!;
  return [...seen.values()]
    .sort((a, b) =>
      rank(CATEGORY_ORDER, a.category) - rank(CATEGORY_ORDER, b.category) ||
      compareIds(a.category, b.category) ||
      famRank(a) - famRank(b) ||
      compareIds(a.family ?? a.opId, b.family ?? b.opId) ||
      (a.severity ?? 0) - (b.severity ?? 0) ||
      paperRank(a.opId) - paperRank(b.opId) ||
      compareIds(a.opId, b.opId)
    )
    .map((op) => ({ opId: op.opId, category: op.category }));
}

/** The sort key of an AUC cell's (or a video score's) operation. */
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

function rank(list: readonly string[], item: string): number {
  const i = list.indexOf(item);
  return i < 0 ? list.length : i;
}
