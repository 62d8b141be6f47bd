/**
 * The report's face-locator section: each run's face minimums (what a face needed to be scored)
 * and the faces they dropped, the IoU threshold of a "moved" box, and the videos where the
 * locator changed its mind most against the Unaltered copy, with the frame indices
 * (metrics/locator_changes.ts). Built once by report/collect.ts; rendered for HTML and Markdown
 * here, and carried as it is into the JSON form.
 * @module
 */
import { modelLabel, type OpAuc } from "../metrics/op_auc.ts";
import {
  LOCATOR_CHANGE_IOU,
  locatorChangeShare,
  mostChangedVideos,
  type VideoLocatorChanges,
} from "../metrics/locator_changes.ts";
import { minimumsText } from "../faces/minimums.ts";
import type { VideoScore } from "../metrics/video_set.ts";
import { safeHtml } from "../util/html.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { markdownText } from "../util/markdown.ts";

/** One run's face minimums and what they dropped. */
export interface LocatorRun {
  runId: string;
  /** The run in words (Table I's label). */
  label: string;
  /** Minimum locator confidence; null = none (or not recorded: a store older than the column). */
  minFaceScore: number | null;
  /** Minimum face size in pixels; null = none. */
  minFaceSize: number | null;
  /** Located faces the minimums dropped, over every copy of the run. */
  droppedFaces: number;
}

/** One video of one copy where the locator moved boxes. */
export interface LocatorVideo {
  runId: string;
  label: string;
  opId: string;
  videoId: string;
  movedFaces: number;
  comparedFaces: number;
  /** Frame indices with a moved face, ascending. */
  frames: number[];
}

/** The locator section's data (ReportData.locator). */
export interface LocatorReport {
  /** IoU below which a box counts as moved (`LOCATOR_CHANGE_IOU`). */
  iouThreshold: number;
  runs: LocatorRun[];
  /** The videos where the locator changed its mind most (`mostChangedVideos`). */
  videos: LocatorVideo[];
  /**
   * True when some scored faces have no box in the Unaltered copy's pixels (parts written before
   * the `source_*` columns): they are not compared, and the cells say how many.
   */
  uncompared: boolean;
  /** Scored faces compared with the Unaltered copy, over every cell. */
  comparedFaces: number;
}

/**
 * Attaches each processed cell's locator changes (`AucCell.locatorChange`; not the Unaltered
 * column's), over the videos behind it (`videos`, as the face share), and returns the section's
 * data. Cells of runs without any
 * located face row get none.
 */
export function locatorReport(
  changes: readonly VideoLocatorChanges[],
  cells: OpAuc[],
  videos: readonly VideoScore[],
  limit = 10,
): LocatorReport {
  const key = (runId: string, opId: string, artifactId: string, videoId: string) =>
    `${runId}\u0000${opId}\u0000${artifactId}\u0000${videoId}`;
  const byVideo = new Map(changes.map((c) => [key(c.runId, c.opId, c.artifactId, c.videoId), c]));
  const perCell = new Map<string, VideoLocatorChanges[]>();
  for (const v of videos) {
    const found = byVideo.get(key(v.runId, v.opId, v.artifactId, v.videoId));
    if (!found) continue;
    const cellKey = `${v.runId}\u0000${v.opId}`;
    perCell.set(cellKey, [...perCell.get(cellKey) ?? [], found]);
  }
  const labels = new Map<string, string>();
  for (const cell of cells) {
    const runId = cell.runId;
    labels.set(runId, modelLabel(cell.detector, cell.trainSet, cell.run));
    // The Unaltered column would compare each face with itself: it gets none.
    const mine = perCell.get(`${runId}\u0000${cell.opId}`);
    if (mine && cell.opId !== UNALTERED_ID) cell.locatorChange = locatorChangeShare(mine);
  }
  const runs = new Map<string, LocatorRun>();
  let uncompared = false;
  let comparedFaces = 0;
  for (const c of changes) {
    if (!labels.has(c.runId)) continue;
    if (c.scoredFaces > c.comparedFaces) uncompared = true;
    comparedFaces += c.comparedFaces;
    const run = runs.get(c.runId) ?? {
      runId: c.runId,
      label: labels.get(c.runId)!,
      minFaceScore: c.minFaceScore,
      minFaceSize: c.minFaceSize,
      droppedFaces: 0,
    };
    run.droppedFaces += c.droppedFaces;
    runs.set(c.runId, run);
  }
  return {
    iouThreshold: LOCATOR_CHANGE_IOU,
    runs: [...runs.values()],
    videos: mostChangedVideos(changes.filter((c) => labels.has(c.runId)), limit).map((c) => ({
      runId: c.runId,
      label: labels.get(c.runId)!,
      opId: c.opId,
      videoId: c.videoId,
      movedFaces: c.movedFaces,
      comparedFaces: c.comparedFaces,
      frames: c.movedFrames,
    })),
    uncompared,
    comparedFaces,
  };
}

