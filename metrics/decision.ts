/**
 * The decision view of Table I: what a detector run does at one operating threshold, chosen on
 * its Unaltered copy (metrics/threshold_rules.ts) and applied unchanged to every processed copy.
 * Per cell: fakes caught (TPR) and reals flagged (FPR) with Wilson intervals, accuracy on each
 * class, balanced accuracy, the paired change against Unaltered with McNemar's exact test per
 * class (Holm over the row), which way the detector fails, the median paired score shift per
 * class, calibration (Brier, ECE) and the cross-condition AUCs.
 * @module
 */
import { areProbabilities, brierScore, ECE_BINS, expectedCalibrationError } from "./calibration.ts";
import { holmAdjust } from "./holm.ts";
import { mcnemarExact } from "./mcnemar.ts";
import { MetricError } from "./metric_error.ts";
import { rocAuc } from "./roc_auc.ts";
import { type ThresholdChoice, thresholdChoiceText, thresholdRule } from "./threshold_rules.ts";
import { wilsonInterval } from "./wilson.ts";

/** Which way a processed copy makes the detector fail more than on Unaltered, in words. */
export type FailureDirection = "flags reals" | "misses fakes";

/** A run's operating threshold. */
export interface OperatingThreshold {
  /** Fake when `score >= value`. */
  value: number;
  /** The rule's text form (`eer`, `fpr0.01`, `t0.5`). */
  rule: string;
  /** The rule in words (`EER point of Unaltered`). */
  name: string;
}

/**
 * One cell at the run's threshold. Rates are null where their class has no video; paired
 * fields are null on cells whose videos are not the Unaltered cell's (and absent on the
 * Unaltered cell itself, except `deltaTpr`/`deltaFpr` = 0 and shifts = 0).
 */
export interface CellDecision {
  /** Fake when `score >= threshold`; the same for every cell of the run. */
  threshold: number;
  /** How it was chosen, in words (`EER point of Unaltered`). */
  thresholdRule: string;
  /** Fakes caught, fakes missed, reals passed, reals flagged. */
  tp: number;
  fn: number;
  tn: number;
  fp: number;
  /** tp / (tp + fn): fakes caught (= accuracy on fakes); null without fakes. */
  tpr: number | null;
  /** Wilson 95% interval of `tpr` (metrics/wilson.ts). */
  tprLow: number | null;
  tprHigh: number | null;
  /** fp / (fp + tn): reals flagged (accuracy on reals = 1 - fpr); null without reals. */
  fpr: number | null;
  /** Wilson 95% interval of `fpr`. */
  fprLow: number | null;
  fprHigh: number | null;
  /** Accuracy on reals, 1 - fpr; interval 1 - [fprHigh, fprLow]. */
  accReal: number | null;
  /** Accuracy on fakes, = tpr. */
  accFake: number | null;
  /** (accReal + accFake) / 2; null unless both classes are present. */
  balancedAccuracy: number | null;
  /** tpr minus Unaltered's tpr on the same videos (negative: more fakes missed). */
  deltaTpr: number | null;
  /** fpr minus Unaltered's fpr on the same videos (positive: more reals flagged). */
  deltaFpr: number | null;
  /** McNemar's exact p of the fakes' decisions against Unaltered (metrics/mcnemar.ts). */
  pTpr?: number | null;
  /** McNemar's exact p of the reals' decisions against Unaltered. */
  pFpr?: number | null;
  /** Holm-adjusted `pTpr`, `pFpr`: the family is every McNemar p of the row (both classes). */
  pTprHolm?: number | null;
  pFprHolm?: number | null;
  /**
   * Which error grew more against Unaltered: `flags reals` (deltaFpr) or `misses fakes`
   * (-deltaTpr); null when neither grew.
   */
  fails: FailureDirection | null;
  /** Median over real (fake) videos of score minus the same video's Unaltered score. */
  shiftReal: number | null;
  shiftFake: number | null;
  /**
   * The 10th, 25th, 50th, 75th and 90th percentiles of the real (fake) videos' scores
   * (numpy's linear interpolation), for the score-distribution chart; null without videos.
   */
  realQuantiles: number[] | null;
  fakeQuantiles: number[] | null;
  /** Brier score and ECE (`eceBins` equal-width bins); null when a score is not in [0, 1]. */
  brier: number | null;
  ece: number | null;
  eceBins: number;
  /** AUC of Unaltered reals against this copy's fakes (only the fakes were processed). */
  aucFakesProcessed: number | null;
  /** AUC of this copy's reals against Unaltered fakes (only the reals were processed). */
  aucRealsProcessed: number | null;
}

