/**
 * Preprocessing: from a decoded frame and a face box to the model's input tensor, the way the
 * detector's authors did it — crop rule, resize (PIL's or OpenCV's bilinear), channel order,
 * `((x * scale) - mean) / std` and layout. Writes straight into a batch tensor.
 * @module
 */
import { type CropBox, resizeRgb } from "./resize.ts";
import type { Box } from "../faces/box.ts";
import type { RgbFrame } from "../faces/frame.ts";
import type { CropRule, DetectorSpec, InputSpec } from "./spec.ts";

/**
 * The integer crop that `rule` takes around `box` in a `frameW` x `frameH` frame, clipped to it.
 * - `square` (FaceForensics++ `get_boundingbox`): side = floor(max(w, h) * scale), centred on the
 *   box's integer centre; the top-left corner is clamped at 0 and the side then shrunk to fit, so
 *   the crop stays square.
 * - `margin` (SBI `crop_face`, test phase): left/right pushed out by `fraction * w`, top/bottom by
 *   `fraction * h`; start = max(0, trunc(x0 - m)), end = min(W, trunc(x1 + m) + 1), as upstream.
 * - `box`: the box rounded outwards. `full`: the whole frame (`box` may be null).
 * Always returns at least one pixel inside the frame. Pure. Throws a RangeError for an empty frame.
 */
export function cropBox(
  box: Box | null,
  frameW: number,
  frameH: number,
  rule: CropRule,
): CropBox {
  if (!(frameW >= 1 && frameH >= 1)) {
    throw new RangeError(`cropBox: frame size ${frameW}x${frameH} is empty`);
  }
  if (rule.kind === "full" || box === null) return { x: 0, y: 0, w: frameW, h: frameH };
  const x0 = box.x;
  const y0 = box.y;
  const x1 = box.x + box.w;
  const y1 = box.y + box.h;
  let left: number, top: number, right: number, bottom: number;
  if (rule.kind === "square") {
    // dlib rectangles are integers; round the box the same way before applying upstream's rule.
    const [ix0, iy0, ix1, iy1] = [Math.round(x0), Math.round(y0), Math.round(x1), Math.round(y1)];
    let side = Math.floor(Math.max(ix1 - ix0, iy1 - iy0) * rule.scale);
    const cx = Math.floor((ix0 + ix1) / 2);
    const cy = Math.floor((iy0 + iy1) / 2);
    left = Math.max(cx - Math.floor(side / 2), 0);
    top = Math.max(cy - Math.floor(side / 2), 0);
    side = Math.min(frameW - left, side);
    side = Math.min(frameH - top, side);
    right = left + side;
    bottom = top + side;
  } else if (rule.kind === "margin") {
    const mw = (x1 - x0) * rule.fraction;
    const mh = (y1 - y0) * rule.fraction;
    left = Math.max(0, Math.trunc(x0 - mw));
    top = Math.max(0, Math.trunc(y0 - mh));
    right = Math.min(frameW, Math.trunc(x1 + mw) + 1);
    bottom = Math.min(frameH, Math.trunc(y1 + mh) + 1);
  } else {
    left = Math.max(0, Math.floor(x0));
    top = Math.max(0, Math.floor(y0));
    right = Math.min(frameW, Math.ceil(x1));
    bottom = Math.min(frameH, Math.ceil(y1));
  }
  // A box outside the frame (or of zero size) still yields one valid pixel, nearest to it.
  left = Math.min(Math.max(left, 0), frameW - 1);
  top = Math.min(Math.max(top, 0), frameH - 1);
  right = Math.max(Math.min(right, frameW), left + 1);
  bottom = Math.max(Math.min(bottom, frameH), top + 1);
  return { x: left, y: top, w: right - left, h: bottom - top };
}

/** Options for {@link preprocessFace}. */
export interface PreprocessOptions {
  /**
   * Batch tensor to write into (length >= (index + 1) * 3 * height * width); a new tensor of one
   * item is made when absent.
   */
  into?: Float32Array;
  /** Item position in `into` (default 0). */
  index?: number;
}

