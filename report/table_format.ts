/**
 * Table I (metrics/table.ts) in the formats people paste or parse: Markdown, CSV, JSON and an
 * HTML table with the paper's grouped category headers and short column headers. AUC values are
 * printed with `digits` decimals (default 3); a missing value prints as `–` (Markdown, HTML) or an
 * empty field (CSV) or null (JSON).
 * @module
 */
import { csvField } from "../dataset/manifest.ts";
import type { TableOne, TableRow } from "../metrics/table.ts";

/** Options shared by the Table I formatters. */
export interface TableFormatOptions {
  /** Decimals of AUC values. Default 3. */
  digits?: number;
  /** Add one mean column per altered category. Default false (the paper shows none). */
  categoryMeans?: boolean;
}

// Column headers are presentation: the paper's order and categories come from ops/catalog.ts.
const OP_LABELS: Record<string, string> = {
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

/** The short header of an operation column (`h264_crf40` -> `CRF 40`; others: the op id). */
export function opLabel(opId: string): string {
  return OP_LABELS[opId] ?? opId;
}

/** The display name of a category (`compression` -> `Compression`). */
export function categoryLabel(category: string): string {
  return category.charAt(0).toUpperCase() + category.slice(1);
}

/** Table I as a GitHub-flavoured Markdown table (headers `Category: op`). */
export function tableMarkdown(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const heads = ["Detector", "Train set", ...headerCells(table, options).map((h) => h.text)];
  const lines = [
    `| ${heads.map(escapeMd).join(" | ")} |`,
    `| ${heads.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const row of table.rows) {
    const cells = [
      row.detector,
      row.trainSet || "–",
      ...rowValues(table, row, options).map((v) => fmt(v, digits, "–")),
    ];
    lines.push(`| ${cells.map(escapeMd).join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

/** Table I as CSV: `detector,train_set,<op ids...>[,mean_<category>...],average`. */
export function tableCsv(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const heads = ["detector", "train_set", ...headerCells(table, options).map((h) => h.key)];
  const lines = [heads.map(csvField).join(",")];
  for (const row of table.rows) {
    const cells = [
      row.detector,
      row.trainSet,
      ...rowValues(table, row, options).map((v) => fmt(v, digits, "")),
    ];
    lines.push(cells.map(csvField).join(","));
  }
  return lines.join("\n") + "\n";
}

/**
 * Table I as pretty JSON (the {@link TableOne} record, every column, values unrounded), with the
 * members of `extra` added beside it (the report adds `damagedParts`).
 */
export function tableJson(table: TableOne, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...table, ...extra }, null, 2) + "\n";
}

/**
 * Table I as an HTML `<table class="table-one">` with a category header row above the operation
 * headers, as in the paper. Text is escaped.
 */
export function tableHtml(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const groups: { label: string; span: number }[] = [];
  for (const column of table.columns) {
    const label = categoryLabel(column.category);
    const last = groups[groups.length - 1];
    if (last && last.label === label && column.category !== "unaltered") last.span++;
    else groups.push({ label, span: 1 });
  }
  const heads = headerCells(table, options);
  const extra = heads.slice(table.columns.length);
  const top = [
    `<th rowspan="2">Detector</th><th rowspan="2">Train set</th>`,
    ...groups.map((g) => `<th colspan="${g.span}">${escapeHtml(g.label)}</th>`),
    extra.length ? `<th colspan="${extra.length}">Mean</th>` : "",
  ].join("");
  const second = heads.map((h) => `<th>${escapeHtml(h.short)}</th>`).join("");
  const keys = heads.map((h) => h.key);
  const body = table.rows.map((row) => {
    const values = rowValues(table, row, options);
    const best = values.map((v) =>
      v !== null && v === Math.max(...values.filter((x) => x !== null) as number[])
    );
    return `<tr><th scope="row">${escapeHtml(row.detector)}</th><td>${
      escapeHtml(row.trainSet || "–")
    }</td>` +
      values.map((v, i) => {
        const cell = row.cells[keys[i]];
        const title = typeof cell?.ciLow === "number" && typeof cell.ciHigh === "number"
          ? ` title="95% CI ${cell.ciLow.toFixed(digits)}–${cell.ciHigh.toFixed(digits)}"`
          : "";
        return `<td${best[i] ? ' class="best"' : ""}${title}>${fmt(v, digits, "–")}</td>`;
      }).join("") +
      "</tr>";
  }).join("\n");
  return `<table class="table-one">\n<thead><tr>${top}</tr>\n<tr>${second}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n`;
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
      text: c.category === "unaltered" || label === categoryLabel(c.category)
        ? label
        : `${categoryLabel(c.category)}: ${label}`,
      short: c.category === "unaltered" ? "" : label,
    };
  });
  if (options.categoryMeans) {
    for (const category of table.categories.filter((c) => c !== "unaltered")) {
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
    for (const category of table.categories.filter((c) => c !== "unaltered")) {
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

/** Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}
