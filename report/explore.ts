/**
 * What explore.ipynb shows for one detector: its video scores per operation, the videos whose
 * decision flips between the unaltered copy and an operation, and one frame of a video under
 * each operation side by side (decoded from the distorted copies themselves). A store may hold
 * several runs of the detector (another face mode, model, frame count): every per-video and
 * per-decision result here is kept per run (store/run_labels.ts), never pooled.
 * @module
 */
import pl from "../deps/polars.ts";
import sharp from "../deps/sharp.ts";
import { discoverCopies } from "../eval/copies.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { sampleFrames } from "../media/frames.ts";
import { modelLabel } from "../metrics/op_auc.ts";
import { chooseRuns } from "../store/run_labels.ts";
import { markdownText } from "../util/markdown.ts";
import { listRuns, type RunSummary } from "../store/runs.ts";
import { scanStore } from "../store/store.ts";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./charts.ts";
import { type VideoScoreRecord, videoScoreRecords } from "./collect.ts";
import { columnKey, orderColumns } from "../metrics/columns.ts";
import { safeHtml } from "../util/html.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { compareIds } from "../util/compare.ts";
import { OptionError } from "../util/option_error.ts";

/** Options for {@link detectorVideoScores}. */
export interface DetectorVideoScoresOptions {
  /**
   * One run of the detector: its id (or first 6+ characters), label (`sbi (faces: ultraface)`)
   * or qualifier (`faces: ultraface`), as `report --run` takes them (store/run_labels.ts
   * `chooseRuns`). Default: every run of the detector, each record keyed by its run.
   */
  run?: string;
}

/** What {@link detectorVideoScores} returns. */
export interface DetectorVideoScores {
  detector: string;
  /** Every detector of the store, sorted. */
  detectors: string[];
  /** The runs whose scores are in `videos`, labelled over the whole store (store/runs.ts). */
  runs: RunSummary[];
  /** Every usable video of every copy of those runs, each with its `runId` (and `run`). */
  videos: VideoScoreRecord[];
}

/**
 * The video scores of one detector, run by run: every run of it in the store (each record
 * carries its `runId` and, where the detector has several runs, the run's qualifier `run`), or
 * the one run chosen with `run`. `detector` defaults to the chosen run's detector, else the first
 * detector of the store by name. Throws what `scanStore` throws, a RangeError naming the
 * detectors present when `detector` is not among them, and `UnknownRunError` listing the runs
 * when `run` names none of the detector's (or names runs of several detectors).
 */
export async function detectorVideoScores(
  storeDir: string,
  detector?: string,
  options: DetectorVideoScoresOptions = {},
): Promise<DetectorVideoScores> {
  const lazy = await scanStore(storeDir);
  const all = await listRuns(storeDir, { onProblem: () => {} });
  const detectors = [...new Set(all.map((r) => r.detector))].sort();
  if (detector && !detectors.includes(detector)) {
    throw new OptionError(
      `Detector "${detector}" is not in "${storeDir}" (detectors: ${detectors.join(", ")})`,
    );
  }
  const candidates = detector ? all.filter((r) => r.detector === detector) : all;
  const runs = options.run
    ? chooseRuns(candidates, [options.run])
    : candidates.filter((r) => r.detector === (detector || detectors[0]));
  const chosen = runs[0].detector;
  if (runs.some((r) => r.detector !== chosen)) {
    throw new OptionError(
      `"${options.run}" names runs of several detectors (${
        runs.map((r) => r.label).join(", ")
      }): give the detector too`,
    );
  }
  const videos = videoScoreRecords(
    lazy.filter(pl.col("run_id").isIn(runs.map((r) => r.runId))),
    { runQualifiers: new Map(all.map((r) => [r.runId, r.run])) },
  );
  return { detector: chosen, detectors, runs, videos };
}

/**
 * One line on what {@link detectorVideoScores} found: the detector, how many video scores over
 * how many operations, per run when it has several (`sbi: 2 runs, each on its own: sbi (faces:
 * full) 78 video scores, ...`), and the store's detectors.
 */
