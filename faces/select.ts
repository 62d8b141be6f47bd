/**
 * Which located faces of a frame a detector scores (its spec's multi-face rule), ranked largest
 * first so `face_index` 0 is always the largest face.
 * @module
 */
import { boxArea, type FaceBox } from "./box.ts";
import type { MultiFaceRule } from "../detectors/spec.ts";

/**
 * Sorts `boxes` by area (largest first; ties by score, then input order) and keeps:
 * - `largest`: the largest face only;
 * - `all`: every face;
 * - `all-above-half-largest`: faces whose area is at least half the largest face's area (SBI's
 *   `size_list[i] >= max_size / 2`, size = width x height).
 * Returns an empty array for no boxes. Does not change `boxes`.
 */
export function selectFaces(boxes: readonly FaceBox[], rule: MultiFaceRule): FaceBox[] {
  const ranked = boxes.map((box, i) => ({ box, i, area: boxArea(box) }));
  ranked.sort((a, b) => b.area - a.area || b.box.score - a.box.score || a.i - b.i);
  if (ranked.length === 0) return [];
  if (rule === "largest") return [ranked[0].box];
  if (rule === "all") return ranked.map((r) => r.box);
  const half = ranked[0].area / 2;
  return ranked.filter((r) => r.area >= half).map((r) => r.box);
}
