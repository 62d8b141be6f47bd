/**
 * Path containment, the one test used wherever dfrobust decides whether a path lies inside a
 * folder (a dataset manifest's rows, a link's target, a copy manifest's outputs). It compares
 * whole path segments, so a file named `..dots.mp4` is inside while `../x.mp4` is not. It is
 * lexical: resolve links first (`Deno.realPath`) when the question is where a file really is.
 * @module
 */
import { isAbsolute, relative, resolve, sep } from "node:path";

/**
 * True when `path` lies strictly below the folder `root` (both resolved against the working
 * folder first; the folder itself is not inside itself). Whole segments are compared: `a/..b`
 * is inside `a`, `a/../b` is not, and neither is `ab/x` inside `a`.
 * @example
 * ```ts
 * import { isInside } from "./inside.ts";
 * isInside("/data", "/data/..dots.mp4"); // true
 * isInside("/data", "/data/../etc/passwd"); // false
 * isInside("/data", "/database/x.mp4"); // false
 * ```
 */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  if (rel === "" || isAbsolute(rel)) return false;
  return rel !== ".." && !rel.startsWith(`..${sep}`);
}