/** One copy of a run: its labels and scores, and the Unaltered scores of the same videos. */
export interface DecisionCell {
  opId: string;
  /** 1 = fake, 0 = real, one per video. */
  labels: Uint8Array;
  scores: Float64Array;
  /** Unaltered scores of the same videos in the same order; null when not paired. */
  baseline: Float64Array | null;
}

/** What {@link runDecisions} returns for one run. */
export interface RunDecisions {
  /** The run's threshold; null when the rule cannot choose one (the note says why). */
  threshold: OperatingThreshold | null;
  /** Why there is no threshold. */
  note?: string;
  /** Each cell's decision, by op id (none without a threshold). */
  decisions: Map<string, CellDecision>;
}

/**
 * The decision view of one detector run: the threshold chosen on `unaltered` by `choice`
 * (the Unaltered cell, `baseline` unused), then every cell of `cells` at it, McNemar's p per
 * class on paired cells and Holm over the row's p-values. Never throws for one-class or
 * unpaired cells (null fields); a rule the Unaltered copy cannot serve gives a null threshold
 * and a note. Throws a `MetricError` for bad input (unequal lengths, non-finite scores).
 */
export function runDecisions(
  unaltered: DecisionCell | undefined,
  cells: readonly DecisionCell[],
  choice: ThresholdChoice,
): RunDecisions {
  const rule = thresholdRule(choice);
  if (unaltered === undefined && choice.rule !== "given") {
    return {
      threshold: null,
      note: "no unaltered copy to choose a threshold on",
      decisions: new Map(),
    };
  }
  let value: number;
  try {
    value = rule.choose(
      unaltered?.labels ?? new Uint8Array(),
      unaltered?.scores ?? new Float64Array(),
      choice,
    );
  } catch (error) {
    if (!(error instanceof MetricError)) throw error;
    return { threshold: null, note: error.message, decisions: new Map() };
  }
  const threshold: OperatingThreshold = {
    value,
    rule: thresholdChoiceText(choice),
    name: rule.name(choice),
  };
  const decisions = new Map<string, CellDecision>();
  const ps: { cell: CellDecision; key: "pTpr" | "pFpr" }[] = [];
  for (const cell of cells) {
    const d = cellDecision(cell, unaltered, threshold);
    decisions.set(cell.opId, d);
    if (cell !== unaltered && cell.opId !== unaltered?.opId) {
      ps.push({ cell: d, key: "pTpr" }, { cell: d, key: "pFpr" });
    }
  }
  const adjusted = holmAdjust(ps.map(({ cell, key }) => cell[key] ?? NaN));
  ps.forEach(({ cell, key }, i) => {
    cell[key === "pTpr" ? "pTprHolm" : "pFprHolm"] = cell[key] === null ? null : adjusted[i];
  });
  return { threshold, decisions };
}

