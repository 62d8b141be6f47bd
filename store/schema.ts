/**
 * The results store's row schema: one record per column, in file order. Everything that builds,
 * validates or documents store rows reads this table instead of repeating column names.
 * @module
 */
import pl from "../deps/polars.ts";
import type { FaceRule, VideoRule } from "./aggregation.ts";
import type { RowStatus } from "./status.ts";

/** Physical type of a store column as written to Parquet. */
export type StoreDtype = "utf8" | "int8" | "int32" | "float32" | "float64";

/** One column of the results store. */
export interface StoreColumn {
  /** Column name inside every part file (snake_case, same as the {@link ScoreRow} field). */
  readonly name: keyof ScoreRow;
  /** Physical type. */
  readonly dtype: StoreDtype;
  /** True when the column may hold nulls. */
  readonly nullable: boolean;
  /** What the column means (copied into docs/store.md). */
  readonly description: string;
  /** True when a row may leave the column out (written as null); else it must be given. */
  readonly optional?: boolean;
}

/**
 * One stored score: a video x sampled frame x face of one detector run on one copy. A video-level
 * failure is one row with `frame_index` -1; a frame without a face is one row with `face_index` -1.
 * The locator columns (`face_score` to `min_face_size`) are optional: absent is written as null.
 */
export interface ScoreRow {
  /** Hash of (detector spec, model sha256, face mode, frame count, dfrobust version). */
  run_id: string;
  /** Detector preset or spec name. */
  detector: string;
  /** What the model was trained on (user label, e.g. `FF++c23`). */
  train_set: string;
  /** SHA-256 of the ONNX model file, hex. */
  model_sha256: string;
  /** Operation instance id (`unaltered`, `h264_crf40`, a chain name, ...). */
  op_id: string;
  /** Ladder family of the operation (`h264`, `noise`, ...). */
  op_family: string;
  /** `unaltered` or a paper category (`compression`, `brightness`, ...). */
  op_category: string;
  /** Ladder level, null when the operation has none. */
  severity: number | null;
  /** Encode profile of the copy (`paper`, `lossless`, `source`). */
  profile: string;
  /** Content address of the distorted copy. */
  artifact_id: string;
  /** Video id from the dataset manifest. */
  video_id: string;
  /** 1 = fake, 0 = real. */
  label: 0 | 1;
  /** Manipulation method from the manifest (`Deepfakes`, `real`, ...), null when unknown. */
  method: string | null;
  /** Frame number in the video (a clip's first frame); -1 for a video-level failure row. */
  frame_index: number;
  /**
   * A clip detector's row: the first frame index of the clip (= `frame_index`); null (or absent
   * from the record) for a frame detector's row and a video-level row.
   */
  clip_start?: number | null;
  /** A clip detector's row: the last frame index of the clip's run; null otherwise. */
  clip_end?: number | null;
  /**
   * Face rank in the frame in the face order (faces/select.ts: largest first, ties by distance to
   * the frame centre, then position in the source video); -1 when no face.
   */
  face_index: number;
  /** Face box left edge in the copy's pixels, as located (may stick out); null when no face. */
  box_x: number | null;
  /** Face box top edge in the copy's pixels; null when no face. */
  box_y: number | null;
  /** Face box width in pixels; null when no face. */
  box_w: number | null;
  /** Face box height in pixels; null when no face. */
  box_h: number | null;
  /**
   * Left edge of the crop the model saw, integer pixels of the copy (the detector's crop rule
   * applied to the box); negative only for a `reflect` crop; null when no crop was taken.
   */
  crop_x: number | null;
  /** Top edge of the crop, integer pixels of the copy; null when no crop. */
  crop_y: number | null;
  /** Crop width in pixels (>= 1); null when no crop. */
  crop_w: number | null;
  /** Crop height in pixels (>= 1); null when no crop. */
  crop_h: number | null;
  /** Face localisation mode: `ultraface`, `sidecar`, `full`, `reference`. */
  face_mode: string;
  /**
   * SHA-256 of what located the faces: the UltraFace model (`ultraface`, `reference`) or the
   * sidecar file (`sidecar`); null for `full` and in parts written before the column existed.
   * Optional in a row: absent is null.
   */
  face_model_sha256?: string | null;
  /** Fake probability in [0, 1]; null unless `status` is `ok`. */
  score: number | null;
  /** What became of the row: `ok` or a failure kind (store/status.ts lists them all). */
  status: RowStatus;
  /** Failure message, null when `status` is `ok`. */
  error: string | null;
  /** Multi-face reduction of the detector: `max`, `mean` or `largest`. */
  face_rule: FaceRule;
  /** Frame-to-video aggregation of the detector: `mean`, `median` or `max`. */
  video_rule: VideoRule;
  /** Video score when no frame of the video scored; null = such a video is left out. */
  fail_score: number | null;
  /** ISO 8601 time the unit was written. */
  created_at: string;
  /**
   * The face locator's confidence in [0, 1] for this face (UltraFace's class score; a sidecar's
   * fifth number; in `reference` mode the score recorded on the unaltered copy); null when the
   * locator gives none (`full`, a sidecar box without a score), for rows without a face, and in
   * parts written before the column existed.
   */
  face_score?: number | null;
  /**
   * The face box in the unaltered copy's sampled pixels: the box the locator gave in the source
   * (sidecar, reference), else the box mapped back through the copy's geometry
   * (eval/source_box.ts). Null when no face, and in parts written before the column existed.
   */
  source_x?: number | null;
  /** Top edge of the box in the unaltered copy's pixels; null as `source_x`. */
  source_y?: number | null;
  /** Width of the box in the unaltered copy's pixels; null as `source_x`. */
  source_w?: number | null;
  /** Height of the box in the unaltered copy's pixels; null as `source_x`. */
  source_h?: number | null;
  /**
   * Faces the locator gave in this frame that the run's minimum confidence or size dropped
   * (faces/minimums.ts), the same number on every row of the frame; null on video-level rows
   * and in parts written before the column existed.
   */
  faces_dropped?: number | null;
  /** The run's minimum locator confidence (a face needs more); null = none. */
  min_face_score?: number | null;
  /** The run's minimum face side in pixels (shorter side of the box); null = none. */
  min_face_size?: number | null;
}

