/**
 * From stored face scores to one score per video, with each row's own rules (store/aggregation.ts):
 * frame score = `face_rule` over the frame's `ok` faces; video score = `video_rule` over the frames that have
 * a score; a video whose sampled frames were all read but held no face gets `fail_score`, or is
 * left out when that is null; a video that could not be (wholly) read is left out, with the
 * reason (store/left_out.ts).
 * @module
 */
import pl from "../deps/polars.ts";
import { _firstCase } from "./_cases.ts";
import {
  type AggregationRule,
  byRule,
  FACE_RULE_RECORDS,
  VIDEO_RULE_RECORDS,
} from "./aggregation.ts";
import type { LeftOutReason } from "./left_out.ts";
import { NOTE_STATUSES, type RowStatus, statusIs, UNREAD_STATUSES } from "./status.ts";

/**
 * Columns that identify one video of one detector run on one copy; every other output column
 * of {@link videoScores} is computed.
 */
export const VIDEO_KEYS: readonly string[] = [
  "run_id",
  "detector",
  "train_set",
  "model_sha256",
  "op_id",
  "op_family",
  "op_category",
  "severity",
  "profile",
  "artifact_id",
  "video_id",
  "label",
  "method",
];

/**
 * What became of each video of each copy, `outcome`:
 *
 * - `scored`: no read failure and at least one scored frame; `score` = `video_rule` over the
 *   frames' scores.
 * - `fail_score`: every row is `no_face` (each sampled frame was read, none had a face) and the
 *   row's `fail_score` is set; `score` = that fail score (the detector's documented behaviour).
 * - otherwise a left-out reason (store/left_out.ts) and a null `score`: a read failure, named by
 *   the status of its row (store/status.ts, kind `unread`, first in their order): `video_error`
 *   (the video could not be made or read), `damaged_video` (its file no longer matches its copy
 *   manifest), `decode_error` (a sampled frame could not be decoded); else `no_face` (no face
 *   anywhere and no fail score), `no_score` (no frame scored for another reason: NaN or
 *   out-of-range outputs, preprocessing failures).
 *
 * A video is *usable* in a copy when its outcome is `scored` or `fail_score`. Output: one row per
 * video, the {@link VIDEO_KEYS} columns plus `score` (Float64, null when left out),
 * `scored_frames` (Int32: sampled frames with at least one `ok` face score), `sampled_frames`
 * (Int32: distinct sampled frames that were read: frame index >= 0, no `unread` status),
 * `fallback` (true for `fail_score`), `outcome` (Utf8) and `detail`
 * (Utf8: the video's first failure message, empty when none). Accepts the store's frame (eager
 * or lazy), filtered or not; returns a lazy frame sorted by run, operation and video.
 */
export function videoOutcomes(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  // Warning rows (kind `note`) say something about a video and change none of its numbers.
  const lazy = asLazy(frame).filter(pl.col("status").isIn(NOTE_STATUSES).not());
  // Grouped by the video's identity alone (run, operation, copy, video: 4 columns instead of
  // 13), its descriptive columns taken along; where one of them is not constant within a video
  // (a store no writer makes), the outcomes are computed again grouped by all 13.
  // Only the rules the rows name are computed (a rule no row names would be computed for
  // every frame and never picked).
  const named = lazy.select("face_rule", "video_rule").unique().collectSync();
  const present = (records: readonly AggregationRule[], column: string) => {
    const names = named.getColumn(column).toArray();
    const found = records.filter((r) => names.includes(r.name));
    // No known rule named (no rows): all of them, so the expressions stay well-formed.
    return found.length > 0 ? found : records;
  };
  const rules: Rules = {
    face: present(FACE_RULE_RECORDS, "face_rule"),
    video: present(VIDEO_RULE_RECORDS, "video_rule"),
  };
  const byIds = outcomes(lazy, ID_KEYS, DESCRIPTIVE_KEYS, rules).collectSync();
  const mixed = DESCRIPTIVE_KEYS.some((c) => Number(byIds.getColumn(`_n_${c}`).max() ?? 0) > 1);
  return mixed ? outcomes(lazy, [...VIDEO_KEYS], [], rules).sort(OUTCOME_ORDER) : byIds
    .lazy()
    .select(...VIDEO_KEYS, ...OUTCOME_COLUMNS)
    .sort(OUTCOME_ORDER);
}

