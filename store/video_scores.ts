/**
 * From stored face scores to one score per video, with each row's own rules: frame score =
 * `face_rule` over the frame's `ok` faces; video score = `video_rule` over the frames that have
 * a score; a video with no scored frame gets `fail_score`, or is left out when that is null.
 * @module
 */
import pl from "../deps/polars.ts";

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
 * One row per video: the {@link VIDEO_KEYS} columns plus `score` (Float64), `scored_frames`
 * (Int32: frames with a score) and `fallback` (true when `score` is the row's `fail_score`).
 * Videos without a scored frame and a null `fail_score` are left out. Accepts the store's frame
 * (eager or lazy, e.g. from `scanStore`), filtered or not; returns a lazy frame.
 * Unknown rules match no branch and give a null score, so rows are validated when written
 * (`appendUnit` rejects them).
 */
export function videoScores(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  const lazy = asLazy(frame);
  const keys = [...VIDEO_KEYS];
  const frames = frameScores(lazy).rename({ score: "frame_score" });
  const scored = frames
    .groupBy(keys)
    .agg(
      pl.col("video_rule").first().alias("video_rule"),
      pl.col("frame_score").mean().alias("_mean"),
      pl.col("frame_score").median().alias("_median"),
      pl.col("frame_score").max().alias("_max"),
      pl.col("frame_score").count().alias("scored_frames"),
    )
    .withColumns(
      pl.when(pl.col("video_rule").eq(pl.lit("mean"))).then(pl.col("_mean"))
        .when(pl.col("video_rule").eq(pl.lit("median"))).then(pl.col("_median"))
        .when(pl.col("video_rule").eq(pl.lit("max"))).then(pl.col("_max"))
        .otherwise(pl.lit(null))
        .alias("video_score"),
    )
    .select(...keys, "video_score", "scored_frames");
  const videos = lazy.groupBy(keys).agg(pl.col("fail_score").first().alias("fail_score"));
  return videos
    .join(scored, { on: keys, how: "left", nullsEqual: true })
    .withColumns(
      pl.col("video_score").isNull().alias("fallback"),
      pl.col("video_score").fillNull(pl.col("fail_score")).cast(pl.Float64).alias("score"),
      pl.col("scored_frames").fillNull(0).cast(pl.Int32),
    )
    .filter(pl.col("score").isNotNull())
    .select(...keys, "score", "scored_frames", "fallback")
    .sort(["run_id", "op_id", "video_id"]);
}

/**
 * One row per scored frame: the {@link VIDEO_KEYS} columns, `frame_index`, `face_rule`,
 * `video_rule` and `score` (the row's `face_rule` over the frame's `ok` faces). Frames with no
 * `ok` face are left out. Accepts an eager or lazy store frame; returns a lazy frame sorted by
 * run, operation, video and frame.
 */
export function frameScores(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  const lazy = asLazy(frame);
  const keys = [...VIDEO_KEYS];
  const faceScore = pl.col("score");
  return lazy
    .filter(pl.col("status").eq(pl.lit("ok")).and(faceScore.isNotNull()))
    .groupBy([...keys, "frame_index"])
    .agg(
      pl.col("face_rule").first().alias("face_rule"),
      pl.col("video_rule").first().alias("video_rule"),
      faceScore.max().alias("_max"),
      faceScore.mean().alias("_mean"),
      // face_index 0 is the largest face; the smallest index left among ok faces is largest.
      faceScore.sortBy("face_index").first().alias("_largest"),
    )
    .withColumns(
      pl.when(pl.col("face_rule").eq(pl.lit("max"))).then(pl.col("_max"))
        .when(pl.col("face_rule").eq(pl.lit("mean"))).then(pl.col("_mean"))
        .when(pl.col("face_rule").eq(pl.lit("largest"))).then(pl.col("_largest"))
        .otherwise(pl.lit(null))
        .alias("score"),
    )
    .select(...keys, "frame_index", "face_rule", "video_rule", "score")
    .sort(["run_id", "op_id", "video_id", "frame_index"]);
}

function asLazy(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  // DataFrame is a Proxy whose `in` sees columns only: tell the two apart by a method.
  return typeof (frame as pl.LazyDataFrame).collectSync === "function"
    ? frame as pl.LazyDataFrame
    : (frame as pl.DataFrame).lazy();
}
