/**
 * How large a video's frames may be, and how many it may have, before dfrobust decodes it
 * (docs/security.md, "Frame size and frame count"). A few hundred kilobytes of H.264 can hold
 * 8192x8192 frames (a solid colour compresses to almost nothing): decoding, filtering and
 * encoding them took the encoder and eval past 5 GB. The probe checks every frame size it finds
 * against these limits before any other job decodes the file, and every decoder ffmpeg starts on
 * a dataset's file is told the largest frame it may allocate (`-max_pixels`), so a frame larger
 * than the probe allowed (a file changed since, a frame the probe never saw) is refused by the
 * decoder instead of allocated.
 *
 * The limits themselves (names, defaults, why, how to raise them) are records of the one registry,
 * util/limits.ts; this module holds what checking them against a video takes.
 * @module
 */
import { type Limits, overLimit, resolveLimits } from "../util/limits.ts";

/**
 * The limits on a video's frames: the frame width, height and pixels and the frames a video may
 * have, records of the registry in util/limits.ts (defaults, why, `--limit` names there).
 */
export type FrameLimits = Pick<
  Limits,
  "frameWidth" | "frameHeight" | "framePixels" | "videoFrames"
>;

/**
 * The frame limits in force: `overrides` (a run's whole `limits` may be given) over the defaults.
 * @throws {RangeError} when an override is not a positive integer, or is no limit.
 */
export function frameLimits(overrides: Partial<Limits> = {}): FrameLimits {
  const { frameWidth, frameHeight, framePixels, videoFrames } = resolveLimits(overrides);
  return { frameWidth, frameHeight, framePixels, videoFrames };
}

/**
 * Why a `width` x `height` frame is over `limits` (a reason for an error naming the file), or
 * null when it is within them. Every limit it is over is named, with how to raise it
 * (`overLimit`): `its frames are 8192x8192 (67108864 pixels), over the limit of 4096 pixels of
 * frame width (raise it with --limit frame-width=N; ...), over the limit of ...`.
 */
export function frameSizeProblem(
  width: number,
  height: number,
  limits: Omit<FrameLimits, "videoFrames">,
): string | null {
  const over = [
    width > limits.frameWidth ? overLimit("frameWidth", limits.frameWidth) : null,
    height > limits.frameHeight ? overLimit("frameHeight", limits.frameHeight) : null,
    width * height > limits.framePixels ? overLimit("framePixels", limits.framePixels) : null,
  ].filter((text) => text !== null);
  if (over.length === 0) return null;
  return `its frames are ${width}x${height} (${width * height} pixels), ${over.join(", ")}`;
}

/** Why `frameCount` frames are over `limits`, or null when they are within them. */
export function frameCountProblem(
  frameCount: number,
  limits: Pick<FrameLimits, "videoFrames">,
): string | null {
  if (frameCount <= limits.videoFrames) return null;
  return `its video has ${frameCount} frames or more, ` +
    overLimit("videoFrames", limits.videoFrames);
}

/**
 * Room ffmpeg's decoders need above a frame's own size: they check the frame's width rounded up
 * to their row alignment (up to 64 pixels) and some the coded height (H.264 codes 1080 as 1088).
 */
const ALIGNMENT_SLACK = 128;

/**
 * The `-max_pixels` a decoder gets so that every frame within `limits` decodes and none much
 * larger is allocated: the largest allowed frame with {@link ALIGNMENT_SLACK} on each side.
 */
export function decoderPixelCap(limits: Omit<FrameLimits, "videoFrames">): number {
  return limits.framePixels + ALIGNMENT_SLACK * (limits.frameWidth + limits.frameHeight) +
    ALIGNMENT_SLACK ** 2;
}

/**
 * The `-max_pixels` for a decoder reading a video whose probe found frames of these sizes: the
 * largest with {@link ALIGNMENT_SLACK} on each side (the probe already held them to the limits).
 */
export function decoderPixelCapOf(
  sizes: readonly { codedWidth: number; codedHeight: number }[],
): number {
  let cap = 0;
  for (const s of sizes) {
    cap = Math.max(cap, (s.codedWidth + ALIGNMENT_SLACK) * (s.codedHeight + ALIGNMENT_SLACK));
  }
  return cap;
}

/**
 * The frame size a decoder refused for `-max_pixels` in `log` (ffmpeg's `Picture size WxH
 * exceeds specified max pixel count`), or null when it refused none.
 */
export function oversizeFromLog(log: string): { width: number; height: number } | null {
  const match = /Picture size (\d+)x(\d+) exceeds specified max pixel count/.exec(log);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}
