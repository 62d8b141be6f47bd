/**
 * Grayscale as PIL makes it: `Image.convert("L")` of an RGB image, ITU-R 601-2 luma in 16-bit
 * fixed point (Pillow `src/libImaging/Convert.c`: `L24(rgb) = R * 19595 + G * 38470 + B * 7471 +
 * 0x8000`, `rgb2l` keeps `L24 >> 16`). The weights sum to 65536, so a gray pixel keeps its level,
 * and the `0x8000` rounds to the nearest level (halves up). Used for one-channel (`L`) detector
 * inputs (detectors/clip_preprocess.ts).
 * @module
 */

/**
 * The luma byte 0..255 of an RGB pixel (each channel a byte 0..255), as PIL's `convert("L")`.
 * @example
 * ```ts
 * import { pilLuma } from "./luma.ts";
 * import assert from "node:assert/strict";
 * assert.equal(pilLuma(255, 0, 0), 76);
 * assert.equal(pilLuma(128, 128, 128), 128);
 * ```
 */
export function pilLuma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
}
