/**
 * Bilinear resizing of packed RGB crops, the two ways detector authors resize faces:
 * - `pil-bilinear`: PIL's `Image.resize(..., BILINEAR)` as torchvision's `Resize` runs it on PIL
 *   images — a triangle filter whose support widens with the reduction factor (antialiased when
 *   shrinking), horizontal pass first, 8-bit result after each pass.
 * - `cv2-linear`: OpenCV's `cv2.resize` default `INTER_LINEAR` — two taps at half-pixel centres,
 *   edge pixels repeated, no low-pass when shrinking.
 * sharp's kernels were measured against both (docs/detectors.md): none comes within 2 code values
 * when enlarging, so dfrobust resizes with this file instead.
 * @module
 */

/** Which upstream resize to reproduce. */
export type ResizeMethod = "pil-bilinear" | "cv2-linear";

/**
 * An integer pixel rectangle of a frame (a face crop, the region to resize), `w, h >= 1`. It lies
 * inside the frame (`0 <= x`, `x + w <= width`, same for y/h) unless `fill` says how the pixels
 * outside the frame are made.
 */
export interface CropBox {
  /** Left edge, pixels of the frame (negative only with `fill`). */
  x: number;
  /** Top edge, pixels of the frame (negative only with `fill`). */
  y: number;
  /** Width in pixels, >= 1. */
  w: number;
  /** Height in pixels, >= 1. */
  h: number;
  /**
   * How pixels outside the frame are filled; absent = the crop lies inside the frame.
   * `reflect`: mirrored about the edge pixel without repeating it, as `numpy.pad(mode="reflect")`
   * (row -1 is row 1, row H is row H - 2; further out the mirroring repeats).
   */
  fill?: "reflect";
}

/** Options for {@link resizeRgb}. */
export interface ResizeRgbOptions {
  /** Source frame size. */
  width: number;
  height: number;
  /** Part of the source to resize; default the whole frame. Must lie inside it unless it has a `fill`. */
  region?: CropBox;
  /** Output size. */
  outWidth: number;
  outHeight: number;
  /** Default `pil-bilinear`. */
  method?: ResizeMethod;
}

/** Filter taps for one axis: output i reads `count[i]` inputs from `start[i]` with `weights`. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  /** `maxTaps` weights per output position. */
  weights: Float64Array;
  maxTaps: number;
}

/**
 * Resizes `region` of a packed RGB frame (`width * height * 3` bytes) to `outWidth` x
 * `outHeight` with `method`; returns packed RGB bytes. A region with `fill: "reflect"` may reach
 * past the frame: those pixels are mirrored in first, as if the frame had been padded. Throws a
 * RangeError for a region outside the frame (without `fill`), an empty size or a buffer of the
 * wrong length.
 */
export function resizeRgb(src: Uint8Array, options: ResizeRgbOptions): Uint8Array {
  const stride = options.outWidth * 3;
  const out = new Uint8Array(options.outHeight * stride);
  resizeRgbRows(src, options, (y, row) => out.set(row, y * stride));
  return out;
}

/**
 * {@link resizeRgb} row by row, for callers that write the pixels elsewhere (the detector's
 * normalised input tensor): `row(y, bytes)` receives output row `y` (top to bottom) as
 * `outWidth * 3` packed RGB bytes, in a buffer reused for the next row (copy what you keep).
 * The pixels are exactly {@link resizeRgb}'s. Throws as {@link resizeRgb} does.
 */
