/**
 * Table I (metrics/table.ts) in the formats people paste or parse: Markdown, CSV, JSON and an
 * HTML table with the paper's grouped category headers and short column headers. AUC values are
 * printed with `digits` decimals (default 3) and the number of videos behind each (`n`); a
 * missing value prints as `–` (Markdown, HTML) or an empty field (CSV) or null (JSON), and a
 * cell with no video scored as "no videos scored" (its note says why).
 * @module
 */
import { AUC_METRIC, type CellMetric, cellMetric } from "../metrics/cell_metrics.ts";
import { NO_VIDEOS_SCORED } from "../metrics/op_auc.ts";
import { opLabel } from "../ops/catalog.ts";
import type { TableCell, TableOne, TableRow } from "../metrics/table.ts";
import type { Pairing } from "../metrics/video_set.ts";
import type { LeftOutVideo } from "../store/left_out.ts";
import { UNALTERED_CATEGORY } from "../ops/unaltered.ts";
import { csvText } from "../util/csv.ts";
import { joinHtml, raw, safeHtml } from "../util/html.ts";

/** Options shared by the Table I formatters. */
export interface TableFormatOptions {
  /** Decimals of AUC values. Default 3. */
  digits?: number;
  /** Add one mean column per altered category. Default false (the paper shows none). */
  categoryMeans?: boolean;
}

/** The display name of a category (`compression` -> `Compression`). */
export function categoryLabel(category: string): string {
  return category.charAt(0).toUpperCase() + category.slice(1);
}

/**
 * Table I as a GitHub-flavoured Markdown table (headers `Category: op`); an operation cell reads
 * `0.950 (n=10)`, `– (n=10)` when the AUC is undefined, `no videos scored`, or `–` when the run
 * has no such copy.
 */
