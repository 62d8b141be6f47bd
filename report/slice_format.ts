/**
 * Table I per slice (`report --by`, metrics/slices.ts) in every report format: Markdown (one
 * table per slice), CSV (long form, one line per slice x run x operation), a JSON record and
 * HTML tables. Every form says which protocol the AUCs follow (a slice's fakes against all
 * reals, or within the slice), gives `n` per cell (fakes and reals) and, per processed cell,
 * DeLong's p against the slice's Unaltered cell with Holm's correction within the slice's row;
 * a cell too small for the test says so instead of a p-value.
 * @module
 */
import { AUC_METRIC } from "../metrics/cell_metrics.ts";
import { significantDrop } from "../metrics/cell_comparisons.ts";
import { type TableMetric, tableMetric } from "../metrics/decision_metrics.ts";
import { type Slice, sliceProtocolText, TOO_SMALL_NOTE } from "../metrics/slices.ts";
import { type TableCell, type TableOne, tableOne, type TableRow } from "../metrics/table.ts";
import { modelLabel } from "../metrics/op_auc.ts";
import { opLabel } from "../ops/catalog.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { csvText, type CsvValue } from "../util/csv.ts";
import { joinHtml, safeHtml } from "../util/html.ts";
import { markdownText } from "../util/markdown.ts";
import { DROP_MARK } from "./table_format.ts";
import { videoCountWords } from "./video_count.ts";

/** One slice's Table I, in the asked metric. */
export interface SliceTable {
  value: string;
  table: TableOne;
}

/** The slices' Table I records in `metric` (an id of the metric registry; default AUC). */
export function sliceTables(slices: readonly Slice[], metric?: string): SliceTable[] {
  const m = tableMetric(metric ?? AUC_METRIC.id);
  return slices.map((s) => ({ value: s.value, table: tableOne(s.cells, { metric: m }) }));
}

/** The sentence under every slice view: what the AUCs rank and how p is corrected. */
export function sliceCaption(slices: readonly Slice[]): string {
  if (slices.length === 0) return "";
  const { by, protocol } = slices[0];
  return `Table I per ${by}: ${sliceProtocolText(protocol)}. n = fakes + reals behind a cell. ` +
    "p: DeLong's test against the slice's Unaltered cell on the same videos, Holm-adjusted " +
    `within the slice's row; ${DROP_MARK} = significant drop (Holm p ≤ 0.05); a slice too small ` +
    "for the test says so instead of a p-value.";
}

