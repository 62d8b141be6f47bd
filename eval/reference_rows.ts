/**
 * The `reference` face mode on a resumed run: the unaltered copy's faces come from its stored
 * rows instead of a new UltraFace pass. Internal to `eval/`.
 * @module
 */
import type { FaceSidecar } from "../faces/sidecar.ts";
import type { ScoreRow } from "../store/schema.ts";

/**
 * Fills the `reference` recording from the unaltered copy's stored rows (resumed run). The stored
 * boxes are the faces the detector scored, not every face located; the face order ranks mapped
 * boxes by their recorded (source) box, so the other copies score the same faces as in an
 * uninterrupted run. A video that failed on the unaltered copy stays
 * unrecorded, as in a live run.
 */
export function recordFromStore(rows: readonly ScoreRow[], recording: FaceSidecar): void {
  for (const row of rows) {
    if (row.status === "video_error") continue;
    const video = recording.videos[row.video_id] ?? (recording.videos[row.video_id] = {});
    if (row.face_index < 0 || row.box_x === null) continue;
    const key = String(row.frame_index);
    const boxes = video[key] ?? (video[key] = []);
    // The locator's confidence as stored (a part written before the column existed: 1, as
    // before), so the run's minimum confidence keeps the same faces in every copy.
    boxes[row.face_index] = [row.box_x, row.box_y!, row.box_w!, row.box_h!, row.face_score ?? 1];
  }
}
