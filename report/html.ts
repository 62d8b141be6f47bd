/**
 * The self-contained HTML report: Table I, the charts and the provenance in one file that opens
 * offline. Every chart is inline SVG; where the inlined vega-embed runs (any modern browser) the
 * SVG is swapped for the interactive chart, and stays when scripts are off or fail.
 * @module
 */
import { locatorSectionHtml } from "./locator_section.ts";
import { REPORT_CHARTS } from "./chart_catalog.ts";
import { VIEW_CHARTS } from "./view_charts.ts";
import type { CorruptionError } from "../metrics/mce.ts";
import { LEFT_OUT_REASONS, type LeftOutVideo } from "../store/left_out.ts";
import { leftOutHtml } from "./left_out_view.ts";
import type { ReportData } from "./report_data.ts";
import type { StoreProblem } from "../store/store.ts";
import type { Provenance } from "./provenance.ts";
import { shareableReportData } from "./shareable_paths.ts";
import { renderSvg } from "./svg.ts";
import { AUC_METRIC } from "../metrics/cell_metrics.ts";
import { tableMetric } from "../metrics/decision_metrics.ts";
import { tableOne } from "../metrics/table.ts";
import { DROP_MARK, significanceLegend, tableHtml, tableTitle } from "./table_format.ts";
import { qualityCaptions } from "./quality_view.ts";
import { contactSheetHtml } from "./contact_sheet_view.ts";
import { decisionHtml } from "./decision_format.ts";
import { sliceHtml } from "./slice_format.ts";
import { comparisonHtml } from "./comparison_format.ts";
import { type Html, joinHtml, raw, safeHtml } from "../util/html.ts";
import { loadVegaAssets, type VegaAssets } from "./vega_assets.ts";
import { chanceWarnings } from "./chance_warning.ts";
import { datasetHtml } from "./dataset_view.ts";
import { tableDetailsHtml } from "./details_view.ts";
import { operationRows, operationsHtml } from "./operations_view.ts";
import { PRINT_STYLE } from "./print_style.ts";
import { commandLine } from "../util/command_line.ts";
import { pathHtml } from "./path_html.ts";

/** Options for {@link renderReport}. */
export interface RenderReportOptions {
  /** Page title. Default "dfrobust report". */
  title?: string;
  /** Inline vega, vega-lite and vega-embed for interactive charts. Default true. */
  interactive?: boolean;
  /** Add per-category mean columns to Table I. Default false. */
  categoryMeans?: boolean;
  /**
   * Table I's metric, an id of `CELL_METRICS` (metrics/cell_metrics.ts); default `auc`. Any
   * other needs cells that carry it (`loadReportData(store, { metrics })`). Charts stay AUC.
   */
  metric?: string;
}

/**
 * Renders the report as one HTML document (a string, UTF-8). No external resource is
 * referenced: no CDN scripts, styles or fonts. Throws when a chart spec fails to render, and a
 * `MetricError` for an unknown `metric`.
 */
