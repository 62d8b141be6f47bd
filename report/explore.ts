/**
 * What explore.ipynb shows for one detector: its video scores per operation, the videos whose
 * decision flips between the unaltered copy and an operation, and one frame of a video under
 * each operation side by side (decoded from the distorted copies themselves).
 * @module
 */
import pl from "../deps/polars.ts";
import sharp from "../deps/sharp.ts";
import { discoverCopies } from "../eval/copies.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { sampleFrames } from "../media/frames.ts";
import { scanStore } from "../store/store.ts";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./charts.ts";
import { type VideoScoreRecord, videoScoreRecords } from "./collect.ts";
import { columnKey, orderColumns } from "../metrics/columns.ts";
import { safeHtml } from "../util/html.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";

/**
 * The video scores of one detector (all its runs and copies). `detector` defaults to the first
 * detector of the store by name; `detectors` lists every one. Throws what `scanStore` throws, and
 * a RangeError naming the detectors present when `detector` is not among them.
 */
export async function detectorVideoScores(
  storeDir: string,
  detector?: string,
): Promise<{ detector: string; detectors: string[]; videos: VideoScoreRecord[] }> {
  const lazy = await scanStore(storeDir);
  const detectors = (lazy.select("detector").unique().collectSync().getColumn("detector")
    .toArray() as string[]).sort();
  const chosen = detector || detectors[0];
  if (!detectors.includes(chosen)) {
    throw new RangeError(
      `Detector "${chosen}" is not in "${storeDir}" (detectors: ${detectors.join(", ")})`,
    );
  }
  const videos = videoScoreRecords(lazy.filter(pl.col("detector").eq(pl.lit(chosen))));
  return { detector: chosen, detectors, videos };
}

/** Options for {@link scoreDistributionChart}. */
export interface ScoreChartOptions {
  /** Decision threshold drawn as a rule. Default 0.5. */
  threshold?: number;
  title?: string;
}

/**
 * Video scores per operation, real and fake side by side (one tick per video, box plot behind),
 * with the decision threshold as a dashed rule.
 */
export function scoreDistributionChart(
  videos: VideoScoreRecord[],
  options: ScoreChartOptions = {},
): VegaLiteSpec {
  const order = orderColumns(videos.map(columnKey)).map((c) => c.opId);
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
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "Video scores per operation",
    width: Math.max(300, 48 * order.length),
    height: 240,
    layer: [
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
    ],
  };
}

/** A video whose decision on an operation's copy differs from its decision unaltered. */
export interface DecisionFlip {
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
 * and an operation's copy, per operation, in paper order then by video id. Videos without an
 * unaltered score are skipped. `threshold` defaults to 0.5.
 */
export function decisionFlips(
  videos: VideoScoreRecord[],
  options: { threshold?: number } = {},
): DecisionFlip[] {
  const threshold = options.threshold ?? 0.5;
  const unaltered = new Map(
    videos.filter((v) => v.opId === UNALTERED_ID).map((v) => [v.videoId, v.score]),
  );
  const order = orderColumns(videos.map(columnKey)).map((c) => c.opId);
  const flips: DecisionFlip[] = [];
  for (const v of videos) {
    const before = unaltered.get(v.videoId);
    if (v.opId === UNALTERED_ID || before === undefined) continue;
    const wasFake = before >= threshold;
    const isFake = v.score >= threshold;
    if (wasFake === isFake) continue;
    flips.push({
      videoId: v.videoId,
      label: v.label,
      opId: v.opId,
      unalteredScore: before,
      score: v.score,
      becameWrong: isFake !== (v.label === 1),
    });
  }
  return flips.sort((a, b) =>
    order.indexOf(a.opId) - order.indexOf(b.opId) || a.videoId.localeCompare(b.videoId)
  );
}

/**
 * Decision flips as a Markdown table plus an HTML one (for {@link show}), with a count of flips
 * per operation first; at most `limit` rows (default 30), then a line saying how many are left.
 */
export function flipsTable(
  flips: DecisionFlip[],
  options: { limit?: number } = {},
): { markdown: string; html: string } {
  if (flips.length === 0) {
    const text = "No video changes its decision under any operation.";
    return { markdown: text, html: `<p>${text}</p>` };
  }
  const counts = new Map<string, number>();
  for (const f of flips) counts.set(f.opId, (counts.get(f.opId) ?? 0) + 1);
  const summary = `${flips.length} flips: ` +
    [...counts].map(([op, n]) => `${op} ${n}`).join(", ") + ".";
  const limit = options.limit ?? 30;
  const rest = flips.length > limit ? `… and ${flips.length - limit} more.` : "";
  flips = flips.slice(0, limit);
  const heads = ["Operation", "Video", "Label", "Unaltered score", "Score", "Now"];
  const rows = flips.map((f) => [
    f.opId,
    f.videoId,
    f.label === 1 ? "fake" : "real",
    f.unalteredScore.toFixed(3),
    f.score.toFixed(3),
    f.becameWrong ? "wrong" : "right",
  ]);
  const markdown = [
    summary,
    "",
    `| ${heads.join(" | ")} |`,
    `| ${heads.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`),
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
        if (frameIndex < 0) {
          const info = await ffmpeg.probe(entry.path);
          frameIndex = Math.floor(info.frameCount / 2);
        }
        const sampled = await sampleFrames(ffmpeg, entry.path, { indices: [frameIndex] });
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
