/**
 * The aggregation rules: how a frame's face scores reduce to one frame score (face rules) and how
 * a video's frame scores reduce to one video score (video rules). One record per rule, with its
 * Polars reduction and a one-line description; the store's row check (store/store.ts), the video
 * scores (store/video_scores.ts), the detector spec validator (a spec's `faceRule`/`videoRule`)
 * and the docs (docs/architecture.md, "Aggregation rules") all read these tables. Adding a rule
 * is adding a record.
 * @module
 */
import pl from "../deps/polars.ts";
import { _firstCase } from "./_cases.ts";

/** One aggregation rule: its name in specs and store rows, what it does, and how. */
export interface AggregationRule<Name extends string = string> {
  /** The rule's name (a spec's `faceRule`/`videoRule`, a row's `face_rule`/`video_rule`). */
  readonly name: Name;
  /** What the rule does, in one line (docs and messages). */
  readonly description: string;
  /**
   * The reduction over one group of scores (a frame's `ok` faces, or a video's scored frames),
   * as a Polars aggregation of `score`. Face rules may read the group's `face_index` column.
   */
  readonly reduce: (score: pl.Expr) => pl.Expr;
}

/** The face rules, in documentation order: how a frame's `ok` face scores become one score. */
export const FACE_RULE_RECORDS = [
  {
    name: "max",
    description: "the highest face score of the frame",
    reduce: (score: pl.Expr): pl.Expr => score.max(),
  },
  {
    name: "mean",
    description: "the mean of the frame's face scores",
    reduce: (score: pl.Expr): pl.Expr => score.mean(),
  },
  {
    name: "largest",
    description: "the score of the first `ok` face in the face order (0 = largest face)",
    // face_index 0 is the largest face; the smallest index left among ok faces is largest.
    reduce: (score: pl.Expr): pl.Expr => score.sortBy("face_index").first(),
  },
] as const satisfies readonly AggregationRule[];

/** The video rules, in documentation order: how a video's frame scores become one score. */
export const VIDEO_RULE_RECORDS = [
  {
    name: "mean",
    description: "the mean of the scored frames' scores",
    reduce: (score: pl.Expr): pl.Expr => score.mean(),
  },
  {
    name: "median",
    description: "the median of the scored frames' scores",
    reduce: (score: pl.Expr): pl.Expr => score.median(),
  },
  {
    name: "max",
    description: "the highest frame score of the video",
    reduce: (score: pl.Expr): pl.Expr => score.max(),
  },
] as const satisfies readonly AggregationRule[];

/** How the scores of a frame's faces reduce to one frame score (a {@link FACE_RULE_RECORDS} name). */
export type FaceRule = typeof FACE_RULE_RECORDS[number]["name"];

/** How frame scores reduce to one video score (a {@link VIDEO_RULE_RECORDS} name). */
export type VideoRule = typeof VIDEO_RULE_RECORDS[number]["name"];

/** The face rule names, in documentation order. */
export const FACE_RULES: readonly FaceRule[] = FACE_RULE_RECORDS.map((r) => r.name);

/** The video rule names, in documentation order. */
export const VIDEO_RULES: readonly VideoRule[] = VIDEO_RULE_RECORDS.map((r) => r.name);

/**
 * The aggregations that apply each row's own rule: one aggregation per rule of `rules` over
 * `score` (named `_<rule>`, to go inside `groupBy().agg()`), and the expression that picks, per
 * group, the one named by the group's `ruleColumn` (null for a name no record has). Use the pick
 * in a `withColumns` after the aggregation, with `ruleColumn` aggregated alongside (`first()`).
 */
export function byRule(
  rules: readonly AggregationRule[],
  ruleColumn: string,
  score: pl.Expr,
): { aggregations: pl.Expr[]; pick: pl.Expr } {
  const aggregations = rules.map((rule) => rule.reduce(score).alias(`_${rule.name}`));
  const pick = _firstCase(
    rules.map((rule) => [pl.col(ruleColumn).eq(pl.lit(rule.name)), pl.col(`_${rule.name}`)]),
    pl.lit(null),
  );
  return { aggregations, pick };
}
