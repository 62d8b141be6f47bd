/**
 * A run's minimums on located faces: a minimum locator confidence and a minimum face size. A
 * face below either is dropped before the detector's face rule chooses (it is no face); the
 * faces dropped are counted per frame, and the store records both minimums on every row, so a
 * number never depends on a minimum nobody can see (docs/store.md, docs/detectors.md).
 * @module
 */
import { type FaceBox, locatorConfidence } from "./box.ts";

/** The minimums of a run; null = none. */
export interface FaceMinimums {
  /**
   * Minimum locator confidence in [0, 1]: a face is kept when its confidence is *above* it (the
   * `scores > threshold` of UltraFace and RetinaFace). Boxes without a confidence (`unscored`:
   * the full frame, a sidecar box without a score) are never dropped by it.
   */
  score: number | null;
  /**
   * Minimum face size in pixels: a face is kept when the shorter side of its box is at least
   * this. Measured on the box in the source (`FaceBox.source`) when the locator knows it (sidecar,
   * reference: a face keeps or loses its place in every copy alike, whatever the copy's scale),
   * else on the box as located in the frame.
   */
  size: number | null;
}

/** No minimum. */
export const NO_FACE_MINIMUMS: Readonly<FaceMinimums> = Object.freeze({ score: null, size: null });

/** What {@link applyFaceMinimums} gives: the faces kept, in their order, and how many were dropped. */
export interface MinimumsResult {
  kept: FaceBox[];
  dropped: number;
}

/** True when `box` passes `minimums` (module doc). */
export function passesFaceMinimums(box: FaceBox, minimums: FaceMinimums): boolean {
  const confidence = locatorConfidence(box);
  if (minimums.score !== null && confidence !== null && !(confidence > minimums.score)) {
    return false;
  }
  if (minimums.size !== null) {
    const measured = box.source ?? box;
    if (!(Math.min(measured.w, measured.h) >= minimums.size)) return false;
  }
  return true;
}

/** The faces of one frame that pass `minimums`, in order, and the count of those that do not. */
export function applyFaceMinimums(
  boxes: readonly FaceBox[],
  minimums: FaceMinimums,
): MinimumsResult {
  const kept = boxes.filter((box) => passesFaceMinimums(box, minimums));
  return { kept, dropped: boxes.length - kept.length };
}

/**
 * Checks a pair of minimums as given (spec or flags): `score` in [0, 1), `size` >= 0, each
 * finite or null. Returns the first problem in words, or null.
 */
export function faceMinimumsProblem(minimums: FaceMinimums): string | null {
  const { score, size } = minimums;
  if (score !== null && !(Number.isFinite(score) && score >= 0 && score < 1)) {
    return `minimum face score must be in [0, 1), got ${score}`;
  }
  if (size !== null && !(Number.isFinite(size) && size >= 0)) {
    return `minimum face size must be a number of pixels >= 0, got ${size}`;
  }
  return null;
}

/**
 * The minimums in words, as messages and reports print them: `confidence 0.7`,
 * `face size 40 px`, `confidence 0.7, face size 40 px`; `none` when there are none.
 */
export function minimumsText(minimums: FaceMinimums): string {
  const parts = [
    ...(minimums.score === null ? [] : [`confidence ${minimums.score}`]),
    ...(minimums.size === null ? [] : [`face size ${minimums.size} px`]),
  ];
  return parts.length === 0 ? "none" : parts.join(", ");
}
