/**
 * Table I (metrics/table.ts) in the formats people paste or parse: Markdown, CSV, JSON and an
 * HTML table with the paper's grouped category headers and short column headers. AUC values are
 * printed with `digits` decimals (default 3), the number of videos behind each (`n`) and the
 * share of their sampled frames with a face scored (metrics/face_share.ts); a
 * missing value prints as `–` (Markdown, HTML) or an empty field (CSV) or null (JSON), and a
 * cell with no video scored as "no videos scored" (its note says why). Markdown's Table I is
 * numbers only ({@link tableTitle} names its metric); `n`, intervals and p-values go to its
 * second table ({@link tableDetailsMarkdown}). Where the cells carry paired statistics against
 * Unaltered (from `opAucs`), the details, CSV and the HTML cells print them, and
 * Markdown and HTML mark the drops significant after Holm's correction with {@link DROP_MARK}
 * ({@link significanceLegend} says so in a sentence). A row that is one of several runs of its
 * detector and training set is named `detector (qualifier)` (`sbi (faces: ultraface)`;
 * store/run_labels.ts) in Markdown and HTML; CSV adds `run` and `run_id` columns, JSON the row's
 * `run`.
 * @module
 */
import type { ThresholdChoice } from "../metrics/threshold_rules.ts";
import { AUC_METRIC } from "../metrics/cell_metrics.ts";
import { type TableMetric, tableMetric } from "../metrics/decision_metrics.ts";
import { SIGNIFICANCE_LEVEL, significantDrop } from "../metrics/cell_comparisons.ts";
import { type FaceShare, faceShareText } from "../metrics/face_share.ts";
import { type LocatorChangeShare, locatorChangeText } from "../metrics/locator_changes.ts";
import type { LocatorReport } from "./locator_section.ts";
import { NO_VIDEOS_SCORED } from "../metrics/op_auc.ts";
import { opLabel } from "../ops/catalog.ts";
import { DECISION_CSV_COLUMNS, hasDecisionView, thresholdCsv } from "./decision_format.ts";
import type { TableCell, TableOne, TableRow } from "../metrics/table.ts";
import type { Pairing } from "../metrics/video_set.ts";
import type { LeftOutVideo } from "../store/left_out.ts";
import type { StoreProblem } from "../store/store.ts";
import { UNALTERED_CATEGORY, UNALTERED_ID } from "../ops/unaltered.ts";
import { csvText } from "../util/csv.ts";
import { joinHtml, raw, safeHtml } from "../util/html.ts";
import { markdownText } from "../util/markdown.ts";
import { VIDEO_COUNT_HEAD, videoCountText, videoCountWords } from "./video_count.ts";

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
 * Table I as a GitHub-flavoured Markdown table of numbers only (headers `Category: op`), to
 * paste into a paper or read in a terminal: an operation cell is its value (`0.950`), with
 * {@link DROP_MARK} after it when the drop against Unaltered is significant after Holm's
 * correction (`0.812 ▼`; {@link significanceLegend} says so in a sentence); `–` when the value is
 * undefined or the run has no such copy, `no videos scored` when the copy has none. What lies
 * behind each cell (videos, interval, delta AUC, p-values, face share) is
 * {@link tableDetailsMarkdown}'s second table.
 */
