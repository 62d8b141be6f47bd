/**
 * The release gate (`deno task compare`): a new run's Table I against one kept from an earlier
 * release (the JSON `report --format json` writes), operation by operation. An operation
 * regressed when its value dropped by more than the tolerance (in the table's metric, whichever
 * way is better for it); the gate fails when any operation regressed or is missing from the new
 * run.
 *
 * What test is possible: the stored table holds each cell's value, `n` and (with `--resamples`
 * > 0, the default) its 95% bootstrap interval, but no per-video scores, so no paired test
 * (DeLong) of old against new is possible. The gate's `p` is a one-sided z-test of "the new
 * value is below the stored one", with each side's standard error read from its 95% bootstrap
 * interval (`(high - low) / (2 * 1.96)`), as for independent samples: where both were scored
 * on the same videos the scores are positively correlated, so this p is conservative (too
 * large). Cells without intervals (another metric than AUC, `--resamples 0`) get no p.
 * @module
 */
import { _normalCdf } from "./_normal.ts";
import { AUC_METRIC } from "./cell_metrics.ts";
import { type TableMetric, tableMetric } from "./decision_metrics.ts";
import { modelLabel } from "./op_auc.ts";
import type { TableCell, TableOne, TableRow } from "./table.ts";
import { MetricError } from "./metric_error.ts";
import { commandLine } from "../util/command_line.ts";

/** Default largest drop that still passes (in the table's metric): 0.01. */
export const DEFAULT_TOLERANCE = 0.01;

/** The level at which the gate calls a drop significant (one-sided p <= 0.05). */
export const GATE_SIGNIFICANCE = 0.05;

/** The test behind `p`, in words (for tables and JSON). */
export const GATE_TEST = "one-sided z-test of new < stored, standard errors from each side's " +
  "95% bootstrap interval (a stored table has no per-video scores: no paired DeLong test; " +
  "conservative where both ranked the same videos)";

/** One operation of one run in the gate. */
export interface GateRow {
  /** The baseline row's label (`xception (FF++c23)`) and the new run's label. */
  baselineRun: string;
  run: string;
  opId: string;
  /** Stored value; null where the stored cell had none. */
  baseline: number | null;
  /** New value; null where the new run has no value (missing copy, one class). */
  value: number | null;
  /** How much worse the new value is (`baseline - value`, or the reverse for error rates). */
  drop: number | null;
  /** Videos behind each value. */
  baselineN: number | null;
  n: number | null;
  /** One-sided p of the drop ({@link GATE_TEST}); null where no interval was stored. */
  p: number | null;
  /** `p <= GATE_SIGNIFICANCE`; null with `p`. */
  significant: boolean | null;
  /** `ok`; `regressed` (drop > tolerance); `missing` (stored value, none now). */
  status: "ok" | "regressed" | "missing";
  note?: string;
}

/** What {@link releaseGate} returns. */
export interface GateResult {
  /** The metric compared (the stored table's; `auc` when it names none). */
  metric: string;
  tolerance: number;
  /** The test behind `p`. */
  test: string;
  rows: GateRow[];
  /** True when no row regressed or is missing. */
  passed: boolean;
  /** Baseline rows with no new run to compare, and other caveats. */
  notes: string[];
}

/** Options for {@link releaseGate}. */
export interface ReleaseGateOptions {
  /** Largest drop that passes, >= 0; default {@link DEFAULT_TOLERANCE}. */
  tolerance?: number;
}

/**
 * Checks a parsed Table I JSON (`report --format json`): an object with `columns` (each with
 * `opId`) and `rows` (each with `detector`, `trainSet`, `cells`, `values`). Throws a
 * `MetricError` naming what is missing (the caller adds the file name).
 */
export function storedTable(json: unknown): TableOne {
  const t = json as Partial<TableOne> | null;
  if (t === null || typeof t !== "object" || !Array.isArray(t.columns) || !Array.isArray(t.rows)) {
    throw new MetricError(
      "not a Table I JSON (no columns and rows): write one with " +
        `\`${commandLine("report", "--format json")}\``,
    );
  }
  for (const [i, row] of t.rows.entries()) {
    if (typeof row?.detector !== "string" || typeof row.values !== "object" || !row.values) {
      throw new MetricError(`row ${i + 1} has no detector or values: not a Table I JSON row`);
    }
  }
  return t as TableOne;
}

/**
 * Scores `current` (the new run's Table I, in the stored table's metric) against `baseline`.
 * Rows are matched by run id, else by detector, training set and run qualifier; a lone baseline
 * row and a lone new row are matched whatever their names (a new checkpoint of the same
 * detector). A baseline row with no match fails the gate (a note names it); new rows without a
 * baseline are ignored with a note. Throws a `MetricError` for a negative tolerance or when the
 * two tables are in different metrics.
 */
