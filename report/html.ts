/**
 * The self-contained HTML report: Table I, the charts and the provenance in one file that opens
 * offline. Every chart is inline SVG; where the inlined vega-embed runs (any modern browser) the
 * SVG is swapped for the interactive chart, and stays when scripts are off or fail.
 * @module
 */
import { REPORT_CHARTS } from "./chart_catalog.ts";
import type { CorruptionError } from "../metrics/mce.ts";
import { LEFT_OUT_REASONS, type LeftOutVideo } from "../store/left_out.ts";
import { leftOutHtml } from "./left_out_view.ts";
import type { ReportData } from "./report_data.ts";
import type { Provenance } from "./provenance.ts";
import { renderSvg } from "./svg.ts";
import { tableOne } from "../metrics/table.ts";
import { escapeHtml, tableHtml } from "./table_format.ts";
import { loadVegaAssets, type VegaAssets } from "./vega_assets.ts";

/** Options for {@link renderReport}. */
export interface RenderReportOptions {
  /** Page title. Default "dfrobust report". */
  title?: string;
  /** Inline vega, vega-lite and vega-embed for interactive charts. Default true. */
  interactive?: boolean;
  /** Add per-category mean columns to Table I. Default false. */
  categoryMeans?: boolean;
}

/**
 * Renders the report as one HTML document (a string, UTF-8). No external resource is
 * referenced: no CDN scripts, styles or fonts. Throws only when a chart spec fails to render.
 */
export async function renderReport(
  data: ReportData,
  options: RenderReportOptions = {},
): Promise<string> {
  const title = options.title ?? "dfrobust report";
  const table = tableOne(data.cells);
  const figures: string[] = [];
  for (const chart of REPORT_CHARTS.filter((c) => c.applies(data))) {
    const spec = chart.spec(data);
    const svg = await renderSvg(spec);
    figures.push(
      `<section class="chart" id="${chart.id}">\n<h2>${escapeHtml(chart.title)}</h2>\n` +
        `<figure><div class="vis" data-spec="spec-${chart.id}">${svg}</div>` +
        `<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>\n` +
        `<script type="application/json" id="spec-${chart.id}">${jsonForScript(spec)}</script>\n` +
        `</section>`,
    );
  }
  const assets = options.interactive === false ? null : await loadVegaAssets();
  const notes = data.notes.length
    ? `<section id="notes"><h2>Notes</h2><ul>${
      data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")
    }</ul></section>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dfrobust ${escapeHtml(data.provenance.dfrobustVersion)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="sub">Video-level AUC of deepfake detectors under video processing operations
(after Lu &amp; Ebrahimi, 2023). Generated ${escapeHtml(data.provenance.generatedAt)} by dfrobust
${escapeHtml(data.provenance.dfrobustVersion)} from <code>${
    escapeHtml(data.provenance.store)
  }</code>.</p>
</header>
${notes}
<section id="table-one">
<h2>Table I: video-level AUC</h2>
${
    table.rows.length
      ? tableHtml(table, { categoryMeans: options.categoryMeans })
      : "<p>No AUC could be computed from this store.</p>"
  }
<p class="caption">Rows: detector and training set. Columns: operations grouped by category in the
paper's order; Average is the mean over the processed copies (Unaltered excluded). Best value per
row in bold. n: videos behind each AUC (hover for real/fake counts and the interval). ${
    pairingText(data)
  }</p>
</section>
${leftOutSection(data.leftOut ?? [])}
${data.relative ? relativeHtml(data.relative.reference, data.relative.errors) : ""}
${figures.join("\n")}
${provenanceHtml(data.provenance)}
${assets ? scriptsHtml(assets) : ""}
</body>
</html>
`;
}

function pairingText(data: ReportData): string {
  const count = new Set((data.leftOut ?? []).map((v) => `${v.runId}\u0000${v.videoId}`)).size;
  const left = count === 0
    ? "No video was left out."
    : `${count} video${count === 1 ? " was" : "s were"} left out of some AUC: see ` +
      `<a href="#left-out">Left-out videos</a>.`;
  return (data.pairing ?? "paired") === "paired"
    ? `Paired: every column of a row ranks the same videos, those usable in every copy of the run ` +
      `(<code>--unpaired</code> ranks each copy's own). ${left}`
    : `Unpaired: each column ranks the videos usable in its own copy, so columns may differ in ` +
      `their videos. ${left}`;
}

function leftOutSection(leftOut: readonly LeftOutVideo[]): string {
  if (leftOut.length === 0) return "";
  const reasons = [...new Set(leftOut.map((v) => v.reason))].map((r) =>
    `<li><code>${r}</code>: ${escapeHtml(LEFT_OUT_REASONS[r])}</li>`
  ).join("");
  return `<section id="left-out">
<h2>Left-out videos</h2>
<p class="caption">Videos that the AUCs of the listed operations do not rank, and why.</p>
<ul class="reasons">${reasons}</ul>
${leftOutHtml(leftOut)}
</section>`;
}