/** Number of float elements one preprocessed item takes: 3 * height * width. */
export function itemLength(input: InputSpec): number {
  return 3 * input.size[0] * input.size[1];
}

/**
 * Crops `box` out of `frame` with the spec's crop rule, resizes it to the spec's input size with
 * the spec's resize method (`input.resize`, default PIL's bilinear; see detectors/resize.ts), and
 * writes the normalised pixels in the spec's layout and channel order into `options.into` at
 * `options.index`. Resolves to the item's view (a subarray, no copy); see
 * {@link preprocessFaceSync} for the synchronous form.
 * `box` may be null for the `full` crop rule. Rejects with a RangeError when `frame.data` does not
 * hold width * height * 3 bytes or `into` is too short.
 */
export function preprocessFace(
  frame: RgbFrame,
  box: Box | null,
  spec: Pick<DetectorSpec, "input" | "crop">,
  options: PreprocessOptions = {},
): Promise<Float32Array> {
  try {
    return Promise.resolve(preprocessFaceSync(frame, box, spec, options));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** {@link preprocessFace} without the promise: returns the item's view or throws a RangeError. */
export function preprocessFaceSync(
  frame: RgbFrame,
  box: Box | null,
  spec: Pick<DetectorSpec, "input" | "crop">,
  options: PreprocessOptions = {},
): Float32Array {
  const { width, height, data } = frame;
  if (data.length !== width * height * 3) {
    throw new RangeError(
      `preprocessFace: frame holds ${data.length} bytes, expected ${width}x${height}x3`,
    );
  }
  const [outH, outW] = spec.input.size;
  const n = itemLength(spec.input);
  const index = options.index ?? 0;
  const into = options.into ?? new Float32Array(n);
  if (into.length < (index + 1) * n) {
    throw new RangeError(
      `preprocessFace: batch tensor of ${into.length} floats cannot hold item ${index} of ${n}`,
    );
  }
  const crop = cropBox(box, width, height, spec.crop);
  const pixels = resizeRgb(data, {
    width,
    height,
    region: crop,
    outWidth: outW,
    outHeight: outH,
    method: spec.input.resize,
  });
  const item = into.subarray(index * n, (index + 1) * n);
  writeNormalised(pixels, item, spec.input);
  return item;
}

/**
 * Writes packed RGB bytes (`height * width * 3`) into `out` in the spec's layout and channel
 * order, mapping each byte through `((x * scale) - mean[c]) / std[c]`.
 */
export function writeNormalised(rgb: Uint8Array, out: Float32Array, input: InputSpec): void {
  const [h, w] = input.size;
  const plane = h * w;
  if (rgb.length !== plane * 3 || out.length < plane * 3) {
    throw new RangeError(`writeNormalised: expected ${plane * 3} bytes and floats`);
  }
  const luts = normalisationTables(input);
  // Model channel c reads source channel src[c]: RGB keeps the order, BGR swaps 0 and 2.
  const src = input.colour === "BGR" ? [2, 1, 0] : [0, 1, 2];
  const [l0, l1, l2] = luts;
  const [s0, s1, s2] = src;
  if (input.layout === "NCHW") {
    for (let p = 0, q = 0; p < plane; p++, q += 3) {
      out[p] = l0[rgb[q + s0]];
      out[plane + p] = l1[rgb[q + s1]];
      out[2 * plane + p] = l2[rgb[q + s2]];
    }
  } else {
    for (let q = 0; q < plane * 3; q += 3) {
      out[q] = l0[rgb[q + s0]];
      out[q + 1] = l1[rgb[q + s1]];
      out[q + 2] = l2[rgb[q + s2]];
    }
  }
}

/**
 * The value each byte 0..255 maps to in each model channel: `((x * scale) - mean[c]) / std[c]`,
 * three tables of 256 entries (model channel order).
 */
export function normalisationTables(input: InputSpec): [Float32Array, Float32Array, Float32Array] {
  const make = (c: number) => {
    const table = new Float32Array(256);
    for (let x = 0; x < 256; x++) table[x] = (x * input.scale - input.mean[c]) / input.std[c];
    return table;
  };
  return [make(0), make(1), make(2)];
}
