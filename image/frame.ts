/**
 * The decoded frame every face locator and preprocessor reads: packed 8-bit RGB, row-major.
 * @module
 */

/** One decoded video frame: `width * height * 3` bytes of packed RGB (rgb24), top row first. */
export interface RgbFrame {
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}