export function resizeRgbRows(
  src: Uint8Array,
  options: ResizeRgbOptions,
  row: (y: number, bytes: Uint8Array) => void,
): void {
  const { width, height, outWidth, outHeight } = options;
  const region = options.region ?? { x: 0, y: 0, w: width, h: height };
  const method = options.method ?? "pil-bilinear";
  if (src.length !== width * height * 3) {
    throw new RangeError(`resizeRgb: ${src.length} bytes is not ${width}x${height}x3`);
  }
  const inside = region.x >= 0 && region.y >= 0 && region.x + region.w <= width &&
    region.y + region.h <= height;
  if (
    !(Number.isInteger(region.x) && Number.isInteger(region.y) && Number.isInteger(region.w) &&
      Number.isInteger(region.h) && region.w >= 1 && region.h >= 1 &&
      (inside || region.fill === "reflect"))
  ) {
    throw new RangeError(
      `resizeRgb: region ${JSON.stringify(region)} is not inside ${width}x${height}`,
    );
  }
  if (!(outWidth >= 1 && outHeight >= 1)) {
    throw new RangeError(`resizeRgb: output size ${outWidth}x${outHeight} is empty`);
  }
  const hTaps = tapsFor(method, region.w, outWidth);
  const vTaps = tapsFor(method, region.h, outHeight);
  // The frame row and column each row and column of the region reads (mirrored past the edges).
  const rows = axisPixels(region.y, region.h, height);
  const cols = axisPixels(region.x, region.w, width);
  // Byte offset within a frame row of each horizontal tap: one lookup per tap in the hot loop.
  // Unused taps (weight 0) point at the last used one.
  const offsets = new Int32Array(outWidth * hTaps.maxTaps);
  for (let x = 0; x < outWidth; x++) {
    const base = x * hTaps.maxTaps;
    const n = hTaps.count[x];
    for (let k = 0; k < hTaps.maxTaps; k++) {
      offsets[base + k] = cols[hTaps.start[x] + Math.min(k, n - 1)] * 3;
    }
  }
  // Only the rows the vertical taps read are resized horizontally (all of them, unless the
  // region is shrunk with few taps); `first` is the region row stored at mid row 0.
  const first = vTaps.start[0];
  const last = vTaps.start[outHeight - 1] + vTaps.count[outHeight - 1];
  const stride = outWidth * 3;
  const mid = scratch((last - first) * stride);
  // PIL stores the horizontal pass as 8-bit pixels; OpenCV keeps more precision between passes
  // (a Float32Array, as before: the values stored are the same either way).
  horizontalPass(src, mid, {
    rowOffsets: rows.subarray(first, last).map((r) => r * width * 3),
    offsets,
    taps: hTaps,
    outWidth,
    round: method === "pil-bilinear",
  });
  // Vertical pass, one output row at a time: sum of taps in ascending order, from 0 (the same
  // arithmetic as an accumulator row), then rounded and clipped to 8 bits.
  const bytes = new Uint8Array(stride);
  const { start, count, weights, maxTaps } = vTaps;
  for (let y = 0; y < outHeight; y++) {
    const n = count[y];
    const wBase = y * maxTaps;
    const base = (start[y] - first) * stride;
    if (n === 1) {
      const w0 = weights[wBase];
      for (let i = 0; i < stride; i++) bytes[i] = clip8(mid[base + i] * w0);
    } else if (n === 2) {
      const w0 = weights[wBase];
      const w1 = weights[wBase + 1];
      const base1 = base + stride;
      for (let i = 0; i < stride; i++) {
        bytes[i] = clip8(mid[base + i] * w0 + mid[base1 + i] * w1);
      }
    } else {
      for (let i = 0; i < stride; i++) {
        let sum = 0;
        for (let k = 0, p = base + i; k < n; k++, p += stride) sum += mid[p] * weights[wBase + k];
        bytes[i] = clip8(sum);
      }
    }
    row(y, bytes);
  }
}

/** What {@link horizontalPass} needs besides the source and destination. */
interface HorizontalPass {
  /** Byte offset in the frame of each region row to resize, top to bottom. */
  rowOffsets: Int32Array;
  /** Byte offset within a row of each tap (`taps.maxTaps` per output column). */
  offsets: Int32Array;
  taps: Taps;
  outWidth: number;
  /** Round and clip each value to 8 bits (PIL) or keep it as is (OpenCV). */
  round: boolean;
}

/** Resizes each listed row to `outWidth` pixels into `mid` (packed RGB, row after row). */
function horizontalPass(src: Uint8Array, mid: Float32Array, pass: HorizontalPass): void {
  const { rowOffsets, offsets, outWidth, round } = pass;
  const { count, weights, maxTaps } = pass.taps;
  if (maxTaps === 2 && !round) {
    twoTapPass(src, mid, pass);
    return;
  }
  let o = 0;
  for (let y = 0; y < rowOffsets.length; y++) {
    const rowBase = rowOffsets[y];
    for (let x = 0; x < outWidth; x++, o += 3) {
      const n = count[x];
      const wBase = x * maxTaps;
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < n; k++) {
        const w = weights[wBase + k];
        const p = rowBase + offsets[wBase + k];
        r += src[p] * w;
        g += src[p + 1] * w;
        b += src[p + 2] * w;
      }
      if (round) {
        mid[o] = clip8(r);
        mid[o + 1] = clip8(g);
        mid[o + 2] = clip8(b);
      } else {
        mid[o] = r;
        mid[o + 1] = g;
        mid[o + 2] = b;
      }
    }
  }
}

