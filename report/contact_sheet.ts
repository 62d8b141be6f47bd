/**
 * The contact sheet: one frame of one video through every operation of the report, side by
 * side, as small JPEG thumbnails embedded in the report (data URIs: the report stays one
 * self-contained file that opens offline). People look before they read.
 *
 * Where the thumbnails come from: they are made when the report is drawn, from the copies' own
 * files found under the report's `--data` folder (nothing is kept at distort time). A copy whose
 * file is not reachable (no `--data`, a file moved or failed) has no thumbnail, and the sheet says
 * why.
 *
 * Which video: `--example <id>` when given (it must be a video of the copies); else the rule
 * {@link EXAMPLE_RULE}: the video that is `ok` in the most copies, the smallest id first on a tie.
 * Which frame: the middle one, `floor(frames / 2)` of the copy (distort keeps every source frame,
 * so it is the same instant in every copy).
 * @module
 */
import { join, resolve } from "node:path";
import type { CopyManifest } from "../artifacts/copy_manifest.ts";
import { recordedProbe } from "../artifacts/copy_manifest.ts";
import type { Ffmpeg } from "../media/ffmpeg.ts";
import { opLabel } from "../ops/catalog.ts";
import { OptionError } from "../util/option_error.ts";
import { INFINITE_PSNR, type VideoQuality } from "../artifacts/copy_quality.ts";
import { decodersPerProcess } from "../media/decoder_budget.ts";

/** Start of a tile's reason when the copy's file could not be read (a fixable problem). */
export const UNREADABLE_COPY_REASON = "cannot read the copy's file";

/** The rule that picks the sheet's video without `--example`, in words. */
export const EXAMPLE_RULE =
  "the video that is ok in the most copies, the smallest id first on a tie";

/** Width of a thumbnail in pixels (height keeps the copy's aspect ratio, even). */
export const THUMBNAIL_WIDTH = 192;

/** One cell of the sheet. */
export interface ContactSheetFrame {
  opId: string;
  /** The operation's display name. */
  label: string;
  /** `data:image/jpeg;base64,...`; null when there is none (see `reason`). */
  image: string | null;
  /** Why there is no image. */
  reason?: string;
  /** This video's quality in the copy (`31.2 dB, 180 kbit/s`), when recorded. */
  quality?: string;
}

/** The contact sheet of a report. */
export interface ContactSheet {
  videoId: string;
  /** How the video was chosen: `--example` or {@link EXAMPLE_RULE}. */
  chosenBy: string;
  /** The frame shown (0-based index, in the copies' frames). */
  frame: number | null;
  frames: ContactSheetFrame[];
}

/** A copy the sheet may show. */
export interface SheetCopy {
  opId: string;
  /** The copy folder: absolute, or relative to the working folder (resolved here). */
  dir: string;
  manifest: CopyManifest;
}

/** Options of {@link contactSheet}. */
export interface ContactSheetOptions {
  /** The video to show (`--example`); default {@link EXAMPLE_RULE}. */
  example?: string;
}

/**
 * A video's PSNR-Y and bitrate in one copy, `31.2 dB, 180 kbit/s` (`identical` for an infinite
 * PSNR; what was not measured is left out); empty without a record.
 */
export function videoCaption(quality: VideoQuality | null | undefined): string {
  if (!quality) return "";
  const parts: string[] = [];
  if (quality.psnrY !== null) parts.push(`${quality.psnrY.toFixed(1)} dB`);
  else if (quality.absent?.psnrY === INFINITE_PSNR) parts.push("identical");
  if (quality.bitrateKbps !== null) parts.push(`${Math.round(quality.bitrateKbps)} kbit/s`);
  return parts.join(", ");
}

/**
 * Picks the video of {@link EXAMPLE_RULE} among `copies`; null when no copy has an ok video.
 */
export function exampleVideo(copies: readonly SheetCopy[]): string | null {
  const counts = new Map<string, number>();
  for (const copy of copies) {
    for (const v of copy.manifest.videos) {
      if (v.status === "ok") counts.set(v.id, (counts.get(v.id) ?? 0) + 1);
    }
  }
  let best: string | null = null;
  for (const [id, n] of counts) {
    const b = best === null ? -1 : counts.get(best)!;
    if (n > b || (n === b && id < best!)) best = id;
  }
  return best;
}

/**
 * Builds the sheet: for each copy (in the order given, one per operation), the middle frame of
 * the chosen video, scaled to {@link THUMBNAIL_WIDTH} pixels wide (bicubic) and encoded as JPEG.
 * Returns null when there is no video to show. A copy that lacks the video or whose file cannot
 * be read gets a frame with no image and the reason.
 * @throws {OptionError} when `options.example` names a video none of the copies holds (the message
 *   lists a few that they do).
 */
