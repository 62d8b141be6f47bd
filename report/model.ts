/**
 * The report's own records beside the AUC cells (`AucCell`, metrics/op_auc.ts): ROC curves and
 * the model label, independent of how they were computed, so charts and the HTML report can be
 * tested on plain records.
 * @module
 */
import type { DetectorOp } from "../metrics/op_auc.ts";

export { modelLabel } from "../metrics/op_auc.ts";

/** One ROC curve (video level) of a detector on one operation instance. */
export interface RocCurveData extends DetectorOp {
  /**
   * Points from (0, 0) to (1, 1), false and true positive rates in [0, 1]; empty when the AUC
   * cell has no curve (no video scored, or one class), with the cell's `note`.
   */
  points: { fpr: number; tpr: number }[];
  /** Why there is no curve (the AUC cell's note), when `points` is empty. */
  note?: string;
}