/** The minimums of a run in words (`confidence 0.7`; `none recorded`: none, or an older store). */
function runMinimums(run: LocatorRun): string {
  const text = minimumsText({ score: run.minFaceScore, size: run.minFaceSize });
  return text === "none" ? "none recorded" : text;
}

// What the videos' list says when it is empty.
function emptyText(report: LocatorReport): string {
  return report.comparedFaces === 0
    ? "No scored face could be compared with the Unaltered copy (no Unaltered copy, or a store " +
      "written before face boxes were stored in its pixels: rerun eval with --force to compare)."
    : `No scored face moved in any processed copy (${report.comparedFaces} compared).`;
}

const DEFINITION = (threshold: number) =>
  `A scored face's box "moved" when its intersection over union with every box the locator ` +
  `found in the same frame of the Unaltered copy (mapped through the copy's geometry) is below ` +
  `${threshold}, or that frame had no face. Table I cells give "box moved" per cell, next to ` +
  `the face share: there, part of a drop is the locator's, not the classifier's.`;

/** The section as HTML (`<section id="face-locator">`); text escaped. */
export function locatorSectionHtml(report: LocatorReport): string {
  const rows = report.videos.map((v) =>
    safeHtml`<tr><td>${v.label}</td><td>${v.opId}</td><td>${v.videoId}</td><td>${v.movedFaces}/${v.comparedFaces}</td><td>${
      v.frames.join(", ")
    }</td></tr>`
  );
  return String(safeHtml`<section id="face-locator">
<h2>Face locator</h2>
<p>${DEFINITION(report.iouThreshold)}${
    report.uncompared
      ? " Some scored faces were written before boxes were stored in the Unaltered copy's pixels: they are not compared (cells say how many)."
      : ""
  }</p>
<ul>${
    report.runs.map((r) =>
      safeHtml`<li>${r.label}: face minimums ${
        runMinimums(r)
      }; ${r.droppedFaces} located faces dropped below them</li>`
    )
  }</ul>
${
    rows.length === 0
      ? safeHtml`<p>${emptyText(report)}</p>`
      : safeHtml`<table class="locator-videos"><thead><tr><th>Run</th><th>Operation</th><th>Video</th><th>Faces moved</th><th>Frames</th></tr></thead>
<tbody>${rows}</tbody></table>`
  }
</section>`);
}

/** The section as Markdown (a heading, the definition, the runs' minimums, the videos' table). */
export function locatorSectionMarkdown(report: LocatorReport): string {
  const lines = [
    "## Face locator",
    "",
    markdownText(DEFINITION(report.iouThreshold)),
    "",
    ...report.runs.map((r) =>
      `- ${markdownText(r.label)}: face minimums ${runMinimums(r)}; ${r.droppedFaces} located ` +
      `faces dropped below them`
    ),
    "",
  ];
  if (report.videos.length === 0) {
    lines.push(markdownText(emptyText(report)), "");
  } else {
    lines.push(
      "| Run | Operation | Video | Faces moved | Frames |",
      "| --- | --- | --- | ---: | --- |",
      ...report.videos.map((v) =>
        `| ${[v.label, v.opId, v.videoId].map(markdownText).join(" | ")} | ` +
        `${v.movedFaces}/${v.comparedFaces} | ${v.frames.join(", ")} |`
      ),
      "",
    );
  }
  return lines.join("\n");
}
