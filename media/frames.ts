/**
 * Frame sampling: which frames of a video a detector sees (evenly spaced, as the paper's
 * 32 frames per video) and decoding exactly those frames to RGB in one ffmpeg process.
 * @module
 */
import { type Ffmpeg, FfmpegError, type VideoInfo } from "./ffmpeg.ts";
import { resolve } from "node:path";
import { normaliseFilter, videoInputOptions, videoStreamSpecifier } from "./video_stream.ts";
import {
  frameCountProblem,
  type FrameLimits,
  frameLimits,
  frameSizeProblem,
} from "./frame_limits.ts";

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
  /**
   * The frame indices to decode, given the decoder's frame count (a clip detector's clips,
   * media/clips.ts), instead of evenly spaced ones; ignored when `indices` is given.
   */
  pick?: (frameCount: number) => number[];
  /** A probe result for the file, to skip probing it again (its `frameCount` bounds the indices). */
  info?: VideoInfo;
  /**
   * Decoder threads (`-threads`); default ffmpeg's own choice (about one per CPU). One thread
   * spends the least CPU per frame (frame threading has its cost), when other work (inference,
   * other decoders) keeps the other cores busy.
   */
  threads?: number;
  /**
   * Limits on the video's frame size and count (`frameWidth`, `frameHeight`, `framePixels`,
   * `videoFrames`, over the defaults of util/limits.ts), held to the probe, also a given `info`
   * (a copy manifest's record), before anything is decoded.
   */
  limits?: Partial<FrameLimits>;
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
 * from 0), of the probe's video stream (`info.streamIndex`: never a cover art), also across a
 * mid-stream size change: every frame comes out at the first frame's size (`info.width` x
 * `info.height`; frames of a later size are scaled to it, media/video_stream.ts). Rotation metadata is applied (ffmpeg's autorotate), so portrait phone videos come out
 * upright; the sample aspect ratio is not (pixels as stored). The YUV to RGB conversion uses the
 * scale filter's default matrix with `accurate_rnd+bitexact`, so native ffmpeg and ffmpeg.wasm
 * give byte-identical frames.
 *
 * The frame count is the one the decoder returns (see {@link Ffmpeg.probe}), so every evenly
 * spaced index exists. Getting fewer frames than asked for is an error, never a silent gap: an
 * index at or past the probe's `frameCount` is refused before decoding, and a decode that returns
 * fewer frames than requested (the file changed since `info` was probed) throws.
 * @throws {RangeError} for an index that is not a non-negative integer.
 * @throws {FfmpegError} naming the file when it cannot be probed or decoded, is over the frame
 *   limits, an index is at or past the end, or the decoder returns fewer frames than requested.
 */
export async function sampleFrames(
  ffmpeg: Ffmpeg,
  path: string,
  options: SampleFramesOptions = {},
): Promise<SampledFrames> {
  const info = options.info ??
    await ffmpeg.probe(path, { limits: options.limits });
  const plan = planSample(path, info, options);
  if (plan.distinct.length === 0) return framesOf(plan, new Uint8Array());
  const input = resolve(path);
  const { stdout } = await ffmpeg.run({
    args: [
      ...threadArgs(options.threads),
      ...videoInputOptions(info),
      "-i",
      `file:${input}`,
      "-map",
      videoStreamSpecifier(info),
      "-an",
      "-sn",
      "-dn",
      "-vf",
      sampleFilter(info, plan.distinct),
      "-fps_mode",
      "passthrough",
      // Stop decoding after the last wanted frame instead of reading to the end of the file.
      "-frames:v",
      String(plan.distinct.length),
      ...RAW_OUTPUT,
    ],
    inputs: [input],
    outputs: [],
    captureStdout: true,
    subject: path,
    action: "decode",
  });
  checkLength(plan, stdout.length);
  return framesOf(plan, stdout);
}

/** One video of a {@link sampleFramesTogether} call. */
export interface VideoToSample {
  path: string;
  /** The video's probe (required: it sets the indices and the frame size). */
  info: VideoInfo;
  /** As {@link SampleFramesOptions.count}. */
  count?: number;
  /** As {@link SampleFramesOptions.indices}. */
  indices?: number[];
  /** As {@link SampleFramesOptions.pick}. */
  pick?: (frameCount: number) => number[];
}

/** Options of {@link sampleFramesTogether}. */
export interface SampleTogetherOptions {
  /** As {@link SampleFramesOptions.threads}. */
  threads?: number;
  /** As {@link SampleFramesOptions.limits}. */
  limits?: Partial<FrameLimits>;
  /**
   * Memory for the frames decoded together (`FfmpegJob.stdoutInto`; detached afterwards): their
   * frames are then views of it when it holds them all, and it can be filled again once they are
   * no longer read. Default: a fresh array.
   */
  into?: ArrayBuffer;
}

/**
 * {@link sampleFrames} for several videos of one frame size (the probes' `width` x `height`) in
 * one ffmpeg process: each input goes through the same `select` and RGB conversion as alone,
 * then the inputs' frames are concatenated on one pipe. The frames are byte-identical to one
 * {@link sampleFrames} call per video; what is saved is ffmpeg's start for each video (loading
 * and linking its libraries; its cost is in docs/benchmarks.md). Resolves to one entry per video, in order: its frames, or the error
 * {@link sampleFrames} gives for it alone. When the shared run fails or returns fewer bytes than
 * asked for, each video is decoded on its own, so a bad file is named as it would be alone and
 * the others still decode.
 * @throws {RangeError} when the videos' frame sizes differ.
 */
export async function sampleFramesTogether(
  ffmpeg: Ffmpeg,
  videos: readonly VideoToSample[],
  options: SampleTogetherOptions = {},
): Promise<(SampledFrames | Error)[]> {
  const alone = (video: VideoToSample) =>
    sampleFrames(ffmpeg, video.path, {
      ...video,
      threads: options.threads,
      limits: options.limits,
    }).catch(
      (error: unknown) => error instanceof Error ? error : new Error(String(error)),
    );
  if (videos.length === 0) return [];
  const [{ width, height }] = videos.map((v) => v.info);
  if (videos.some((v) => v.info.width !== width || v.info.height !== height)) {
    throw new RangeError(
      `sampleFramesTogether: the videos' frame sizes differ (${
        videos.map((v) => `${v.info.width}x${v.info.height}`).join(", ")
      })`,
    );
  }
  // A video whose plan fails (bad index) or that wants no frame is sampled alone.
  const plans = videos.map((video) => {
    try {
      const plan = planSample(video.path, video.info, {
        ...video,
        limits: options.limits,
      });
      return plan.distinct.length > 0 ? plan : null;
    } catch {
      return null;
    }
  });
  const together = videos.flatMap((_, k) => (plans[k] ? [k] : []));
  if (together.length < 2) return await Promise.all(videos.map(alone));
  const inputs = together.map((k) => resolve(videos[k].path));
  const chains = together.map((k, i) =>
    // setpts=N: each input's frames numbered from 0, so the concatenated stream runs forward.
    `[${videoStreamSpecifier(videos[k].info, i)}]${
      sampleFilter(videos[k].info, plans[k]!.distinct)
    },setsar=1,setpts=N[v${i}]`
  );
  const total = together.reduce((n, k) => n + plans[k]!.distinct.length, 0);
  const graph = `${chains.join(";")};${together.map((_, i) => `[v${i}]`).join("")}` +
    `concat=n=${together.length}:v=1:a=0[frames]`;
  let stdout: Uint8Array | null = null;
  try {
    ({ stdout } = await ffmpeg.run({
      args: [
        ...inputs.flatMap((input, i) => [
          ...threadArgs(options.threads),
          ...videoInputOptions(videos[together[i]].info),
          "-i",
          `file:${input}`,
        ]),
        "-filter_complex",
        graph,
        "-map",
        "[frames]",
        "-fps_mode",
        "passthrough",
        "-frames:v",
        String(total),
        ...RAW_OUTPUT,
      ],
      inputs,
      outputs: [],
      captureStdout: true,
      stdoutInto: options.into,
      subject: videos[together[0]].path,
      action: "decode",
    }));
  } catch {
    stdout = null;
  }
  const frameBytes = width * height * 3;
  if (stdout === null || stdout.length !== total * frameBytes) {
    return await Promise.all(videos.map(alone));
  }
  const results: (SampledFrames | Error | null)[] = videos.map(() => null);
  let offset = 0;
  for (const k of together) {
    const bytes = plans[k]!.distinct.length * frameBytes;
    results[k] = framesOf(plans[k]!, stdout.subarray(offset, offset + bytes));
    offset += bytes;
  }
  return await Promise.all(videos.map((video, k) => results[k] ?? alone(video)));
}

/** What to decode from one video: the indices asked for, and the distinct ones in order. */
interface SamplePlan {
  path: string;
  info: VideoInfo;
  requested: number[];
  /** Distinct requested indices, ascending: the frames decoded. */
  distinct: number[];
}

/**
 * The frames to decode; throws for a video over the frame limits, a bad index or one past the
 * end (see {@link sampleFrames}).
 */
function planSample(
  path: string,
  info: VideoInfo,
  options: Pick<SampleFramesOptions, "count" | "indices" | "pick" | "limits">,
): SamplePlan {
  const limits = frameLimits(options.limits);
  const problem = frameCountProblem(info.frameCount, limits) ??
    (info.segments ?? [info]).map((s) => frameSizeProblem(s.codedWidth, s.codedHeight, limits))
      .find((p) => p !== null);
  if (problem) throw new FfmpegError(path, problem, { action: "decode" });
  const requested = options.indices ?? options.pick?.(info.frameCount) ??
    evenlySpacedIndices(info.frameCount, options.count ?? 32);
  for (const index of requested) {
    if (!Number.isInteger(index) || index < 0) {
      throw new RangeError(`frame indices must be non-negative integers, got ${index}`);
    }
  }
  const distinct = [...new Set(requested)].sort((a, b) => a - b);
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
  return { path, info, requested: [...requested], distinct };
}

/**
 * The filter that keeps the `distinct` frames and converts them to rgb24 at the video's one size
 * (media/video_stream.ts: with `-reinit_filter 0`, `n` counts decoded frames across size changes,
 * and frames of a later size are scaled to the first frame's).
 */
function sampleFilter(info: VideoInfo, distinct: readonly number[]): string {
  // A run of consecutive frames (a clip) is one `between` term: the same frames as one `eq` each.
  const select = `select=${
    frameRuns(distinct).map(([a, b]) => a === b ? `eq(n\\,${a})` : `between(n\\,${a}\\,${b})`)
      .join("+")
  }`;
  // bitexact scaling keeps native (SIMD) and wasm (plain C) conversions byte-identical.
  const flags = "bicubic+accurate_rnd+bitexact";
  return `${select},${
    normaliseFilter(info, flags, "rgb24") ?? `scale=flags=${flags},format=rgb24`
  }`;
}

/** Ascending distinct indices as runs of consecutive ones, `[first, last]` each. */
function frameRuns(distinct: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const i of distinct) {
    const last = runs[runs.length - 1];
    if (last && i === last[1] + 1) last[1] = i;
    else runs.push([i, i]);
  }
  return runs;
}

