/**
 * The decision view of Table I (metrics/decision.ts) in the report's formats: per detector run,
 * the threshold with its rule named (`threshold 0.613, EER point of Unaltered`) and a small
 * "at your threshold" table, one line per operation: fakes caught (TPR) and reals flagged (FPR)
 * with Wilson intervals, their change against Unaltered with McNemar's Holm-adjusted p (`*`
 * where <= 0.05), balanced accuracy, which way the detector fails, the median score shift per
 * class, calibration and the cross-condition AUCs. Markdown and HTML here; CSV columns by
 * {@link DECISION_CSV_COLUMNS}; JSON carries every cell's `decision` as it is.
 * @module
 */
import { SIGNIFICANCE_LEVEL } from "../metrics/cell_comparisons.ts";
import type { CellDecision } from "../metrics/decision.ts";
import type { TableOne, TableRow } from "../metrics/table.ts";
import { opLabel } from "../ops/catalog.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { type Html, joinHtml, safeHtml } from "../util/html.ts";
import { markdownText } from "../util/markdown.ts";

/** The mark of a change against Unaltered significant after Holm's correction (McNemar). */
export const CHANGE_MARK = "*";

/** "threshold 0.613, EER point of Unaltered": a run's threshold and its rule, in words. */
export function thresholdSentence(threshold: { value: number; name: string }): string {
  return `threshold ${formatThreshold(threshold.value)}, ${threshold.name}`;
}

/** True when some row of the table has a decision view. */
export function hasDecisionView(table: TableOne): boolean {
  return table.rows.some((r) => r.threshold !== undefined);
}

/**
 * One sentence on how to read the decision tables (the mark, the family, the intervals, the
 * calibration bins); null without a decision view.
 */
export function decisionLegend(table: TableOne): string | null {
  if (!hasDecisionView(table)) return null;
  const bins = firstDecision(table)?.eceBins ?? 10;
  return `At each run's threshold, chosen on its Unaltered copy and applied unchanged to every ` +
    `copy (fake when score >= threshold). TPR: fakes caught; FPR: reals flagged; [ ]: Wilson ` +
    `95% intervals. Δ: change against Unaltered on the same videos; ${CHANGE_MARK}: McNemar's ` +
    `exact test significant after Holm's correction over the row (both classes, Holm p ≤ ` +
    `${SIGNIFICANCE_LEVEL}). Fails: the error that grew more (n.s.: neither change significant). Shift: median change of a ` +
    `video's score against its own Unaltered score. ECE: ${bins} equal-width bins. AUC proc. ` +
    `fakes / reals: Unaltered reals against processed fakes / processed reals against ` +
    `Unaltered fakes.`;
}

const HEADS = [
  "Operation",
  "TPR (fakes caught)",
  "Δ TPR",
  "FPR (reals flagged)",
  "Δ FPR",
  "Bal. acc.",
  "Fails",
  "Shift real",
  "Shift fake",
  "Brier",
  "ECE",
  "AUC proc. fakes",
  "AUC proc. reals",
];

// The table's cells of one run as text, one line per column with a decision.
function lines(table: TableOne, row: TableRow): string[][] {
  return table.columns.filter((c) => row.cells[c.opId]?.decision).map((c) => {
    const d = row.cells[c.opId].decision!;
    const base = c.opId === UNALTERED_ID;
    return [
      opLabel(c.opId),
      rate(d.tpr, d.tprLow, d.tprHigh),
      base ? "" : change(d.deltaTpr, d.pTprHolm),
      rate(d.fpr, d.fprLow, d.fprHigh),
      base ? "" : change(d.deltaFpr, d.pFprHolm),
      num(d.balancedAccuracy),
      base ? "" : failsText(d),
      base ? "" : signed(d.shiftReal),
      base ? "" : signed(d.shiftFake),
      num(d.brier),
      num(d.ece),
      num(d.aucFakesProcessed),
      num(d.aucRealsProcessed),
    ];
  });
}

/**
 * The decision view as Markdown: per run a heading line naming the run and its threshold, then
 * its table; empty string without a decision view.
 */
