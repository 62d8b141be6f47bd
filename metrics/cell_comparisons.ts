/**
 * Paired comparisons of a Table I cell with its row's Unaltered cell, as records: DeLong's test
 * (the p-value) and the paired bootstrap (the interval of delta AUC). Both take the two score
 * sets of one detector run on the same videos, in the same order; `opAucs` runs every record of
 * {@link CELL_COMPARISONS} on each processed cell and then corrects the row's p-values with
 * Holm's procedure (the family: one detector run's compared operations). A cell whose drop is
 * significant after that correction is a {@link significantDrop}.
 * @module
 */
import { pairedAucTest } from "./delong.ts";
import { pairedBootstrapDelta } from "./paired_bootstrap.ts";
import type { BootstrapOptions } from "./bootstrap.ts";
import type { ScoreLevel } from "./cell.ts";

/** The paired statistics of a processed cell against its row's Unaltered cell. */
export interface PairedStats {
  /**
   * 95% (or `bootstrap.confidence`) paired bootstrap interval of `deltaAuc` (processed minus
   * unaltered AUC), in [-1, 1]; null where not computed (see the cell's note).
   */
  deltaCiLow: number | null;
  deltaCiHigh: number | null;
  /** DeLong's two-sided p-value of AUC(processed) = AUC(unaltered), in [0, 1]; null: see note. */
  p: number | null;
  /**
   * `p` after Holm's correction over the p-values of the cell's row (one detector run's
   * processed copies), in [p, 1]; null where `p` is.
   */
  pHolm: number | null;
}

/** One run's processed copy and its unaltered copy, scored on the same videos. */
export interface PairedScores {
  /** 1 = fake, 0 = real, one per video. */
  labels: Uint8Array;
  /** The processed copy's video scores. */
  scores: Float64Array;
  /** The unaltered copy's scores of the same videos, in the same order. */
  baseline: Float64Array;
}

/** Options a comparison may use. */
export interface CellComparisonOptions {
  /** Resampling of the paired bootstrap; the interval is left out (null) without it. */
  bootstrap?: BootstrapOptions;
}

/** A paired comparison of a processed cell with the unaltered cell of its row. */
export interface CellComparison {
  /** Stable id (`delong`, `paired_bootstrap`). */
  id: string;
  /** What it gives, for headers and notes. */
  label: string;
  /** What it answers, with its source. */
  description: string;
  /** Score levels where it holds (DeLong needs independent samples: video level). */
  levels: readonly ScoreLevel[];
  /** Why it is left out at other levels, for the cell's note. */
  elsewhere: string;
  /**
   * Its fields for one pair; `{}` when not asked for (no bootstrap options). Throws a
   * `MetricError` where the data do not allow it (e.g. fewer than 2 fakes for DeLong).
   */
  compute: (pair: PairedScores, options: CellComparisonOptions) => Partial<PairedStats>;
}

/** DeLong's test of two correlated AUCs (`pairedAucTest`): the cell's `p`. */
export const DELONG_COMPARISON: CellComparison = {
  id: "delong",
  label: "DeLong p",
  description: "Is the processed copy's AUC different from the unaltered one on these videos " +
    "beyond chance? DeLong, DeLong & Clarke-Pearson (1988), Biometrics 44(3): 837-845.",
  levels: ["video"],
  elsewhere: "DeLong's test assumes independent samples and the frames of a video are not: p " +
    "omitted at frame level",
  compute: (pair) => ({ p: pairedAucTest(pair.labels, pair.scores, pair.baseline).p }),
};

/** The paired bootstrap interval of delta AUC (`pairedBootstrapDelta`). */
export const PAIRED_BOOTSTRAP_COMPARISON: CellComparison = {
  id: "paired_bootstrap",
  label: "paired bootstrap interval of delta AUC",
  description: "How far could delta AUC move with other videos like these? Percentile interval " +
    "of resamples that draw the videos once for both copies (Efron & Tibshirani 1993, ch. 13; " +
    "pROC's paired bootstrap).",
  levels: ["video"],
  elsewhere: "the frames of two copies are not paired one to one: delta interval omitted at " +
    "frame level",
  compute: (pair, options) => {
    if (options.bootstrap === undefined) return {};
    const ci = pairedBootstrapDelta(pair.labels, pair.scores, pair.baseline, options.bootstrap);
    return { deltaCiLow: ci.low, deltaCiHigh: ci.high };
  },
};

/** Every paired comparison `opAucs` runs on a processed cell. */
export const CELL_COMPARISONS: readonly CellComparison[] = [
  DELONG_COMPARISON,
  PAIRED_BOOTSTRAP_COMPARISON,
];

/**
 * The family-wise level at which a drop is called significant: Holm-adjusted p <= 0.05 (Holm's
 * procedure rejects at level alpha exactly when the adjusted p-value is <= alpha).
 */
export const SIGNIFICANCE_LEVEL = 0.05;

/**
 * True when the cell's AUC is below its row's Unaltered AUC (`deltaAuc < 0`) and the drop
 * survives Holm's correction over the row (`pHolm <= alpha`, default
 * {@link SIGNIFICANCE_LEVEL}). False where either is missing.
 */
export function significantDrop(
  cell: { deltaAuc?: number | null; pHolm?: number | null },
  alpha: number = SIGNIFICANCE_LEVEL,
): boolean {
  return typeof cell.deltaAuc === "number" && cell.deltaAuc < 0 &&
    typeof cell.pHolm === "number" && cell.pHolm <= alpha;
}
