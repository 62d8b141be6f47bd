/**
 * Why a video has no score in an AUC: the one record of a left-out video and the one table of
 * reasons, shared by the video scores (store/video_scores.ts), the paired video set
 * (metrics/video_set.ts), the eval summary, Table I, the HTML report and the notebooks.
 * @module
 */
import type { RowStatus, UnreadStatus } from "./status.ts";

/**
 * Why a video is left out of one copy's AUC.
 *
 * - `no_face`: every sampled frame was read and no face was found, and the detector has no fail
 *   score (`failScore: null`); with a fail score the video gets it and is not left out.
 * - a read failure, named by the status of its row (store/status.ts, kind `unread`):
 *   `video_error` (the video could not be made, distort failed for it in this copy, or could not
 *   be read at all), `damaged_video` (its file no longer matches its copy manifest, so it was not
 *   scored), `decode_error` (some sampled frames could not be decoded).
 * - `no_score`: no frame got a score, and not because no face was found (non-finite or
 *   out-of-range outputs, preprocessing failures).
 * - `missing`: the store holds no row of the video for this copy, though another copy of the
 *   same detector run has it.
 * - `paired`: usable in this copy but not in another compared copy of the run; left out here so
 *   every column ranks the same videos.
 */
export type LeftOutReason =
  | Extract<RowStatus, "no_face">
  | UnreadStatus
  | "no_score"
  | "missing"
  | "paired";

/** Each reason in words, for notes and reports. */
export const LEFT_OUT_REASONS: Readonly<Record<LeftOutReason, string>> = {
  no_face: "no face in any sampled frame, and the detector has no fail score",
  video_error: "the video could not be made or read in this copy",
  damaged_video: "the video's file no longer matches its copy manifest (changed or damaged " +
    "after distort made it), so it was not scored; rerun distort to redo it",
  short_video: "fewer decoded frames than one clip of the clip detector (its `clip.short` rule " +
    "is leave-out)",
  decode_error: "sampled frames could not be decoded in this copy",
  no_score: "no frame got a usable score (non-finite or out-of-range output, or preprocessing " +
    "failed)",
  missing: "not in this copy, though in another copy of the same run",
  paired: "unusable in another compared copy, so left out of every column to keep them paired",
};

/** One video left out of one (detector run, operation) AUC, and why. */
export interface LeftOutVideo {
  runId: string;
  detector: string;
  /** What the model was trained on; empty when unknown. */
  trainSet: string;
  /**
   * What sets the run apart from the other runs of its detector and training set, in words
   * (store/run_labels.ts); absent when it is the only one.
   */
  run?: string;
  /** Operation instance whose AUC leaves the video out. */
  opId: string;
  /** The copy's content address; null for a `missing` video (no row in that copy). */
  artifactId: string | null;
  videoId: string;
  /** 1 = fake, 0 = real. */
  label: 0 | 1;
  reason: LeftOutReason;
  /**
   * The first failure message of the video in that copy (naming the file), or for `paired` the
   * copies where it is unusable and why (`h264_crf40: decode_error`); empty when nothing more is
   * known.
   */
  detail: string;
}