/** The store's columns, in file order. */
export const STORE_COLUMNS: readonly StoreColumn[] = [
  { name: "run_id", dtype: "utf8", nullable: false, description: "hash of the detector run" },
  { name: "detector", dtype: "utf8", nullable: false, description: "preset or spec name" },
  { name: "train_set", dtype: "utf8", nullable: false, description: "training data label" },
  { name: "model_sha256", dtype: "utf8", nullable: false, description: "SHA-256 of the model" },
  { name: "op_id", dtype: "utf8", nullable: false, description: "operation instance id" },
  { name: "op_family", dtype: "utf8", nullable: false, description: "operation ladder family" },
  { name: "op_category", dtype: "utf8", nullable: false, description: "paper category" },
  { name: "severity", dtype: "int32", nullable: true, description: "ladder level" },
  { name: "profile", dtype: "utf8", nullable: false, description: "encode profile of the copy" },
  { name: "artifact_id", dtype: "utf8", nullable: false, description: "copy content address" },
  { name: "video_id", dtype: "utf8", nullable: false, description: "video id" },
  { name: "label", dtype: "int8", nullable: false, description: "1 = fake, 0 = real" },
  { name: "method", dtype: "utf8", nullable: true, description: "manipulation method" },
  { name: "frame_index", dtype: "int32", nullable: false, description: "frame number, -1 = video" },
  {
    name: "clip_start",
    dtype: "int32",
    nullable: true,
    description: "clip's first frame",
    optional: true,
  },
  {
    name: "clip_end",
    dtype: "int32",
    nullable: true,
    description: "clip's last frame",
    optional: true,
  },
  { name: "face_index", dtype: "int32", nullable: false, description: "face rank, -1 = none" },
  { name: "box_x", dtype: "float32", nullable: true, description: "face box left, pixels" },
  { name: "box_y", dtype: "float32", nullable: true, description: "face box top, pixels" },
  { name: "box_w", dtype: "float32", nullable: true, description: "face box width, pixels" },
  { name: "box_h", dtype: "float32", nullable: true, description: "face box height, pixels" },
  { name: "crop_x", dtype: "int32", nullable: true, description: "model crop left, pixels" },
  { name: "crop_y", dtype: "int32", nullable: true, description: "model crop top, pixels" },
  { name: "crop_w", dtype: "int32", nullable: true, description: "model crop width, pixels" },
  { name: "crop_h", dtype: "int32", nullable: true, description: "model crop height, pixels" },
  { name: "face_mode", dtype: "utf8", nullable: false, description: "face localisation mode" },
  {
    name: "face_model_sha256",
    dtype: "utf8",
    nullable: true,
    description: "SHA-256 of the face model or sidecar file",
    optional: true,
  },
  { name: "score", dtype: "float64", nullable: true, description: "fake probability" },
  { name: "status", dtype: "utf8", nullable: false, description: "ok or a failure kind" },
  { name: "error", dtype: "utf8", nullable: true, description: "failure message" },
  { name: "face_rule", dtype: "utf8", nullable: false, description: "multi-face reduction" },
  { name: "video_rule", dtype: "utf8", nullable: false, description: "frame-to-video rule" },
  { name: "fail_score", dtype: "float64", nullable: true, description: "score of unscored video" },
  { name: "created_at", dtype: "utf8", nullable: false, description: "ISO write time" },
  // Issue 29: what the face locator did. Optional in a row; parts older than them read null.
  locatorColumn("face_score", "float32", "locator confidence"),
  locatorColumn("source_x", "float32", "box left, unaltered px"),
  locatorColumn("source_y", "float32", "box top, unaltered px"),
  locatorColumn("source_w", "float32", "box width, unaltered px"),
  locatorColumn("source_h", "float32", "box height, unaltered px"),
  locatorColumn("faces_dropped", "int32", "faces below minimums"),
  locatorColumn("min_face_score", "float64", "min locator score"),
  locatorColumn("min_face_size", "float64", "min face side, px"),
];

