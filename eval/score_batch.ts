/**
 * Scoring queued faces in batches: the detector runs on `batch` faces at a time, and each face's
 * row gets its score and status (`ok`; `bad_score` for a `probability` output outside [0, 1];
 * `nan_score` for a non-finite output, with a message naming the video, frame and face).
 * Internal to `eval/`.
 * @module
 */
import type { ScoreRow } from "../store/schema.ts";
import type { EvalParts } from "./parts.ts";
import type { PendingFace } from "./prepare_video.ts";

/** Options of {@link scoreQueued}. */
export interface ScoreQueuedOptions {
  /** Faces per inference batch. */
  batchSize: number;
  /** Score what is left too (a last, smaller batch); else only whole batches. */
  all: boolean;
}

/**
 * Takes whole batches off the front of `queue` (and, with `all`, the rest) and scores them,
 * setting each face's row. Returns the number of faces scored.
 */
export async function scoreQueued(
  queue: PendingFace[],
  parts: Pick<EvalParts, "score">,
  { batchSize, all }: ScoreQueuedOptions,
): Promise<number> {
  let scored = 0;
  while (queue.length >= batchSize || (all && queue.length > 0)) {
    const batch = queue.splice(0, batchSize);
    const scores = await parts.score(batch.map((f) => f.tensor));
    batch.forEach((face, i) => setScore(face.row, scores[i]));
    scored += batch.length;
  }
  return scored;
}

/** Sets `target`'s score and status from the detector's output for it. */
export function setScore(target: ScoreRow, score: number): void {
  if (score >= 0 && score <= 1) {
    target.score = score;
    target.status = "ok";
  } else if (Number.isFinite(score)) {
    // A "probability" output outside [0, 1] means a spec that does not fit the model.
    target.status = "bad_score";
    target.error = `detector output ${score} is not a probability in [0, 1] for video ` +
      `"${target.video_id}" frame ${target.frame_index} face ${target.face_index}`;
  } else {
    target.status = "nan_score";
    target.error = `detector output is ${score} for video "${target.video_id}" frame ` +
      `${target.frame_index} face ${target.face_index}`;
  }
}
