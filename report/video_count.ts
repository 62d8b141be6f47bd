/**
 * How many videos lie behind a number, written one way in every table of the report (Table I's
 * details and cells, the slice tables, the detector comparison): fakes first, as the CSV columns
 * `n_fake,n_real` and the positive class (label 1) come first.
 * @module
 */

/** The column head for {@link videoCountText}: `n (fake/real)`. */
export const VIDEO_COUNT_HEAD = "n (fake/real)";

/** `48 (24/24)`: all videos, then fake/real; `0` when none. */
export function videoCountText(n: number, fake: number, real: number): string {
  return n === 0 ? "0" : `${n} (${fake}/${real})`;
}

/** `24 fake, 24 real`. */
export function videoCountWords(fake: number, real: number): string {
  return `${fake} fake, ${real} real`;
}
