/**
 * A face's box smoothed over time: the moving average the `smoothed` clip box rule applies
 * (detectors/spec.ts `ClipBoxRule`, docs/detectors.md "Clip detectors"), after LipForensics
 * `preprocessing/crop_mouths.py`, which smooths its alignment landmarks over a window of 12
 * frames (`--window-margin`): frame i uses the mean of frames i..i+11, and the last frames, whose
 * window would pass the end, reuse the last whole window's.
 * @module
 */
import type { FaceBox } from "./box.ts";

/**
 * The boxes of one face on T consecutive frames, each replaced by the mean (x, y, w, h, score)
 * of the boxes of frames s..s + w - 1, s = min(t, T - w), w = min(window, T): a window from frame
 * t onwards, moved back to end at the last frame; one window for all when T <= window. Pure.
 * @example
 * ```ts
 * import { smoothedBoxes } from "./smooth.ts";
 * import assert from "node:assert/strict";
 * const box = (x: number) => ({ x, y: 0, w: 10, h: 10, score: 1 });
 * const xs = smoothedBoxes([box(0), box(2), box(4), box(12)], 2).map((b) => b.x);
 * assert.deepEqual(xs, [1, 3, 8, 8]);
 * ```
 * @throws {RangeError} for a window that is not a positive integer.
 */
export function smoothedBoxes(boxes: readonly FaceBox[], window: number): FaceBox[] {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`smoothedBoxes: window must be a positive integer, got ${window}`);
  }
  const w = Math.min(window, boxes.length);
  const mean = (part: readonly FaceBox[], key: "x" | "y" | "w" | "h" | "score") =>
    part.reduce((sum, b) => sum + b[key], 0) / part.length;
  return boxes.map((_, t) => {
    const start = Math.min(t, boxes.length - w);
    const part = boxes.slice(start, start + w);
    return {
      x: mean(part, "x"),
      y: mean(part, "y"),
      w: mean(part, "w"),
      h: mean(part, "h"),
      score: mean(part, "score"),
    };
  });
}