/** The slices as Markdown: the caption, then one table per slice (`### method: Deepfakes`). */
export function sliceMarkdown(slices: readonly Slice[], metric?: string): string {
  if (slices.length === 0) return "";
  const m = tableMetric(metric ?? AUC_METRIC.id);
  const parts = [`## Table I per ${slices[0].by}\n`, `${sliceCaption(slices)}\n`];
  for (const { value, table } of sliceTables(slices, metric)) {
    const heads = ["Detector", ...table.columns.map((c) => opLabel(c.opId))];
    parts.push(`### ${markdownText(`${slices[0].by}: ${value}`)}\n`);
    parts.push(`| ${heads.map(markdownText).join(" | ")} |`);
    parts.push(`| ${heads.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
    for (const row of table.rows) {
      const cells = table.columns.map((c) => cellText(row.cells[c.opId], row, c.opId, m));
      parts.push(`| ${[rowLabel(row), ...cells].map(markdownText).join(" | ")} |`);
    }
    parts.push("");
  }
  return parts.join("\n");
}

/**
 * The slices as CSV, one line per slice x run x operation: `by,slice,protocol,detector,
 * train_set,run,run_id,op_id,metric,value,n,n_fake,n_real,delta,p,p_holm,test` (`test`: empty,
 * or why no p, e.g. "too few videos for a test (1 fake, 6 real; ...)").
 */
export function sliceCsv(slices: readonly Slice[], metric?: string): string {
  const m = tableMetric(metric ?? AUC_METRIC.id);
  const lines: CsvValue[][] = [[
    "by",
    "slice",
    "protocol",
    "detector",
    "train_set",
    "run",
    "run_id",
    "op_id",
    "metric",
    "value",
    "n",
    "n_fake",
    "n_real",
    "delta",
    "p",
    "p_holm",
    "test",
  ]];
  for (const [i, { value, table }] of sliceTables(slices, metric).entries()) {
    for (const row of table.rows) {
      for (const c of table.columns) {
        const cell = row.cells[c.opId];
        if (cell === undefined) continue;
        lines.push([
          slices[i].by,
          value,
          slices[i].protocol,
          row.detector,
          row.trainSet,
          row.run ?? "",
          row.runId ?? "",
          c.opId,
          m.id,
          num(row.values[c.opId]),
          cell.n,
          cell.nFake,
          cell.nReal,
          num(cell.deltaAuc ?? null),
          num(cell.p ?? null),
          num(cell.pHolm ?? null),
          tooSmall(cell) ?? "",
        ]);
      }
    }
  }
  return csvText(lines);
}

/** The slices as a JSON-ready record: `by`, `protocol`, `protocolText`, each slice's Table I. */
export function sliceJson(
  slices: readonly Slice[],
  metric?: string,
): { by: string; protocol: string; protocolText: string; slices: SliceTable[] } | undefined {
  if (slices.length === 0) return undefined;
  return {
    by: slices[0].by,
    protocol: slices[0].protocol,
    protocolText: sliceProtocolText(slices[0].protocol),
    slices: sliceTables(slices, metric),
  };
}

/** The slices as an HTML section (`<section id="slices">`): caption and one table per slice. */
export function sliceHtml(slices: readonly Slice[] | undefined, metric?: string): string {
  if (slices === undefined || slices.length === 0) return "";
  const m = tableMetric(metric ?? AUC_METRIC.id);
  const tables = sliceTables(slices, metric).map(({ value, table }) =>
    safeHtml`<h3>${slices[0].by}: ${value}</h3>
<table class="table-one slice"><thead><tr><th>Detector</th>${
      table.columns.map((c) => safeHtml`<th>${opLabel(c.opId)}</th>`)
    }</tr></thead><tbody>${
      table.rows.map((row) =>
        safeHtml`<tr><th scope="row">${rowLabel(row)}</th>${
          table.columns.map((c) =>
            safeHtml`<td title="${row.cells[c.opId]?.note ?? ""}">${
              cellText(row.cells[c.opId], row, c.opId, m)
            }</td>`
          )
        }</tr>`
      )
    }</tbody></table>`
  );
  return String(safeHtml`<section id="slices">
<h2>Table I per ${slices[0].by}</h2>
<p class="caption">${sliceCaption(slices)}</p>
${joinHtml(tables, "\n")}
</section>`);
}

// "0.912 ▼ (n=30: 10 fake, 20 real; Holm p=0.004)", "0.700 (n=7: 1 fake, 6 real; too few videos
// for a test)", "–" where the run has no such copy.
function cellText(
  cell: TableCell | undefined,
  row: TableRow,
  opId: string,
  metric: TableMetric,
): string {
  if (cell === undefined) return "–";
  const value = row.values[opId];
  const text = value === null ? "–" : value.toFixed(metric.digits);
  const mark = metric.id === AUC_METRIC.id && significantDrop(cell) ? ` ${DROP_MARK}` : "";
  const n = `n=${cell.n}: ${videoCountWords(cell.nFake, cell.nReal)}`;
  if (opId === UNALTERED_ID) return `${text} (${n})`;
  const small = tooSmall(cell);
  const test = small !== null
    ? small
    : typeof cell.pHolm === "number"
    ? `p${pText(cell.p!)}, Holm p${pText(cell.pHolm)}`
    : "no test";
  return `${text}${mark} (${n}; ${test})`;
}

function tooSmall(cell: TableCell): string | null {
  const note = (cell.note ?? "").split("; ").find((n) => n.startsWith(TOO_SMALL_NOTE));
  return note ?? null;
}

function pText(p: number): string {
  return p < 0.001 ? "<0.001" : `=${p.toFixed(3)}`;
}

function num(v: number | null): string {
  return v === null || !Number.isFinite(v) ? "" : String(v);
}

function rowLabel(row: TableRow): string {
  return modelLabel(row.detector, row.trainSet, row.run);
}
