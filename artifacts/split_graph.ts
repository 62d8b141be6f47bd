/**
 * One ffmpeg process for many operations: the source is decoded once, `split` into N branches,
 * each branch filtered and encoded to its own output (`-filter_complex` + `-map`). Measured on
 * Debian ffmpeg 5.1: byte-identical to N separate runs, 10-15% faster, but every branch holds its
 * encoder's frame queue, so memory grows with N: {@link estimateSplitBytes} sizes it.
 * @module
 */
import {
  normaliseFilter,
  videoInputOptions,
  type VideoStreamFacts,
  videoStreamSpecifier,
} from "../media/video_stream.ts";
import { cropFilter, type CropRect, type FrameGeometry } from "../ops/geometry.ts";
import type { OpInstance } from "../ops/operation.ts";
import { timingOf } from "../ops/time_map.ts";
import { encodedFrameGeometry, type EncodeProfile, encoderArgs } from "../ops/profile.ts";

/**
 * The exact geometry of `op`'s encoded output of a `width` x `height` source under `profile`
 * (`encodedFrameGeometry`: the even-sided crop included), which every split branch writes.
 * @throws {RangeError} when the output would have an odd side (H.264 yuv420p needs even sides)
 *   or the source size cannot be cropped to even sides.
 */
export function branchGeometry(
  op: OpInstance,
  width: number,
  height: number,
  profile: EncodeProfile,
): FrameGeometry {
  const geometry = encodedFrameGeometry(op, width, height, profile);
  if (geometry.width % 2 !== 0 || geometry.height % 2 !== 0) {
    throw new RangeError(
      `its output would be ${geometry.width}x${geometry.height}, and H.264 yuv420p needs even sides`,
    );
  }
  return geometry;
}

/** One branch of a split run: an operation and the (temporary) file it writes. */
export interface SplitOutput {
  op: OpInstance;
  /** Absolute path ffmpeg writes (an mp4, whatever its extension). */
  path: string;
  /**
   * Source rectangle to crop before the operation's filter (the even-sided crop of
   * `encodedFrameGeometry`); absent or null for none.
   */
  crop?: CropRect | null;
}

/**
 * Frames each branch keeps in flight (x264 lookahead + frame threads + filter queues). From the
 * measurement above: 12 branches of 720p used 2.3 GB, about 140 yuv420p frames per branch.
 */
const FRAMES_IN_FLIGHT = 150;

/** Estimated peak memory (bytes) of one split run over `branches` branches on a source size. */
export function estimateSplitBytes(
  size: { width: number; height: number },
  branches: number,
): number {
  return size.width * size.height * 1.5 * FRAMES_IN_FLIGHT * branches;
}

/** Options of {@link chunkForBudget}. */
export interface ChunkForBudgetOptions {
  /** Source width in pixels. */
  width: number;
  /** Source height in pixels. */
  height: number;
  /** Memory one run may use, in bytes. */
  budgetBytes: number;
  /** At most this many operations per run (default: no cap). */
  maxPerRun?: number;
}

/**
 * Groups `ops` into runs whose estimated memory fits `budgetBytes` (at least one op per run),
 * with at most `maxPerRun` ops each.
 */
export function chunkForBudget<T>(ops: readonly T[], options: ChunkForBudgetOptions): T[][] {
  const perOp = estimateSplitBytes(options, 1);
  const byBudget = Math.max(1, Math.floor(options.budgetBytes / perOp));
  const size = Math.max(1, Math.min(byBudget, options.maxPerRun ?? Infinity));
  const chunks: T[][] = [];
  for (let i = 0; i < ops.length; i += size) chunks.push(ops.slice(i, i + size));
  return chunks;
}

/** Options of {@link splitGraphArgs}. */
export interface SplitGraphOptions {
  /** Encode profile of every output (`paper` or `lossless`). */
  profile: EncodeProfile;
  /**
   * The source's probe: which stream is the video (`streamIndex`) and its frame segments
   * (media/video_stream.ts).
   */
  info:
    & VideoStreamFacts
    & Partial<{ width: number; height: number; frameCount: number; fpsFraction: string }>;
}

