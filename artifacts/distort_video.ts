/**
 * The one-call API of imagecorruptions-style tools for one video: `distortVideo(src, dst, {op,
 * severity, profile})` writes `dst` as the video `distort` would put in that operation's copy of
 * a test set holding `src` (the same filter graph, encoder arguments and validation: the bytes
 * are identical on the same ffmpeg), without a dataset, a copy folder or a manifest.
 * @module
 */
import { dirname, resolve } from "node:path";
import { type Ffmpeg, openFfmpeg, type VideoInfo } from "../media/ffmpeg.ts";
import { type FrameLimits, frameLimits } from "../media/frame_limits.ts";
import {
  type FrameGeometry,
  type FrameGeometrySegment,
  identityFrameGeometry,
  sizeRunGeometries,
} from "../ops/geometry.ts";
import { timeFilter, type TimeMap, timeMapOf, timingOf } from "../ops/time_map.ts";
import type { OpInstance } from "../ops/operation.ts";
import { effectiveProfile, type EncodeProfile } from "../ops/profile.ts";
import { selectOperations } from "../ops/select.ts";
import { tempPathFor } from "../util/atomic.ts";
import { sha256File } from "../util/hash.ts";
import { resolveLimits } from "../util/limits.ts";
import type { OutputValidation } from "./copy_manifest.ts";
import { branchGeometry, splitGraphArgs } from "./split_graph.ts";
import { missingEncoder } from "../ops/profile.ts";
import { validateOutput } from "./validate_output.ts";

/** Options of {@link distortVideo}. */
export interface DistortVideoOptions {
  /**
   * The operation, as distort's `--ops` names one: an instance id (`h264_crf40`, `noise_s5`,
   * `unaltered`), a family id (`noise`: its paper level, or the level `severity` names), a chain
   * (`chain:<name>=<id>+<id>`, `chain:<spec.json>`), a platform record (`platform:<record.json>`),
   * or an instance (`getOperation`,
   * `chainInstance`). Anything that names more than one operation is an error.
   */
  op: string | OpInstance;
  /** Ladder level (1 = mildest) of the family `op` names, as distort's `--severity`. */
  severity?: number;
  /** Encode profile, `paper` (default) or `lossless` (docs/operations.md). */
  profile?: "paper" | "lossless";
  /**
   * The ffmpeg to run. Default: one opened for this call (native when `ffmpeg` and `ffprobe` run,
   * else ffmpeg.wasm) and closed after it. Output bytes are those of distort on the same backend.
   */
  ffmpeg?: Ffmpeg;
  /**
   * Overrides of the frame limits distort holds a source to (util/limits.ts); the limits only
   * eval applies are refused (RangeError).
   */
  limits?: Partial<FrameLimits>;
  /** Stops the call: the ffmpeg job is killed and nothing is left at `dst`. */
  signal?: AbortSignal;
}

/** What {@link distortVideo} wrote. */
export interface DistortedVideo {
  /** The output file, absolute. */
  path: string;
  /** The operation applied. */
  op: OpInstance;
  /** The profile the output got (`source` for `unaltered`: the source's bytes). */
  profile: EncodeProfile;
  /** Exact mapping of source pixels to output pixels (the even-sided crop included). */
  geometry: FrameGeometry;
  /** For a source whose frame size changes mid-stream: the geometry of each later run. */
  segments?: FrameGeometrySegment[];
  /**
   * For a time operation: which source frame each frame of the copy shows (`sourceFrameOf`,
   * ops/time_map.ts).
   */
  time?: TimeMap;
  /** The output's check against the source: frame count, frame rate, size (always `ok`). */
  validation: OutputValidation;
  /** SHA-256 of the output, hex. */
  sha256: string;
  /** The ffmpeg command that wrote it (empty for `unaltered`). */
  argv: string[];
  /** The source's probe. */
  source: VideoInfo;
}

