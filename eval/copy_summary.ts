/**
 * What happened to one copy in an eval run: its rows by status, its failed videos and its AUC;
 * and the run's failure count. The AUCs of the run's summary are set afterwards, over the run's
 * paired video set (eval/run_summary.ts).
 * @module
 */
import type { FaceShare } from "../metrics/face_share.ts";
import { rocAuc } from "../metrics/roc_auc.ts";
import { scoreFrame, type ScoreRow } from "../store/schema.ts";
import { isFailureStatus } from "../store/status.ts";
import { videoScores } from "../store/video_scores.ts";
import type { EvalCopy } from "./copies.ts";

/** What happened to one copy in a run. */
export interface CopySummary {
  opId: string;
  opCategory: string;
  artifactId: string;
  /** Unit id (the store part name). */
  unitId: string;
  /** True when the unit was already in the store and was skipped (resume). */
  skipped: boolean;
  videos: number;
  /** Rows of the unit (written now, or found in the store when skipped). */
  rows: number;
  /**
   * Rows by status (store/status.ts lists each with its meaning): `ok`, `no_face`, `nan_score`
   * (non-finite output), `bad_score` (output outside [0, 1] for a `probability` spec),
   * `preprocess_error`, `video_error` (the video could not be read, decoded or located,
   * including a decoder that returned fewer frames than its probe counted; one row, frame -1),
   * `damaged_video` (its file no longer matches its copy manifest; one row, frame -1).
   * (`decode_error` is no longer written: frame counts come from the decoder, and a shortfall
   * fails the whole video.)
   */
  statuses: Record<string, number>;
  /** Videos with at least one failure row other than `no_face`. */
  failedVideos: number;
  /**
   * Video-level ROC AUC; null when one class has no scored video. In the run's summary it ranks
   * the run's paired video set (the videos usable in every copy, as Table I by default); in
   * `onCopy`, before the run is complete, this copy's usable videos.
   */
  auc: number | null;
  /** Videos behind `auc` in the run's summary (0 = no video scored). */
  n?: number;
  /** Videos of the copy left out of `auc` in the run's summary (named in `leftOut`). */
  leftOut?: number;
  /** Why `auc` is missing or a caveat, e.g. "no videos scored (...)". */
  note?: string;
  /**
   * In the run's summary: sampled frames with a face scored, of the frames read, over the videos
   * behind `auc` (metrics/face_share.ts).
   */
  faceShare?: FaceShare;
}

/** The summary of `copy` from its rows (written now, or read back: set `skipped` then). */
export function copySummary(
  copy: EvalCopy,
  { unitId, rows }: { unitId: string; rows: readonly ScoreRow[] },
): CopySummary {
  const statuses: Record<string, number> = {};
  const failed = new Set<string>();
  for (const r of rows) {
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (isFailureStatus(r.status)) failed.add(r.video_id);
  }
  return {
    opId: copy.op.id,
    opCategory: copy.op.category,
    artifactId: copy.artifactId,
    unitId,
    skipped: false,
    videos: copy.videos.length + copy.failedVideos.length,
    rows: rows.length,
    statuses,
    failedVideos: failed.size,
    auc: videoAuc(rows),
  };
}

/** Failure rows (every status but `ok` and `no_face`: `isFailureStatus`) of the copies. */
export function countFailures(copies: readonly CopySummary[]): number {
  return copies.reduce(
    (n, c) =>
      n + Object.entries(c.statuses).reduce(
        (m, [status, count]) => m + (isFailureStatus(status) ? count : 0),
        0,
      ),
    0,
  );
}

/**
 * Video-level ROC AUC of one copy's rows, with the store's video scores (face rule, video rule,
 * fail score); null when either class has no scored video.
 */
export function videoAuc(rows: readonly ScoreRow[]): number | null {
  if (rows.length === 0) return null;
  const videos = videoScores(scoreFrame(rows)).select("label", "score").collectSync();
  const labels = Array.from(videos.getColumn("label").toArray() as number[]);
  const scores = Array.from(videos.getColumn("score").toArray() as number[]);
  if (!labels.includes(0) || !labels.includes(1)) return null;
  return rocAuc(labels as (0 | 1)[], scores);
}
