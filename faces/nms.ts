/**
 * Hard non-maximum suppression, as the UltraFace authors apply it: keep the highest-scoring box,
 * drop every remaining box that overlaps it by more than an IoU threshold, repeat.
 * @module
 */
import { type FaceBox, iou } from "./box.ts";

/** Options for {@link hardNms}. */
export interface HardNmsOptions {
  /** Boxes overlapping a kept box with IoU above this are dropped. In [0, 1]; default 0.3. */
  iouThreshold?: number;
  /** Keep at most this many boxes (after suppression); default: all. */
  topK?: number;
  /** Only the this many highest-scoring boxes enter suppression (upstream: 200); default: all. */
  candidateSize?: number;
}

/**
 * Returns the boxes that survive hard NMS, highest score first. Ties keep input order.
 * Does not change `boxes`.
 */
export function hardNms(boxes: readonly FaceBox[], options: HardNmsOptions = {}): FaceBox[] {
  const threshold = options.iouThreshold ?? 0.3;
  const topK = options.topK ?? Infinity;
  let candidates = boxes.map((box, i) => ({ box, i }));
  candidates.sort((a, b) => b.box.score - a.box.score || a.i - b.i);
  if (options.candidateSize !== undefined) candidates = candidates.slice(0, options.candidateSize);
  const kept: FaceBox[] = [];
  const removed = new Uint8Array(candidates.length);
  for (let a = 0; a < candidates.length && kept.length < topK; a++) {
    if (removed[a]) continue;
    const current = candidates[a].box;
    kept.push(current);
    for (let b = a + 1; b < candidates.length; b++) {
      if (!removed[b] && iou(current, candidates[b].box) > threshold) removed[b] = 1;
    }
  }
  return kept;
}
