/**
 * Validating a distorted output against its source (ffprobe of both): the same frame count, the
 * same frame rate (within a relative 1e-3; for a time operation, the count and rate its frame
 * pattern gives) and the size the operation should give, for every
 * frame (an encoded copy has one size even when its source changes size mid-stream). Internal to
 * `artifacts/`; the result is recorded in the copy manifest (`videos[].validation`).
 * @module
 */
import type { VideoInfo } from "../media/ffmpeg.ts";
import type { OutputValidation } from "./copy_manifest.ts";
import { copyFpsFraction, timeMapOf, type TimePattern } from "../ops/time_map.ts";

/** Relative fps tolerance: ffprobe's averages of re-muxed timestamps differ in the last digits. */
const FPS_TOLERANCE = 1e-3;

/** Options of {@link validateOutput}. */
export interface ValidateOutputOptions {
  /**
   * False for the `unaltered` copy (the source file itself): its frames may change size
   * mid-stream, as the source's do (the sampler brings them to the first frame's size). Default
   * true: every frame of the output must have the expected size.
   */
  oneSize?: boolean;
  /**
   * The frame pattern of a time operation (`OpInstance.time`): the output must have the frames
   * the pattern keeps of the source's, at the rate it sets (ops/time_map.ts). Absent: the
   * source's frame count and rate.
   */
  time?: TimePattern;
}

/**
 * Compares the probe of an output (`out`) with its source's and the size the operation should
 * give (`out.width` x `out.height` is its first frame's; with `oneSize`, a later run of frames of
 * another size or pixel format is a problem too); `problems` says what differs (empty when ok).
 * The probe is kept for readers.
 */
export function validateOutput(
  source: VideoInfo,
  out: VideoInfo,
  expectedWidth: number,
  expectedHeight: number,
  options: ValidateOutputOptions = {},
): OutputValidation {
  const problems: string[] = [];
  const time = options.time;
  const expectedFrames = time ? timeMapOf(time, source.frameCount).frames : source.frameCount;
  const expectedFps = time ? fractionValue(copyFpsFraction(time, source.fpsFraction)) : source.fps;
  const whose = time ? "its time pattern keeps" : "source has";
  if (out.frameCount !== expectedFrames) {
    problems.push(`${out.frameCount} frames, ${whose} ${expectedFrames}`);
  }
  if (Math.abs(out.fps - expectedFps) > FPS_TOLERANCE * expectedFps) {
    problems.push(
      `${out.fps} fps, ${time ? "its time pattern sets" : "source has"} ${expectedFps}`,
    );
  }
  if (out.width !== expectedWidth || out.height !== expectedHeight) {
    problems.push(`size ${out.width}x${out.height}, expected ${expectedWidth}x${expectedHeight}`);
  }
  if (options.oneSize !== false) {
    for (const segment of out.segments.slice(1)) {
      problems.push(
        `frames from ${segment.start} on are ${segment.width}x${segment.height} ` +
          `${segment.pixFmt}, the first ${out.width}x${out.height} ${out.pixFmt}`,
      );
    }
  }
  return {
    ok: problems.length === 0,
    frameCount: out.frameCount,
    expectedFrameCount: expectedFrames,
    fps: out.fps,
    expectedFps,
    width: out.width,
    height: out.height,
    expectedWidth,
    expectedHeight,
    problems,
    probe: out,
  };
}

/** The value of a fraction string (`30000/1001`); 0 when it is not one. */
function fractionValue(text: string): number {
  const [n, d = "1"] = text.split("/");
  const value = Number(n) / Number(d);
  return Number.isFinite(value) ? value : 0;
}
