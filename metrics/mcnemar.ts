/**
 * McNemar's exact test of paired binary outcomes.
 * @module
 */
import { MetricError } from "./metric_error.ts";

/**
 * Two-sided exact McNemar p-value from the discordant pairs: `b` items that changed one way,
 * `c` the other. Under no change each discordant pair goes either way with probability 1/2, so
 * p = min(1, 2 P(X <= min(b, c))) with X ~ Binomial(b + c, 1/2) (McNemar 1947, Psychometrika
 * 12(2): 153-157; the exact form as statsmodels' `mcnemar(table, exact=True)`). 1 when there is
 * no discordant pair. Throws a `MetricError` for negative or fractional counts.
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new MetricError(
      `mcnemarExact: discordant counts must be whole numbers >= 0, got ${b}, ${c}`,
    );
  }
  const n = b + c;
  const k = Math.min(b, c);
  if (n === 0) return 1;
  // Sum of C(n, i) / 2^n for i <= k, in logs (2^-n underflows past n = 1074).
  let logChoose = 0; // log C(n, 0)
  let sum = 0;
  const logHalfN = -n * Math.LN2;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log((n - i + 1) / i);
    sum += Math.exp(logChoose + logHalfN);
  }
  return Math.min(1, 2 * sum);
}
