/**
 * The one order of ids and names (video ids, op ids, artifact ids, detector and run names, paths):
 * UTF-16 code units, the order of `Array.prototype.sort()` without a comparator. It never depends
 * on the locale (`localeCompare` does: ICU collation folds case and moves punctuation, so two
 * machines, or two sorts, could order detectors differently). Sort ids and names with it, or with
 * `sort()` with no comparator, and with nothing else.
 * @module
 */

/**
 * Compares two ids or names by UTF-16 code units: negative when `a` sorts first, 0 when equal.
 *
 * @example
 * ```ts
 * import { compareIds } from "./compare.ts";
 * const names = ["xception", "SBI", "capsule", "h264_crf23", "h264"].sort(compareIds);
 * // Upper case before lower case, a prefix before its extensions, whatever the locale.
 * if (names.join() !== "SBI,capsule,h264,h264_crf23,xception") throw new Error(names.join());
 * ```
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