function relativeHtml(reference: string, errors: CorruptionError[]): string {
  const families = [...new Set(errors.flatMap((e) => Object.keys(e.families)))];
  const fmt = (
    v: number | null | undefined,
  ) => (v === null || v === undefined ? "–" : v.toFixed(2));
  const notes = errors.flatMap((e) => e.notes.map((n) => `${e.detector}: ${n}`));
  return `<section id="relative-error">
<h2>Corruption error relative to ${escapeHtml(reference)}</h2>
<div class="scroll"><table class="table-one"><thead><tr><th>Detector</th><th>Train set</th>${
    families.map((f) => `<th>${escapeHtml(f)}</th>`).join("")
  }<th>mCE</th></tr></thead>
<tbody>
${
    errors.map((e) =>
      `<tr><th scope="row">${escapeHtml(e.detector)}</th><td>${escapeHtml(e.trainSet)}</td>${
        families.map((f) => `<td>${fmt(e.families[f])}</td>`).join("")
      }<td><b>${fmt(e.mce)}</b></td></tr>`
    ).join("\n")
  }
</tbody></table></div>
<p class="caption">CE per operation family = sum over its levels of (1 − AUC) divided by the same
sum for the reference; mCE = mean CE (as ImageNet-C). Below 1: more robust than the reference.</p>
${notes.length ? `<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : ""}
</section>`;
}

function provenanceHtml(p: Provenance): string {
  const runs = p.runs.map((r) =>
    `<tr><td><code>${escapeHtml(r.runId)}</code></td><td>${escapeHtml(r.detector)}</td>` +
    `<td>${escapeHtml(r.trainSet)}</td><td><code>${escapeHtml(r.modelSha256)}</code></td>` +
    `<td>${escapeHtml(r.faceMode)}</td><td>${r.rows}</td>` +
    `<td>${escapeHtml(r.firstWritten)} – ${escapeHtml(r.lastWritten)}</td></tr>`
  ).join("\n");
  const copies = p.copies.map((c) =>
    `<tr><td><code>${escapeHtml(c.artifactId)}</code></td><td>${escapeHtml(c.opId)}</td>` +
    `<td>${escapeHtml(c.opCategory)}</td><td>${escapeHtml(c.profile)}</td>` +
    `<td>${escapeHtml(c.backend ?? "–")}</td><td>${escapeHtml(c.catalogVersion ?? "–")}</td>` +
    `<td>${escapeHtml(c.createdAt ?? "–")}</td>` +
    `<td>${c.manifestPath ? `<code>${escapeHtml(c.manifestPath)}</code>` : "–"}</td></tr>`
  ).join("\n");
  return `<section id="provenance">
<h2>Provenance</h2>
<dl>
<dt>dfrobust</dt><dd>${escapeHtml(p.dfrobustVersion)}</dd>
<dt>Deno</dt><dd>${escapeHtml(p.denoVersion)}</dd>
<dt>Generated</dt><dd>${escapeHtml(p.generatedAt)}</dd>
<dt>Results store</dt><dd><code>${escapeHtml(p.store)}</code></dd>
</dl>
<h3>Detector runs</h3>
<table class="prov"><thead><tr><th>Run id</th><th>Detector</th><th>Train set</th>
<th>Model SHA-256</th><th>Face mode</th><th>Rows</th><th>Written</th></tr></thead>
<tbody>
${runs}
</tbody></table>
<h3>Distorted copies</h3>
<table class="prov"><thead><tr><th>Artifact id</th><th>Operation</th><th>Category</th>
<th>Profile</th><th>ffmpeg</th><th>Catalog</th><th>Made</th><th>Manifest</th></tr></thead>
<tbody>
${copies}
</tbody></table>
</section>`;
}

function scriptsHtml(assets: VegaAssets): string {
  const inline = (code: string) => `<script>${code.replaceAll("</script", "<\\/script")}</script>`;
  return [
    inline(assets.vega),
    inline(assets.vegaLite),
    inline(assets.vegaEmbed),
    inline(EMBED),
  ].join("\n");
}

/** JSON safe inside a `<script>` element: `<` escaped so no text can close it. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
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
code { font-size: .85em; word-break: break-all; }
table { border-collapse: collapse; margin: .5rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: .25rem .45rem; }
.scroll { overflow-x: auto; } table.table-one { font-size: .85rem; }
table.table-one td { text-align: right; } table.table-one td.best { font-weight: bold; }
table.table-one td .n { display: block; font-size: .7rem; color: #777; font-weight: normal; }
table.table-one td.none { color: #8a4b00; font-size: .75rem; }
table.table-one thead th { background: #f3f3f3; }
table.prov { font-size: .8rem; } table.prov td { vertical-align: top; }
figure { margin: 0; overflow-x: auto; } #notes li { color: #8a4b00; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { font-weight: bold; } dd { margin: 0; }
`;