/** Rates of a cell at a threshold, with the Unaltered cell for the paired fields. */
function cellDecision(
  cell: DecisionCell,
  unaltered: DecisionCell | undefined,
  threshold: OperatingThreshold,
): CellDecision {
  const { labels, scores } = cell;
  if (labels.length !== scores.length) {
    throw new MetricError(
      `decision of ${cell.opId}: ${labels.length} labels, ${scores.length} scores`,
    );
  }
  const t = threshold.value;
  let tp = 0, fn = 0, tn = 0, fp = 0;
  for (let i = 0; i < labels.length; i++) {
    const flagged = scores[i] >= t;
    if (labels[i] === 1) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  }
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const tpr = ratio(tp, tp + fn);
  const fpr = ratio(fp, fp + tn);
  const tprCi = wilsonInterval(tp, tp + fn);
  const fprCi = wilsonInterval(fp, fp + tn);
  const isBase = unaltered !== undefined && cell.opId === unaltered.opId;
  const paired = isBase ? cell.scores : cell.baseline;
  const d: CellDecision = {
    threshold: t,
    thresholdRule: threshold.name,
    tp,
    fn,
    tn,
    fp,
    tpr,
    tprLow: tprCi?.[0] ?? null,
    tprHigh: tprCi?.[1] ?? null,
    fpr,
    fprLow: fprCi?.[0] ?? null,
    fprHigh: fprCi?.[1] ?? null,
    accReal: fpr === null ? null : 1 - fpr,
    accFake: tpr,
    balancedAccuracy: tpr === null || fpr === null ? null : (tpr + 1 - fpr) / 2,
    deltaTpr: null,
    deltaFpr: null,
    fails: null,
    shiftReal: null,
    shiftFake: null,
    realQuantiles: quantiles(scores.filter((_, i) => labels[i] === 0)),
    fakeQuantiles: quantiles(scores.filter((_, i) => labels[i] === 1)),
    brier: null,
    ece: null,
    eceBins: ECE_BINS,
    aucFakesProcessed: null,
    aucRealsProcessed: null,
  };
  if (labels.length > 0 && areProbabilities(scores)) {
    d.brier = brierScore(labels, scores);
    d.ece = expectedCalibrationError(labels, scores, ECE_BINS);
  }
  if (unaltered !== undefined) {
    d.aucFakesProcessed = crossAuc(unaltered, cell);
    d.aucRealsProcessed = crossAuc(cell, unaltered);
  }
  if (!isBase) {
    d.pTpr = null;
    d.pFpr = null;
    d.pTprHolm = null;
    d.pFprHolm = null;
  }
  if (paired === null || paired.length !== labels.length) return d;
  // Paired: the same videos in Unaltered, each flagged or not at the same threshold.
  const change = { fake: [0, 0], real: [0, 0] }; // [flagged only in Unaltered, only here]
  const shifts: { fake: number[]; real: number[] } = { fake: [], real: [] };
  let baseTp = 0, baseFp = 0;
  for (let i = 0; i < labels.length; i++) {
    const cls = labels[i] === 1 ? "fake" : "real";
    const before = paired[i] >= t;
    const after = scores[i] >= t;
    if (before && !after) change[cls][0]++;
    if (!before && after) change[cls][1]++;
    if (before) labels[i] === 1 ? baseTp++ : baseFp++;
    shifts[cls].push(scores[i] - paired[i]);
  }
  d.deltaTpr = tpr === null ? null : tpr - baseTp / (tp + fn);
  d.deltaFpr = fpr === null ? null : fpr - baseFp / (fp + tn);
  d.shiftReal = median(shifts.real);
  d.shiftFake = median(shifts.fake);
  if (!isBase) {
    d.pTpr = tp + fn === 0 ? null : mcnemarExact(change.fake[0], change.fake[1]);
    d.pFpr = fp + tn === 0 ? null : mcnemarExact(change.real[0], change.real[1]);
    const realsFlagged = d.deltaFpr ?? 0;
    const fakesMissed = -(d.deltaTpr ?? 0);
    d.fails = realsFlagged <= 0 && fakesMissed <= 0
      ? null
      : realsFlagged >= fakesMissed
      ? "flags reals"
      : "misses fakes";
  }
  return d;
}

// AUC of `reals`' real videos against `fakes`' fake videos (two copies of one run); null when
// either side has none.
function crossAuc(reals: DecisionCell, fakes: DecisionCell): number | null {
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < reals.labels.length; i++) {
    if (reals.labels[i] === 0) {
      scores.push(reals.scores[i]);
      labels.push(0);
    }
  }
  const nReal = labels.length;
  for (let i = 0; i < fakes.labels.length; i++) {
    if (fakes.labels[i] === 1) {
      scores.push(fakes.scores[i]);
      labels.push(1);
    }
  }
  if (nReal === 0 || labels.length === nReal) return null;
  return rocAuc(Uint8Array.from(labels), Float64Array.from(scores));
}

/** The percentiles of {@link CellDecision.realQuantiles}. */
export const SCORE_QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

// numpy's percentile with linear interpolation at SCORE_QUANTILES; null when empty.
function quantiles(values: Float64Array): number[] | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return SCORE_QUANTILES.map((q) => {
    const at = q * (sorted.length - 1);
    const low = Math.floor(at);
    const high = Math.min(low + 1, sorted.length - 1);
    return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
  });
}

// numpy's median: the middle value, or the mean of the two middle values; null when empty.
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
