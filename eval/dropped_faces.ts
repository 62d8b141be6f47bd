/**
 * How many located faces a run's minimums dropped (faces/minimums.ts), from its store rows: each
 * frame's `faces_dropped` counted once (it is on every row of the frame). Internal to `eval/`.
 * @module
 */
import type { ScoreRow } from "../store/schema.ts";

/** Faces dropped by the minimums over `rows` (one copy or more); 0 for parts without the column. */
export function droppedFaces(rows: readonly ScoreRow[]): number {
  let dropped = 0;
  // Every frame has exactly one row with face_index 0 (a face) or -1 (no face): count it there.
  for (const row of rows) {
    if (row.frame_index >= 0 && row.face_index <= 0) dropped += row.faces_dropped ?? 0;
  }
  return dropped;
}