/** Raw rgb24 frames on stdout. */
const RAW_OUTPUT = ["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"];

/** `-threads n` before an input: decoder threads (ffmpeg's default when absent). */
function threadArgs(threads?: number): string[] {
  return threads === undefined ? [] : ["-threads", String(Math.max(1, Math.floor(threads)))];
}

/** Throws naming the file when `length` bytes are not the plan's frames (see {@link sampleFrames}). */
function checkLength(plan: SamplePlan, length: number): void {
  const { info, distinct, path } = plan;
  const frameBytes = info.width * info.height * 3;
  if (length === frameBytes * distinct.length) return;
  const missing = distinct.slice(Math.floor(length / frameBytes));
  const what = missing.length > 0
    ? `frame${missing.length > 1 ? "s" : ""} ${abbreviate(missing)} did not decode`
    : `${length} bytes came back for ${distinct.length} frames of ` +
      `${info.width}x${info.height} rgb24`;
  throw new FfmpegError(
    path,
    `${what}, but the probe counted ${info.frameCount} decodable frames (the file changed ` +
      `since it was probed, or is damaged)`,
    { action: "decode" },
  );
}

/** The plan's frames as views into `bytes` (the distinct frames, in order). */
function framesOf(plan: SamplePlan, bytes: Uint8Array): SampledFrames {
  const { info, distinct, requested } = plan;
  const frameBytes = info.width * info.height * 3;
  const byIndex = new Map<number, Uint8Array>();
  distinct.forEach((index, k) => {
    byIndex.set(index, bytes.subarray(k * frameBytes, (k + 1) * frameBytes));
  });
  return {
    info,
    indices: requested,
    width: info.width,
    height: info.height,
    frames: requested.map((i) => byIndex.get(i)!),
  };
}

function abbreviate(values: number[]): string {
  return values.length <= 6 ? values.join(", ") : `${values.slice(0, 5).join(", ")}, ...`;
}
