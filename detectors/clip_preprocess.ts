/**
 * Preprocessing a clip: each of its T frames cropped, resized and normalised as a frame
 * detector's face is (detectors/preprocess.ts: crop, PIL's or OpenCV's bilinear, channel order,
 * `((x * scale) - mean) / std`), written straight into its place of the clip tensor: time step t
 * at `[:, t]` (`NCTHW`), `[t]` (`NTCHW`), or as thumbnail t of one image (`grid`: row
 * floor(t / cols), column t % cols, each `size / grid` pixels). Colour `L` (one channel) takes
 * each resized RGB pixel's luma as PIL's `convert("L")` does (image/luma.ts) before the
 * normalisation: LipForensics converts its resized mouth crops so (`data/dataset_clips.py`).
 * @module
 */
import { type CropBox, resizeRgbRows } from "../image/resize.ts";
import type { RgbFrame } from "../image/frame.ts";
import { pilLuma } from "../image/luma.ts";
import { itemLength, normalisationTables } from "./preprocess.ts";
import { type DetectorSpec, inputChannels, type InputSpec } from "./spec.ts";

/** One time step of a clip: its frame and the crop of it the model sees. */
export interface ClipStep {
  frame: RgbFrame;
  crop: CropBox;
}

/**
 * Writes the clip `steps` (T of them, in time order) into item `index` of `into` in the spec's
 * clip layout (see the module doc). Returns the item's view.
 * @throws {RangeError} when the spec is not a clip detector's, `steps` does not hold T steps, a
 * frame does not hold width * height * 3 bytes, a crop is empty or `into` is too short.
 */
export function preprocessClipSync(
  steps: readonly ClipStep[],
  spec: Pick<DetectorSpec, "input">,
  into: Float32Array,
  index: number,
): Float32Array {
  const input = spec.input;
  const frames = input.frames;
  if (frames === undefined) throw new RangeError("preprocessClip: the spec has no clip input");
  if (steps.length !== frames) {
    throw new RangeError(`preprocessClip: ${steps.length} frames given for a clip of ${frames}`);
  }
  const n = itemLength(input);
  if (into.length < (index + 1) * n) {
    throw new RangeError(
      `preprocessClip: batch tensor of ${into.length} floats cannot hold item ${index} of ${n}`,
    );
  }
  const item = into.subarray(index * n, (index + 1) * n);
  const tables = normalisationTables(input);
  const order = input.colour === "BGR" ? [2, 1, 0] : [0, 1, 2];
  const gray = input.colour === "L";
  for (let t = 0; t < frames; t++) {
    const { frame, crop } = steps[t];
    if (frame.data.length !== frame.width * frame.height * 3) {
      throw new RangeError(
        `preprocessClip: frame ${t} holds ${frame.data.length} bytes, expected ` +
          `${frame.width}x${frame.height}x3`,
      );
    }
    if (!(crop.w >= 1 && crop.h >= 1)) {
      throw new RangeError(`preprocessClip: frame ${t}'s crop ${JSON.stringify(crop)} is empty`);
    }
    const place = stepPlace(input, t);
    resizeRgbRows(frame.data, {
      width: frame.width,
      height: frame.height,
      region: crop,
      outWidth: place.width,
      outHeight: place.height,
      method: input.resize,
    }, (y, rgb) => {
      const row = place.offset + y * place.rowStride;
      if (gray) {
        const table = tables[0];
        for (let x = 0, q = 0; x < place.width; x++, q += 3) {
          item[row + x] = table[pilLuma(rgb[q], rgb[q + 1], rgb[q + 2])];
        }
        return;
      }
      for (let c = 0; c < 3; c++) {
        const table = tables[c];
        const src = order[c];
        const at = row + c * place.channelStride;
        for (let x = 0, q = src; x < place.width; x++, q += 3) item[at + x] = table[rgb[q]];
      }
    });
  }
  return item;
}

/** Where time step `t` goes in an item: its size and the strides of its rows and channels. */
function stepPlace(input: InputSpec, t: number): {
  width: number;
  height: number;
  offset: number;
  rowStride: number;
  channelStride: number;
} {
  const [h, w] = input.size;
  const frames = input.frames ?? 1;
  const c = inputChannels(input);
  if (input.layout === "grid") {
    const [rows, cols] = input.grid!;
    const height = h / rows;
    const width = w / cols;
    const offset = Math.floor(t / cols) * height * w + (t % cols) * width;
    return { width, height, offset, rowStride: w, channelStride: h * w };
  }
  if (input.layout === "NTCHW") {
    return { width: w, height: h, offset: t * c * h * w, rowStride: w, channelStride: h * w };
  }
  if (input.layout === "NCTHW") {
    return { width: w, height: h, offset: t * h * w, rowStride: w, channelStride: frames * h * w };
  }
  throw new RangeError(`preprocessClip: layout "${input.layout}" has no time axis`);
}
