/**
 * The decision view's per-cell metrics as records (metrics/decision.ts): each reads one field
 * of a cell's {@link CellDecision}, so that Table I can be shown in it like in AUC
 * (`tableOne(cells, { metric })`, `deno task report --metric tpr`); a metric id may name the
 * threshold rule too (`tpr@fpr0.01`, `bacc@eer`, `fpr@t0.5`: metrics/threshold_rules.ts).
 * Adding one is adding a record to {@link DECISION_METRICS}.
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import type { CellDecision } from "./decision.ts";
import { ECE_BINS } from "./calibration.ts";
import { CELL_METRICS, type CellMetric } from "./cell_metrics.ts";
import { OptionError } from "../util/option_error.ts";
import { parseThresholdChoice, type ThresholdChoice } from "./threshold_rules.ts";

/** A Table I metric read from a cell's decision view at the run's threshold. */
export interface DecisionMetric {
  /** Stable id (`tpr`, `fpr`, ...): the `--metric` value. */
  id: string;
  /** Short label for headers and captions. */
  label: string;
  /** What it measures, in one line, with its source. */
  description: string;
  /** The value of one cell; null where undefined (a class missing, not paired). */
  value: (decision: CellDecision) => number | null;
  /** True when a higher value is better. */
  higherIsBetter: boolean;
  /** The values it can take. */
  range: readonly [number, number];
  /** Decimals printed by default. */
  digits: number;
}

function record(
  id: string,
  label: string,
  description: string,
  value: (d: CellDecision) => number | null,
  higherIsBetter: boolean,
  range: readonly [number, number] = [0, 1],
): DecisionMetric {
  return { id, label, description, value, higherIsBetter, range, digits: 3 };
}

/** Every decision metric. */
export const DECISION_METRICS: readonly DecisionMetric[] = [
  record(
    "tpr",
    "TPR",
    "Fakes caught at the run's threshold (true-positive rate).",
    (d) => d.tpr,
    true,
  ),
  record(
    "fpr",
    "FPR",
    "Reals flagged at the run's threshold (false-positive rate).",
    (d) => d.fpr,
    false,
  ),
  record(
    "acc_real",
    "accuracy on reals",
    "Reals passed at the run's threshold (1 - FPR).",
    (d) => d.accReal,
    true,
  ),
  record(
    "acc_fake",
    "accuracy on fakes",
    "Fakes caught at the run's threshold (= TPR).",
    (d) => d.accFake,
    true,
  ),
  record(
    "bacc",
    "balanced accuracy",
    "(accuracy on reals + accuracy on fakes) / 2 at the run's threshold.",
    (d) => d.balancedAccuracy,
    true,
  ),
  record(
    "shift_real",
    "score shift of reals",
    "Median over real videos of score minus the same video's Unaltered score.",
    (d) => d.shiftReal,
    false,
    [-1, 1],
  ),
  record(
    "shift_fake",
    "score shift of fakes",
    "Median over fake videos of score minus the same video's Unaltered score.",
    (d) => d.shiftFake,
    true,
    [-1, 1],
  ),
  record(
    "brier",
    "Brier score",
    "Mean squared error of the fake probability (Brier 1950; scikit-learn's brier_score_loss).",
    (d) => d.brier,
    false,
  ),
  record(
    "ece",
    `ECE (${ECE_BINS} bins)`,
    `Expected calibration error, ${ECE_BINS} equal-width bins (Guo et al. 2017).`,
    (d) => d.ece,
    false,
  ),
  record(
    "auc_fakes_processed",
    "AUC, processed fakes",
    "AUC of Unaltered reals against this copy's fakes (only fakes processed).",
    (d) => d.aucFakesProcessed,
    true,
  ),
  record(
    "auc_reals_processed",
    "AUC, processed reals",
    "AUC of this copy's reals against Unaltered fakes (only reals processed).",
    (d) => d.aucRealsProcessed,
    true,
  ),
];

/** The decision metric with id `id` (without a `@rule` suffix), or undefined. */
export function decisionMetric(id: string): DecisionMetric | undefined {
  return DECISION_METRICS.find((m) => m.id === id);
}

/** A metric Table I can be shown in: one of the cell's own (AUC, AP, EER) or a decision metric. */
export type TableMetric = CellMetric | DecisionMetric;

/** A `--metric` value read: the metric, and the threshold rule its `@` suffix names, if any. */
export interface MetricChoice {
  metric: TableMetric;
  threshold?: ThresholdChoice;
}

/**
 * The metric a `--metric` value names: a cell metric id (`auc`, `ap`, `eer`), a decision metric
 * id (`tpr`, ...) or one with its threshold rule (`tpr@fpr0.01`; metrics/threshold_rules.ts
 * `parseThresholdChoice`). Throws an `OptionError` (exit 2 in a task) naming the valid ids.
 */
export function metricChoice(text: string): MetricChoice {
  const [id, rule, ...rest] = text.split("@");
  const decision = decisionMetric(id);
  const own = CELL_METRICS.find((m) => m.id === id);
  if (
    rest.length > 0 || (own === undefined && decision === undefined) || (own && rule !== undefined)
  ) {
    throw new OptionError(
      `Unknown metric "${text}" (want one of ${TABLE_METRIC_IDS.join(", ")}; a decision metric ` +
        "may name its threshold rule, as tpr@fpr0.01, tpr@eer or tpr@t0.5)" +
        didYouMeanSuffix(id, TABLE_METRIC_IDS),
    );
  }
  return {
    metric: (own ?? decision)!,
    ...(rule === undefined ? {} : { threshold: parseThresholdChoice(rule) }),
  };
}

/** The metric with id `id` (a `@rule` suffix is ignored); throws as {@link metricChoice}. */
export function tableMetric(id: string): TableMetric {
  return metricChoice(id).metric;
}

/** True for a metric read from the decision view. */
export function isDecisionMetric(metric: TableMetric): metric is DecisionMetric {
  return "value" in metric;
}

/** Every id `--metric` accepts (without rules), cell metrics first. */
export const TABLE_METRIC_IDS: readonly string[] = [
  ...CELL_METRICS.map((m) => m.id),
  ...DECISION_METRICS.map((m) => m.id),
];
