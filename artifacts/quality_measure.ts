/**
 * Measuring how far each copy of one video is from its reference (ops/quality_reference.ts), in
 * one ffmpeg process per source video: the source is decoded once, split into one reference per
 * copy, every copy is decoded and compared with ffmpeg's `psnr` and `ssim` filters (the reference
 * implementations of those numbers), frame by frame in decode order (frame n of the copy against
 * frame n of the reference; distort keeps every frame). Decoding is cheap next to encoding, so
 * this adds little to a distort run (bench/distort_bench.ts). Internal to `artifacts/`.
 *
 * Per-video numbers are ffmpeg's own summaries: PSNR-Y is the PSNR of the mean squared error over
 * all frames, `10 * log10(255^2 / mean_n(MSE_Y(n)))` (the psnr filter's `y:` summary; infinite
 * when every frame is identical), SSIM-Y the mean over frames of each frame's luma SSIM (the ssim
 * filter's `Y:` summary: 8x8 windows on a 4-pixel grid).
 * @module
 */
import { resolve } from "node:path";
import type { Ffmpeg, VideoInfo } from "../media/ffmpeg.ts";
import { normaliseFilter, videoInputOptions, videoStreamSpecifier } from "../media/video_stream.ts";
import type { FrameGeometry } from "../ops/geometry.ts";
import type { TimeMap } from "../ops/time_map.ts";
import type { OpInstance } from "../ops/operation.ts";
import { QUALITY_PIX_FMT, QUALITY_SCALER, qualityReference } from "../ops/quality_reference.ts";

/** One copy of a video to compare with its reference. */
export interface FidelityInput {
  op: Pick<OpInstance, "category">;
  /** The copy's exact geometry (its manifest record's `geometry`). */
  geometry: FrameGeometry;
  /** A time operation's frame map (the manifest record's `time`); absent for the others. */
  time?: TimeMap | null;
  /** Absolute path of the copy's file. */
  path: string;
  /** The copy's video stream (absolute index); 0 for distort's outputs. */
  streamIndex: number;
}

/** What one comparison gave. */
export interface Fidelity {
  /** The reference in words (ops/quality_reference.ts). */
  reference: string;
  /** PSNR of luma in dB; `Infinity` when every frame equals its reference. */
  psnrY: number;
  /** Mean SSIM of luma over frames, in [-1, 1] (1: identical). */
  ssimY: number;
}

/**
 * The ffmpeg arguments (after the global ones) of one comparison process: input 0 is the source
 * (its video stream, frames of a later size scaled to the first's as distort does), inputs 1..N
 * the copies. Filter instances are named `psnr@qK` / `ssim@qK` so their summaries can be told
 * apart in the log; `-loglevel info` lets them through. Writes nothing (`-f null`).
 */
export function fidelityArgs(
  source: string,
  info: VideoInfo,
  copies: readonly FidelityInput[],
): string[] {
  if (copies.length === 0) throw new Error("fidelityArgs needs at least one copy");
  const n = copies.length;
  const normalise = normaliseFilter(info, QUALITY_SCALER);
  const head = [
    `[${videoStreamSpecifier(info)}]${normalise ? `${normalise},` : ""}format=${QUALITY_PIX_FMT},` +
    `split=${2 * n}${copies.map((_, k) => `[r${k}a][r${k}b]`).join("")}`,
  ];
  // Frames are paired by their index: both sides get timestamps 0, 1, 2, ...
  const byIndex = "settb=1,setpts=N";
  const branches = copies.flatMap((copy, k) => {
    const ref = qualityReference(copy.op, copy.geometry, copy.time);
    const side = (filters: string[]) =>
      [...filters, `format=${QUALITY_PIX_FMT}`, byIndex].join(",");
    return [
      `[r${k}a]${side(ref.sourceFilters)}[ra${k}]`,
      `[r${k}b]${side(ref.sourceFilters)}[rb${k}]`,
      `[${k + 1}:${copy.streamIndex}]${side(ref.copyFilters)}[c${k}]`,
      `[c${k}][ra${k}]psnr@q${k}[p${k}]`,
      `[p${k}][rb${k}]ssim@q${k}[o${k}]`,
    ];
  });
  const args = ["-loglevel", "info", ...videoInputOptions(info), "-i", `file:${source}`];
  for (const copy of copies) args.push("-i", `file:${copy.path}`);
  args.push("-filter_complex", [...head, ...branches].join(";"));
  for (let k = 0; k < n; k++) args.push("-map", `[o${k}]`);
  args.push("-fps_mode", "passthrough", "-f", "null", "-");
  return args;
}

/**
 * Reads the `psnr@qK` / `ssim@qK` summaries of `count` comparisons from ffmpeg's log. Throws an
 * Error naming what is missing when a summary is absent (the process stopped early).
 */
export function parseFidelityLog(log: string, count: number): { psnrY: number; ssimY: number }[] {
  const psnr = new Map<number, number>();
  const ssim = new Map<number, number>();
  for (const line of log.split(/\r?\n/)) {
    const p = /\[psnr@q(\d+) @ [^\]]*\] PSNR y:(inf|[-0-9.]+)/.exec(line);
    if (p) psnr.set(Number(p[1]), p[2] === "inf" ? Infinity : Number(p[2]));
    const s = /\[ssim@q(\d+) @ [^\]]*\] SSIM Y:([-0-9.]+)/.exec(line);
    if (s) ssim.set(Number(s[1]), Number(s[2]));
  }
  const out: { psnrY: number; ssimY: number }[] = [];
  for (let k = 0; k < count; k++) {
    const psnrY = psnr.get(k);
    const ssimY = ssim.get(k);
    if (psnrY === undefined || ssimY === undefined || Number.isNaN(psnrY) || Number.isNaN(ssimY)) {
      throw new Error(`ffmpeg printed no PSNR/SSIM summary for comparison ${k}`);
    }
    out.push({ psnrY, ssimY });
  }
  return out;
}

/**
 * Compares every copy in `copies` with its reference made from `source` (probed as `info`), in one
 * ffmpeg process. Returns one {@link Fidelity} per copy, in order.
 * @throws {FfmpegError} when ffmpeg fails (naming the source), or an Error when a summary is
 *   missing from its log.
 */
export async function measureFidelity(
  ffmpeg: Ffmpeg,
  source: string,
  info: VideoInfo,
  copies: readonly FidelityInput[],
): Promise<Fidelity[]> {
  // ffmpeg jobs take absolute paths only: paths given relative are the working folder's.
  const input = resolve(source);
  const inputs = copies.map((c) => ({ ...c, path: resolve(c.path) }));
  const result = await ffmpeg.run({
    args: fidelityArgs(input, info, inputs),
    inputs: [input, ...inputs.map((c) => c.path)],
    outputs: [],
    subject: source,
    action: "measure the copies of",
  });
  const numbers = parseFidelityLog(result.stderr, copies.length);
  return copies.map((copy, k) => ({
    reference: qualityReference(copy.op, copy.geometry, copy.time).reference,
    ...numbers[k],
  }));
}
