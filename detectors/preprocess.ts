/**
 * Preprocessing: from a decoded frame and a face box to the model's input tensor, the way the
 * detector's authors did it — crop rule, resize (PIL's or OpenCV's bilinear), channel order,
 * `((x * scale) - mean) / std` and layout. Writes straight into a batch tensor.
 * @module
 */
import { type CropBox, resizeRgbRows } from "../image/resize.ts";
import type { Box } from "../faces/box.ts";
import type { RgbFrame } from "../image/frame.ts";
import { type CropRule, type DetectorSpec, inputChannels, type InputSpec } from "./spec.ts";

/**
 * The integer crop that `rule` takes around `box` in a `frameW` x `frameH` frame, or null when
 * the box gives no crop: a box with no pixel inside the frame (wholly outside, or of zero size)
 * is no face, and so is a crop the rule leaves empty. The rule is applied to the box as given,
 * sticking out of the frame or not, exactly as the upstream function it reproduces (see
 * {@link CropRule}; sources and worked examples in docs/detectors.md):
 * - `square` (FaceForensics++ `get_boundingbox`): the box's corners are rounded to integers
 *   (dlib boxes are integers); side = int(max(x2 - x1, y2 - y1) * scale); centre =
 *   ((x1 + x2) // 2, (y1 + y2) // 2); corner = max(centre - side // 2, 0); then
 *   side = min(W - x, side) and min(H - y, side). A square, at the border shifted and shrunk.
 * - `margin` (SBI `crop_face`, test phase): m = fraction * w (left/right), fraction * h
 *   (top/bottom); x from max(0, int(x1 - m)) to min(W, int(x2 + m) + 1).
 * - `radius` (Capsule-Forensics-v2 `extract_face`): r = int(h * scale / 2) around the centre
 *   (int(x + w / 2), int(y + h / 2)); x from max(cx - r, 0) to min(cx + r, W), same for y.
 * - `reflect` (MesoNet `get_aligned_face` without rotation): half = floor(max(w, h) * scale / 2)
 *   around (floor(x + w / 2), floor(y + h / 2)); never clipped: past the frame the crop has
 *   `fill: "reflect"`.
 * - `box`: the box rounded outwards and clipped. `full`: the whole frame.
 * `int()` is Python's (towards zero), `//` floors. A null `box` stands for the whole frame.
 * Pure. Throws a RangeError for an empty frame.
 */
export function cropBox(
  box: Box | null,
  frameW: number,
  frameH: number,
  rule: CropRule,
): CropBox | null {
  if (!(frameW >= 1 && frameH >= 1)) {
    throw new RangeError(`cropBox: frame size ${frameW}x${frameH} is empty`);
  }
  if (box === null) return { x: 0, y: 0, w: frameW, h: frameH };
  // Even for the `full` rule: a box with no pixel in the frame says there is no face in it.
  const inFrame = box.w > 0 && box.h > 0 && box.x < frameW && box.x + box.w > 0 &&
    box.y < frameH && box.y + box.h > 0;
  if (!inFrame) return null;
  // The record's key is rule.kind, which TypeScript cannot relate to the function's parameter.
  const crop = CROPS[rule.kind](box, frameW, frameH, rule as never);
  return crop.w >= 1 && crop.h >= 1 ? crop : null;
}

/** One crop rule: the (possibly empty) crop of a box that has pixels in the frame. */
type CropFunction<K extends CropRule["kind"]> = (
  box: Box,
  frameW: number,
  frameH: number,
  rule: Extract<CropRule, { kind: K }>,
) => CropBox;

