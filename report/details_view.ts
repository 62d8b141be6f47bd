/**
 * Table I in detail, as HTML: for every run and operation the numbers behind the cell (videos
 * fake/real, the value's interval, delta AUC with its paired interval, DeLong's p and Holm's,
 * the face share), printed, so that a PDF or a screenshot carries what the cells' tooltips say.
 * @module
 */
import { AUC_METRIC } from "../metrics/cell_metrics.ts";
import { tableMetric } from "../metrics/decision_metrics.ts";
import { faceShareText } from "../metrics/face_share.ts";
import type { TableOne } from "../metrics/table.ts";
import { opLabel } from "../ops/catalog.ts";
import { type Html, joinHtml, safeHtml } from "../util/html.ts";
import { cellDetails } from "./table_format.ts";
import { VIDEO_COUNT_HEAD } from "./video_count.ts";

/** The details table, one block of rows per run in Table I's row order; "" for no row. */
export function tableDetailsHtml(table: TableOne, digits = 3): Html | "" {
  if (table.rows.length === 0) return "";
  const metric = tableMetric(table.metric ?? AUC_METRIC.id);
  const faced = table.rows.some((r) => Object.values(r.cells).some((c) => c.faceShare));
  const span = 6 + (faced ? 1 : 0);
  const blocks = table.rows.map((row) => {
    const name = row.run ? `${row.detector} (${row.run})` : row.detector;
    const lines = table.columns.filter((c) => row.cells[c.opId]).map((c) => {
      const cell = row.cells[c.opId];
      const d = cellDetails(cell, row.values[c.opId] ?? null, digits, metric);
      return safeHtml`<tr><td>${
        opLabel(c.opId)
      }</td><td>${d.n}</td><td>${d.value}</td><td>${d.delta}</td><td>${d.p}</td><td>${d.pHolm}</td>${
        faced ? safeHtml`<td>${cell.faceShare ? faceShareText(cell.faceShare) : "–"}</td>` : ""
      }</tr>`;
    });
    return safeHtml`<tbody><tr class="run"><th colspan="${span}" scope="rowgroup">${name}${
      row.trainSet ? ` / ${row.trainSet}` : ""
    }</th></tr>
${joinHtml(lines, "\n")}</tbody>`;
  });
  return safeHtml`<section id="table-details">
<h2>Table I in detail</h2>
<table class="details"><thead><tr><th>Operation</th><th>${VIDEO_COUNT_HEAD}</th><th>${
    metric.id === AUC_METRIC.id ? "AUC [95% CI]" : metric.label
  }</th><th>Δ AUC [95% paired CI]</th><th>p (DeLong)</th><th>Holm p</th>${
    faced ? safeHtml`<th>Faces scored</th>` : ""
  }</tr></thead>
${joinHtml(blocks, "\n")}
</table>
<p class="caption">Δ AUC: the copy's AUC minus Unaltered's on the same videos, with its paired
bootstrap interval; p: DeLong's test of that difference; Holm p: adjusted for the comparisons of
the run. –: not computed (Unaltered, unpaired cells, no bootstrap).</p>
</section>`;
}
