/**
 * How large a video's frames may be, and how many it may have, before dfrobust decodes it
 * (docs/security.md, "Frame size and frame count"). A few hundred kilobytes of H.264 can hold
 * 8192x8192 frames (a solid colour compresses to almost nothing): decoding, filtering and
 * encoding them took the encoder and eval past 5 GB. The probe checks every frame size it finds
 * against these limits before any other job decodes the file, and every decoder ffmpeg starts on
 * a dataset's file is told the largest frame it may allocate (`-max_pixels`), so a frame larger
 * than the probe allowed (a file changed since, a frame the probe never saw) is refused by the
 * decoder instead of allocated.
 * @module
 */

/** The limits on a video's frames (see {@link DEFAULT_FRAME_LIMITS} for the defaults and why). */
export interface FrameLimits {
  /** Widest frame accepted, in pixels (coded width, before rotation metadata). */
  maxWidth: number;
  /** Tallest frame accepted, in pixels (coded height, before rotation metadata). */
  maxHeight: number;
  /** Most pixels (width x height) in one frame. */
  maxPixels: number;
  /** Most frames the decoder may return for the video stream. */
  maxFrames: number;
}

/**
 * The defaults: frames up to 4096 pixels on either side and 4096x2160 (8,847,360) pixels, so DCI
 * 4K (4096x2160), UHD (3840x2160) and portrait phone video (2160x3840) pass, and 8K (7680x4320,
 * four times the pixels) does not. Every benchmark set in the field (FaceForensics++, DFDC,
 * Celeb-DF, DeeperForensics) is at most 1920x1080. At the limit a frame is 13 MB as yuv420p and
 * 27 MB as the RGB eval samples, which keeps distort's encoders (about 150 frames in flight per
 * branch) and eval's 32 sampled frames per video within a few GB. At most 300,000 frames (2.8 h
 * at 30 fps): the probe lists every decoded frame (about 300 bytes of memory per frame) and
 * distort encodes every one; benchmark videos are seconds to minutes long.
 */
export const DEFAULT_FRAME_LIMITS: Readonly<FrameLimits> = Object.freeze({
  maxWidth: 4096,
  maxHeight: 4096,
  maxPixels: 4096 * 2160,
  maxFrames: 300_000,
});

/** How to raise each limit, for messages: the command-line flag and the library option. */
const HOW_TO_RAISE =
  "--max-frame-size WxH / --max-frame-pixels N / --max-frames N on distort and eval " +
  "(library option frameLimits), for a video you trust";

/**
 * `DEFAULT_FRAME_LIMITS` with `overrides` applied.
 * @throws {RangeError} when an override is not a positive integer.
 */
export function frameLimits(overrides: Partial<FrameLimits> = {}): FrameLimits {
  const limits = { ...DEFAULT_FRAME_LIMITS };
  for (const key of Object.keys(DEFAULT_FRAME_LIMITS) as (keyof FrameLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`frameLimits.${key} must be a positive integer, got ${value}`);
    }
    limits[key] = value;
  }
  return limits;
}

/**
 * Reads a `--max-frame-size` value, `WxH` (e.g. `4096x4096`), as `{ maxWidth, maxHeight }`.
 * @throws {RangeError} for anything but two positive integers joined by `x`.
 */
export function parseFrameSize(text: string): Pick<FrameLimits, "maxWidth" | "maxHeight"> {
  const match = /^\s*(\d+)\s*[xX]\s*(\d+)\s*$/.exec(text);
  const [width, height] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || width < 1 || height < 1 || !Number.isSafeInteger(width * height)) {
    throw new RangeError(`a frame size is WIDTHxHEIGHT in pixels, e.g. 4096x4096; got "${text}"`);
  }
  return { maxWidth: width, maxHeight: height };
}

/**
 * Why a `width` x `height` frame is over `limits` (a reason for an error naming the file), or
 * null when it is within them.
 */
export function frameSizeProblem(
  width: number,
  height: number,
  limits: FrameLimits,
): string | null {
  if (
    width <= limits.maxWidth && height <= limits.maxHeight && width * height <= limits.maxPixels
  ) {
    return null;
  }
  return `its frames are ${width}x${height} (${width * height} pixels), over the frame size ` +
    `limit of ${limits.maxWidth}x${limits.maxHeight} and ${limits.maxPixels} pixels; raise it ` +
    `with ${HOW_TO_RAISE}`;
}

/** Why `frameCount` frames are over `limits`, or null when they are within them. */
export function frameCountProblem(frameCount: number, limits: FrameLimits): string | null {
  if (frameCount <= limits.maxFrames) return null;
  return `its video has ${frameCount} frames or more, over the limit of ${limits.maxFrames} ` +
    `frames; raise it with ${HOW_TO_RAISE}`;
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
export function decoderPixelCap(
  limits: Pick<FrameLimits, "maxWidth" | "maxHeight" | "maxPixels">,
): number {
  return limits.maxPixels + ALIGNMENT_SLACK * (limits.maxWidth + limits.maxHeight) +
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
