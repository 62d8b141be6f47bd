/**
 * Holm's step-down correction of a family of p-values.
 * @module
 */
import { MetricError } from "./metric_error.ts";

/**
 * Holm-adjusted p-values, in input order: reject a hypothesis at family-wise error rate alpha
 * when its adjusted p-value is <= alpha. Holm (1979), "A simple sequentially rejective multiple
 * test procedure", Scandinavian Journal of Statistics 6(2): 65-70; as adjusted p-values
 * (Wright 1992, "Adjusted P-values for simultaneous inference", Biometrics 48(4): 1005-1013):
 * with the m p-values sorted ascending, p_(1) <= ... <= p_(m),
 * `adjusted_(k) = min(1, max over j <= k of (m - j + 1) p_(j))`. This is R's
 * `p.adjust(p, "holm")` and statsmodels' `multipletests(p, method="holm")`.
 *
 * The adjusted values keep the order of the raw ones, are never below them, and are capped at
 * 1. Holm controls the family-wise error rate under any dependence between the tests (the
 * operations of one detector share videos), and is uniformly more powerful than Bonferroni.
 *
 * NaN marks a missing test (e.g. a cell whose p-value could not be computed): it stays NaN and
 * does not count in m, as R's `p.adjust` treats `NA`. An empty family gives `[]`. Throws a
 * `MetricError` when a p-value is outside [0, 1] (Infinity included).
 *
 * @example
 * ```ts
 * import { holmAdjust } from "./holm.ts";
 * // Sorted 0.125, 0.25, 0.5 are multiplied by 3, 2, 1: 0.375, 0.5, then 0.5 (never below).
 * const adjusted = holmAdjust([0.5, 0.125, 0.25]);
 * if (adjusted.join() !== "0.5,0.375,0.5") throw new Error(adjusted.join());
 * ```
 */
export function holmAdjust(pValues: ArrayLike<number>): number[] {
  const order: number[] = [];
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i];
    if (Number.isNaN(p)) continue;
    if (!(typeof p === "number" && p >= 0 && p <= 1)) {
      throw new MetricError(
        `holmAdjust: p-value at index ${i} is ${p} (want a number in [0, 1], or NaN for a missing test)`,
      );
    }
    order.push(i);
  }
  // Stable sort: tied p-values keep their input order (their adjusted values are equal anyway).
  order.sort((i, j) => pValues[i] - pValues[j]);
  const m = order.length;
  const adjusted = Array.from({ length: pValues.length }, () => NaN);
  let running = 0;
  for (let k = 0; k < m; k++) {
    running = Math.max(running, Math.min(1, (m - k) * pValues[order[k]]));
    adjusted[order[k]] = running;
  }
  return adjusted;
}