/**
 * {@link videoOutcomes} of the store given as its parts (store/store.ts `scanStoreParts`, each
 * filtered alike or not), reduced part by part so that one part's rows at most are in memory at
 * a time: the same rows, sorted alike. A video's rows of one run and copy live in one part (a
 * part is one run on one copy; shard parts split it by video); where a video is found in
 * several parts all the parts are reduced together instead, as {@link videoOutcomes} does.
 */
export function videoOutcomesByPart(parts: readonly pl.LazyDataFrame[]): pl.LazyDataFrame {
  if (parts.length === 1) return videoOutcomes(parts[0]);
  const each = parts.map((part) => videoOutcomes(part).collectSync());
  const all = pl.concat(each, { how: "vertical" });
  const videos = all.select(...ID_KEYS).unique().height;
  return videos === all.height
    ? all.lazy().sort(OUTCOME_ORDER)
    : videoOutcomes(pl.concat([...parts], { how: "vertical" }));
}

// The identity of a video in one copy of one run; the other VIDEO_KEYS follow from it.
const ID_KEYS = ["run_id", "op_id", "artifact_id", "video_id"];
const DESCRIPTIVE_KEYS = VIDEO_KEYS.filter((k) => !ID_KEYS.includes(k));
const OUTCOME_COLUMNS = [
  "score",
  "scored_frames",
  "sampled_frames",
  "fallback",
  "outcome",
  "detail",
];
const OUTCOME_ORDER = ["run_id", "op_id", "video_id", "artifact_id"];

// The outcomes grouped by `keys`; each column of `carried` is taken along as its first value,
// with `_n_<column>` its distinct values in the group.
function outcomes(
  lazy: pl.LazyDataFrame,
  keys: string[],
  carried: readonly string[],
  rules: Rules,
): pl.LazyDataFrame {
  const frames = frameScoresBy(lazy, keys, rules.face).rename({ score: "frame_score" });
  const videoRule = byRule(rules.video, "video_rule", pl.col("frame_score"));
  const scored = frames
    .groupBy(keys)
    .agg(
      pl.col("video_rule").first().alias("video_rule"),
      ...videoRule.aggregations,
      pl.col("frame_score").count().alias("scored_frames"),
    )
    .withColumns(videoRule.pick.alias("video_score"))
    .select(...keys, "video_score", "scored_frames");
  const count = (status: RowStatus) => statusIs(status).cast(pl.Int32).sum().alias(`_${status}`);
  const videos = lazy.groupBy(keys).agg(
    ...carried.flatMap((c) => [
      pl.col(c).first().alias(c),
      pl.col(c).nUnique().alias(`_n_${c}`),
    ]),
    pl.col("fail_score").first().alias("fail_score"),
    ...UNREAD_STATUSES.map(count),
    count("no_face"),
    pl.col("status").count().alias("_rows"),
    pl.col("error").dropNulls().first().alias("_error"),
    pl.col("frame_index")
      .filter(pl.col("frame_index").gtEq(0).and(pl.col("status").isIn(UNREAD_STATUSES).not()))
      .nUnique().cast(pl.Int32).alias("sampled_frames"),
  );
  // A read failure decides first (the video was not wholly read: never scored, never the fail
  // score), in the statuses' precedence order; then a score; then why there is none.
  const outcome = _firstCase([
    ...UNREAD_STATUSES.map((status) =>
      [pl.col(`_${status}`).gt(0), pl.lit(status satisfies LeftOutReason)] as const
    ),
    [pl.col("scored_frames").gt(0).and(pl.col("video_score").isNotNull()), pl.lit("scored")],
    [pl.col("_no_face").lt(pl.col("_rows")), pl.lit("no_score" satisfies LeftOutReason)],
    [pl.col("fail_score").isNotNull(), pl.lit("fail_score")],
  ], pl.lit("no_face" satisfies LeftOutReason)).alias("outcome");
  return videos
    .join(scored, { on: keys, how: "left", nullsEqual: true })
    .withColumns(pl.col("scored_frames").fillNull(0).cast(pl.Int32))
    .withColumns(outcome)
    .withColumns(
      pl.when(pl.col("outcome").eq(pl.lit("scored"))).then(pl.col("video_score"))
        .when(pl.col("outcome").eq(pl.lit("fail_score"))).then(pl.col("fail_score"))
        .otherwise(pl.lit(null))
        .cast(pl.Float64)
        .alias("score"),
      pl.col("outcome").eq(pl.lit("fail_score")).alias("fallback"),
      pl.col("_error").fillNull(pl.lit("")).cast(pl.Utf8).alias("detail"),
    )
    .select(...keys, ...carried.flatMap((c) => [c, `_n_${c}`]), ...OUTCOME_COLUMNS);
}

