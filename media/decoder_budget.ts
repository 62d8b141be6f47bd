/**
 * How many videos one ffmpeg process may decode at once: the rule shared by the jobs that open
 * one decoder per copy of a video in a single process (distort's copy quality,
 * artifacts/quality_video.ts; the report's contact sheet, report/contact_sheet.ts). One process
 * for many files pays ffmpeg's start once (Debian's build links some 200 libraries: about 0.09 s
 * of CPU per start, docs/testing.md); the memory of its decoders bounds how many.
 * @module
 */

/**
 * Memory one process may use for its decoders (bytes): each decoder holds up to about
 * {@link FRAMES_PER_DECODER} yuv420p frames (reference frames and threads).
 */
const DECODER_BUDGET_BYTES = 2 ** 30;
const FRAMES_PER_DECODER = 24;
/** At most this many decoders per process (the paper's 12 copies fit in one up to 1080p). */
const MAX_DECODERS = 16;

/**
 * How many `width` x `height` videos (pixels of the first frame) one process decodes at once:
 * 1 to 16 (16 at 640x360, 14 at 1920x1080, 3 at 4096x2160).
 */
export function decodersPerProcess(width: number, height: number): number {
  const perDecoder = width * height * 1.5 * FRAMES_PER_DECODER;
  return Math.max(1, Math.min(MAX_DECODERS, Math.floor(DECODER_BUDGET_BYTES / perDecoder)));
}
