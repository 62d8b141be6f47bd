/**
 * The records a report is drawn from, independent of how they were computed: what a report
 * shows ({@link ReportData}: AUC cells, ROC curves, notes, left-out videos, provenance) and one
 * ROC curve. Charts, Table I and the HTML report can be tested on plain records; `loadReportData`
 * (report/collect.ts) builds them from a results store.
 * @module
 */
import type { LocatorReport } from "./locator_section.ts";
import type { ThresholdChoice } from "../metrics/threshold_rules.ts";
import type { CorruptionError } from "../metrics/mce.ts";
import type { DetectorOp } from "../metrics/cell.ts";
import type { AucCell } from "../metrics/op_auc.ts";
import type { Pairing } from "../metrics/video_set.ts";
import type { RunComparison } from "../metrics/run_comparison.ts";
import type { Slice } from "../metrics/slices.ts";
import type { LeftOutVideo } from "../store/left_out.ts";
import type { StoreProblem } from "../store/store.ts";
import type { Provenance } from "./provenance.ts";
import type { DatasetSummary } from "./dataset_summary.ts";
import type { ContactSheet } from "./contact_sheet.ts";

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

/** What a report shows. */
export interface ReportData {
  /** Video-level AUC per detector x train set x operation. */
  cells: AucCell[];
  /**
   * Run ids in the order the report shows them (report/run_order.ts: as named with `--run`,
   * else as run); `cells` and `rocs` from `loadReportData` are in this order. Absent in
   * hand-made data: Table I sorts by detector, the charts keep the cells' order.
   */
  runOrder?: string[];
  /** Video-level ROC curves (optional; the ROC chart is left out when empty). */
  rocs: RocCurveData[];
  /** Notes for the reader: left-out videos and cells, missing copies, unreadable parts. */
  notes: string[];
  /**
   * The notes for a terminal (`deno task report` prints them on stderr): `notes`, where those
   * name more than a few left-out videos one by one, with those sentences replaced by one count
   * per run and reason (report/collect.ts). Absent: print `notes`.
   */
  terminalNotes?: string[];
  /** Bootstrap resamples behind the intervals (0: none); absent in hand-made data. */
  bootstrapResamples?: number;
  /**
   * Warnings recorded in the store with the rows (store/warnings.ts: e.g. face sidecar boxes that
   * lie mostly outside a video's displayed frame), each once; they change no number.
   */
  warnings?: string[];
  /** Which videos the AUCs rank (metrics/video_set.ts); default `paired`. */
  pairing?: Pairing;
  /** Every video left out of an AUC, with its reason (shown as a table). */
  leftOut?: LeftOutVideo[];
  /**
   * Store parts that could not be read and are left out of every number (path and reason, from
   * the store layer); a rerun of eval rewrites them. Absent or empty when every part read.
   */
  damagedParts?: StoreProblem[];
  provenance: Provenance;
  /**
   * How the decision views (TPR, FPR, McNemar) chose each run's threshold on Unaltered
   * (metrics/threshold_rules.ts); Table I JSON records it as `thresholdRule`.
   */
  threshold?: ThresholdChoice;
  /** Table I per slice (`report --by`, metrics/slices.ts), when asked for. */
  slices?: Slice[];
  /** Run B against run A (`report --compare A,B`, metrics/run_comparison.ts), when asked for. */
  comparison?: RunComparison;
  /** What the numbers were computed on (videos, methods, frames, face locators); from the store. */
  dataset?: DatasetSummary;
  /**
   * What the face locator did (report/locator_section.ts): the runs' face minimums and the faces
   * they dropped, and the videos where boxes moved most against the Unaltered copy.
   */
  locator?: LocatorReport;
  /**
   * One frame of one video through every operation (report/contact_sheet.ts), made from the
   * copies under the data folder; absent without one, with `contactSheetNote` saying why.
   */
  contactSheet?: ContactSheet;
  /** Why the report has no contact sheet, or what it lacks. */
  contactSheetNote?: string;
  /** Corruption errors against a reference detector, when one was asked for. */
  relative?: { reference: string; errors: CorruptionError[] };
}