export async function renderReport(
  data: ReportData,
  options: RenderReportOptions = {},
): Promise<string> {
  // Shared as a file: no absolute path of this machine (a no-op on loadReportData's data).
  data = shareableReportData(data);
  const title = options.title ?? "dfrobust report";
  const metric = tableMetric(options.metric ?? AUC_METRIC.id);
  const table = tableOne(data.cells, { metric, runOrder: data.runOrder });
  const legend = significanceLegend(table);
  const figures: Html[] = [];
  for (const chart of [...REPORT_CHARTS, ...VIEW_CHARTS].filter((c) => c.applies(data))) {
    const spec = chart.spec(data);
    const svg = raw(await renderSvg(spec));
    figures.push(safeHtml`<section class="chart" id="${chart.id}">
<h2>${chart.title}</h2>
<figure><div class="vis" data-spec="spec-${chart.id}">${svg}</div><figcaption>${chart.caption}</figcaption></figure>
<script type="application/json" id="spec-${chart.id}">${jsonForScript(spec)}</script>
</section>`);
  }
  const assets = options.interactive === false ? null : await loadVegaAssets();
  const notes = data.notes.length
    ? safeHtml`<section id="notes"><h2>Notes</h2><ul>${
      data.notes.map((n) => safeHtml`<li>${n}</li>`)
    }</ul></section>`
    : "";
  const damaged = damagedPartsHtml(data.damagedParts ?? []);
  const warnings = data.warnings?.length
    ? safeHtml`<section id="warnings"><h2>Warnings</h2>
<p class="caption">Recorded by eval with the scores; no number below was changed by them.</p>
<ul>${data.warnings.map((w) => safeHtml`<li>${w}</li>`)}</ul></section>`
    : "";
  const chance = chanceWarnings(data.cells);
  const unreadable = chance.length
    ? safeHtml`<section id="chance"><h2>Detectors no better than chance</h2>
<ul>${chance.map((w) => safeHtml`<li>${w}</li>`)}</ul></section>`
    : "";
  const { generatedAt, dfrobustVersion, store } = data.provenance;
  return String(safeHtml`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dfrobust ${dfrobustVersion}">
<title>${title}</title>
<style>${raw(STYLE)}${raw(PRINT_STYLE)}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="sub">Video-level AUC of deepfake detectors under video processing operations
(after Lu &amp; Ebrahimi, 2023). Generated ${generatedAt} by dfrobust
${dfrobustVersion} from ${pathHtml(store)}.</p>
</header>
${unreadable}
${warnings}
${notes}
${damaged}
<section id="table-one">
<h2>${tableTitle(table)}</h2>
${
    table.rows.length
      ? safeHtml`<div class="scroll">${
        raw(tableHtml(table, {
          categoryMeans: options.categoryMeans,
          columnQuality: qualityCaptions(data.provenance.copies),
        }))
      }</div>`
      : safeHtml`<p>No AUC could be computed from this store.</p>`
  }
<p class="caption">Rows: detector and training set${
    table.rows.some((r) => r.run)
      ? "; a detector with several runs in the store has one row per run, named by what sets it apart"
      : ""
  }. Columns: operations grouped by category in the
paper's order; Average is the mean over the processed copies (Unaltered excluded). Best value per
row in bold. n: videos behind each AUC; face: the sampled frames of those videos in which a face
was scored, of the frames read${
    legend
      ? "; Δ: AUC minus Unaltered's on the same videos, p: Holm-adjusted DeLong p (intervals " +
        "and unadjusted p in Table I in detail)"
      : ""
  }. ${pairingText(data)}${resamplesText(data)}</p>
${
    legend
      ? safeHtml`<p class="caption" id="significance"><span class="drop">${DROP_MARK}</span>${
        legend.slice(DROP_MARK.length)
      }</p>`
      : ""
  }
</section>
${tableDetailsHtml(table)}
${operationsHtml(operationRows(table.columns, data.provenance.copies))}
${data.dataset ? datasetHtml(data.dataset, data.provenance, data.cells, data.runOrder) : ""}
${decisionHtml(table)}
${raw(sliceHtml(data.slices, options.metric))}
${raw(comparisonHtml(data.comparison))}
${leftOutSection(data.leftOut ?? [])}
${data.relative ? relativeHtml(data.relative.reference, data.relative.errors) : ""}
${data.locator ? raw(locatorSectionHtml(data.locator)) : ""}
${joinHtml(figures, "\n")}
${contactSheetHtml(data)}
${provenanceHtml(data.provenance)}
${assets ? scriptsHtml(assets) : ""}
</body>
</html>
`);
}

function pairingText(data: ReportData): Html {
  const count = new Set((data.leftOut ?? []).map((v) => `${v.runId}\u0000${v.videoId}`)).size;
  const left = count === 0
    ? safeHtml`No video was left out.`
    : safeHtml`${count} video${
      count === 1 ? " was" : "s were"
    } left out of some AUC: see <a href="#left-out">Left-out videos</a>.`;
  return (data.pairing ?? "paired") === "paired"
    ? safeHtml`Paired: every column of a row ranks the same videos, those usable in every copy of the run (<code>--unpaired</code> ranks each copy's own). ${left}`
    : safeHtml`Unpaired: each column ranks the videos usable in its own copy, so columns may differ in their videos. ${left}`;
}

