/**
 * How an error message names a path the user gave: as typed, and where it led when it was
 * relative, so a relative path that missed shows the folder it was taken from.
 * @module
 */
import { isAbsolute, resolve } from "node:path";

/**
 * `"store"` -> `"store" (/home/me/study/store)`; an absolute path is shown as given, quoted.
 *
 * @example
 * ```ts
 * import { shownPath } from "./shown_path.ts";
 * shownPath("/data/a.csv"); // '"/data/a.csv"'
 * ```
 */
export function shownPath(path: string): string {
  return isAbsolute(path) ? `"${path}"` : `"${path}" (${resolve(path)})`;
}