// A column of the face locator's record: nullable, and optional in a row (written as null).
function locatorColumn(
  name: keyof ScoreRow,
  dtype: StoreDtype,
  description: string,
): StoreColumn {
  return { name, dtype, nullable: true, description, optional: true };
}

/** The Polars data type of a store dtype. */
export function polarsDtype(dtype: StoreDtype): pl.DataType {
  switch (dtype) {
    case "utf8":
      return pl.Utf8;
    case "int8":
      return pl.Int8;
    case "int32":
      return pl.Int32;
    case "float32":
      return pl.Float32;
    case "float64":
      return pl.Float64;
  }
}

/**
 * The rows as a DataFrame with the store's columns, order and types (no validation: use
 * `writeUnit` to store rows). Numeric columns without nulls are built from typed arrays.
 */
export function scoreFrame(rows: readonly ScoreRow[]): pl.DataFrame {
  // NOTES.md: Polars builds Series from plain number arrays 3x slower than from typed arrays.
  const series = STORE_COLUMNS.map((column) => columnSeries(column, rows));
  return pl.DataFrame(series);
}

function columnSeries(column: StoreColumn, rows: readonly ScoreRow[]): pl.Series {
  // An optional field left out of a row is null (the clip columns of a frame detector's rows,
  // the locator columns; writeUnit refuses that for columns that are not optional).
  const values = rows.map((row) => row[column.name] ?? null);
  const dtype = polarsDtype(column.dtype);
  if (column.dtype === "utf8") return pl.Series(column.name, values, dtype);
  if (values.some((v) => v === null)) {
    // nodejs-polars 0.25.2 turns nulls into 0 when an integer dtype is given up front
    // (pl.Series("s", [null], pl.Int32) reads back 0); Float64 keeps them, then cast.
    return pl.Series(column.name, values, pl.Float64).cast(dtype);
  }
  const typed = column.dtype === "int8"
    ? Int8Array.from(values as number[])
    : column.dtype === "int32"
    ? Int32Array.from(values as number[])
    : column.dtype === "float32"
    ? Float32Array.from(values as number[])
    : Float64Array.from(values as number[]);
  return pl.Series(column.name, typed as unknown as number[], dtype);
}
