/**
 * Internal: an ascending LSD radix sort for Float64Array (four 16-bit digits), several times
 * faster than `Float64Array.prototype.sort` on millions of values. Values must not be NaN.
 * @module
 */

const RADIX = 65536;

/** Sorts `values` ascending in place and returns it. -0 must already be normalised to +0. */
export function _sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < 2048) return values.sort();
  let src: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let dst: Uint32Array = new Uint32Array(n * 2);
  // Map IEEE-754 bit patterns to unsigned keys that sort like the numbers: flip the sign bit of
  // positives, every bit of negatives. Words move as Uint32 pairs: NaN patterns that keys can
  // form would not survive a trip through a Float64Array.
  const counts = new Uint32Array(4 * RADIX);
  for (let i = 0; i < 2 * n; i += 2) {
    let lo = src[i];
    let hi = src[i + 1];
    if (hi & 0x80000000) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    } else {
      hi = (hi | 0x80000000) >>> 0;
    }
    src[i] = lo;
    src[i + 1] = hi;
    counts[lo & 0xffff]++;
    counts[RADIX + (lo >>> 16)]++;
    counts[2 * RADIX + (hi & 0xffff)]++;
    counts[3 * RADIX + (hi >>> 16)]++;
  }
  for (let digit = 0; digit < 4; digit++) {
    const base = digit * RADIX;
    // A digit shared by every value leaves the order as it is: skip the pass.
    let single = false;
    for (let b = 0; b < RADIX; b++) {
      if (counts[base + b] === n) single = true;
      if (counts[base + b] !== 0) break;
    }
    if (single) continue;
    let sum = 0;
    for (let b = 0; b < RADIX; b++) {
      const c = counts[base + b];
      counts[base + b] = sum;
      sum += c;
    }
    const word = digit < 2 ? 0 : 1;
    const shift = digit % 2 === 0 ? 0 : 16;
    for (let i = 0; i < 2 * n; i += 2) {
      const d = (src[i + word] >>> shift) & 0xffff;
      const at = counts[base + d]++ * 2;
      dst[at] = src[i];
      dst[at + 1] = src[i + 1];
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  const out = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  for (let i = 0; i < 2 * n; i += 2) {
    let lo = src[i];
    let hi = src[i + 1];
    if (hi & 0x80000000) {
      hi = (hi & 0x7fffffff) >>> 0;
    } else {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    }
    out[i] = lo;
    out[i + 1] = hi;
  }
  return values;
}