function leftOutSection(leftOut: readonly LeftOutVideo[]): Html | "" {
  if (leftOut.length === 0) return "";
  const reasons = [...new Set(leftOut.map((v) => v.reason))].map((r) =>
    safeHtml`<li><code>${r}</code>: ${LEFT_OUT_REASONS[r]}</li>`
  );
  return safeHtml`<section id="left-out">
<h2>Left-out videos</h2>
<p class="caption">Videos that the AUCs of the listed operations do not rank, and why.</p>
<ul class="reasons">${reasons}</ul>
${raw(leftOutHtml(leftOut))}
</section>`;
}

/** The unreadable store parts, one item each with the reason; empty string when none. */
function damagedPartsHtml(parts: readonly StoreProblem[]): Html | "" {
  if (parts.length === 0) return "";
  return safeHtml`<section id="damaged-parts"><h2>Unreadable store parts</h2>
<p>Left out of every number below; run the same <code>${commandLine("eval")}</code> again to rewrite
them.</p>
<ul>${parts.map((p) => safeHtml`<li>${pathHtml(p.path)}: ${p.reason}</li>`)}</ul></section>`;
}

function relativeHtml(reference: string, errors: CorruptionError[]): Html {
  const families = [...new Set(errors.flatMap((e) => Object.keys(e.families)))];
  const fmt = (
    v: number | null | undefined,
  ) => (v === null || v === undefined ? "–" : v.toFixed(2));
  // A run's name as Table I's Detector column has it (`sbi (faces: ultraface)`).
  const name = (e: CorruptionError) => e.run ? `${e.detector} (${e.run})` : e.detector;
  const notes = errors.flatMap((e) => e.notes.map((n) => `${name(e)}: ${n}`));
  const rows = errors.map((e) =>
    safeHtml`<tr><th scope="row">${name(e)}</th><td>${e.trainSet}</td>${
      families.map((f) => safeHtml`<td>${fmt(e.families[f])}</td>`)
    }<td><b>${fmt(e.mce)}</b></td></tr>`
  );
  return safeHtml`<section id="relative-error">
<h2>Corruption error relative to ${reference}</h2>
<div class="scroll"><table class="table-one"><thead><tr><th>Detector</th><th>Train set</th>${
    families.map((f) => safeHtml`<th>${f}</th>`)
  }<th>mCE</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody></table></div>
<p class="caption">CE per operation family = sum over its levels of (1 − AUC) divided by the same
sum for the reference; mCE = mean CE (as ImageNet-C). Below 1: more robust than the reference.</p>
${notes.length ? safeHtml`<ul>${notes.map((n) => safeHtml`<li>${n}</li>`)}</ul>` : ""}
</section>`;
}

// How many bootstrap resamples the intervals rest on (report --resamples), where known.
function resamplesText(data: ReportData): string {
  const n = data.bootstrapResamples;
  if (n === undefined) return "";
  return n === 0
    ? " No bootstrap intervals (--resamples 0)."
    : ` Intervals: 95% percentile bootstrap over ${n} resamples of the videos (--resamples).`;
}

