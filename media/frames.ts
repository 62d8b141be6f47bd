/**
 * Frame sampling: which frames of a video a detector sees (evenly spaced, as the paper's
 * 32 frames per video) and decoding exactly those frames to RGB in one ffmpeg process.
 * @module
 */
import { type Ffmpeg, FfmpegError, type VideoInfo } from "./ffmpeg.ts";
import { resolve } from "node:path";

/**
 * `count` evenly spaced frame indices in `[0, frameCount - 1]`, exactly as numpy's
 * `np.linspace(0, frameCount - 1, count).astype(int)` (float64 steps, truncated toward zero,
 * last index exactly `frameCount - 1`). When `frameCount < count` indices repeat, as in numpy;
 * {@link sampleFrames} decodes each distinct frame once and returns one frame per index.
 *
 * @example
 * ```ts
 * import { evenlySpacedIndices } from "./frames.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(evenlySpacedIndices(10, 4), [0, 3, 6, 9]);
 * assert.deepEqual(evenlySpacedIndices(5, 8), [0, 0, 1, 1, 2, 2, 3, 4]);
 * ```
 * @throws {RangeError} when `frameCount < 1` or `count` is negative or not an integer.
 */
export function evenlySpacedIndices(frameCount: number, count: number): number[] {
  if (!Number.isInteger(frameCount) || frameCount < 1) {
    throw new RangeError(`frameCount must be a positive integer, got ${frameCount}`);
  }
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  }
  const stop = frameCount - 1;
  if (count === 1) return [0];
  const step = stop / (count - 1);
  const indices: number[] = [];
  // Same arithmetic as numpy: i * step + start in float64, then the last value set to stop.
  for (let i = 0; i < count; i++) indices.push(Math.trunc(step === 0 ? 0 : i * step));
  if (count > 1) indices[count - 1] = stop;
  return indices;
}

/** Options of {@link sampleFrames}. */
export interface SampleFramesOptions {
  /** How many evenly spaced frames to take (ignored when `indices` is given). Default 32. */
  count?: number;
  /**
   * Exact frame indices (0-based, any order, repeats allowed) instead of evenly spaced ones; each
   * must be below the probe's `frameCount`.
   */
  indices?: number[];
  /** A probe result for the file, to skip probing it again (its `frameCount` bounds the indices). */
  info?: VideoInfo;
}

/** Frames decoded from one video. */
export interface SampledFrames {
  /** The video's probe. */
  info: VideoInfo;
  /** Frame index of each returned frame: the requested indices, in the order asked. */
  indices: number[];
  /** Frame width in pixels (displayed size: rotation metadata is applied). */
  width: number;
  /** Frame height in pixels. */
  height: number;
  /**
   * One rgb24 image per index: `width * height * 3` bytes, rows top to bottom, no padding.
   * Views into one buffer (a repeated index gives the same view): use `byteOffset` with
   * `.buffer`, or `slice()` a frame to keep it alone.
   */
  frames: Uint8Array[];
}

/**
 * Decodes the frames at evenly spaced (or given) indices of a video to rgb24, in one ffmpeg
 * process (`select` on the frame number; no seeking, so the index is exact even with B-frames
 * and open GOPs). Frame `n` is the n-th frame the decoder outputs (presentation order, counted
 * from 0). Rotation metadata is applied (ffmpeg's autorotate), so portrait phone videos come out
 * upright; the sample aspect ratio is not (pixels as stored). The YUV to RGB conversion uses the
 * scale filter's default matrix with `accurate_rnd+bitexact`, so native ffmpeg and ffmpeg.wasm
 * give byte-identical frames.
 *
 * The frame count is the one the decoder returns (see {@link Ffmpeg.probe}), so every evenly
 * spaced index exists. Getting fewer frames than asked for is an error, never a silent gap: an
 * index at or past the probe's `frameCount` is refused before decoding, and a decode that returns
 * fewer frames than requested (the file changed since `info` was probed) throws.
 * @throws {RangeError} for an index that is not a non-negative integer.
 * @throws {FfmpegError} naming the file when it cannot be probed or decoded, an index is at or
 *   past the end, or the decoder returns fewer frames than requested.
 */
export async function sampleFrames(
  ffmpeg: Ffmpeg,
  path: string,
  options: SampleFramesOptions = {},
): Promise<SampledFrames> {
  const info = options.info ?? await ffmpeg.probe(path);
  const requested = options.indices ?? evenlySpacedIndices(info.frameCount, options.count ?? 32);
  for (const index of requested) {
    if (!Number.isInteger(index) || index < 0) {
      throw new RangeError(`frame indices must be non-negative integers, got ${index}`);
    }
  }
  const distinct = [...new Set(requested)].sort((a, b) => a - b);
  if (distinct.length === 0) {
    return { info, indices: [], width: info.width, height: info.height, frames: [] };
  }
  const past = distinct.filter((i) => i >= info.frameCount);
  if (past.length > 0) {
    throw new FfmpegError(
      path,
      `frame${past.length > 1 ? "s" : ""} ${abbreviate(past)} ${
        past.length > 1 ? "are" : "is"
      } past the end: the decoder returns ${info.frameCount} frames (0 to ${info.frameCount - 1})`,
      { action: "decode" },
    );
  }
  const input = resolve(path);
  const select = `select=${distinct.map((i) => `eq(n\\,${i})`).join("+")}`;
  const { stdout } = await ffmpeg.run({
    args: [
      "-i",
      `file:${input}`,
      "-map",
      "0:v:0",
      "-an",
      "-sn",
      "-dn",
      "-vf",
      // bitexact scaling keeps native (SIMD) and wasm (plain C) conversions byte-identical.
      `${select},scale=flags=bicubic+accurate_rnd+bitexact,format=rgb24`,
      "-fps_mode",
      "passthrough",
      // Stop decoding after the last wanted frame instead of reading to the end of the file.
      "-frames:v",
      String(distinct.length),
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "pipe:1",
    ],
    inputs: [input],
    outputs: [],
    captureStdout: true,
    subject: path,
    action: "decode",
  });
  const frameBytes = info.width * info.height * 3;
  if (stdout.length !== frameBytes * distinct.length) {
    const missing = distinct.slice(Math.floor(stdout.length / frameBytes));
    const what = missing.length > 0
      ? `frame${missing.length > 1 ? "s" : ""} ${abbreviate(missing)} did not decode`
      : `${stdout.length} bytes came back for ${distinct.length} frames of ` +
        `${info.width}x${info.height} rgb24`;
    throw new FfmpegError(
      path,
      `${what}, but the probe counted ${info.frameCount} decodable frames (the file changed ` +
        `since it was probed, or is damaged)`,
      { action: "decode" },
    );
  }
  const byIndex = new Map<number, Uint8Array>();
  distinct.forEach((index, k) => {
    byIndex.set(index, stdout.subarray(k * frameBytes, (k + 1) * frameBytes));
  });
  return {
    info,
    indices: [...requested],
    width: info.width,
    height: info.height,
    frames: requested.map((i) => byIndex.get(i)!),
  };
}

function abbreviate(values: number[]): string {
  return values.length <= 6 ? values.join(", ") : `${values.slice(0, 5).join(", ")}, ...`;
}
