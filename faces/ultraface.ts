/**
 * UltraFace (Ultra-Light-Fast-Generic-Face-Detector-1MB, Linzaer): a 1 MB ONNX face detector with
 * box decoding built in. Frames are resized to the model's input (320x240 or 640x480), RGB,
 * `(x - 127) / 128`, NCHW; faces are the priors whose class-1 score exceeds a threshold (0.7),
 * merged with hard NMS (IoU 0.3) — the authors' settings.
 * @module
 */
import * as ort from "../deps/onnxruntime.ts";
import { type OnnxSession, openOnnxSession } from "../onnx/session.ts";
import { NotRegularFileError, readRegularFile } from "../util/regular_file.ts";
import { resizeRgbRows } from "../image/resize.ts";
import type { FaceBox } from "./box.ts";
import type { RgbFrame } from "../image/frame.ts";
import type { FaceLocator } from "./locator.ts";
import { hardNms } from "./nms.ts";
import { DEFAULT_LIMITS, overLimit } from "../util/limits.ts";

/** Options for {@link openUltraFace}. */
export interface UltraFaceOptions {
  /** Minimum face probability in [0, 1]; default 0.7 (upstream). */
  threshold?: number;
  /** Hard-NMS IoU threshold; default 0.3 (upstream). */
  iouThreshold?: number;
  /** Keep at most this many faces per frame; default all. */
  topK?: number;
  /** onnxruntime intra-op threads; default: the number of logical CPUs. */
  threads?: number;
  /**
   * Run onnxruntime in a worker thread, so the calling thread stays free during each detection
   * (onnx/session.ts). Default false.
   */
  worker?: boolean;
  /**
   * The largest input side accepted, in pixels (each frame is resized to the model's input, one
   * tensor of 3 x H x W floats); default the `inputSide` limit of util/limits.ts (1024).
   */
  maxInputSide?: number;
}

/** An open UltraFace model; also a {@link FaceLocator} (`mode: "ultraface"`). */
export interface UltraFace extends FaceLocator {
  /** Model input size `[height, width]`. */
  readonly inputSize: [number, number];
  /**
   * Faces in one frame, in the frame's pixels (not clipped: a box may stick out), highest score
   * first.
   */
  detect(frame: RgbFrame): Promise<FaceBox[]>;
}

/** Thrown when the face model is missing or is not an UltraFace model; names the file. */
export class FaceModelError extends Error {
  override name = "FaceModelError";
}

/**
 * Opens an UltraFace ONNX model (`--face-model <path>`). Throws {@link FaceModelError} naming the
 * file when it is missing, unreadable, not a regular file (a FIFO or device, refused before any
 * read), or lacks the `scores` [1,N,2] / `boxes` [1,N,4] outputs
 * and a [1,3,H,W] input, or when H or W is over `options.maxInputSide`. At most 200 candidates
 * (the highest scores, as upstream) enter NMS, so a frame gives at most 200 faces.
 */
