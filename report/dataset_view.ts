/**
 * The report's "Dataset" section: what the numbers were computed on (report/dataset_summary.ts)
 * and where the copies came from (the copy manifests' dataset manifests, when the report read
 * them with `--data`).
 * @module
 */
import type { DatasetSummary } from "./dataset_summary.ts";
import type { Provenance } from "./provenance.ts";
import { type Html, joinHtml, safeHtml } from "../util/html.ts";
import { modelLabel } from "../metrics/op_auc.ts";
import type { AucCell } from "../metrics/op_auc.ts";
import { pathHtml } from "./path_html.ts";

/** Run labels by run id, as Table I names the rows. */
function runNames(cells: readonly AucCell[]): Map<string, string> {
  return new Map(cells.map((c) => [c.runId ?? "", modelLabel(c.detector, c.trainSet, c.run)]));
}

/**
 * The Dataset section as HTML: videos per class and per method, frames read per video, the
 * source dataset manifests (or how to name them), each run's face locator with the SHA-256 of
 * what gave its boxes (the face model, or the sidecar file in `sidecar` mode), and the frames
 * without a face per run (the copy with most such frames named, `none` when every frame had one).
 */
export function datasetHtml(
  dataset: DatasetSummary,
  provenance: Provenance,
  cells: readonly AucCell[],
  runOrder: readonly string[] = [],
): Html {
  const names = runNames(cells);
  const name = (runId: string) => names.get(runId) ?? runId;
  const rank = (runId: string) => {
    const i = runOrder.indexOf(runId);
    return i < 0 ? runOrder.length : i;
  };
  const sources = [
    ...new Set(provenance.copies.map((c) => c.sourceManifest).filter((s) => s !== undefined)),
  ];
  const frames = dataset.framesPerVideo;
  const framesText = frames === null
    ? "no frame was read"
    : frames.min === frames.max
    ? `${frames.min} sampled frames per video and copy`
    : `${frames.min} to ${frames.max} sampled frames per video and copy (median ${frames.median})`;
  const methods = dataset.methods.map((m) =>
    safeHtml`<tr><td>${m.method}</td><td>${
      m.label === 1 ? "fake" : "real"
    }</td><td>${m.videos}</td></tr>`
  );
  const locators = [...dataset.locators].sort((a, b) => rank(a.runId) - rank(b.runId)).map((l) => {
    const own = dataset.noFace.filter((n) => n.runId === l.runId);
    const read = own.reduce((s, n) => s + n.framesRead, 0);
    const without = own.reduce((s, n) => s + n.framesWithoutFace, 0);
    const worst = [...own].sort((a, b) =>
      b.framesWithoutFace / Math.max(1, b.framesRead) -
      a.framesWithoutFace / Math.max(1, a.framesRead)
    )[0];
    const worstText = worst && worst.framesWithoutFace > 0
      ? `most in ${worst.opId}: ${worst.framesWithoutFace} of ${worst.framesRead} (${
        percent(worst.framesWithoutFace, worst.framesRead)
      }) in ${worst.videos} video${worst.videos === 1 ? "" : "s"}`
      : read === 0
      ? "– (no frame read)"
      : "none (every frame had a face)";
    return safeHtml`<tr><td>${name(l.runId)}</td><td>${l.faceMode}</td><td>${
      locatorFileHtml(l.faceMode, l.faceModelSha256)
    }</td><td>${without} of ${read} (${percent(without, read)})</td><td>${worstText}</td></tr>`;
  });
  return safeHtml`<section id="dataset">
<h2>Dataset</h2>
<p>${dataset.videos} videos: ${dataset.real} real, ${dataset.fake} fake; ${framesText}. Sources: ${
    sources.length
      ? joinHtml(sources.map(pathHtml), ", ")
      : safeHtml`not recorded here (give <code>report --data</code> the distort folder to read the copies' dataset manifests)`
  }.</p>
<table class="prov"><thead><tr><th>Method</th><th>Class</th><th>Videos</th></tr></thead>
<tbody>
${joinHtml(methods, "\n")}
</tbody></table>
<h3>Face locator and frames without a face</h3>
<table class="prov"><thead><tr><th>Run</th><th>Face locator</th><th>Face boxes from (SHA-256)</th>
<th>Frames without a face</th><th>Copy with the most</th></tr></thead>
<tbody>
${joinHtml(locators, "\n")}
</tbody></table>
<p class="caption">A frame without a face is not scored; a video none of whose sampled frames
had a face gets the detector's fail score or is left out (see Left-out videos). The face share
under each Table I value counts the frames scored.</p>
</section>`;
}

// The store's `face_model_sha256` is the hash of what gave the boxes: the sidecar file in
// `sidecar` mode (eval/run_setup.ts), the face model otherwise; `full` mode uses neither.
function locatorFileHtml(faceMode: string, sha256: string | null): Html | string {
  if (sha256) {
    return safeHtml`${
      faceMode === "sidecar" ? "sidecar file" : "face model"
    } <code>${sha256}</code>`;
  }
  return faceMode === "full" ? "none (whole frame)" : "not recorded";
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "–" : `${(100 * part / whole).toFixed(1)}%`;
}
