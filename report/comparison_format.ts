/**
 * Run B against run A (`report --compare A,B`, metrics/run_comparison.ts) in every report
 * format: a Markdown table, CSV (one line per operation), the JSON record and an HTML table.
 * Each says which run is A and which is B, the videos both were scored on, the difference of
 * the values (B - A) with DeLong's paired p (AUC) and Holm's over the operations, and the
 * difference of the drops (B's minus A's, positive = B loses less) with its paired bootstrap
 * interval.
 * @module
 */
import type { RunComparison, RunComparisonRow } from "../metrics/run_comparison.ts";
import { tableMetric } from "../metrics/decision_metrics.ts";
import { opLabel } from "../ops/catalog.ts";
import { csvText } from "../util/csv.ts";
import { safeHtml } from "../util/html.ts";
import { markdownText } from "../util/markdown.ts";
import { VIDEO_COUNT_HEAD, videoCountText } from "./video_count.ts";

/** The sentence that says what the comparison's columns mean. */
export function comparisonCaption(c: RunComparison): string {
  const label = tableMetric(c.metric).label;
  return `A = ${c.runA.label}, B = ${c.runB.label}, on the same videos (n per row). ` +
    `Difference = ${label}(B) - ${label}(A)` +
    (c.metric === "auc"
      ? "; p: DeLong's paired test of AUC(B) = AUC(A) (same videos, correlated scores), " +
        "Holm-adjusted over the operations"
      : "; DeLong's test compares AUCs: no p for this metric") +
    `. Drop difference = (B op - B unaltered) - (A op - A unaltered): positive = B loses less ` +
    "than A; its interval is a paired bootstrap that draws the videos once for all four score " +
    "sets.";
}

const HEADS = [
  "Operation",
  VIDEO_COUNT_HEAD,
  "A",
  "B",
  "B - A",
  "p",
  "Holm p",
  "A drop",
  "B drop",
  "drop difference [95%]",
];

/** The comparison as Markdown: heading, caption, table, notes. */
export function comparisonMarkdown(c: RunComparison): string {
  const lines = [
    `## ${c.runB.label} against ${c.runA.label}\n`,
    `${comparisonCaption(c)}\n`,
    `| ${HEADS.join(" | ")} |`,
    `| ${HEADS.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const r of c.rows) {
    lines.push(`| ${rowTexts(r).map(markdownText).join(" | ")} |`);
  }
  for (const r of c.rows) if (r.note) lines.push(`\n${markdownText(`${r.opId}: ${r.note}`)}`);
  for (const n of c.notes) lines.push(`\n${markdownText(n)}`);
  return lines.join("\n") + "\n";
}

/**
 * The comparison as CSV: `run_a,run_b,run_id_a,run_id_b,metric,op_id,n,n_fake,n_real,value_a,
 * value_b,difference,p,p_holm,delta_a,delta_b,delta_difference,delta_difference_low,
 * delta_difference_high,note`.
 */
export function comparisonCsv(c: RunComparison): string {
  const num = (v: number | null) => (v === null ? "" : String(v));
  return csvText([
    [
      "run_a",
      "run_b",
      "run_id_a",
      "run_id_b",
      "metric",
      "op_id",
      "n",
      "n_fake",
      "n_real",
      "value_a",
      "value_b",
      "difference",
      "p",
      "p_holm",
      "delta_a",
      "delta_b",
      "delta_difference",
      "delta_difference_low",
      "delta_difference_high",
      "note",
    ],
    ...c.rows.map((r) => [
      c.runA.label,
      c.runB.label,
      c.runA.runId,
      c.runB.runId,
      c.metric,
      r.opId,
      r.n,
      r.nFake,
      r.nReal,
      num(r.valueA),
      num(r.valueB),
      num(r.difference),
      num(r.p),
      num(r.pHolm),
      num(r.deltaA),
      num(r.deltaB),
      num(r.deltaDifference),
      num(r.deltaDifferenceLow),
      num(r.deltaDifferenceHigh),
      r.note ?? "",
    ]),
  ]);
}

/** The comparison as a JSON-ready record (its rows and notes; not the cells). */
export function comparisonJson(c: RunComparison): Omit<RunComparison, "cells"> & {
  caption: string;
} {
  const { cells: _cells, ...rest } = c;
  return { ...rest, caption: comparisonCaption(c) };
}

/** The comparison as an HTML section (`<section id="comparison">`). */
export function comparisonHtml(c: RunComparison | undefined): string {
  if (c === undefined) return "";
  return String(safeHtml`<section id="comparison">
<h2>${c.runB.label} against ${c.runA.label}</h2>
<p class="caption">${comparisonCaption(c)}</p>
<table class="table-one comparison"><thead><tr>${
    HEADS.map((h) => safeHtml`<th>${h}</th>`)
  }</tr></thead><tbody>${
    c.rows.map((r) =>
      safeHtml`<tr title="${r.note ?? ""}">${rowTexts(r).map((t) => safeHtml`<td>${t}</td>`)}</tr>`
    )
  }</tbody></table>
${c.notes.length ? safeHtml`<ul>${c.notes.map((n) => safeHtml`<li>${n}</li>`)}</ul>` : ""}
</section>`);
}

function rowTexts(r: RunComparisonRow): string[] {
  const f = (v: number | null, sign = false) =>
    v === null ? "–" : `${sign && v > 0 ? "+" : ""}${v.toFixed(3)}`;
  const p = (v: number | null) => (v === null ? "–" : v < 0.001 ? "<0.001" : v.toFixed(3));
  const interval = r.deltaDifferenceLow === null || r.deltaDifferenceHigh === null
    ? ""
    : ` [${f(r.deltaDifferenceLow, true)}, ${f(r.deltaDifferenceHigh, true)}]`;
  return [
    opLabel(r.opId),
    videoCountText(r.n, r.nFake, r.nReal),
    f(r.valueA),
    f(r.valueB),
    f(r.difference, true),
    p(r.p),
    p(r.pHolm),
    f(r.deltaA, true),
    f(r.deltaB, true),
    `${f(r.deltaDifference, true)}${interval}`,
  ];
}
