/**
 * The metrics a Table I cell can hold, as records: id, label, the function over (labels,
 * scores), which way is better, the value range and the decimals to print. Table I shows
 * {@link AUC_METRIC} (the paper's) unless another is asked for (`tableOne(cells, { metric })`,
 * `deno task report --metric ap`); adding a metric is adding a record to {@link CELL_METRICS}.
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import { averagePrecision } from "./average_precision.ts";
import { equalErrorRate } from "./equal_error_rate.ts";
import { rocAuc } from "./roc_auc.ts";
import { OptionError } from "../util/option_error.ts";

/** A metric of one Table I cell: one number from the labels and scores of its videos. */
export interface CellMetric {
  /** Stable id (`auc`, `ap`, `eer`): the `--metric` value and the key in `AucCell.metrics`. */
  id: string;
  /** Short label for headers and captions (`AUC`). */
  label: string;
  /** What it measures, in one line, with its source. */
  description: string;
  /**
   * The value for 0/1 labels (1 = fake) and scores (higher = more likely fake). Throws a
   * `MetricError` for one class, unequal lengths or non-finite scores (the metric's own rules).
   */
  compute: (labels: Uint8Array, scores: Float64Array) => number;
  /** True when a higher value is better (AUC, AP); false for error rates (EER). */
  higherIsBetter: boolean;
  /** The values it can take, `[low, high]`. */
  range: readonly [number, number];
  /** Decimals printed by default (Table I: 3). */
  digits: number;
}

/** ROC AUC, the paper's Table I metric (`rocAuc`, ties averaged as scikit-learn). */
export const AUC_METRIC: CellMetric = {
  id: "auc",
  label: "AUC",
  description: "Area under the ROC curve (Mann-Whitney U / (fakes x reals); scikit-learn's " +
    "roc_auc_score).",
  compute: rocAuc,
  higherIsBetter: true,
  range: [0, 1],
  digits: 3,
};

/** Average precision, fakes as the positive class (`averagePrecision`, scikit-learn's). */
export const AP_METRIC: CellMetric = {
  id: "ap",
  label: "AP",
  description: "Average precision with fakes as positives (scikit-learn's " +
    "average_precision_score, no interpolation).",
  compute: averagePrecision,
  higherIsBetter: true,
  range: [0, 1],
  digits: 3,
};

/** Equal error rate, interpolated on the ROC curve (`equalErrorRate`, Capsule-Forensics'). */
export const EER_METRIC: CellMetric = {
  id: "eer",
  label: "EER",
  description: "Equal error rate: where false positive and false negative rates meet on the " +
    "ROC curve, interpolated (as Capsule-Forensics).",
  compute: (labels, scores) => equalErrorRate(labels, scores),
  higherIsBetter: false,
  range: [0, 1],
  digits: 3,
};

/** Every cell metric, the default ({@link AUC_METRIC}) first. */
export const CELL_METRICS: readonly CellMetric[] = [AUC_METRIC, AP_METRIC, EER_METRIC];

/**
 * The cell metric with id `id`. Throws an `OptionError` (a RangeError; exit 2 in a task) naming
 * the valid ids when there is none.
 */
export function cellMetric(id: string): CellMetric {
  const metric = CELL_METRICS.find((m) => m.id === id);
  if (metric === undefined) {
    throw new OptionError(
      `Unknown cell metric "${id}" (want one of ${CELL_METRICS.map((m) => m.id).join(", ")})` +
        didYouMeanSuffix(id, CELL_METRICS.map((m) => m.id)),
    );
  }
  return metric;
}