export function videoScoresSummary(scores: DetectorVideoScores): string {
  const ops = new Set(scores.videos.map((v) => v.opId)).size;
  const count = (runId: string) => scores.videos.filter((v) => v.runId === runId).length;
  const runs = scores.runs.length === 1
    ? `${scores.videos.length} video scores`
    : `${scores.runs.length} runs, each on its own: ${
      scores.runs.map((r) => `${r.label} ${count(r.runId)} video scores`).join(", ")
    },`;
  return `${scores.detector}: ${runs} over ${ops} operations ` +
    `(detectors in the store: ${scores.detectors.join(", ")})`;
}

/** Options for {@link scoreDistributionChart}. */
export interface ScoreChartOptions {
  /** Decision threshold drawn as a rule. Default 0.5. */
  threshold?: number;
  title?: string;
}

/**
 * Video scores per operation, real and fake side by side (one tick per video, box plot behind),
 * with the decision threshold as a dashed rule. Videos of several detector runs get one panel
 * per run, titled with the run's label (runs in the order of their first video), never one
 * pooled box.
 */
export function scoreDistributionChart(
  videos: VideoScoreRecord[],
  options: ScoreChartOptions = {},
): VegaLiteSpec {
  const order = orderColumns(videos.map(columnKey)).map((c) => c.opId);
  const title = options.title ?? "Video scores per operation";
  const runs = groupByRun(videos);
  if (runs.length <= 1) {
    return {
      $schema: VEGA_LITE_SCHEMA,
      title,
      width: Math.max(300, 48 * order.length),
      height: 240,
      layer: scoreLayers(videos, order, options),
    };
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    vconcat: runs.map((run) => ({
      title: run.label,
      width: Math.max(300, 48 * order.length),
      height: 240,
      layer: scoreLayers(run.videos, order, options),
    })),
  };
}

// The videos of each run, in the order of their first video, with the run's label.
function groupByRun<T extends VideoScoreRecord>(
  videos: readonly T[],
): { runId: string; label: string; videos: T[] }[] {
  const runs = new Map<string, { runId: string; label: string; videos: T[] }>();
  for (const v of videos) {
    const key = v.runId;
    let run = runs.get(key);
    if (run === undefined) {
      run = { runId: key, label: modelLabel(v.detector, v.trainSet, v.run), videos: [] };
      runs.set(key, run);
    }
    run.videos.push(v);
  }
  return [...runs.values()];
}

// The box, tick and threshold layers of one run's score chart.
function scoreLayers(
  videos: readonly VideoScoreRecord[],
  order: readonly string[],
  options: ScoreChartOptions,
): Record<string, unknown>[] {
  const values = videos.map((v) => ({
    op: v.opId,
    video: v.videoId,
    label: v.label === 1 ? "fake" : "real",
    score: v.score,
  }));
  const x = { field: "op", type: "nominal", sort: order, title: "Operation" };
  const y = {
    field: "score",
    type: "quantitative",
    scale: { domain: [0, 1] },
    title: "Video score (fake probability)",
  };
  const color = {
    field: "label",
    type: "nominal",
    scale: { domain: ["real", "fake"], range: ["#4c78a8", "#e45756"] },
    title: "Label",
  };
  return [
    {
      data: { values },
      mark: { type: "boxplot", extent: "min-max", opacity: 0.35, size: 14 },
      encoding: { x, xOffset: { field: "label", sort: ["real", "fake"] }, y, color },
    },
    {
      data: { values },
      mark: { type: "tick", thickness: 1.5, size: 10 },
      encoding: {
        x,
        xOffset: { field: "label", sort: ["real", "fake"] },
        y,
        color,
        tooltip: [{ field: "video" }, { field: "op" }, { field: "label" }, {
          field: "score",
          format: ".3f",
        }],
      },
    },
    {
      data: { values: [{ threshold: options.threshold ?? 0.5 }] },
      mark: { type: "rule", strokeDash: [4, 4], color: "#555" },
      encoding: { y: { field: "threshold", type: "quantitative" } },
    },
  ];
}

/** A video whose decision on an operation's copy differs from its decision unaltered. */
export interface DecisionFlip {
  /** The detector run both decisions are from (its own unaltered copy). */
  runId: string;
  /** The run in words (`sbi (faces: ultraface)`; metrics/op_auc.ts `modelLabel`). */
  model: string;
  videoId: string;
  label: 0 | 1;
  opId: string;
  unalteredScore: number;
  score: number;
  /** True when the flip turned a right decision wrong. */
  becameWrong: boolean;
}