export function releaseGate(
  baseline: TableOne,
  current: TableOne,
  options: ReleaseGateOptions = {},
): GateResult {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (!(tolerance >= 0)) throw new MetricError(`tolerance must be >= 0, not ${tolerance}`);
  const metricId = baseline.metric ?? AUC_METRIC.id;
  if ((current.metric ?? AUC_METRIC.id) !== metricId) {
    throw new MetricError(
      `the stored table is in ${metricId}, the new one in ${current.metric ?? AUC_METRIC.id}`,
    );
  }
  const metric = tableMetric(metricId);
  const notes: string[] = [];
  const rows: GateRow[] = [];
  const used = new Set<TableRow>();
  for (const base of baseline.rows) {
    const match = matchRow(base, baseline.rows, current.rows);
    if (match === undefined) {
      notes.push(`No run of the new store matches ${label(base)}: the gate fails.`);
      for (const column of baseline.columns) {
        rows.push(gateRow(base, undefined, column.opId, metric, tolerance));
      }
      continue;
    }
    used.add(match);
    for (const column of baseline.columns) {
      rows.push(gateRow(base, match, column.opId, metric, tolerance));
    }
  }
  for (const row of current.rows) {
    if (!used.has(row)) notes.push(`${label(row)} has no row in the stored table: not gated.`);
  }
  return {
    metric: metricId,
    tolerance,
    test: GATE_TEST,
    rows,
    passed: rows.every((r) => r.status === "ok"),
    notes,
  };
}

function label(row: TableRow): string {
  return modelLabel(row.detector, row.trainSet, row.run);
}

function matchRow(
  base: TableRow,
  baseRows: readonly TableRow[],
  rows: readonly TableRow[],
): TableRow | undefined {
  if (base.runId !== undefined) {
    const same = rows.find((r) => r.runId === base.runId);
    if (same) return same;
  }
  const named = rows.filter((r) =>
    r.detector === base.detector && r.trainSet === base.trainSet &&
    (r.run ?? "") === (base.run ?? "")
  );
  if (named.length === 1) return named[0];
  if (baseRows.length === 1 && rows.length === 1) return rows[0];
  return undefined;
}

// One operation: stored against new, the drop, its test and its status.
function gateRow(
  base: TableRow,
  row: TableRow | undefined,
  opId: string,
  metric: TableMetric,
  tolerance: number,
): GateRow {
  const stored = base.values[opId] ?? null;
  const value = row?.values[opId] ?? null;
  const baseCell: Partial<TableCell> = base.cells?.[opId] ?? {};
  const cell: Partial<TableCell> = row?.cells[opId] ?? {};
  const drop = stored === null || value === null
    ? null
    : metric.higherIsBetter
    ? stored - value
    : value - stored;
  const notes: string[] = [];
  let p: number | null = null;
  if (drop !== null && metric.id === AUC_METRIC.id) {
    const seBase = intervalSe(baseCell);
    const seNew = intervalSe(cell);
    if (seBase !== null && seNew !== null && seBase + seNew > 0) {
      p = 1 - _normalCdf(drop / Math.sqrt(seBase ** 2 + seNew ** 2));
    } else if (seBase === null || seNew === null) {
      notes.push("no 95% interval on both sides (--resamples 0?): no p");
    }
  }
  if (
    typeof baseCell.n === "number" && typeof cell.n === "number" && baseCell.n !== cell.n
  ) {
    notes.push(`other videos: n ${cell.n} now, ${baseCell.n} stored`);
  }
  const status = stored !== null && value === null
    ? "missing"
    : drop !== null && drop > tolerance + 1e-12
    ? "regressed"
    : "ok";
  if (status === "missing") {
    notes.push(row === undefined ? "no matching run" : "no value in the new run");
  }
  return {
    baselineRun: label(base),
    run: row ? label(row) : "",
    opId,
    baseline: stored,
    value,
    drop,
    baselineN: typeof baseCell.n === "number" ? baseCell.n : null,
    n: typeof cell.n === "number" ? cell.n : null,
    p,
    significant: p === null ? null : p <= GATE_SIGNIFICANCE,
    status,
    ...(notes.length ? { note: notes.join("; ") } : {}),
  };
}

// The standard error a 95% percentile interval implies (normal approximation); null without one.
function intervalSe(cell: Partial<TableCell>): number | null {
  const { ciLow, ciHigh } = cell;
  if (typeof ciLow !== "number" || typeof ciHigh !== "number") return null;
  return (ciHigh - ciLow) / (2 * 1.959963984540054);
}
