/**
 * Face boxes: axis-aligned rectangles in frame pixels, as face locators return them and the
 * results store records them (`box_x`, `box_y`, `box_w`, `box_h`).
 * @module
 */

/** A rectangle in pixels: top-left corner (`x`, `y`), width `w` and height `h` (may be fractional). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A box in the source video's pixels, with the size of the source frame. */
export interface SourceBox extends Box {
  /** Source frame width in pixels. */
  frameWidth: number;
  /** Source frame height in pixels. */
  frameHeight: number;
}

/**
 * A located face: its box in the frame's pixels (as the locator gives it: it may stick out of the
 * frame) and the locator's confidence in [0, 1].
 */
export interface FaceBox extends Box {
  /** Detector confidence in [0, 1]; 1 for boxes that were given (sidecar, full frame). */
  score: number;
  /**
   * True when the locator gave no confidence for this box (the full frame, a sidecar box
   * without a fifth number): `score` is then 1 by convention, not a measurement
   * ({@link locatorConfidence} gives null, a minimum confidence does not apply).
   */
  unscored?: boolean;
  /**
   * The same face in the source video (the unaltered frames), when the locator knows it: the
   * sidecar's or the unaltered copy's box before the copy's geometry moved it. Face ranking
   * (faces/select.ts) reads it, so a face ranks the same in every copy, flipped or scaled.
   */
  source?: SourceBox;
}

/** Area of a box in square pixels (0 for an empty or inverted box). */
export function boxArea(box: Box): number {
  return Math.max(0, box.w) * Math.max(0, box.h);
}

/** Intersection over union of two boxes, in [0, 1]; 0 when either is empty. */
export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** The locator's confidence for `box` in [0, 1]; null when the locator gave none (`unscored`). */
export function locatorConfidence(box: FaceBox): number | null {
  return box.unscored ? null : box.score;
}
