/**
 * The warning a report gives when a detector's clean (Unaltered) AUC interval includes 0.5:
 * such a detector does not tell real from fake on these videos even before any processing, so a
 * drop under an operation measures nothing. Shown at the top of the HTML report and under the
 * Markdown table.
 * @module
 */
import { type AucCell, modelLabel } from "../metrics/op_auc.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";

/** AUC of a ranking no better than a coin. */
export const CHANCE_AUC = 0.5;

/**
 * One sentence per run whose Unaltered AUC has a bootstrap interval that includes
 * {@link CHANCE_AUC} (`ciLow <= 0.5 <= ciHigh`), in the cells' order; none where no interval was
 * computed (`--resamples 0`) or every interval excludes 0.5.
 */
export function chanceWarnings(cells: readonly AucCell[]): string[] {
  return cells.filter((c) =>
    c.opId === UNALTERED_ID && typeof c.auc === "number" && typeof c.ciLow === "number" &&
    typeof c.ciHigh === "number" && c.ciLow <= CHANCE_AUC && CHANCE_AUC <= c.ciHigh
  ).map((c) =>
    `${modelLabel(c.detector, c.trainSet, c.run)}: its Unaltered AUC is ${c.auc!.toFixed(3)} ` +
    `(95% interval ${c.ciLow!.toFixed(3)} to ${c.ciHigh!.toFixed(3)}), which includes 0.5 ` +
    "(chance): it does not tell real from fake on these videos before any processing, so its " +
    "drops under the operations cannot be read."
  );
}