function provenanceHtml(p: Provenance): Html {
  const runs = p.runs.map((r) =>
    joinHtml([
      safeHtml`<tr><td><code>${r.runId}</code></td><td>${r.label ?? r.detector}</td>`,
      safeHtml`<td>${r.trainSet}</td><td><code>${r.modelSha256}</code></td>`,
      safeHtml`<td>${r.faceMode}</td><td>${r.rows}</td>`,
      safeHtml`<td>${r.firstWritten} – ${r.lastWritten}</td></tr>`,
    ])
  );
  const copies = p.copies.map((c) =>
    joinHtml([
      safeHtml`<tr><td><code>${c.artifactId}</code></td><td>${c.opId}</td>`,
      safeHtml`<td>${c.opCategory}</td><td>${c.profile}</td>`,
      safeHtml`<td>${c.backend ?? "–"}</td><td>${c.catalogVersion ?? "–"}</td>`,
      safeHtml`<td>${c.createdAt ?? "–"}</td>`,
      safeHtml`<td>${c.manifestPath ? pathHtml(c.manifestPath) : "–"}</td></tr>`,
    ])
  );
  return safeHtml`<section id="provenance">
<h2>Provenance</h2>
<dl>
<dt>dfrobust</dt><dd>${p.dfrobustVersion}</dd>
<dt>Deno</dt><dd>${p.denoVersion}</dd>
<dt>Generated</dt><dd>${p.generatedAt}</dd>
<dt>Results store</dt><dd>${pathHtml(p.store)}</dd>
${p.dataDir ? safeHtml`<dt>Copies</dt><dd>${pathHtml(p.dataDir)}</dd>` : ""}
</dl>
<h3>Detector runs</h3>
<table class="prov"><thead><tr><th>Run id</th><th>Run</th><th>Train set</th>
<th>Detector model SHA-256</th><th>Face mode</th><th>Rows</th><th>Written</th></tr></thead>
<tbody>
${joinHtml(runs, "\n")}
</tbody></table>
<h3>Distorted copies</h3>
<table class="prov"><thead><tr><th>Artifact id</th><th>Operation</th><th>Category</th>
<th>Profile</th><th>ffmpeg</th><th>Catalog</th><th>Made</th><th>Manifest</th></tr></thead>
<tbody>
${joinHtml(copies, "\n")}
</tbody></table>
</section>`;
}

// Script bodies are not HTML-escaped (entities mean nothing there): "</script" is what must
// not appear inside one.
function scriptsHtml(assets: VegaAssets): Html {
  const inline = (code: string) =>
    safeHtml`<script>${raw(code.replaceAll("</script", "<\\/script"))}</script>`;
  return joinHtml([
    inline(assets.vega),
    inline(assets.vegaLite),
    inline(assets.vegaEmbed),
    inline(EMBED),
  ], "\n");
}

/** JSON safe inside a `<script>` element: `<` escaped so no text can close it. */
function jsonForScript(value: unknown): Html {
  return raw(JSON.stringify(value).replaceAll("<", "\\u003c"));
}

// Swap each static SVG for the interactive chart once vega-embed has drawn it; on any failure
// the SVG stays.
const EMBED = `(function () {
  if (typeof vegaEmbed !== "function") return;
  document.querySelectorAll("div.vis[data-spec]").forEach(function (div) {
    var spec = JSON.parse(document.getElementById(div.getAttribute("data-spec")).textContent);
    var target = document.createElement("div");
    vegaEmbed(target, spec, { renderer: "svg", actions: false }).then(function () {
      div.replaceChildren(target);
      div.classList.add("interactive");
    }).catch(function (error) { console.warn("chart stays static:", error); });
  });
})();`;

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem;
  color: #222; }
h1 { margin-bottom: .2rem; } .sub, .caption, figcaption { color: #555; font-size: .9rem; }
code { font-size: .85em; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: .25rem .45rem; }
.scroll { overflow-x: auto; } table.table-one { font-size: .85rem; }
table.table-one td { text-align: right; } table.table-one td.best { font-weight: bold; }
table.table-one td .n, table.table-one td .faces { display: block; font-size: .7rem; color: #777;
  font-weight: normal; }
table.table-one td.none { color: #8a4b00; font-size: .75rem; }
.drop { color: #b2182b; } table.table-one td .drop { margin-left: .15em; }
table.table-one thead th { background: #f3f3f3; }
table.decision td { white-space: nowrap; } table.decision td:nth-child(7) { text-align: left; } table.decision td.sig { font-weight: bold;
  color: #b2182b; } table.decision tbody th { text-align: left; font-weight: normal; }
h3 .threshold { font-weight: normal; color: #555; font-size: .9rem; }
table.prov { font-size: .8rem; } table.prov td { vertical-align: top; }
figure { margin: 0; overflow-x: auto; } #notes li, #warnings li { color: #8a4b00; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { font-weight: bold; } dd { margin: 0; }
`;
