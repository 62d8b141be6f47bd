/**
 * Which slice each video of a detector run belongs to, for Table I per slice (`report --by`):
 * the value of a store column the video carries (`method`, filled from the dataset manifest by
 * import-ffpp; `profile`, ...) or its face-size bucket, read from the crops the detector saw
 * on the run's Unaltered copy ({@link FACE_SIZE_BUCKETS}).
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import pl from "../deps/polars.ts";
import { STORE_COLUMNS } from "../store/schema.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { OptionError } from "../util/option_error.ts";

/** The `--by` value that slices by face size instead of a store column. */
export const FACE_SIZE_SLICE = "face_size";

/** The slice of a video without a value in the column (null or empty). */
export const NO_VALUE_SLICE = "(none)";

/**
 * Face-size buckets, by the median side (`sqrt(crop_w * crop_h)`, pixels of the copy) of the
 * largest face's crop over the sampled frames of the run's Unaltered copy; `upTo` is exclusive,
 * null = no upper bound. Data, not code: a bucket is a record.
 */
export const FACE_SIZE_BUCKETS: readonly { label: string; upTo: number | null }[] = [
  { label: "face < 64 px", upTo: 64 },
  { label: "face 64-127 px", upTo: 128 },
  { label: "face 128-255 px", upTo: 256 },
  { label: "face >= 256 px", upTo: null },
];

/** The slice of a video whose Unaltered copy has no face crop (fail score, no face). */
export const NO_FACE_SLICE = "no face crop";

// Columns that hold numbers or per-row facts, not a property of a video: not sliceable.
const NOT_SLICEABLE = new Set([
  "video_id",
  "frame_index",
  "face_index",
  "box_x",
  "box_y",
  "box_w",
  "box_h",
  "crop_x",
  "crop_y",
  "crop_w",
  "crop_h",
  "score",
  "status",
  "error",
  "created_at",
  "label",
  "op_id",
  "op_family",
  "op_category",
  "severity",
  "artifact_id",
]);

/** Every `--by` value: the sliceable store columns, then {@link FACE_SIZE_SLICE}. */
export const SLICE_COLUMNS: readonly string[] = [
  ...STORE_COLUMNS.map((c) => c.name as string).filter((name) => !NOT_SLICEABLE.has(name)),
  FACE_SIZE_SLICE,
];

/**
 * Checks a `--by` value against {@link SLICE_COLUMNS} and `manifestColumns` (the columns the
 * dataset manifests given add, `dataset` among them: metrics/manifest_slices.ts). Throws an
 * `OptionError` (exit 2 in a task) naming the valid ones when `by` is neither; without
 * manifests the message says how to slice by a manifest column (`--manifest <csv>`: the store
 * keeps only the manifest's `method`).
 */
export function sliceColumn(by: string, manifestColumns: readonly string[] = []): string {
  if (!SLICE_COLUMNS.includes(by) && !manifestColumns.includes(by)) {
    throw new OptionError(
      `--by must be one of ${[...SLICE_COLUMNS, ...manifestColumns].join(", ")}, got "${by}"` +
        didYouMeanSuffix(by, [...SLICE_COLUMNS, ...manifestColumns]) +
        (manifestColumns.length === 0
          ? " (the store keeps the manifest's method column only: to slice by dataset, split " +
            "or another manifest column, give the dataset manifest(s) with --manifest <csv>)"
          : ""),
    );
  }
  return by;
}

/** Slice value per video of each run: run id -> video id -> value (never empty). */
export type SliceValues = Map<string, Map<string, string>>;

/**
 * Every video's slice by `by` (a {@link SLICE_COLUMNS} value; manifest columns:
 * metrics/manifest_slices.ts), run by run, from the store's
 * frame (eager or lazy, filtered or not). A column value is the video's first non-empty one
 * over its rows (a video's manifest fields are the same in every copy), {@link NO_VALUE_SLICE}
 * where it has none. Face size: the median crop side of the largest face (`face_index` 0, status
 * `ok`) over the run's Unaltered rows, as a {@link FACE_SIZE_BUCKETS} label;
 * {@link NO_FACE_SLICE} where the Unaltered copy has no crop of the video. Throws an
 * `OptionError` for an unknown `by`.
 */
export function sliceValues(
  frame: pl.DataFrame | pl.LazyDataFrame,
  by: string,
): SliceValues {
  sliceColumn(by);
  const lazy = "collectSync" in frame && typeof frame.collectSync === "function"
    ? frame as pl.LazyDataFrame
    : (frame as pl.DataFrame).lazy();
  const values: SliceValues = new Map();
  const put = (runId: string, videoId: string, value: string) => {
    if (!values.has(runId)) values.set(runId, new Map());
    const run = values.get(runId)!;
    if (!run.has(videoId) || run.get(videoId) === NO_VALUE_SLICE) run.set(videoId, value);
  };
  if (by === FACE_SIZE_SLICE) {
    const videos = lazy.select("run_id", "video_id").unique().collectSync();
    const ids = columns(videos, "run_id", "video_id");
    for (let i = 0; i < videos.height; i++) put(ids[0][i], ids[1][i], NO_FACE_SLICE);
    const sides = lazy
      .filter(
        pl.col("op_id").eq(pl.lit(UNALTERED_ID))
          .and(pl.col("face_index").eq(0))
          .and(pl.col("status").eq(pl.lit("ok")))
          .and(pl.col("crop_w").isNotNull())
          .and(pl.col("crop_h").isNotNull()),
      )
      .select(
        "run_id",
        "video_id",
        pl.col("crop_w").cast(pl.Float64).mul(pl.col("crop_h").cast(pl.Float64)).pow(0.5)
          .alias("side"),
      )
      .groupBy(["run_id", "video_id"])
      .agg(pl.col("side").median().alias("side"))
      .collectSync();
    const [runs, vids] = columns(sides, "run_id", "video_id");
    const side = sides.getColumn("side").toArray() as number[];
    for (let i = 0; i < sides.height; i++) {
      values.get(runs[i])!.set(vids[i], faceSizeBucket(side[i]));
    }
    return values;
  }
  const df = lazy.select("run_id", "video_id", pl.col(by).cast(pl.Utf8).alias("value"))
    .unique().collectSync();
  const [runs, vids] = columns(df, "run_id", "video_id");
  const raw = df.getColumn("value").toArray() as (string | null)[];
  for (let i = 0; i < df.height; i++) {
    const text = raw[i] === null || raw[i] === undefined ? "" : String(raw[i]).trim();
    put(runs[i], vids[i], text === "" ? NO_VALUE_SLICE : text);
  }
  return values;
}

/** The {@link FACE_SIZE_BUCKETS} label of a crop side in pixels. */
export function faceSizeBucket(side: number): string {
  const bucket = FACE_SIZE_BUCKETS.find((b) => b.upTo === null || side < b.upTo)!;
  return bucket.label;
}

function columns(df: pl.DataFrame, ...names: string[]): string[][] {
  return names.map((name) => (df.getColumn(name).toArray() as unknown[]).map(String));
}
