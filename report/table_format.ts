/**
 * Table I (metrics/table.ts) in the formats people paste or parse: Markdown, CSV, JSON and an
 * HTML table with the paper's grouped category headers and short column headers. AUC values are
 * printed with `digits` decimals (default 3), the number of videos behind each (`n`) and the
 * share of their sampled frames with a face scored (metrics/face_share.ts); a
 * missing value prints as `–` (Markdown, HTML) or an empty field (CSV) or null (JSON), and a
 * cell with no video scored as "no videos scored" (its note says why). Where the cells carry
 * paired statistics against Unaltered (from `opAucs`), Markdown and CSV print them, and
 * Markdown and HTML mark the drops significant after Holm's correction with {@link DROP_MARK}
 * ({@link significanceLegend} says so in a sentence). A row that is one of several runs of its
 * detector and training set is named `detector (qualifier)` (`sbi (faces: ultraface)`;
 * store/run_labels.ts) in Markdown and HTML; CSV adds `run` and `run_id` columns, JSON the row's
 * `run`.
 * @module
 */
import { AUC_METRIC } from "../metrics/cell_metrics.ts";
import { type TableMetric, tableMetric } from "../metrics/decision_metrics.ts";
import { SIGNIFICANCE_LEVEL, significantDrop } from "../metrics/cell_comparisons.ts";
import { type FaceShare, faceShareText } from "../metrics/face_share.ts";
import { NO_VIDEOS_SCORED } from "../metrics/op_auc.ts";
import { opLabel } from "../ops/catalog.ts";
import { DECISION_CSV_COLUMNS, hasDecisionView, thresholdCsv } from "./decision_format.ts";
import type { TableCell, TableOne, TableRow } from "../metrics/table.ts";
import type { Pairing } from "../metrics/video_set.ts";
import type { LeftOutVideo } from "../store/left_out.ts";
import type { StoreProblem } from "../store/store.ts";
import { UNALTERED_CATEGORY } from "../ops/unaltered.ts";
import { csvText } from "../util/csv.ts";
import { joinHtml, raw, safeHtml } from "../util/html.ts";
import { markdownText } from "../util/markdown.ts";

/** Options shared by the Table I formatters. */
export interface TableFormatOptions {
  /** Decimals of AUC values. Default 3. */
  digits?: number;
  /** Add one mean column per altered category. Default false (the paper shows none). */
  categoryMeans?: boolean;
  /**
   * Per op id, how much the operation changed the videos (report/quality_view.ts
   * `qualityCaptions`: `31.2 dB, 180 kbit/s`), added to the column's header after ` — `.
   */
  columnQuality?: Record<string, string>;
  /**
   * Per op id, the mean PSNR-Y (dB) and bitrate (kbit/s) of its copies (report/quality_view.ts
   * `qualityNumbers`): CSV adds `psnr_y_<op>` and `bitrate_kbps_<op>` columns after the rest
   * (empty where unknown or infinite).
   */
  columnQualityNumbers?: Record<string, { psnrY: number | null; bitrateKbps: number | null }>;
}

/** The mark of a drop in AUC that is significant after Holm's correction (Table I, charts). */
export const DROP_MARK = "▼";

/** The display name of a category (`compression` -> `Compression`). */
export function categoryLabel(category: string): string {
  return category.charAt(0).toUpperCase() + category.slice(1);
}

/**
 * Table I as a GitHub-flavoured Markdown table (headers `Category: op`); an operation cell reads
 * `0.950 (n=10)`, `– (n=10)` when the AUC is undefined, `no videos scored`, or `–` when the run
 * has no such copy; a cell with a face share (metrics/face_share.ts) adds it after the rest,
 * `0.950 (n=6; face 80/192 frames (42%), 6 videos)`. A processed cell with paired statistics reads
 * `0.812 ▼ (n=48, Δ -0.188 [-0.250, -0.120], p<0.001, Holm p=0.004)`: delta AUC (processed
 * minus unaltered) with its paired bootstrap interval, DeLong's p and Holm's, and ▼ when the drop
 * is significant after Holm's correction. The table alone: {@link significanceLegend} explains
 * the mark.
 */