/** The crop rules by kind; each mirrors its upstream function line by line. */
const CROPS: { [K in CropRule["kind"]]: CropFunction<K> } = {
  // ondyari/FaceForensics classification/detect_from_video.py, get_boundingbox.
  square(box, frameW, frameH, rule) {
    const x1 = Math.round(box.x);
    const y1 = Math.round(box.y);
    const x2 = Math.round(box.x + box.w);
    const y2 = Math.round(box.y + box.h);
    let size = Math.trunc(Math.max(x2 - x1, y2 - y1) * rule.scale);
    const centreX = Math.floor((x1 + x2) / 2);
    const centreY = Math.floor((y1 + y2) / 2);
    const x = Math.max(centreX - Math.floor(size / 2), 0);
    const y = Math.max(centreY - Math.floor(size / 2), 0);
    size = Math.min(frameW - x, size);
    size = Math.min(frameH - y, size);
    return { x, y, w: size, h: size };
  },
  // mapooon/SelfBlendedImages src/inference/preprocess.py, crop_face(crop_by_bbox=True, 'test').
  margin(box, frameW, frameH, rule) {
    const x0 = box.x;
    const y0 = box.y;
    const x1 = box.x + box.w;
    const y1 = box.y + box.h;
    const mw = (x1 - x0) * rule.fraction;
    const mh = (y1 - y0) * rule.fraction;
    const left = Math.max(0, Math.trunc(x0 - mw));
    const top = Math.max(0, Math.trunc(y0 - mh));
    const right = Math.min(frameW, Math.trunc(x1 + mw) + 1);
    const bottom = Math.min(frameH, Math.trunc(y1 + mh) + 1);
    return { x: left, y: top, w: right - left, h: bottom - top };
  },
  // nii-yamagishilab/Capsule-Forensics-v2 datascripts/create_dataset_*.py, extract_face: the
  // mask's bounding-box height and centroid, here the face box's height and centre.
  radius(box, frameW, frameH, rule) {
    const radius = Math.trunc(box.h * rule.scale / 2);
    const cx = Math.trunc(box.x + box.w / 2);
    const cy = Math.trunc(box.y + box.h / 2);
    const left = Math.max(cx - radius, 0);
    const top = Math.max(cy - radius, 0);
    const right = Math.min(cx + radius, frameW);
    const bottom = Math.min(cy + radius, frameH);
    return { x: left, y: top, w: right - left, h: bottom - top };
  },
  // DariusAf/MesoNet pipeline.py, get_aligned_face + get_image_slice (angle 0): the slice
  // [c - l // 2, c + l // 2) of the frame padded with numpy's "reflect" mode.
  reflect(box, frameW, frameH, rule) {
    const half = Math.floor(Math.max(box.w, box.h) * rule.scale / 2);
    const cx = Math.floor(box.x + box.w / 2);
    const cy = Math.floor(box.y + box.h / 2);
    const crop: CropBox = { x: cx - half, y: cy - half, w: 2 * half, h: 2 * half };
    const inside = crop.x >= 0 && crop.y >= 0 && crop.x + crop.w <= frameW &&
      crop.y + crop.h <= frameH;
    return inside ? crop : { ...crop, fill: "reflect" };
  },
  box(box, frameW, frameH) {
    const left = Math.max(0, Math.floor(box.x));
    const top = Math.max(0, Math.floor(box.y));
    const right = Math.min(frameW, Math.ceil(box.x + box.w));
    const bottom = Math.min(frameH, Math.ceil(box.y + box.h));
    return { x: left, y: top, w: right - left, h: bottom - top };
  },
  full(_box, frameW, frameH) {
    return { x: 0, y: 0, w: frameW, h: frameH };
  },
};

/** Options for {@link preprocessFace}. */
export interface PreprocessOptions {
  /**
   * Batch tensor to write into (length >= (index + 1) * 3 * height * width); a new tensor of one
   * item is made when absent.
   */
  into?: Float32Array;
  /** Item position in `into` (default 0). */
  index?: number;
  /**
   * The crop to take, as {@link cropBox} gave it for this box and the spec's crop rule (the eval
   * pipeline computes it first, to record it); default: computed here.
   */
  crop?: CropBox;
}

/**
 * Number of float elements one preprocessed item takes: C * height * width for a frame detector
 * and a `grid` clip, C * T * height * width for an `NCTHW` or `NTCHW` clip (C = 3, or 1 for
 * colour `L`).
 */
export function itemLength(input: InputSpec): number {
  return itemDims(input).reduce((a, b) => a * b, 1);
}

