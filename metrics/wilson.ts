/**
 * Wilson's score interval of a binomial proportion.
 * @module
 */
import { MetricError } from "./metric_error.ts";

/** z of a two-sided 95% interval (the normal distribution's 0.975 quantile). */
export const Z_95 = 1.959963984540054;

/**
 * Wilson's score interval `[low, high]` of `successes / trials` (Wilson 1927, "Probable
 * inference, the law of succession, and statistical inference", JASA 22(158): 209-212; Agresti
 * & Coull 1998 recommend it over the Wald interval): with p = successes / trials and z the normal
 * quantile (default 95%), centre `(p + z^2/2n) / (1 + z^2/n)`, half-width
 * `z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)`. This is statsmodels'
 * `proportion_confint(method="wilson")`. Null when `trials` is 0. Throws a `MetricError` when
 * the counts are not whole numbers with 0 <= successes <= trials.
 */
export function wilsonInterval(
  successes: number,
  trials: number,
  z: number = Z_95,
): [number, number] | null {
  if (
    !Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 ||
    successes > trials
  ) {
    throw new MetricError(
      `wilsonInterval: want 0 <= successes <= trials, got ${successes}/${trials}`,
    );
  }
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