export function decisionMarkdown(table: TableOne): string {
  if (!hasDecisionView(table)) return "";
  const parts: string[] = [];
  for (const row of table.rows.filter((r) => r.threshold)) {
    parts.push(`**${markdownText(runName(row))}** at ${thresholdSentence(row.threshold!)}:\n`);
    parts.push(`| ${HEADS.join(" | ")} |`);
    parts.push(`| ${HEADS.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
    for (const line of lines(table, row)) {
      parts.push(`| ${line.map(markdownText).join(" | ")} |`);
    }
    parts.push("");
  }
  return `${parts.join("\n")}\n${decisionLegend(table)}\n`;
}

/**
 * The decision view as HTML (`<section id="decision">`, "At your threshold"): per run its
 * threshold sentence and table; empty string without a decision view. Text is escaped.
 */
export function decisionHtml(table: TableOne): Html | "" {
  if (!hasDecisionView(table)) return "";
  const runs = table.rows.filter((r) => r.threshold).map((row) => {
    const body = lines(table, row).map((line) =>
      safeHtml`<tr>${
        line.map((t, i) =>
          i === 0
            ? safeHtml`<th scope="row">${t}</th>`
            : safeHtml`<td${t.endsWith(CHANGE_MARK) ? safeHtml` class="sig"` : ""}>${t}</td>`
        )
      }</tr>`
    );
    return safeHtml`<h3>${runName(row)} <span class="threshold">at ${
      thresholdSentence(row.threshold!)
    }</span></h3>
<div class="scroll"><table class="table-one decision"><thead><tr>${
      HEADS.map((h) => safeHtml`<th>${h}</th>`)
    }</tr></thead>
<tbody>
${joinHtml(body, "\n")}
</tbody></table></div>`;
  });
  return safeHtml`<section id="decision">
<h2>At your threshold</h2>
${joinHtml(runs, "\n")}
<p class="caption">${decisionLegend(table)}</p>
</section>`;
}

/**
 * The decision view's CSV columns, `[prefix, value]`: for every column `<prefix><op>`, empty
 * where the cell has no decision; `threshold` and `threshold_rule` once per row.
 */
export const DECISION_CSV_COLUMNS: readonly [string, (d: CellDecision) => string][] = [
  ["tpr_", (d) => csvNum(d.tpr)],
  ["tpr_low_", (d) => csvNum(d.tprLow)],
  ["tpr_high_", (d) => csvNum(d.tprHigh)],
  ["fpr_", (d) => csvNum(d.fpr)],
  ["fpr_low_", (d) => csvNum(d.fprLow)],
  ["fpr_high_", (d) => csvNum(d.fprHigh)],
  ["bacc_", (d) => csvNum(d.balancedAccuracy)],
  ["delta_tpr_", (d) => csvNum(d.deltaTpr)],
  ["delta_fpr_", (d) => csvNum(d.deltaFpr)],
  ["p_tpr_mcnemar_", (d) => csvP(d.pTpr)],
  ["p_tpr_holm_", (d) => csvP(d.pTprHolm)],
  ["p_fpr_mcnemar_", (d) => csvP(d.pFpr)],
  ["p_fpr_holm_", (d) => csvP(d.pFprHolm)],
  ["fails_", (d) => d.fails ?? ""],
  ["shift_real_", (d) => csvNum(d.shiftReal)],
  ["shift_fake_", (d) => csvNum(d.shiftFake)],
  ["brier_", (d) => csvNum(d.brier)],
  ["ece_", (d) => csvNum(d.ece)],
  ["auc_fakes_processed_", (d) => csvNum(d.aucFakesProcessed)],
  ["auc_reals_processed_", (d) => csvNum(d.aucRealsProcessed)],
];

/** The threshold value of a row for CSV (full precision), empty without one. */
export function thresholdCsv(row: TableRow): string[] {
  return row.threshold ? [String(row.threshold.value), row.threshold.name] : ["", ""];
}

// "flags reals", "misses fakes", with "(n.s.)" where neither class changed significantly.
function failsText(d: CellDecision): string {
  if (d.fails === null) return "–";
  const significant = [d.pTprHolm, d.pFprHolm].some((p) =>
    typeof p === "number" && p <= SIGNIFICANCE_LEVEL
  );
  return significant ? d.fails : `${d.fails} (n.s.)`;
}

function firstDecision(table: TableOne): CellDecision | undefined {
  for (const row of table.rows) {
    for (const cell of Object.values(row.cells)) if (cell.decision) return cell.decision;
  }
  return undefined;
}

function runName(row: TableRow): string {
  const train = row.trainSet ? ` / ${row.trainSet}` : "";
  return `${row.run ? `${row.detector} (${row.run})` : row.detector}${train}`;
}

// Three decimals, or 4 significant digits for a threshold far from 1 ("0.613", "1.2e-7").
function formatThreshold(t: number): string {
  return Math.abs(t) >= 0.001 && Math.abs(t) < 1000 ? t.toFixed(3) : t.toPrecision(4);
}

function num(v: number | null | undefined): string {
  return typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "–";
}

function signed(v: number | null | undefined): string {
  return typeof v === "number" && Number.isFinite(v)
    ? `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(3)}`
    : "–";
}

function rate(v: number | null, low: number | null, high: number | null): string {
  if (v === null) return "–";
  return low === null || high === null ? num(v) : `${num(v)} [${num(low)}, ${num(high)}]`;
}

function change(delta: number | null, pHolm: number | null | undefined): string {
  if (delta === null) return "–";
  const significant = typeof pHolm === "number" && pHolm <= SIGNIFICANCE_LEVEL;
  return `${signed(delta)}${significant ? ` ${CHANGE_MARK}` : ""}`;
}

function csvNum(v: number | null | undefined): string {
  return typeof v === "number" && Number.isFinite(v) ? String(v) : "";
}

function csvP(p: number | null | undefined): string {
  if (typeof p !== "number") return "";
  return p === 0 ? "0" : String(Number(p.toPrecision(3)));
}