/**
 * Writes `dst`: `src` through one operation, encoded as distort encodes that operation's copy
 * (H.264 yuv420p MP4, whatever `dst`'s extension, no audio; `unaltered` copies the source's
 * bytes). The file appears whole or not at all (a temporary file beside `dst`, renamed); an
 * existing `dst` is replaced. The frame count, frame rate and size are checked as distort checks
 * its copies.
 *
 * @throws {RangeError} for a `limits` value distort does not take.
 * @throws {UnknownOperationError} for an operation the catalog does not know; an Error when
 *   `op` names more than one operation, `severity` a level the family lacks, `dst` is `src`, the
 *   source cannot be encoded (an odd output side) or its output fails validation.
 * @throws {Error} naming `src` and the encoder when this ffmpeg build lacks the operation's
 *   encoder (AV1 on ffmpeg.wasm).
 * @throws {FfmpegError} when `src` cannot be probed (missing, not a video, over the limits) or
 *   ffmpeg fails; the message names the file.
 *
 * @example
 * ```ts
 * import { distortVideo, openFfmpeg } from "../mod.ts";
 * const dir = await Deno.makeTempDir();
 * const ffmpeg = await openFfmpeg();
 * try {
 *   // A 64x48 test clip of 6 frames, then its copy through the paper's noise operation.
 *   await ffmpeg.run({
 *     args: ["-f", "lavfi", "-i", "testsrc2=s=64x48:r=25", "-frames:v", "6", `${dir}/a.mp4`],
 *     inputs: [],
 *     outputs: [`${dir}/a.mp4`],
 *   });
 *   const out = await distortVideo(`${dir}/a.mp4`, `${dir}/a_noise.mp4`, { op: "noise", ffmpeg });
 *   if (out.op.id !== "noise" || out.validation.frameCount !== 6) throw new Error("noise");
 *   // A family and a ladder level, as imagecorruptions' corrupt(image, name, severity).
 *   const half = await distortVideo(`${dir}/a.mp4`, `${dir}/a_res.mp4`, {
 *     op: "res",
 *     severity: 2, // res_half (1 is res_75pct)
 *     ffmpeg,
 *   });
 *   if (half.geometry.width !== 32 || half.geometry.height !== 24) throw new Error("res");
 * } finally {
 *   await ffmpeg.close();
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function distortVideo(
  src: string,
  dst: string,
  options: DistortVideoOptions,
): Promise<DistortedVideo> {
  const source = resolve(src);
  const path = resolve(dst);
  if (source === path) throw new Error(`distortVideo: "${dst}" is the source itself`);
  const op = typeof options.op === "string" ? await oneOperation(options) : options.op;
  const profile = effectiveProfile(op, options.profile ?? "paper");
  const ffmpeg = options.ffmpeg ?? await openFfmpeg("auto", { signal: options.signal });
  try {
    options.signal?.throwIfAborted();
    const limits = frameLimits(resolveLimits(options.limits, "distort"));
    const info = await ffmpeg.probe(source, { limits });
    // An encoder this build lacks (AV1 on ffmpeg.wasm): the same clear message as distort's.
    const missing = profile !== "source" && op.encoder?.library
      ? missingEncoder(op, (await ffmpeg.build()).configuration)
      : null;
    if (missing !== null) throw new Error(`Cannot encode "${src}" for ${op.id}: ${missing}`);
    const geometry = profile === "source"
      ? identityFrameGeometry(info.width, info.height)
      : encodedGeometry(op, info, profile, src);
    await Deno.mkdir(dirname(path), { recursive: true });
    const tmp = tempPathFor(path);
    try {
      let argv: string[] = [];
      if (profile === "source") {
        await Deno.copyFile(source, tmp);
      } else {
        const args = splitGraphArgs(source, [{ op, path: tmp, crop: geometry.crop }], {
          profile,
          info,
        });
        const result = await ffmpeg.run({
          args,
          inputs: [source],
          outputs: [tmp],
          subject: src,
          action: "distort",
        });
        argv = result.argv.map((arg) => arg === `file:${tmp}` ? `file:${path}` : arg);
      }
      options.signal?.throwIfAborted();
      const validation = profile === "source"
        ? validateOutput(info, info, info.width, info.height, { oneSize: false })
        : validateOutput(info, await ffmpeg.probe(tmp), geometry.width, geometry.height, {
          time: op.time,
        });
      if (!validation.ok) {
        throw new Error(
          `Output of ${op.id} for "${src}" failed validation: ${validation.problems.join("; ")}`,
        );
      }
      const sha256 = await sha256File(tmp);
      await Deno.rename(tmp, path);
      return {
        path,
        op,
        profile,
        geometry,
        ...(info.segments.length < 2
          ? {}
          : { segments: sizeRunGeometries(info.segments, geometry) }),
        ...(op.time && profile !== "source" ? { time: timeMapOf(op.time, info.frameCount) } : {}),
        validation,
        sha256,
        argv,
        source: info,
      };
    } finally {
      await Deno.remove(tmp).catch(() => {});
    }
  } finally {
    if (!options.ffmpeg) await ffmpeg.close();
  }
}

/** The one operation `options.op` names (distort's `--ops` rules), else an Error. */
async function oneOperation(options: DistortVideoOptions): Promise<OpInstance> {
  const spec = options.op as string;
  const ops = await selectOperations(spec, {
    severity: options.severity === undefined ? undefined : [options.severity],
  });
  if (ops.length !== 1) {
    throw new Error(
      `distortVideo: "${spec}" names ${ops.length} operations (${
        ops.map((o) => o.id).join(", ")
      }): give one instance id, or a family with a severity`,
    );
  }
  return ops[0];
}

/** The encoded output's geometry, or the error distort records for the video. */
function encodedGeometry(
  op: OpInstance,
  info: VideoInfo,
  profile: EncodeProfile,
  src: string,
): FrameGeometry {
  try {
    const geometry = branchGeometry(op, info.width, info.height, profile);
    // A time operation's graph needs the source's frame rate (an unknown one is refused here).
    if (op.time) timeFilter(op.time, timingOf(info));
    return geometry;
  } catch (error) {
    throw new Error(
      `Cannot encode "${src}" (${info.width}x${info.height}) for ${op.id}: ` +
        (error as Error).message,
    );
  }
}