/**
 * The filter of one branch: the operation's, for the size its input has (the even-sided crop's,
 * else the video's first size) and the source's frame count and rate when the operation needs
 * them (`OpInstance.filterFor`: upscale, time operations).
 * @throws {Error} when the operation needs the size and `info` has none.
 */
function branchFilter(o: SplitOutput, info: SplitGraphOptions["info"]): string | null {
  if (!o.op.filterFor) return o.op.filter;
  const size = branchSize(o, info);
  const timing = info.frameCount && info.fpsFraction
    ? timingOf({ frameCount: info.frameCount, fpsFraction: info.fpsFraction })
    : undefined;
  return o.op.filterFor(size.width, size.height, timing);
}

/**
 * The size a branch's operation gets: the even-sided crop's, else the video's first size. Throws
 * when neither is known (an operation that depends on the size cannot be built without it).
 */
function branchSize(
  o: SplitOutput,
  info: SplitGraphOptions["info"],
): { width: number; height: number } {
  const size = o.crop ??
    (info.width && info.height ? { width: info.width, height: info.height } : null);
  if (!size) throw new Error(`operation "${o.op.id}" needs the video's size (info.width/height)`);
  return size;
}

/** A branch's encoder arguments, for its input size when the encode depends on it. */
function branchEncoderArgs(
  o: SplitOutput,
  profile: EncodeProfile,
  info: SplitGraphOptions["info"],
): string[] {
  if (!o.op.encoderFor) return encoderArgs(o.op, profile);
  return encoderArgs(o.op, profile, branchSize(o, info));
}

/**
 * ffmpeg arguments (after the global ones) that decode `input` once and write every output:
 * `-reinit_filter 0 -i <input> -filter_complex
 * "[0:<video>]<normalise,>split=N[s0]...;[s0]<crop,><filter>[o0];..."`, where `<video>` is the
 * probe's `streamIndex` and `<normalise>` scales frames of a later size to the first frame's
 * (only for a video whose size changes; media/video_stream.ts), then per output `-map [oK]`,
 * `-fps_mode passthrough` (keeps every source frame and timestamp), the profile's encoder
 * arguments (libx264, CRF or `-qp 0`, or the operation's own encoder; yuv420p, `-an`) and
 * `-f mp4`. An operation whose filter needs the input size (`filterFor`) gets it from the crop,
 * else from `info.width` x `info.height` (the first frame's size, which every frame is scaled to). Only the mapped outputs are
 * written: audio, subtitles and attached pictures (cover art) are not in the copies.
 */
export function splitGraphArgs(
  input: string,
  outputs: readonly SplitOutput[],
  options: SplitGraphOptions,
): string[] {
  const { profile, info } = options;
  if (outputs.length === 0) throw new Error("splitGraphArgs needs at least one output");
  const n = outputs.length;
  const video = `[${videoStreamSpecifier(info)}]`;
  const normalise = normaliseFilter(info, "bicubic");
  const branches = outputs.map((o, k) => {
    const from = n === 1 ? video : `[s${k}]`;
    const filters = [
      n === 1 ? normalise : null,
      o.crop ? cropFilter(o.crop) : null,
      branchFilter(o, info),
    ].filter((f) => f !== null);
    return `${from}${filters.length > 0 ? filters.join(",") : "null"}[o${k}]`;
  });
  const head = n === 1
    ? []
    : [`${video}${normalise ? `${normalise},` : ""}split=${n}${
      outputs.map((_, k) => `[s${k}]`).join("")
    }`];
  const graph = [...head, ...branches].join(";");
  const args = [
    ...videoInputOptions(info),
    "-i",
    `file:${input}`,
    "-filter_complex",
    graph,
  ];
  outputs.forEach((o, k) => {
    args.push(
      "-map",
      `[o${k}]`,
      "-fps_mode",
      "passthrough",
      ...branchEncoderArgs(o, profile, info),
      "-map_metadata",
      "-1",
      "-f",
      "mp4",
      `file:${o.path}`,
    );
  });
  return args;
}
