/**
 * The report's styles for what its first style sheet (report/html.ts) leaves to paper and
 * screenshots: Table I's printed statistics, the details and operations tables, and the print
 * rules (landscape A4, no sideways scrolling, each section on its own page, charts scaled to the
 * page width, no row cut across pages).
 * @module
 */

/** CSS appended to the report's style sheet. */
export const PRINT_STYLE = `
table.table-one td .stats { display: block; font-size: .7rem; color: #444; font-weight: normal;
  white-space: nowrap; }
table.table-one td .faces { white-space: nowrap; }
table.table-one th[scope="row"] { text-align: left; }
table.table-one { font-size: .78rem; } table.table-one th, table.table-one td { padding: .2rem .3rem; }
table.table-one thead th { font-size: .72rem; }
table.details { font-size: .8rem; } table.details td { text-align: right; white-space: nowrap; }
table.details td:first-child { text-align: left; }
table.details tr.run th { text-align: left; background: #f3f3f3; }
table.ops td { vertical-align: top; } #chance li { color: #b2182b; }
.vis svg { max-width: 100%; height: auto; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .scroll, figure { overflow: visible; }
  section { break-before: page; }
  header + section, #chance, #warnings, #notes, #damaged-parts { break-before: auto; }
  section > h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  /* Charts that fit a page stay whole; taller ones (a panel per run) flow on from their heading. */
  #delta-auc figure, #roc figure, #severity figure { break-inside: avoid; }
  table.table-one { font-size: 7pt; } table.table-one td .n, table.table-one td .stats,
  table.table-one td .faces { font-size: 6pt; }
  th, td { padding: .1rem .2rem; }
  table.table-one thead, table.details thead { display: table-header-group; }
  .vis svg { width: 100%; max-width: 100%; height: auto; }
  script { display: none; }
}
`;