/**
 * The shape of one item of the model's input, batch axis left out, by layout: `NCHW` and `grid`
 * [C, H, W], `NHWC` [H, W, C], `NCTHW` [C, T, H, W], `NTCHW` [T, C, H, W]; C = 3, or 1 for
 * colour `L` ({@link inputChannels}).
 */
export function itemDims(input: InputSpec): number[] {
  const [h, w] = input.size;
  const t = input.frames ?? 1;
  const c = inputChannels(input);
  switch (input.layout) {
    case "NHWC":
      return [h, w, c];
    case "NCTHW":
      return [c, t, h, w];
    case "NTCHW":
      return [t, c, h, w];
    default:
      return [c, h, w];
  }
}

/**
 * Crops `box` out of `frame` with the spec's crop rule, resizes it to the spec's input size with
 * the spec's resize method (`input.resize`, default PIL's bilinear; see image/resize.ts), and
 * writes the normalised pixels in the spec's layout and channel order into `options.into` at
 * `options.index`. Resolves to the item's view (a subarray, no copy); see
 * {@link preprocessFaceSync} for the synchronous form.
 * A null `box` crops the whole frame. Rejects with a RangeError when the box gives no crop (it
 * has no pixel inside the frame: check with {@link cropBox} first), when `frame.data` does not
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
  if (inputChannels(spec.input) !== 3) {
    throw new RangeError(
      `preprocessFace: colour "${spec.input.colour}" is for clip layouts only, not ` +
        `"${spec.input.layout}"`,
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
  const crop = options.crop ?? cropBox(box, width, height, spec.crop);
  if (crop === null) {
    throw new RangeError(
      `preprocessFace: face box ${JSON.stringify(box)} gives no "${spec.crop.kind}" crop in the ` +
        `${width}x${height} frame (no pixel of it is inside)`,
    );
  }
  const item = into.subarray(index * n, (index + 1) * n);
  // Each resized row goes straight into the tensor: no resized image is kept.
  const write = rowWriter(item, spec.input);
  resizeRgbRows(data, {
    width,
    height,
    region: crop,
    outWidth: outW,
    outHeight: outH,
    method: spec.input.resize,
  }, write);
  return item;
}

/**
 * A function that writes one row of packed RGB bytes (`width * 3`) as row `y` of `out`, in the
 * spec's layout and channel order, mapping each byte through `((x * scale) - mean[c]) / std[c]`.
 */
function rowWriter(
  out: Float32Array,
  input: InputSpec,
): (y: number, rgb: Uint8Array) => void {
  const [h, w] = input.size;
  const plane = h * w;
  const [l0, l1, l2] = normalisationTables(input);
  // Model channel c reads source channel src[c]: RGB keeps the order, BGR swaps 0 and 2.
  const [s0, s1, s2] = input.colour === "BGR" ? [2, 1, 0] : [0, 1, 2];
  if (input.layout === "NCHW") {
    return (y, rgb) => {
      for (let x = 0, p = y * w, q = 0; x < w; x++, p++, q += 3) {
        out[p] = l0[rgb[q + s0]];
        out[plane + p] = l1[rgb[q + s1]];
        out[2 * plane + p] = l2[rgb[q + s2]];
      }
    };
  }
  return (y, rgb) => {
    for (let q = 0, o = y * w * 3; q < w * 3; q += 3, o += 3) {
      out[o] = l0[rgb[q + s0]];
      out[o + 1] = l1[rgb[q + s1]];
      out[o + 2] = l2[rgb[q + s2]];
    }
  };
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
  const write = rowWriter(out, input);
  for (let y = 0; y < h; y++) write(y, rgb.subarray(y * w * 3, (y + 1) * w * 3));
}

/**
 * The value each byte 0..255 maps to in each model channel: `((x * scale) - mean[c]) / std[c]`,
 * one table of 256 entries per channel (model channel order: 3, or 1 for colour `L`).
 */
export function normalisationTables(input: InputSpec): Float32Array[] {
  const make = (c: number) => {
    const table = new Float32Array(256);
    for (let x = 0; x < 256; x++) table[x] = (x * input.scale - input.mean[c]) / input.std[c];
    return table;
  };
  return Array.from({ length: inputChannels(input) }, (_, c) => make(c));
}
