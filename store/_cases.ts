/**
 * A Polars when/then chain from a list of cases, for chains built from records (aggregation
 * rules, row statuses). Internal to `store/`.
 * @module
 */
import pl from "../deps/polars.ts";

/** A when/then chain of Polars (its first and later links have different type names). */
interface WhenChain {
  when(predicate: pl.Expr): { then(expr: pl.Expr): WhenChain };
  otherwise(expr: pl.Expr): pl.Expr;
}

/**
 * `when(c0).then(v0).when(c1).then(v1)...otherwise(fallback)`: per row, the value of the first
 * case whose condition holds, else `fallback`. Throws a RangeError for no case.
 */
export function _firstCase(
  cases: readonly (readonly [condition: pl.Expr, value: pl.Expr])[],
  fallback: pl.Expr,
): pl.Expr {
  if (cases.length === 0) throw new RangeError("_firstCase() needs at least one case");
  const [[condition, value], ...rest] = cases;
  let chain: WhenChain = pl.when(condition).then(value);
  for (const [c, v] of rest) chain = chain.when(c).then(v);
  return chain.otherwise(fallback);
}
