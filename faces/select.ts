/**
 * Which located faces of a frame a detector scores (its spec's multi-face rule), in the **face
 * order**: one total order on a frame's faces that does not depend on the order the locator
 * listed them, and that puts the same face first in every copy of a video, flipped copies
 * included. `face_index` in the results store is the rank in this order (0 = first).
 * @module
 */
import { type Box, boxArea, type FaceBox } from "./box.ts";

/**
 * Which located faces of a frame are scored: the `largest` (by area) only, `all`, or all whose
 * area is at least half the largest face's (`all-above-half-largest`, SBI's rule).
 */
export type MultiFaceRule = "largest" | "all" | "all-above-half-largest";

/** Size of the frame the faces were located in, in pixels. */
export interface FrameSize {
  width: number;
  height: number;
}

/** What a face is ranked by: a box and the size of the frame it is in. */
interface RankKey {
  box: Box;
  width: number;
  height: number;
  area: number;
  /** Squared distance from the box centre to the frame centre. */
  distance: number;
  score: number;
}

function rankKey(face: FaceBox, frame: FrameSize): RankKey {
  // The box in the source video when the locator knows it: the same numbers in every copy.
  const box: Box = face.source ?? face;
  const width = face.source?.frameWidth ?? frame.width;
  const height = face.source?.frameHeight ?? frame.height;
  const dx = box.x + box.w / 2 - width / 2;
  const dy = box.y + box.h / 2 - height / 2;
  return { box, width, height, area: boxArea(box), distance: dx * dx + dy * dy, score: face.score };
}

function compareKeys(a: RankKey, b: RankKey): number {
  return b.area - a.area || a.distance - b.distance || a.box.y - b.box.y ||
    a.box.x - b.box.x || a.box.w - b.box.w || a.box.h - b.box.h || b.score - a.score;
}

/**
 * Compares two faces of one frame in the face order (negative: `a` comes first). Each face is
 * ranked by its box in the source video (`face.source`, set by the sidecar and reference
 * locators) when it has one, else by its box in `frame`:
 * 1. larger area (w x h) first;
 * 2. then the box centre nearer the frame centre first (squared Euclidean distance);
 * 3. then the top edge higher (smaller y) first, then the left edge (smaller x), then the
 *    narrower, then the shorter box;
 * 4. then the higher locator score first.
 * Two faces equal in all of these have the same box and score, so they give the same crop and
 * the same rows: their order changes nothing. Steps 1-2 do not change when a frame is flipped or
 * scaled; step 3 does in a copy's own pixels, which is why it reads the source box: a face's
 * position in the source video is the same in every copy.
 */
export function compareFaces(a: FaceBox, b: FaceBox, frame: FrameSize): number {
  return compareKeys(rankKey(a, frame), rankKey(b, frame));
}

/**
 * The faces of one `frame` the spec's multi-face `rule` keeps, in the face order
 * ({@link compareFaces}):
 * - `largest`: the first face only;
 * - `all`: every face;
 * - `all-above-half-largest`: faces whose area is at least half the first face's area (SBI's
 *   `size_list[i] >= max_size / 2`, size = width x height; areas of the boxes the order reads).
 * Returns an empty array for no boxes. Does not change `boxes`.
 */
export function selectFaces(
  boxes: readonly FaceBox[],
  rule: MultiFaceRule,
  frame: FrameSize,
): FaceBox[] {
  const ranked = boxes.map((face) => ({ face, key: rankKey(face, frame) }));
  ranked.sort((a, b) => compareKeys(a.key, b.key));
  if (ranked.length === 0) return [];
  if (rule === "largest") return [ranked[0].face];
  if (rule === "all") return ranked.map((r) => r.face);
  const half = ranked[0].key.area / 2;
  return ranked.filter((r) => r.key.area >= half).map((r) => r.face);
}