export function tableMarkdown(table: TableOne, options: TableFormatOptions = {}): string {
  const digits = options.digits ?? 3;
  const heads = ["Detector", "Train set", ...headerCells(table, options).map((h) => h.text)];
  const lines = [
    `| ${heads.map(markdownText).join(" | ")} |`,
    `| ${heads.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`,
  ];
  const marks = table.metric === undefined;
  for (const row of table.rows) {
    const values = rowValues(table, row, options);
    const cells = [
      markdownText(rowName(row)),
      markdownText(row.trainSet || "–"),
      ...values.map((v, i) => {
        const cell = i < table.columns.length ? row.cells[table.columns[i].opId] : undefined;
        if (cell !== undefined && cell.n === 0) return NO_VIDEOS_SCORED;
        const mark = marks && cell !== undefined && significantDrop(cell) ? ` ${DROP_MARK}` : "";
        return `${fmt(v, digits, "–")}${mark}`;
      }).map(markdownText),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Table I's title, naming its metric: `Table I: video-level AUC`, `Table I: video-level EER`
 * (the metric's label, metrics/decision_metrics.ts).
 */
export function tableTitle(table: TableOne): string {
  return `Table I: video-level ${tableMetric(table.metric ?? AUC_METRIC.id).label}`;
}

/**
 * The details behind {@link tableMarkdown}'s cells as a second Markdown table, one line per
 * detector run x operation in Table I's order: `n` (fake/real videos, report/video_count.ts), the value with its 95%
 * bootstrap interval where computed (AUC only), and for processed cells with paired statistics
 * delta AUC with its paired interval, DeLong's p and Holm's; the face share where the cells
 * have one (metrics/face_share.ts), and the cell's caveat. Empty string when the table has no
 * row.
 */
export function tableDetailsMarkdown(table: TableOne, options: TableFormatOptions = {}): string {
  if (table.rows.length === 0) return "";
  const digits = options.digits ?? 3;
  const metric = tableMetric(table.metric ?? AUC_METRIC.id);
  const faced = table.rows.some((r) => Object.values(r.cells).some((c) => c.faceShare));
  const located = table.rows.some((r) => Object.values(r.cells).some((c) => c.locatorChange));
  const heads = [
    "Detector",
    "Operation",
    VIDEO_COUNT_HEAD,
    metric.id === AUC_METRIC.id ? "AUC (95% CI)" : metric.label,
    "Δ AUC (95% paired CI)",
    "p (DeLong)",
    "Holm p",
    ...(faced ? ["Faces scored"] : []),
    ...(located ? ["Face box moved"] : []),
    "Note",
  ];
  const lines = [
    `| ${heads.map(markdownText).join(" | ")} |`,
    `| ${heads.map((_, i) => (i < 2 || i === heads.length - 1 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const row of table.rows) {
    for (const column of table.columns) {
      const cell = row.cells[column.opId];
      if (cell === undefined) continue;
      const d = cellDetails(cell, row.values[column.opId] ?? null, digits, metric);
      const cells = [
        markdownText(rowName(row)),
        markdownText(opLabel(column.opId)),
        markdownText(d.n),
        markdownText(d.value),
        markdownText(d.delta),
        markdownText(d.p),
        markdownText(d.pHolm),
        ...(faced ? [markdownText(cell.faceShare ? faceShareText(cell.faceShare) : "–")] : []),
        ...(located
          ? [markdownText(cell.locatorChange ? locatorChangeText(cell.locatorChange) : "–")]
          : []),
        markdownText(cell.note ?? ""),
      ];
      lines.push(`| ${cells.join(" | ")} |`);
    }
  }
  return lines.join("\n") + "\n";
}

/** One cell's details as short texts, shared by the Markdown and HTML detail tables. */
export interface CellDetails {
  /** `48 (24/24)`, or `0` for a copy with no video scored. */
  n: string;
  /** `0.812 [0.700, 0.900]` (AUC with its interval), `0.812`, or `–`. */
  value: string;
  /** `-0.188 [-0.250, -0.120]`, or `–` where not computed (Unaltered, unpaired). */
  delta: string;
  /** `0.003`, `<0.001` or `–`. */
  p: string;
  /** Holm-adjusted p, as `p`. */
  pHolm: string;
}

/**
 * The details of one Table I cell (`value`: its value in the table's metric) in short texts:
 * the numbers {@link tableDetailsMarkdown} and the HTML report print beside Table I.
 */
export function cellDetails(
  cell: TableCell,
  value: number | null,
  digits: number,
  metric: TableMetric,
): CellDetails {
  const auc = metric.id === AUC_METRIC.id;
  const interval = auc && typeof cell.ciLow === "number" && typeof cell.ciHigh === "number"
    ? ` [${cell.ciLow.toFixed(digits)}, ${cell.ciHigh.toFixed(digits)}]`
    : "";
  const deltaInterval = typeof cell.deltaCiLow === "number" && typeof cell.deltaCiHigh === "number"
    ? ` [${cell.deltaCiLow.toFixed(digits)}, ${cell.deltaCiHigh.toFixed(digits)}]`
    : "";
  const p = (x: number | null | undefined) =>
    typeof x === "number" ? (x < 0.001 ? "<0.001" : x.toFixed(3)) : "–";
  return {
    n: videoCountText(cell.n, cell.nFake, cell.nReal),
    value: cell.n === 0
      ? NO_VIDEOS_SCORED
      : `${fmt(value, digits, "–")}${value === null ? "" : interval}`,
    delta: typeof cell.deltaAuc === "number" && cell.opId !== UNALTERED_ID
      ? `${cell.deltaAuc.toFixed(digits)}${deltaInterval}`
      : "–",
    p: p(cell.p),
    pHolm: p(cell.pHolm),
  };
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
   * Added as `thresholdRule`: how the decision views chose their threshold
   * (metrics/threshold_rules.ts `ThresholdChoice`, e.g. `{ "rule": "fpr", "fpr": 0.01 }`).
   */
  thresholdRule?: ThresholdChoice;
  /** Added as `slices`: Table I per slice (`report --by`, report/slice_format.ts). */
  slices?: unknown;
  /** Added as `comparison`: run B against run A (report/comparison_format.ts). */
  comparison?: unknown;
  /** Added as `notes`: the report's notes (runs chosen or left out, videos left out, caveats). */
  notes?: readonly string[];
  /** Added as `locator`: the face-locator section (report/locator_section.ts). */
  locator?: LocatorReport;
  /**
   * Added as `quality`: per op id, how much the operation changed the videos (mean and spread of
   * PSNR-Y, SSIM-Y, bitrate and size: report/quality_view.ts `OpQuality`).
   */
  quality?: Record<string, unknown>;
}

/**
 * Table I as pretty JSON: the {@link TableOne} record, every column, values unrounded; each
 * row's `cells` carry `n`, `nReal` and `nFake` (TableCell, metrics/table.ts), `faceShare`
 * (`framesWithFace`, `framesRead`, `videos`, `share`: metrics/face_share.ts), on processed cells
 * of a report `locatorChange` (metrics/locator_changes.ts) and, on processed
 * cells from `opAucs`, the paired statistics against Unaltered (`deltaAuc`, `deltaCiLow`,
 * `deltaCiHigh`, `p`, `pHolm`); plus `pairing`, `leftOut`, `warnings`, `notes` and `locator`
 * (report/locator_section.ts) when given, and `damagedParts` (the report always adds it,
 * `warnings` and `notes`).
 */
export function tableJson(table: TableOne, options: TableJsonOptions = {}): string {
  // The metric is always named (`auc` too): a reader never infers it from a missing key.
  const metric = table.metric ?? AUC_METRIC.id;
  return JSON.stringify({ ...table, metric, ...options }, null, 2) + "\n";
}

/**
 * Table I as an HTML `<table class="table-one">` with a category header row above the operation
 * headers, as in the paper; each operation cell shows its AUC and, below it, `n`, for a
 * processed cell with paired statistics `Δ -0.188` and its Holm-adjusted p (`p=0.004`), and the
 * face share when the cell has one (`face 42%`; the counts, real and fake videos and the interval
 * in its tooltip and in report/details_view.ts); a cell with no video scored reads "no videos scored"
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
        // Short in the cell (a printed table must fit the page); the counts are in the details.
        ? safeHtml`<span class="faces" title="${faceShareText(cell.faceShare)}">${
          faceShareShort(cell.faceShare)
        }</span>`
        : "";
      // Printed, not only in the tooltip: a PDF or screenshot has no hover.
      const stats = metric.id === AUC_METRIC.id && typeof cell.deltaAuc === "number" &&
          cell.opId !== UNALTERED_ID
        ? safeHtml`<span class="stats">Δ ${cell.deltaAuc.toFixed(digits)}</span>${
          typeof cell.pHolm === "number"
            ? safeHtml`<span class="stats">p${pValueText(cell.pHolm)}</span>`
            : ""
        }`
        : "";
      // Only where faces were compared (older parts have no Unaltered-frame boxes: no noise).
      const moved = cell.locatorChange && cell.locatorChange.comparedFaces > 0
        ? safeHtml`<span class="faces" title="${locatorChangeText(cell.locatorChange)}">${
          locatorChangeShort(cell.locatorChange)
        }</span>`
        : "";
      return safeHtml`<td${bold} title="${cellTitle(cell, digits, metric)}">${
        fmt(v, digits, "–")
      }${mark}<span class="n">n=${cell.n}</span>${stats}${faces}${moved}</td>`;
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
  const parts = [videoCountWords(cell.nFake, cell.nReal)];
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

// "face 98%" (or "face 0/0" when no frame was read): a cell's face share in a few characters.
// `moved 2%` in a printed cell (moved / compared faces); the counts are in the tooltip and details.
function locatorChangeShort(share: LocatorChangeShare): string {
  return `moved ${Math.round((share.share ?? 0) * 100)}%`;
}

function faceShareShort(share: FaceShare): string {
  return share.share === null
    ? `face ${share.framesWithFace}/${share.framesRead}`
    : `face ${Math.round(share.share * 100)}%`;
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
      // "Noise: Noise" says nothing more than "Noise", nor "Noise: Noise strength 5" than its label.
      text: (c.category === UNALTERED_CATEGORY || label === categoryLabel(c.category) ||
          label.startsWith(`${categoryLabel(c.category)} `)
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
