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
  const tapsFor = method === "cv2-linear" ? cv2Taps : pilTaps;
  const hTaps = tapsFor(region.w, outWidth);
  const vTaps = tapsFor(region.h, outHeight);
  // PIL stores the horizontal pass as 8-bit pixels; OpenCV keeps more precision between passes.
  const roundBetween = method === "pil-bilinear";

  // The frame row and column each row and column of the region reads (mirrored past the edges).
  const rows = axisPixels(region.y, region.h, height);
  const cols = axisPixels(region.x, region.w, width);

  // Horizontal pass over the region's rows: region.h x outWidth x 3.
  const mid = new Float32Array(region.h * outWidth * 3);
  for (let y = 0; y < region.h; y++) {
    const rowBase = rows[y] * width * 3;
    const outBase = y * outWidth * 3;
    for (let x = 0; x < outWidth; x++) {
      const s = hTaps.start[x];
      const n = hTaps.count[x];
      const wBase = x * hTaps.maxTaps;
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < n; k++) {
        const w = hTaps.weights[wBase + k];
        const p = rowBase + cols[s + k] * 3;
        r += src[p] * w;
        g += src[p + 1] * w;
        b += src[p + 2] * w;
      }
      const o = outBase + x * 3;
      mid[o] = roundBetween ? clip8(r) : r;
      mid[o + 1] = roundBetween ? clip8(g) : g;
      mid[o + 2] = roundBetween ? clip8(b) : b;
    }
  }
  // Vertical pass: outHeight x outWidth x 3.
  const out = new Uint8Array(outHeight * outWidth * 3);
  const stride = outWidth * 3;
  // Row by row with an accumulator: reads `mid` sequentially (much faster than per-pixel columns).
  const acc = new Float64Array(stride);
  for (let y = 0; y < outHeight; y++) {
    const s = vTaps.start[y];
    const n = vTaps.count[y];
    const wBase = y * vTaps.maxTaps;
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const w = vTaps.weights[wBase + k];
      const rowBase = (s + k) * stride;
      for (let i = 0; i < stride; i++) acc[i] += mid[rowBase + i] * w;
    }
    const outBase = y * stride;
    for (let i = 0; i < stride; i++) out[outBase + i] = clip8(acc[i]);
  }
  return out;
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

function clip8(v: number): number {
  const r = Math.floor(v + 0.5);
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