export async function contactSheet(
  ffmpeg: Ffmpeg,
  copies: readonly SheetCopy[],
  options: ContactSheetOptions = {},
): Promise<ContactSheet | null> {
  const videoId = options.example ?? exampleVideo(copies);
  if (videoId === null) return null;
  if (
    options.example !== undefined &&
    !copies.some((c) => c.manifest.videos.some((v) => v.id === options.example))
  ) {
    const ids = [...new Set(copies.flatMap((c) => c.manifest.videos.map((v) => v.id)))];
    throw new OptionError(
      `--example "${options.example}" is not a video of the copies (some that are: ` +
        `${ids.slice(0, 5).join(", ")})`,
    );
  }
  let frame: number | null = null;
  const frames: ContactSheetFrame[] = [];
  const shots: Shot[] = [];
  for (const copy of copies) {
    const cell: ContactSheetFrame = {
      opId: copy.opId,
      label: opLabel(copy.opId),
      image: null,
    };
    frames.push(cell);
    const record = copy.manifest.videos.find((v) => v.id === videoId);
    const caption = videoCaption(record?.quality);
    if (caption) cell.quality = caption;
    if (!record || record.status !== "ok" || record.output === null) {
      // The record's error names the source by its absolute path: not for a shared report.
      cell.reason = record ? "failed in this copy (its manifest says why)" : "not in this copy";
      continue;
    }
    // ffmpeg jobs take absolute paths only: a folder given relative is the working folder's.
    const path = join(resolve(copy.dir), record.output);
    try {
      const info = recordedProbe(record) ?? await ffmpeg.probe(path);
      const at = Math.floor(info.frameCount / 2);
      frame ??= at;
      shots.push({
        cell,
        copyDir: copy.dir,
        opId: copy.opId,
        path,
        at,
        stream: info.streamIndex,
        width: info.width,
        height: info.height,
      });
    } catch (error) {
      cell.reason = unreadable(copy, error);
    }
  }
  await drawThumbnails(ffmpeg, shots);
  return {
    videoId,
    chosenBy: options.example !== undefined ? "--example" : EXAMPLE_RULE,
    frame,
    frames,
  };
}

/** Frame `at` of `path`'s stream `stream`, as a JPEG data URI {@link THUMBNAIL_WIDTH} wide. */
/** One frame to draw into its cell. */
interface Shot {
  cell: ContactSheetFrame;
  copyDir: string;
  opId: string;
  /** Absolute path of the copy's file. */
  path: string;
  /** Frame index (0-based). */
  at: number;
  /** The video stream (absolute index). */
  stream: number;
  /** Its frame size, for the decoder budget. */
  width: number;
  height: number;
}

/** The cell's reason when its copy's file cannot be read (the copy folder not named). */
function unreadable(copy: { dir: string; opId: string }, error: unknown): string {
  return `${UNREADABLE_COPY_REASON}: ${
    (error as Error).message.replaceAll(resolve(copy.dir), `<${copy.opId} copy>`)
  }`;
}

/**
 * Fills each shot's cell with its thumbnail (or the reason there is none): as many copies per
 * ffmpeg process as the decoder budget allows (media/decoder_budget.ts), each decoded to its
 * frame and scaled in its own branch of one graph, so one start of ffmpeg serves the sheet. When
 * such a process fails (one unreadable copy fails it all), each of its copies is drawn alone, and
 * only the copies that fail alone get a reason.
 */
async function drawThumbnails(ffmpeg: Ffmpeg, shots: readonly Shot[]): Promise<void> {
  let at = 0;
  while (at < shots.length) {
    const n = decodersPerProcess(shots[at].width, shots[at].height);
    const chunk = shots.slice(at, at + n);
    at += chunk.length;
    const images = chunk.length > 1 ? await thumbnails(ffmpeg, chunk).catch(() => null) : null;
    for (const [k, shot] of chunk.entries()) {
      try {
        shot.cell.image = images?.[k] ?? (await thumbnails(ffmpeg, [shot]))[0];
      } catch (error) {
        shot.cell.reason = unreadable({ dir: shot.copyDir, opId: shot.opId }, error);
      }
    }
  }
}

/**
 * Thumbnails of `shots` (frame `at` of each file, {@link THUMBNAIL_WIDTH} wide, bicubic, JPEG
 * quality 4) from one ffmpeg process, as data URIs in order; each file is decoded only up to its
 * frame. The JPEGs are written to a temporary folder (removed) and read back.
 * @throws {FfmpegError} when ffmpeg fails, naming the first file; an Error when a file gave no
 *   frame.
 */
async function thumbnails(ffmpeg: Ffmpeg, shots: readonly Shot[]): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_thumbnails_" });
  try {
    const outputs = shots.map((_, k) => join(dir, `${k}.jpg`));
    const args: string[] = [];
    for (const shot of shots) args.push("-i", `file:${shot.path}`);
    args.push(
      "-filter_complex",
      shots.map((shot, k) =>
        `[${k}:${shot.stream}]select=eq(n\\,${shot.at}),` +
        `scale=w=${THUMBNAIL_WIDTH}:h=-2:flags=bicubic[t${k}]`
      ).join(";"),
    );
    for (const [k, output] of outputs.entries()) {
      args.push(
        "-map",
        `[t${k}]`,
        "-frames:v",
        "1",
        "-fps_mode",
        "passthrough",
        "-c:v",
        "mjpeg",
        "-pix_fmt",
        "yuvj420p",
        "-q:v",
        "4",
        "-f",
        "mjpeg",
        `file:${output}`,
      );
    }
    await ffmpeg.run({
      args,
      inputs: shots.map((s) => s.path),
      outputs,
      subject: shots[0].path,
      action: "make a thumbnail of",
    });
    const images: string[] = [];
    for (const [k, output] of outputs.entries()) {
      const bytes = await Deno.readFile(output).catch(() => new Uint8Array());
      if (bytes.length === 0) throw new Error(`no frame ${shots[k].at} decoded`);
      images.push(`data:image/jpeg;base64,${base64(bytes)}`);
    }
    return images;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}
