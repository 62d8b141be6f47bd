/**
 * How a detector run's operating threshold is chosen on its Unaltered copy, as records: at the
 * equal-error point, at a target false-positive rate, or given. The threshold is chosen once per
 * run, on the Unaltered video scores, and then applied unchanged to every processed copy
 * (metrics/decision.ts). A video is called fake when `score >= threshold` (scikit-learn's
 * `roc_curve` convention). Adding a rule is adding a record to {@link THRESHOLD_RULES}.
 * @module
 */
import { OptionError } from "../util/option_error.ts";
import { _checkInputs } from "./_binary.ts";
import { MetricError } from "./metric_error.ts";

/** Which rule, with its parameter: what `deno task report --threshold-rule` builds. */
export type ThresholdChoice =
  | { rule: "eer" }
  | { rule: "fpr"; fpr: number }
  | { rule: "given"; threshold: number };

/** The default choice: the equal-error point of Unaltered. */
export const DEFAULT_THRESHOLD: ThresholdChoice = { rule: "eer" };

/** One threshold rule. */
export interface ThresholdRule {
  /** Stable id: the `--threshold-rule` value. */
  id: ThresholdChoice["rule"];
  /** What it does, with its tie rule, for --help and docs. */
  description: string;
  /** The rule in words for a report, e.g. `EER point of Unaltered`, `FPR <= 0.01 on Unaltered`. */
  name: (choice: ThresholdChoice) => string;
  /**
   * The threshold from the Unaltered copy's labels (1 = fake) and scores. Throws a
   * `MetricError` when the rule needs a class the copy lacks, or on bad input.
   */
  choose: (labels: Uint8Array, scores: Float64Array, choice: ThresholdChoice) => number;
}

/**
 * The equal-error point: among the distinct Unaltered scores as thresholds (and one above them
 * all), the one where |FPR - FNR| is smallest, compared exactly (as |FP * P - FN * N|); on a tie,
 * the highest such threshold (fewer reals flagged). Needs both classes.
 */
export const EER_RULE: ThresholdRule = {
  id: "eer",
  description: "the equal-error point of Unaltered: the Unaltered score where the false " +
    "positive and false negative rates are closest (ties: the highest such score)",
  name: () => "EER point of Unaltered",
  choose: (labels, scores) => {
    const points = operatingPoints(labels, scores, "EER threshold");
    let best = points[0];
    for (const p of points) {
      if (
        Math.abs(p.fp * p.positives - p.fn * p.negatives) <
          Math.abs(best.fp * best.positives - best.fn * best.negatives)
      ) best = p;
    }
    return best.threshold;
  },
};

/**
 * A target false-positive rate: the lowest Unaltered score whose FPR on Unaltered is at most the
 * target (the most fakes caught within it). Tied scores fall on one side together, so the FPR
 * reached may be below the target; when no Unaltered score keeps within it, the threshold lies
 * just above the highest Unaltered score (nothing on Unaltered flagged). Needs reals.
 */
export const FPR_RULE: ThresholdRule = {
  id: "fpr",
  description: "a target false-positive rate on Unaltered (--fpr): the lowest Unaltered score " +
    "that flags at most that share of its reals (tied scores together)",
  name: (choice) => `FPR <= ${choice.rule === "fpr" ? choice.fpr : "?"} on Unaltered`,
  choose: (labels, scores, choice) => {
    if (choice.rule !== "fpr") throw new MetricError("FPR threshold: no target rate given");
    const points = operatingPoints(labels, scores, "FPR threshold", { needFakes: false });
    let best = points[0];
    for (const p of points) if (p.fp <= choice.fpr * p.negatives) best = p;
    return best.threshold;
  },
};

/** A given threshold (`--threshold 0.5`, the usual default of published inference scripts). */
export const GIVEN_RULE: ThresholdRule = {
  id: "given",
  description: "a given threshold (--threshold), the same for every run",
  name: () => "given",
  choose: (_labels, _scores, choice) => {
    if (choice.rule !== "given") throw new MetricError("given threshold: no threshold given");
    return choice.threshold;
  },
};

/** Every threshold rule, the default ({@link EER_RULE}) first. */
export const THRESHOLD_RULES: readonly ThresholdRule[] = [EER_RULE, FPR_RULE, GIVEN_RULE];

