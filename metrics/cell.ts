/**
 * The key every metrics record shares: which detector run on which operation's copy, and at
 * which level (video or frame) scores are ranked.
 * @module
 */

/** Which scores the AUC ranks: one per video (default, the paper's) or one per sampled frame. */
export type ScoreLevel = "video" | "frame";

/**
 * Which detector (trained on `trainSet`) on which operation's copy: the key that AUC cells, ROC
 * curves and video scores share.
 */
export interface DetectorOp {
  /** The detector run; absent in hand-made cells (rows are then one per detector x train set). */
  runId?: string;
  detector: string;
  /** What the model was trained on, e.g. `FF++c23`; empty when unknown. */
  trainSet: string;
  /**
   * What sets the run apart from the other runs of its detector and training set in the data,
   * in words (`faces: ultraface`; store/run_labels.ts); absent when it is the only one.
   */
  run?: string;
  /** Operation instance id (`unaltered`, `h264_crf40`, ...). */
  opId: string;
  /** `unaltered` or a paper category (`compression`, `brightness`, ...). */
  opCategory: string;
  /** Ladder family (`h264`, `noise`, ...); defaults to `opId` when absent. */
  opFamily?: string;
  /** Ladder level; null when the operation has none. */
  severity?: number | null;
}