/**
 * Videos whose decision (`score >= threshold` means fake) differs between the unaltered copy
 * and an operation's copy of the same detector run, per run (in the order of their first video),
 * then per operation in paper order, then by video id. A video is compared with its own run's
 * unaltered score only; videos without one are skipped. `threshold` defaults to 0.5.
 */
export function decisionFlips(
  videos: VideoScoreRecord[],
  options: { threshold?: number } = {},
): DecisionFlip[] {
  const threshold = options.threshold ?? 0.5;
  const order = orderColumns(videos.map(columnKey)).map((c) => c.opId);
  const flips: DecisionFlip[] = [];
  for (const run of groupByRun(videos)) {
    const unaltered = new Map(
      run.videos.filter((v) => v.opId === UNALTERED_ID).map((v) => [v.videoId, v.score]),
    );
    const mine: DecisionFlip[] = [];
    for (const v of run.videos) {
      const before = unaltered.get(v.videoId);
      if (v.opId === UNALTERED_ID || before === undefined) continue;
      const wasFake = before >= threshold;
      const isFake = v.score >= threshold;
      if (wasFake === isFake) continue;
      mine.push({
        runId: run.runId,
        model: run.label,
        videoId: v.videoId,
        label: v.label,
        opId: v.opId,
        unalteredScore: before,
        score: v.score,
        becameWrong: isFake !== (v.label === 1),
      });
    }
    flips.push(
      ...mine.sort((a, b) =>
        order.indexOf(a.opId) - order.indexOf(b.opId) || compareIds(a.videoId, b.videoId)
      ),
    );
  }
  return flips;
}

/**
 * Decision flips as a Markdown table plus an HTML one (for {@link show}), with a count of flips
 * per operation first (per run, and a Run column, when the flips come from several detector
 * runs); at most `limit` rows (default 30), then a line saying how many are left.
 */
export function flipsTable(
  flips: DecisionFlip[],
  options: { limit?: number } = {},
): { markdown: string; html: string } {
  if (flips.length === 0) {
    const text = "No video changes its decision under any operation.";
    return { markdown: text, html: `<p>${text}</p>` };
  }
  const perOp = (list: DecisionFlip[]) => {
    const counts = new Map<string, number>();
    for (const f of list) counts.set(f.opId, (counts.get(f.opId) ?? 0) + 1);
    return `${list.length} flips: ` + [...counts].map(([op, n]) => `${op} ${n}`).join(", ");
  };
  const runs = [...new Set(flips.map((f) => f.runId))];
  const several = runs.length > 1;
  const summary = several
    ? runs.map((id) => {
      const mine = flips.filter((f) => f.runId === id);
      return `${mine[0].model}: ${perOp(mine)}`;
    }).join("; ") + "."
    : perOp(flips) + ".";
  const limit = options.limit ?? 30;
  const rest = flips.length > limit ? `… and ${flips.length - limit} more.` : "";
  flips = flips.slice(0, limit);
  const heads = [
    ...(several ? ["Run"] : []),
    "Operation",
    "Video",
    "Label",
    "Unaltered score",
    "Score",
    "Now",
  ];
  const rows = flips.map((f) => [
    ...(several ? [f.model] : []),
    f.opId,
    f.videoId,
    f.label === 1 ? "fake" : "real",
    f.unalteredScore.toFixed(3),
    f.score.toFixed(3),
    f.becameWrong ? "wrong" : "right",
  ]);
  const markdown = [
    markdownText(summary),
    "",
    `| ${heads.join(" | ")} |`,
    `| ${heads.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(markdownText).join(" | ")} |`),
    ...(rest ? ["", rest] : []),
  ].join("\n");
  const html = safeHtml`<p>${summary}</p><table><thead><tr>${
    heads.map((h) => safeHtml`<th>${h}</th>`)
  }</tr></thead><tbody>${
    rows.map((r) => safeHtml`<tr>${r.map((c) => safeHtml`<td>${c}</td>`)}</tr>`)
  }</tbody></table>${rest ? safeHtml`<p>${rest}</p>` : ""}`;
  return { markdown, html: String(html) };
}

/** Options for {@link frameStrip}. */
export interface FrameStripOptions {
  /** Height of each tile in pixels. Default 180. */
  height?: number;
  /** Frame to show; default the middle frame of the unaltered (or first) copy. */
  frameIndex?: number;
  /** Operations to show, in order; default every copy that holds the video, paper order. */
  ops?: string[];
  /** An open ffmpeg (not closed here); default a native-or-wasm one opened and closed. */
  ffmpeg?: Ffmpeg;
}