export function tableMarkdown(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const heads = ["Detector", "Train set", ...headerCells(table, options).map((h) => h.text)];
  const lines = [
    `| ${heads.map(escapeMd).join(" | ")} |`,
    `| ${heads.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const row of table.rows) {
    const values = rowValues(table, row, options);
    const cells = [
      row.detector,
      row.trainSet || "–",
      ...values.map((v, i) => {
        const cell = i < table.columns.length ? row.cells[table.columns[i].opId] : undefined;
        if (cell === undefined) return fmt(v, digits, "–");
        if (cell.n === 0) return NO_VIDEOS_SCORED;
        return `${fmt(v, digits, "–")} (n=${cell.n})`;
      }),
    ];
    lines.push(`| ${cells.map(escapeMd).join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Table I as CSV: `detector,train_set,<op ids...>[,mean_<category>...],average,n_<op ids...>`;
 * `n_<op>` is the number of videos behind the column's AUC (0 = no video scored, empty = no
 * such copy).
 */
export function tableCsv(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const heads = [
    "detector",
    "train_set",
    ...headerCells(table, options).map((h) => h.key),
    ...table.columns.map((c) => `n_${c.opId}`),
  ];
  const rows = table.rows.map((row) => [
    row.detector,
    row.trainSet,
    ...rowValues(table, row, options).map((v) => fmt(v, digits, "")),
    ...table.columns.map((c) => row.cells[c.opId]?.n),
  ]);
  return csvText([heads, ...rows]);
}

/** Options for {@link tableJson}: what the table's videos leave out, added as fields. */
export interface TableJsonOptions {
  /** Added as `pairing`. */
  pairing?: Pairing;
  /** Added as `leftOut`: every video left out of an AUC, with its reason. */
  leftOut?: readonly LeftOutVideo[];
}

/**
 * Table I as pretty JSON: the {@link TableOne} record, every column, values unrounded; each
 * row's `cells` carry `n`, `nReal` and `nFake` (TableCell, metrics/table.ts); plus `pairing` and
 * `leftOut` when given.
 */
export function tableJson(table: TableOne, options: TableJsonOptions = {}): string {
  return JSON.stringify({ ...table, ...options }, null, 2) + "\n";
}

/**
 * Table I as an HTML `<table class="table-one">` with a category header row above the operation
 * headers, as in the paper; each operation cell shows its AUC and, below it, `n` (real and fake
 * counts and the interval in its tooltip); a cell with no video scored reads "no videos scored"
 * with its note as tooltip. Text is escaped.
 */
export function tableHtml(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const metric = cellMetric(table.metric ?? AUC_METRIC.id);
  const groups: { label: string; span: number }[] = [];
  for (const column of table.columns) {
    const label = categoryLabel(column.category);
    const last = groups[groups.length - 1];
    if (last && last.label === label && column.category !== UNALTERED_CATEGORY) last.span++;
    else groups.push({ label, span: 1 });
  }
  const heads = headerCells(table, options);
  const extra = heads.slice(table.columns.length);
  const top = safeHtml`<th rowspan="2">Detector</th><th rowspan="2">Train set</th>${
    groups.map((g) => safeHtml`<th colspan="${g.span}">${g.label}</th>`)
  }${extra.length ? safeHtml`<th colspan="${extra.length}">Mean</th>` : ""}`;
  const second = heads.map((h) => safeHtml`<th>${h.short}</th>`);
  const keys = heads.map((h) => h.key);
  const body = table.rows.map((row) => {
    const values = rowValues(table, row, options);
    const present = values.filter((x) => x !== null) as number[];
    const bestValue = metric.higherIsBetter ? Math.max(...present) : Math.min(...present);
    const best = values.map((v) => v !== null && v === bestValue);
    const cells = values.map((v, i) => {
      const cell = i < table.columns.length ? row.cells[keys[i]] : undefined;
      const bold = best[i] ? raw(' class="best"') : "";
      if (cell === undefined) return safeHtml`<td${bold}>${fmt(v, digits, "–")}</td>`;
      if (cell.n === 0) {
        return safeHtml`<td class="none" title="${
          cell.note ?? NO_VIDEOS_SCORED
        }">${NO_VIDEOS_SCORED}</td>`;
      }
      return safeHtml`<td${bold} title="${cellTitle(cell, digits, metric)}">${
        fmt(v, digits, "–")
      }<span class="n">n=${cell.n}</span></td>`;
    });
    return safeHtml`<tr><th scope="row">${row.detector}</th><td>${
      row.trainSet || "–"
    }</td>${cells}</tr>`;
  });
  return String(safeHtml`<table class="table-one">
<thead><tr>${top}</tr>
<tr>${second}</tr></thead>
<tbody>
${joinHtml(body, "\n")}
</tbody>
</table>
`);
}

// Tooltip of an HTML cell: counts, interval (of the AUC: shown with AUC only), caveat.
function cellTitle(cell: TableCell, digits: number, metric: CellMetric): string {
  const parts = [`${cell.nReal} real, ${cell.nFake} fake`];
  if (
    metric.id === AUC_METRIC.id && typeof cell.ciLow === "number" &&
    typeof cell.ciHigh === "number"
  ) {
    parts.push(`95% CI ${cell.ciLow.toFixed(digits)}–${cell.ciHigh.toFixed(digits)}`);
  }
  if (cell.note) parts.push(cell.note);
  return parts.join("; ");
}

function headerCells(
  table: TableOne,
  options: TableFormatOptions,
): { key: string; text: string; short: string }[] {
  const heads = table.columns.map((c) => {
    const label = opLabel(c.opId);
    return {
      key: c.opId,
      // "Noise: Noise" says nothing more than "Noise".
      text: c.category === UNALTERED_CATEGORY || label === categoryLabel(c.category)
        ? label
        : `${categoryLabel(c.category)}: ${label}`,
      short: c.category === UNALTERED_CATEGORY ? "" : label,
    };
  });
  if (options.categoryMeans) {
    for (const category of table.categories.filter((c) => c !== UNALTERED_CATEGORY)) {
      const label = categoryLabel(category);
      heads.push({ key: `mean_${category}`, text: `Mean ${label}`, short: label });
    }
  }
  heads.push({ key: "average", text: "Average", short: "Average" });
  return heads;
}

function rowValues(
  table: TableOne,
  row: TableRow,
  options: TableFormatOptions,
): (number | null)[] {
  const values = table.columns.map((c) => row.values[c.opId] ?? null);
  if (options.categoryMeans) {
    for (const category of table.categories.filter((c) => c !== UNALTERED_CATEGORY)) {
      values.push(row.categoryMeans[category] ?? null);
    }
  }
  values.push(row.average);
  return values;
}

function fmt(value: number | null, digits: number, missing: string): string {
  return value === null || !Number.isFinite(value) ? missing : value.toFixed(digits);
}

function escapeMd(text: string): string {
  return text.replaceAll("|", "\\|");
}