export function tableMarkdown(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const stats = hasPairedStats(table);
  const heads = ["Detector", "Train set", ...headerCells(table, options).map((h) => h.text)];
  const lines = [
    `| ${heads.map(markdownText).join(" | ")} |`,
    `| ${heads.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const row of table.rows) {
    const values = rowValues(table, row, options);
    const cells = [
      markdownText(rowName(row)),
      markdownText(row.trainSet || "–"),
      ...values.map((v, i) => {
        const cell = i < table.columns.length ? row.cells[table.columns[i].opId] : undefined;
        if (cell === undefined) return fmt(v, digits, "–");
        if (cell.n === 0) return NO_VIDEOS_SCORED;
        const faces = cell.faceShare ? `; ${faceShareText(cell.faceShare)}` : "";
        if (!stats || cell.p === undefined) return `${fmt(v, digits, "–")} (n=${cell.n}${faces})`;
        return `${fmt(v, digits, "–")}${significantDrop(cell) ? ` ${DROP_MARK}` : ""} ` +
          `(${[`n=${cell.n}`, ...statsParts(cell, digits)].join(", ")}${faces})`;
      }).map(escapeMd),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Table I as CSV: `detector,train_set,<op ids...>[,mean_<category>...],average,n_<op ids...>`,
 * and where some row is one of several runs of its detector and training set, `run` (its
 * qualifier in words, empty for the others) and `run_id` after `train_set`;
 * `n_<op>` is the number of videos behind the column's AUC (0 = no video scored, empty = no
 * such copy). Where some cell has a paired statistic, then for every processed column
 * `delta_<op>` (AUC minus Unaltered's), `delta_ci_low_<op>`, `delta_ci_high_<op>` (paired
 * bootstrap), `p_<op>` (DeLong) and `p_holm_<op>` (Holm-adjusted over the row); p-values with 3
 * significant digits, empty where not computed. Where some cell has a face share
 * (metrics/face_share.ts), last for every column `face_frames_<op>` (sampled frames with a face
 * scored), `read_frames_<op>` (sampled frames read) and `face_videos_<op>` (their videos).
 * Where some row has a decision view (metrics/decision.ts), last `threshold`, `threshold_rule`
 * and for every column the decision fields (report/decision_format.ts `DECISION_CSV_COLUMNS`:
 * `tpr_<op>`, `fpr_<op>`, `delta_tpr_<op>`, `p_tpr_holm_<op>`, `fails_<op>`, ...).
 */
export function tableCsv(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const compared = hasPairedStats(table)
    ? table.columns.filter((c) => c.category !== UNALTERED_CATEGORY)
    : [];
  const statColumns: [prefix: string, value: (cell: TableCell) => string][] = [
    ["delta_", (c) => fmt(c.deltaAuc ?? null, digits, "")],
    ["delta_ci_low_", (c) => fmt(c.deltaCiLow ?? null, digits, "")],
    ["delta_ci_high_", (c) => fmt(c.deltaCiHigh ?? null, digits, "")],
    ["p_", (c) => pValueCsv(c.p)],
    ["p_holm_", (c) => pValueCsv(c.pHolm)],
  ];
  // The face share's counts (metrics/face_share.ts), where some cell has one.
  const faced = table.rows.some((r) => Object.values(r.cells).some((c) => c.faceShare))
    ? table.columns
    : [];
  const faceColumns: [prefix: string, value: (share: FaceShare) => number][] = [
    ["face_frames_", (f) => f.framesWithFace],
    ["read_frames_", (f) => f.framesRead],
    ["face_videos_", (f) => f.videos],
  ];
  const decided = hasDecisionView(table);
  const decisionColumns = decided ? DECISION_CSV_COLUMNS : [];
  const runs = table.rows.some((row) => row.run);
  const heads = [
    "detector",
    "train_set",
    ...(runs ? ["run", "run_id"] : []),
    ...headerCells(table, options).map((h) => h.key),
    ...table.columns.map((c) => `n_${c.opId}`),
    ...statColumns.flatMap(([prefix]) => compared.map((c) => `${prefix}${c.opId}`)),
    ...faceColumns.flatMap(([prefix]) => faced.map((c) => `${prefix}${c.opId}`)),
    ...(decided ? ["threshold", "threshold_rule"] : []),
    ...decisionColumns.flatMap(([prefix]) => table.columns.map((c) => `${prefix}${c.opId}`)),
  ];
  const rows = table.rows.map((row) => [
    row.detector,
    row.trainSet,
    ...(runs ? [row.run ?? "", row.runId ?? ""] : []),
    ...rowValues(table, row, options).map((v) => fmt(v, digits, "")),
    ...table.columns.map((c) => row.cells[c.opId]?.n),
    ...statColumns.flatMap(([, value]) =>
      compared.map((c) => row.cells[c.opId] ? value(row.cells[c.opId]) : "")
    ),
    ...faceColumns.flatMap(([, value]) =>
      faced.map((c) => {
        const share = row.cells[c.opId]?.faceShare;
        return share ? value(share) : "";
      })
    ),
    ...(decided ? thresholdCsv(row) : []),
    ...decisionColumns.flatMap(([, value]) =>
      table.columns.map((c) => {
        const decision = row.cells[c.opId]?.decision;
        return decision ? value(decision) : "";
      })
    ),
  ]);
  const q = options.columnQualityNumbers;
  if (!q || Object.keys(q).length === 0) return csvText([heads, ...rows]);
  const qualityHeads = [
    ...table.columns.map((c) => `psnr_y_${c.opId}`),
    ...table.columns.map((c) => `bitrate_kbps_${c.opId}`),
  ];
  const qualityCells = [
    ...table.columns.map((c) => fmt(q[c.opId]?.psnrY ?? null, 2, "")),
    ...table.columns.map((c) => fmt(q[c.opId]?.bitrateKbps ?? null, 1, "")),
  ];
  return csvText([[...heads, ...qualityHeads], ...rows.map((r) => [...r, ...qualityCells])]);
}

/**
 * One sentence for the reader on what {@link DROP_MARK} means in this table, with the size of
 * the Holm family (the processed cells of a row that have a p-value); null when no cell has a
 * p-value (hand-made cells, frame level, another metric than AUC).
 */
export function significanceLegend(table: TableOne): string | null {
  if (!hasPairedStats(table)) return null;
  const sizes = table.rows.map((row) =>
    Object.values(row.cells).filter((c) => typeof c.p === "number").length
  ).filter((m) => m > 0);
  if (sizes.length === 0) return null;
  const distinct = [...new Set(sizes)].sort((a, b) => a - b);
  const family = distinct.length === 1
    ? `the ${distinct[0]} comparison${distinct[0] === 1 ? "" : "s"} of the row`
    : `the comparisons of its row (${distinct.join(" or ")})`;
  return `${DROP_MARK} marks a drop in AUC that is significant after Holm's correction for ` +
    `${family} (DeLong's test against Unaltered on the same videos, Holm-adjusted ` +
    `p ≤ ${SIGNIFICANCE_LEVEL}).`;
}

/** Options for {@link tableJson}: what the table's videos leave out, added as fields. */
export interface TableJsonOptions {
  /** Added as `pairing`. */
  pairing?: Pairing;
  /** Added as `leftOut`: every video left out of an AUC, with its reason. */
  leftOut?: readonly LeftOutVideo[];
  /** Added as `damagedParts`: store parts that could not be read (path and reason). */
  damagedParts?: readonly StoreProblem[];
  /** Added as `warnings`: the store's warnings (store/warnings.ts), each once. */
  warnings?: readonly string[];
  /**
   * Added as `quality`: per op id, how much the operation changed the videos (mean and spread of
   * PSNR-Y, SSIM-Y, bitrate and size: report/quality_view.ts `OpQuality`).
   */
  quality?: Record<string, unknown>;
}

/**
 * Table I as pretty JSON: the {@link TableOne} record, every column, values unrounded; each
 * row's `cells` carry `n`, `nReal` and `nFake` (TableCell, metrics/table.ts), `faceShare`
 * (`framesWithFace`, `framesRead`, `videos`, `share`: metrics/face_share.ts) and, on processed
 * cells from `opAucs`, the paired statistics against Unaltered (`deltaAuc`, `deltaCiLow`,
 * `deltaCiHigh`, `p`, `pHolm`); plus `pairing`, `leftOut` and `warnings` when given, and
 * `damagedParts` (the report always adds it and `warnings`).
 */
export function tableJson(table: TableOne, options: TableJsonOptions = {}): string {
  return JSON.stringify({ ...table, ...options }, null, 2) + "\n";
}

/**
 * Table I as an HTML `<table class="table-one">` with a category header row above the operation
 * headers, as in the paper; each operation cell shows its AUC and, below it, `n` and the face
 * share when the cell has one (`face 80/192 frames (42%), 6 videos`; real and fake counts and
 * the interval in its tooltip); a cell with no video scored reads "no videos scored"
 * with its note as tooltip. Text is escaped.
 */
export function tableHtml(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const metric = tableMetric(table.metric ?? AUC_METRIC.id);
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
      const mark = metric.id === AUC_METRIC.id && significantDrop(cell)
        ? safeHtml`<span class="drop" title="significant drop">${DROP_MARK}</span>`
        : "";
      const faces = cell.faceShare
        ? safeHtml`<span class="faces">${faceShareText(cell.faceShare)}</span>`
        : "";
      return safeHtml`<td${bold} title="${cellTitle(cell, digits, metric)}">${
        fmt(v, digits, "–")
      }${mark}<span class="n">n=${cell.n}</span>${faces}</td>`;
    });
    return safeHtml`<tr><th scope="row">${rowName(row)}</th><td>${
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
function cellTitle(cell: TableCell, digits: number, metric: TableMetric): string {
  const parts = [`${cell.nReal} real, ${cell.nFake} fake`];
  if (
    metric.id === AUC_METRIC.id && typeof cell.ciLow === "number" &&
    typeof cell.ciHigh === "number"
  ) {
    parts.push(`95% CI ${cell.ciLow.toFixed(digits)}–${cell.ciHigh.toFixed(digits)}`);
  }
  if (metric.id === AUC_METRIC.id && cell.p !== undefined && typeof cell.deltaAuc === "number") {
    const interval = typeof cell.deltaCiLow === "number" && typeof cell.deltaCiHigh === "number"
      ? ` (95% paired CI ${cell.deltaCiLow.toFixed(digits)} to ${cell.deltaCiHigh.toFixed(digits)})`
      : "";
    parts.push(`delta AUC ${cell.deltaAuc.toFixed(digits)}${interval}`);
    if (typeof cell.p === "number" && typeof cell.pHolm === "number") {
      parts.push(`DeLong p${pValueText(cell.p)}, Holm p${pValueText(cell.pHolm)}`);
    }
  }
  if (cell.note) parts.push(cell.note);
  return parts.join("; ");
}

// True when the table shows AUC and some cell has a paired statistic (opAucs' cells do, unless
// none could be computed: then no format shows empty statistics).
function hasPairedStats(table: TableOne): boolean {
  return table.metric === undefined &&
    table.rows.some((row) =>
      Object.values(row.cells).some((c) =>
        typeof c.p === "number" || typeof c.deltaCiLow === "number"
      )
    );
}

// "Δ -0.188 [-0.250, -0.120]", "p=0.003", "Holm p=0.012": the paired statistics of a cell,
// each left out where missing.
function statsParts(cell: TableCell, digits: number): string[] {
  const parts: string[] = [];
  if (typeof cell.deltaAuc === "number") {
    const interval = typeof cell.deltaCiLow === "number" && typeof cell.deltaCiHigh === "number"
      ? ` [${cell.deltaCiLow.toFixed(digits)}, ${cell.deltaCiHigh.toFixed(digits)}]`
      : "";
    parts.push(`Δ ${cell.deltaAuc.toFixed(digits)}${interval}`);
  }
  if (typeof cell.p === "number") parts.push(`p${pValueText(cell.p)}`);
  if (typeof cell.pHolm === "number") parts.push(`Holm p${pValueText(cell.pHolm)}`);
  return parts;
}

// "=0.034", "<0.001": a p-value for people.
function pValueText(p: number): string {
  return p < 0.001 ? "<0.001" : `=${p.toFixed(3)}`;
}

// A p-value for machines: 3 significant digits ("0.0341", "1.82e-5"), empty when missing.
function pValueCsv(p: number | null | undefined): string {
  if (typeof p !== "number") return "";
  return p === 0 ? "0" : String(Number(p.toPrecision(3)));
}

// The Detector column of a row: the detector, and the run's qualifier where the table holds
// several runs of its detector and training set (`sbi (faces: ultraface)`).
function rowName(row: TableRow): string {
  return row.run ? `${row.detector} (${row.run})` : row.detector;
}

function headerCells(
  table: TableOne,
  options: TableFormatOptions,
): { key: string; text: string; short: string }[] {
  const heads = table.columns.map((c) => {
    const label = opLabel(c.opId);
    const quality = options.columnQuality?.[c.opId];
    const q = quality ? ` — ${quality}` : "";
    return {
      key: c.opId,
      // "Noise: Noise" says nothing more than "Noise".
      text: (c.category === UNALTERED_CATEGORY || label === categoryLabel(c.category)
        ? label
        : `${categoryLabel(c.category)}: ${label}`) + q,
      short: c.category === UNALTERED_CATEGORY ? (quality ?? "") : label + q,
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

/** Escapes the table-cell break in text dfrobust formats itself (numbers, counts). */
function escapeMd(text: string): string {
  return text.replaceAll("|", "\\|");
}
