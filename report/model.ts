/**
 * The report's own records beside the AUC cells (`AucCell`, metrics/op_auc.ts): ROC curves and
 * the model label, independent of how they were computed, so charts and the HTML report can be
 * tested on plain records.
 * @module
 */
import type { DetectorOp } from "../metrics/op_auc.ts";

/** One ROC curve (video level) of a detector on one operation instance. */
export interface RocCurveData extends DetectorOp {
  /** Points from (0, 0) to (1, 1), false and true positive rates in [0, 1]. */
  points: { fpr: number; tpr: number }[];
}

/** The label a report uses for a model: `detector (train set)`, or the detector alone. */
export function modelLabel(detector: string, trainSet: string): string {
  return trainSet ? `${detector} (${trainSet})` : detector;
}