/**
 * {@link horizontalPass} for OpenCV's taps (at most two, unrounded): the same sums, unrolled.
 * A one-tap column has weights (1, 0) and reads its pixel twice: `p * 1 + p * 0` is `p * 1`,
 * as the loop's `0 + p * 1`.
 */
function twoTapPass(src: Uint8Array, mid: Float32Array, pass: HorizontalPass): void {
  const { rowOffsets, offsets, outWidth } = pass;
  const { weights } = pass.taps;
  let o = 0;
  for (let y = 0; y < rowOffsets.length; y++) {
    const rowBase = rowOffsets[y];
    for (let x = 0; x < outWidth; x++, o += 3) {
      const w0 = weights[2 * x];
      const w1 = weights[2 * x + 1];
      const p = rowBase + offsets[2 * x];
      const q = rowBase + offsets[2 * x + 1];
      mid[o] = src[p] * w0 + src[q] * w1;
      mid[o + 1] = src[p + 1] * w0 + src[q + 1] * w1;
      mid[o + 2] = src[p + 2] * w0 + src[q + 2] * w1;
    }
  }
}

/** A module-wide scratch buffer for the horizontal pass (resizing is synchronous: no sharing). */
let scratchBuffer = new Float32Array(0);

function scratch(length: number): Float32Array {
  if (scratchBuffer.length < length) scratchBuffer = new Float32Array(length);
  return scratchBuffer;
}

/** The last taps computed for each (method, input size, output size): frames repeat sizes. */
const tapsCache = new Map<string, Taps>();
const TAPS_CACHE_SIZE = 64;

function tapsFor(method: ResizeMethod, inSize: number, outSize: number): Taps {
  const key = `${method} ${inSize} ${outSize}`;
  let taps = tapsCache.get(key);
  if (taps === undefined) {
    taps = method === "cv2-linear" ? cv2Taps(inSize, outSize) : pilTaps(inSize, outSize);
    if (tapsCache.size >= TAPS_CACHE_SIZE) tapsCache.delete(tapsCache.keys().next().value!);
    tapsCache.set(key, taps);
  }
  return taps;
}

/**
 * Frame index of each of `count` positions from `start` along an axis of `size` pixels, mirrored
 * as `numpy.pad(mode="reflect")` does outside [0, size): period 2 * (size - 1), edge not repeated.
 */
function axisPixels(start: number, count: number, size: number): Int32Array {
  const out = new Int32Array(count);
  const period = 2 * (size - 1);
  for (let i = 0; i < count; i++) {
    const p = start + i;
    if (p >= 0 && p < size) {
      out[i] = p;
      continue;
    }
    if (period === 0) continue; // a one-pixel axis mirrors onto its only pixel
    const m = ((p % period) + period) % period;
    out[i] = m < size ? m : period - m;
  }
  return out;
}

/**
 * Rounds half up and clips to 0..255: `floor(v + 0.5)`, which `| 0` (truncation) equals
 * wherever the result is not clipped to 0 anyway.
 */
function clip8(v: number): number {
  const r = (v + 0.5) | 0;
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** PIL's bilinear taps (`precompute_coeffs` with the triangle filter, support 1). */
function pilTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let k = 0; k < xmax; k++) {
      const t = Math.abs((k + xmin - center + 0.5) / filterScale);
      const w = t < 1 ? 1 - t : 0;
      weights[i * maxTaps + k] = w;
      total += w;
    }
    if (total !== 0) { for (let k = 0; k < xmax; k++) weights[i * maxTaps + k] /= total; }
    start[i] = xmin;
    count[i] = xmax;
  }
  return { start, count, weights, maxTaps };
}

/** OpenCV's INTER_LINEAR taps: half-pixel centres, clamped to the edges. */
function cv2Taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * 2);
  for (let i = 0; i < outSize; i++) {
    const f = (i + 0.5) * scale - 0.5;
    let x0 = Math.floor(f);
    let a = f - x0;
    if (x0 < 0) {
      x0 = 0;
      a = 0;
    }
    if (x0 >= inSize - 1) {
      x0 = inSize - 1;
      a = 0;
    }
    start[i] = x0;
    count[i] = a === 0 ? 1 : 2;
    weights[i * 2] = 1 - a;
    weights[i * 2 + 1] = a;
  }
  return { start, count, weights, maxTaps: 2 };
}