/**
 * One frame of `videoId` from every distorted copy under `dataDir`, side by side with the
 * operation id under each tile, as a PNG. Throws when no copy holds the video; a copy whose
 * file cannot be decoded is left out and named in `skipped`.
 */
export async function frameStrip(
  dataDir: string,
  videoId: string,
  options: FrameStripOptions = {},
): Promise<{ png: Uint8Array; ops: string[]; frameIndex: number; skipped: string[] }> {
  const copies = (await discoverCopies(dataDir)).filter((c) =>
    c.videos.some((v) => v.id === videoId) && (!options.ops || options.ops.includes(c.op.id))
  );
  if (copies.length === 0) {
    throw new RangeError(`No copy under "${dataDir}" holds video "${videoId}"`);
  }
  const order = options.ops ?? orderColumns(
    copies.map((c) => ({
      opId: c.op.id,
      category: c.op.category,
      family: c.op.family,
      severity: c.op.severity,
    })),
  ).map((c) => c.opId);
  copies.sort((a, b) => order.indexOf(a.op.id) - order.indexOf(b.op.id));
  const height = options.height ?? 180;
  const ffmpeg = options.ffmpeg ?? await openFfmpeg("auto");
  const tiles: { op: string; png: Buffer; width: number }[] = [];
  const skipped: string[] = [];
  let frameIndex = options.frameIndex ?? -1;
  try {
    for (const copy of copies) {
      const entry = copy.videos.find((v) => v.id === videoId)!;
      try {
        // The probe distort recorded for the video, else a fresh one.
        const info = copy.probes?.get(videoId) ?? await ffmpeg.probe(entry.path);
        if (frameIndex < 0) frameIndex = Math.floor(info.frameCount / 2);
        const sampled = await sampleFrames(ffmpeg, entry.path, { indices: [frameIndex], info });
        if (sampled.frames.length === 0) throw new Error(`frame ${frameIndex} not decoded`);
        // Tiles share a height; widths follow each copy's aspect ratio (res_* copies are smaller).
        const png = await sharp(sampled.frames[0], {
          raw: { width: sampled.width, height: sampled.height, channels: 3 },
        }).resize({ height }).png().toBuffer({ resolveWithObject: true });
        tiles.push({ op: copy.op.id, png: png.data, width: png.info.width });
      } catch (error) {
        skipped.push(`${copy.op.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    if (!options.ffmpeg) await ffmpeg.close();
  }
  if (tiles.length === 0) {
    throw new Error(`No frame of "${videoId}" could be decoded: ${skipped.join("; ")}`);
  }
  const gap = 6;
  const caption = 22;
  const width = tiles.reduce((s, t) => s + t.width, 0) + gap * (tiles.length - 1);
  const composites: sharp.OverlayOptions[] = [];
  let x = 0;
  for (const tile of tiles) {
    composites.push({ input: tile.png, left: x, top: 0 });
    composites.push({ input: labelSvg(tile.op, tile.width, caption), left: x, top: height });
    x += tile.width + gap;
  }
  const png = await sharp({
    create: { width, height: height + caption, channels: 3, background: "#ffffff" },
  }).composite(composites).png().toBuffer();
  return { png: new Uint8Array(png), ops: tiles.map((t) => t.op), frameIndex, skipped };
}

function labelSvg(text: string, width: number, height: number): Buffer {
  const svg =
    safeHtml`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="${
      width / 2
    }" y="${
      height - 6
    }" font-family="sans-serif" font-size="14" text-anchor="middle" fill="#222">${text}</text></svg>`;
  return Buffer.from(String(svg));
}

/**
 * The first of `preferred` (e.g. flipped videos, then every scored video) that some copy under
 * `dataDir` holds; else the first video of the first copy. Throws when `dataDir` has no copy.
 */
export async function pickVideo(dataDir: string, preferred: string[]): Promise<string> {
  const copies = await discoverCopies(dataDir);
  const held = new Set(copies.flatMap((c) => c.videos.map((v) => v.id)));
  const found = preferred.find((id) => held.has(id));
  if (found) return found;
  const first = copies.find((c) => c.videos.length > 0)?.videos[0]?.id;
  if (!first) throw new RangeError(`No copy under "${dataDir}" holds any video`);
  return first;
}
