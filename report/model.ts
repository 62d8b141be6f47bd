/**
 * The data a report is drawn from: video-level AUC cells (one per detector x train set x
 * operation instance) and ROC curves, independent of how they were computed, so charts, tables
 * and the HTML report can be tested on plain records.
 * @module
 */

/** One video-level AUC measurement: a detector (trained on `trainSet`) on one distorted copy. */
export interface AucCell {
  detector: string;
  /** What the model was trained on, e.g. `FF++c23`; empty when unknown. */
  trainSet: string;
  /** Operation instance id (`unaltered`, `h264_crf40`, ...). */
  opId: string;
  /** `unaltered` or a paper category (`compression`, `brightness`, ...). */
  opCategory: string;
  /** Ladder family (`h264`, `noise`, ...); defaults to `opId` when absent. */
  opFamily?: string;
  /** Ladder level, null when the operation has none. */
  severity?: number | null;
  /** Video-level ROC AUC in [0, 1]; null when it cannot be computed (one class only). */
  auc: number | null;
  /** Lower end of the bootstrap confidence interval, in [0, 1]. */
  ciLow?: number | null;
  /** Upper end of the bootstrap confidence interval, in [0, 1]. */
  ciHigh?: number | null;
  /** Number of real (label 0) videos with a score. */
  nReal: number;
  /** Number of fake (label 1) videos with a score. */
  nFake: number;
}

/** One ROC curve (video level) of a detector on one operation instance. */
export interface RocCurveData {
  detector: string;
  trainSet: string;
  opId: string;
  opCategory: string;
  /** Ladder family (orders the legend beside `severity`). */
  opFamily?: string;
  /** Ladder level, null when none. */
  severity?: number | null;
  /** Points from (0, 0) to (1, 1), false and true positive rates in [0, 1]. */
  points: { fpr: number; tpr: number }[];
}

/** The label a report uses for a model: `detector (train set)`, or the detector alone. */
export function modelLabel(detector: string, trainSet: string): string {
  return trainSet ? `${detector} (${trainSet})` : detector;
}