/**
 * One row per usable video (see {@link videoOutcomes}): the {@link VIDEO_KEYS} columns plus
 * `score` (Float64), `scored_frames` (Int32: frames with a score) and `fallback` (true when
 * `score` is the row's `fail_score`). Left out: videos with a read failure (`video_error`,
 * `decode_error`), videos with no scored frame unless every sampled frame was read and had no
 * face and the row has a `fail_score`. Accepts the store's frame (eager or lazy, e.g. from
 * `scanStore`), filtered or not; returns a lazy frame. Unknown rules match no branch and give
 * no score, so rows are validated when written (`writeUnit` rejects them).
 */
export function videoScores(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  return videoOutcomes(frame)
    .filter(pl.col("score").isNotNull())
    .select(...VIDEO_KEYS, "score", "scored_frames", "fallback");
}

/**
 * One row per scored frame: the {@link VIDEO_KEYS} columns, `frame_index`, `face_rule`,
 * `video_rule` and `score` (the row's `face_rule` over the frame's `ok` faces). Frames with no
 * `ok` face are left out. Accepts an eager or lazy store frame; returns a lazy frame sorted by
 * run, operation, video and frame.
 */
export function frameScores(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  return frameScoresBy(asLazy(frame), [...VIDEO_KEYS], FACE_RULE_RECORDS)
    .sort(["run_id", "op_id", "video_id", "frame_index"]);
}

// The rules computed: those the rows name (a row naming another gets no score either way).
interface Rules {
  face: readonly AggregationRule[];
  video: readonly AggregationRule[];
}

// The frame scores grouped by `keys` and the frame index, by the face rules of `faceRules`.
function frameScoresBy(
  lazy: pl.LazyDataFrame,
  keys: string[],
  faceRules: readonly AggregationRule[],
): pl.LazyDataFrame {
  const faceScore = pl.col("score");
  const faceRule = byRule(faceRules, "face_rule", faceScore);
  return lazy
    .filter(statusIs("ok").and(faceScore.isNotNull()))
    .groupBy([...keys, "frame_index"])
    .agg(
      pl.col("face_rule").first().alias("face_rule"),
      pl.col("video_rule").first().alias("video_rule"),
      ...faceRule.aggregations,
    )
    .withColumns(faceRule.pick.alias("score"))
    .select(...keys, "frame_index", "face_rule", "video_rule", "score");
}

function asLazy(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  // DataFrame is a Proxy whose `in` sees columns only: tell the two apart by a method.
  return typeof (frame as pl.LazyDataFrame).collectSync === "function"
    ? frame as pl.LazyDataFrame
    : (frame as pl.DataFrame).lazy();
}