/** The record of a choice's rule. */
export function thresholdRule(choice: ThresholdChoice): ThresholdRule {
  return THRESHOLD_RULES.find((r) => r.id === choice.rule)!;
}

/**
 * A choice from its text: `eer`, `fpr0.01` (target FPR) or `t0.5` (given threshold), the
 * suffix of a decision metric id (`tpr@fpr0.01`). Throws an `OptionError` (exit 2 in a task) naming the forms.
 */
export function parseThresholdChoice(text: string): ThresholdChoice {
  const fpr = /^fpr([0-9.]+(?:e-?\d+)?)$/.exec(text);
  const given = /^t(-?[0-9.]+(?:e-?\d+)?)$/.exec(text);
  if (text === "eer") return { rule: "eer" };
  if (fpr && Number(fpr[1]) >= 0 && Number(fpr[1]) <= 1) {
    return { rule: "fpr", fpr: Number(fpr[1]) };
  }
  if (given && Number.isFinite(Number(given[1]))) {
    return { rule: "given", threshold: Number(given[1]) };
  }
  throw new OptionError(
    `Unknown threshold "${text}" (want eer, fpr<rate in [0, 1]> as fpr0.01, or t<threshold> as t0.5)`,
  );
}

/** The text form of a choice (`eer`, `fpr0.01`, `t0.5`), inverse of {@link parseThresholdChoice}. */
export function thresholdChoiceText(choice: ThresholdChoice): string {
  return choice.rule === "eer"
    ? "eer"
    : choice.rule === "fpr"
    ? `fpr${choice.fpr}`
    : `t${choice.threshold}`;
}

/**
 * A {@link ThresholdChoice} read back from a record (the `thresholdRule` field of a Table I
 * JSON, `{ "rule": "fpr", "fpr": 0.01 }`). Throws an `OptionError` naming the rule ids when
 * the record is not a choice of {@link THRESHOLD_RULES}.
 */
export function thresholdChoiceRecord(value: unknown): ThresholdChoice {
  const v = value as Record<string, unknown> | null;
  const rule = typeof v === "object" && v !== null ? v.rule : undefined;
  if (rule === "eer") return { rule };
  if (rule === "fpr" && typeof v!.fpr === "number" && v!.fpr >= 0 && v!.fpr <= 1) {
    return { rule, fpr: v!.fpr };
  }
  if (rule === "given" && typeof v!.threshold === "number" && Number.isFinite(v!.threshold)) {
    return { rule, threshold: v!.threshold };
  }
  throw new OptionError(
    `not a threshold rule: ${JSON.stringify(value)} (want { "rule": ` +
      `${THRESHOLD_RULES.map((r) => `"${r.id}"`).join(" | ")} } with "fpr" in [0, 1] for fpr, ` +
      `"threshold" for given)`,
  );
}

/**
 * The smallest double above `x`: the threshold that flags nothing at or below `x` (used above
 * the highest Unaltered score, where scikit-learn's `roc_curve` puts infinity).
 */
export function nextAbove(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

interface Point {
  threshold: number;
  fp: number;
  fn: number;
  positives: number;
  negatives: number;
}

// Every threshold worth trying, highest first: one above every score, then each distinct score
// (the counts of `score >= threshold`), as scikit-learn's roc_curve without dropped points.
function operatingPoints(
  labels: Uint8Array,
  scores: Float64Array,
  what: string,
  need: { needFakes: boolean } = { needFakes: true },
): Point[] {
  const n = _checkInputs(labels, scores, what);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  const negatives = n - positives;
  if (negatives === 0 || (need.needFakes && positives === 0)) {
    throw new MetricError(
      `${what}: Unaltered has ${negatives === 0 ? "no real" : "no fake"} video to choose it on`,
    );
  }
  const points: Point[] = [{
    threshold: nextAbove(scores[order[0]]),
    fp: 0,
    fn: positives,
    positives,
    negatives,
  }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (labels[i] === 1) tp++;
    else fp++;
    if (k + 1 < n && scores[order[k + 1]] === scores[i]) continue;
    points.push({ threshold: scores[i], fp, fn: positives - tp, positives, negatives });
  }
  return points;
}
