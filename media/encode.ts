/**
 * Encoding raw RGB frames to an H.264 mp4: how the demo dataset generator and the tests make
 * clips. Deterministic (same frames, options and ffmpeg build give the same bytes) and atomic.
 * @module
 */
import { resolve } from "node:path";
import { atomicProduce } from "../util/atomic.ts";
import type { Ffmpeg } from "./ffmpeg.ts";

/** Options of {@link encodeFrames}. */
export interface EncodeFramesOptions {
  /** Frame width in pixels (even unless `lossless`, as yuv420p needs). */
  width: number;
  /** Frame height in pixels (even unless `lossless`). */
  height: number;
  /** Frame rate: frames per second, or a fraction such as `30000/1001`. */
  fps: number | string;
  /** x264 constant rate factor, 0-51 (lower is better). Default 18. Ignored when `lossless`. */
  crf?: number;
  /** x264 preset (`ultrafast` ... `veryslow`). Default `medium`. */
  preset?: string;
  /**
   * Store the RGB values exactly: libx264rgb with QP 0 (High 4:4:4 Predictive, RGB). Decoding
   * gives back the input bytes, which tests rely on; not every player can show such files.
   */
  lossless?: boolean;
}

/**
 * Encodes rgb24 frames (`width * height * 3` bytes each) to an H.264 mp4 at `outPath`:
 * yuv420p at the given CRF, or exact RGB when `lossless`. Frames go through ffmpeg's stdin.
 * The output has no creation time, encoder string or other metadata that varies between runs,
 * and x264 runs with a fixed thread count, so the bytes depend only on the input, the options
 * and the ffmpeg build. Native ffmpeg and ffmpeg.wasm give different bytes (their x264 builds
 * write different version strings, and wasm runs x264 on one thread); record
 * {@link Ffmpeg.build} beside anything hashed. The file appears atomically (temporary file,
 * then rename).
 * @throws {RangeError} for an empty frame list, a frame of the wrong size, or odd dimensions
 *   without `lossless`.
 * @throws {FfmpegError} when ffmpeg fails.
 */
export async function encodeFrames(
  ffmpeg: Ffmpeg,
  outPath: string,
  frames: Uint8Array[],
  options: EncodeFramesOptions,
): Promise<void> {
  const { width, height, fps, lossless = false } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`Cannot encode "${outPath}": bad frame size ${width}x${height}`);
  }
  if (!lossless && (width % 2 !== 0 || height % 2 !== 0)) {
    throw new RangeError(
      `Cannot encode "${outPath}": yuv420p needs even width and height, got ${width}x${height} ` +
        `(use lossless, or crop/pad the frames)`,
    );
  }
  if (frames.length === 0) throw new RangeError(`Cannot encode "${outPath}": no frames`);
  const frameBytes = width * height * 3;
  const stdin = new Uint8Array(frameBytes * frames.length);
  frames.forEach((frame, k) => {
    if (frame.length !== frameBytes) {
      throw new RangeError(
        `Cannot encode "${outPath}": frame ${k} has ${frame.length} bytes, expected ${frameBytes} ` +
          `(${width}x${height} rgb24)`,
      );
    }
    stdin.set(frame, k * frameBytes);
  });
  const codec = lossless
    ? ["-c:v", "libx264rgb", "-qp", "0", "-pix_fmt", "rgb24"]
    : ["-c:v", "libx264", "-crf", String(options.crf ?? 18), "-pix_fmt", "yuv420p"];
  const target = resolve(outPath);
  await atomicProduce(target, async (tmp) => {
    await ffmpeg.run({
      args: [
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        `${width}x${height}`,
        "-framerate",
        String(fps),
        "-i",
        "pipe:0",
        ...codec,
        "-preset",
        options.preset ?? "medium",
        // x264's output depends on its thread count: fix it so bytes do not vary by machine.
        "-threads",
        "2",
        "-map_metadata",
        "-1",
        "-fflags",
        "+bitexact",
        "-flags:v",
        "+bitexact",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        `file:${tmp}`,
      ],
      inputs: [],
      outputs: [tmp],
      stdin,
      subject: outPath,
      action: "encode",
    });
  });
}
