/**
 * Validating a distorted output against its source (ffprobe of both): the same frame count, the
 * same frame rate (within a relative 1e-3) and the size the operation should give. Internal to
 * `artifacts/`; the result is recorded in the copy manifest (`videos[].validation`).
 * @module
 */
import type { VideoInfo } from "../media/ffmpeg.ts";
import type { OutputValidation } from "./copy_manifest.ts";

/** Relative fps tolerance: ffprobe's averages of re-muxed timestamps differ in the last digits. */
const FPS_TOLERANCE = 1e-3;

/**
 * Compares the probe of an output (`out`) with its source's and the size the operation should
 * give; `problems` says what differs (empty when ok). The probe is kept for readers.
 */
export function validateOutput(
  source: VideoInfo,
  out: VideoInfo,
  expectedWidth: number,
  expectedHeight: number,
): OutputValidation {
  const problems: string[] = [];
  if (out.frameCount !== source.frameCount) {
    problems.push(`${out.frameCount} frames, source has ${source.frameCount}`);
  }
  if (Math.abs(out.fps - source.fps) > FPS_TOLERANCE * source.fps) {
    problems.push(`${out.fps} fps, source has ${source.fps}`);
  }
  if (out.width !== expectedWidth || out.height !== expectedHeight) {
    problems.push(`size ${out.width}x${out.height}, expected ${expectedWidth}x${expectedHeight}`);
  }
  return {
    ok: problems.length === 0,
    frameCount: out.frameCount,
    expectedFrameCount: source.frameCount,
    fps: out.fps,
    expectedFps: source.fps,
    width: out.width,
    height: out.height,
    expectedWidth,
    expectedHeight,
    problems,
    probe: out,
  };
}