export async function openUltraFace(
  modelPath: string,
  options: UltraFaceOptions = {},
): Promise<UltraFace> {
  let bytes: Uint8Array;
  try {
    // A FIFO or device is refused before any read (util/regular_file.ts).
    bytes = await readRegularFile(modelPath);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "does not exist"
      : error instanceof NotRegularFileError
      ? `is refused: ${error.message}`
      : `cannot be read: ${(error as Error).message}`;
    throw new FaceModelError(
      `Face model "${modelPath}" ${reason} (give --face-model <version-RFB-320.onnx>)`,
    );
  }
  let session: OnnxSession;
  try {
    session = await openOnnxSession(bytes, {
      graphOptimizationLevel: "all",
      intraOpNumThreads: Math.max(
        1,
        Math.floor(options.threads ?? navigator.hardwareConcurrency ?? 1),
      ),
      // The published export lists its initializers as inputs: onnxruntime warns once per weight.
      logSeverityLevel: 3,
      // Idle threads sleep: detections come one frame at a time, between other work.
      extra: { session: { intra_op: { allow_spinning: "0" } } },
    }, { worker: options.worker });
  } catch (error) {
    throw new FaceModelError(`Cannot load face model "${modelPath}": ${(error as Error).message}`);
  }
  const input = session.inputMetadata[0];
  const shape = input?.isTensor ? input.shape : [];
  if (
    shape.length !== 4 || shape[1] !== 3 || typeof shape[2] !== "number" ||
    typeof shape[3] !== "number" || !session.outputNames.includes("scores") ||
    !session.outputNames.includes("boxes")
  ) {
    await session.release();
    throw new FaceModelError(
      `Face model "${modelPath}" is not an UltraFace model (want input [1,3,H,W] and outputs ` +
        `"scores", "boxes"; got input [${shape.join(",")}], outputs ${
          session.outputNames.join(", ")
        })`,
    );
  }
  const inH = shape[2] as number;
  const inW = shape[3] as number;
  const maxSide = options.maxInputSide ?? DEFAULT_LIMITS.inputSide;
  if (Math.max(inH, inW) > maxSide) {
    await session.release();
    throw new FaceModelError(
      `Face model "${modelPath}" has an input of ${inW}x${inH} pixels, ${
        overLimit("inputSide", maxSide)
      }`,
    );
  }
  const inputName = session.inputNames[0];
  const threshold = options.threshold ?? 0.7;
  let released = false;
  const spare: Float32Array[] = [];

  async function detect(frame: RgbFrame): Promise<FaceBox[]> {
    const { width, height } = frame;
    // Memory of an earlier input when one came back: fresh memory costs a page fault per 4 KiB.
    const tensor = ultraFaceInput(frame, [inH, inW], spare.pop());
    // The input is this call's own: moved to a worker, not copied, and back to be filled again.
    const out = await session.run({
      [inputName]: new ort.Tensor("float32", tensor, [1, 3, inH, inW]),
    }, {
      transfer: true,
      returned: (feeds) => {
        const back = feeds[inputName];
        if (back instanceof Float32Array && back.length === 3 * inH * inW) spare.push(back);
      },
    });
    const scores = out.scores.data as Float32Array;
    const boxes = out.boxes.data as Float32Array;
    const candidates: FaceBox[] = [];
    for (let i = 0, n = scores.length / 2; i < n; i++) {
      const score = scores[2 * i + 1];
      if (!(score > threshold)) continue;
      // Not clipped, as upstream's predict(): a detector crop rule decides what a box that
      // sticks out of the frame gives.
      const x1 = boxes[4 * i] * width;
      const y1 = boxes[4 * i + 1] * height;
      const x2 = boxes[4 * i + 2] * width;
      const y2 = boxes[4 * i + 3] * height;
      if (x2 > x1 && y2 > y1) candidates.push({ x: x1, y: y1, w: x2 - x1, h: y2 - y1, score });
    }
    return hardNms(candidates, {
      iouThreshold: options.iouThreshold ?? 0.3,
      topK: options.topK,
      candidateSize: 200,
    });
  }

  /**
   * Boxes of each frame, in order. One frame per run (the published models have a fixed batch of
   * 1), the next frame's input built while the model runs on this one.
   */
  async function locateFrames(frames: readonly RgbFrame[]): Promise<FaceBox[][]> {
    const result: FaceBox[][] = [];
    let previous: Promise<FaceBox[]> | null = null;
    for (const frame of frames) {
      const current = detect(frame);
      // Observed below, in order; a failure before it must not leave it unhandled.
      current.catch(() => {});
      if (previous) result.push(await previous);
      previous = current;
    }
    if (previous) result.push(await previous);
    return result;
  }
  let videoQueue: Promise<unknown> = Promise.resolve();

  return {
    mode: "ultraface",
    inputSize: [inH, inW],
    detect,
    locate(_videoId, frames) {
      // One video at a time, in the order asked: the earliest video's faces reach the detector
      // first, rather than every video waiting for frames of the others (with prefetching
      // callers, that kept the model idle at the start; docs/benchmarks.md).
      const turn = videoQueue.then(() => locateFrames(frames));
      videoQueue = turn.catch(() => {});
      return turn;
    },
    async release() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}

/**
 * UltraFace's input for `frame`: the whole frame stretched to `[height, width]` (upstream's
 * `cv2.resize`, no letterbox), RGB, `(x - 127) / 128`, NCHW, written into `into` (3 x height x
 * width floats, every one overwritten) or a fresh tensor. Throws a RangeError when `into` has
 * another length.
 */
export function ultraFaceInput(
  frame: RgbFrame,
  [inH, inW]: [number, number],
  into?: Float32Array,
): Float32Array {
  const plane = inH * inW;
  if (into && into.length !== 3 * plane) {
    throw new RangeError(`ultraFaceInput: ${into.length} floats given, ${3 * plane} needed`);
  }
  const tensor = into ?? new Float32Array(3 * plane);
  const write = (y: number, row: Uint8Array) => {
    for (let x = 0, p = y * inW, q = 0; x < inW; x++, p++, q += 3) {
      tensor[p] = (row[q] - 127) / 128;
      tensor[plane + p] = (row[q + 1] - 127) / 128;
      tensor[2 * plane + p] = (row[q + 2] - 127) / 128;
    }
  };
  const { width, height, data } = frame;
  resizeRgbRows(
    data,
    { width, height, outWidth: inW, outHeight: inH, method: "cv2-linear" },
    write,
  );
  return tensor;
}
