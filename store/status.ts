/**
 * The statuses of store rows: one record per status, with what it means and what it says about
 * the row's video. Eval writes them, the store's video outcomes read them (store/video_scores.ts),
 * the left-out reasons name the video-level ones (store/left_out.ts), summaries count them; the
 * docs list them (docs/architecture.md, "Row statuses"). Adding a status is adding a record.
 * @module
 */
import pl from "../deps/polars.ts";

/**
 * What a status says about its video:
 * - `scored`: a face with a score (`ok`).
 * - `no_face`: a frame that was read and held no face the detector scores.
 * - `unscored`: a face or frame that was read but got no usable score (a non-finite or
 *   out-of-range output, a failed preprocessing step).
 * - `unread`: the video, or one of its sampled frames, could not be read, or was not read; the
 *   video is left out of every AUC of that copy with the status as its reason, even when other
 *   frames scored.
 * - `transient`: only while eval runs (a face waiting for its score); never stored.
 * - `note`: a warning about the video that changes none of its numbers (video outcomes and
 *   scores ignore such rows; summaries and the report show their `error` text).
 */
export type StatusKind = "scored" | "no_face" | "unscored" | "unread" | "transient" | "note";

/** One row status. */
export interface StatusRecord<Name extends string = string> {
  /** The value of the `status` column. */
  readonly status: Name;
  /** What the status says about the video (see {@link StatusKind}). */
  readonly kind: StatusKind;
  /** When a row gets it, in one line (docs, summaries). */
  readonly description: string;
}

/**
 * Every row status. The `unread` ones come in precedence order: a video with rows of two of them
 * is left out for the first (store/video_scores.ts).
 */
export const ROW_STATUSES = [
  {
    status: "ok",
    kind: "scored",
    description: "a face the detector scored; `score` holds its fake probability",
  },
  {
    status: "no_face",
    kind: "no_face",
    description: "a sampled frame that was read and held no face to score (one row, face -1)",
  },
  {
    status: "nan_score",
    kind: "unscored",
    description: "the detector's output for a face was not a finite number",
  },
  {
    status: "bad_score",
    kind: "unscored",
    description: "the detector's output for a face was outside [0, 1] (a `probability` spec " +
      "that does not fit its model)",
  },
  {
    status: "preprocess_error",
    kind: "unscored",
    description: "a face could not be cropped or resized into the detector's input",
  },
  {
    status: "video_error",
    kind: "unread",
    description: "the video could not be made (distort failed for it in this copy), read, " +
      "decoded or located (one row, frame -1)",
  },
  {
    status: "damaged_video",
    kind: "unread",
    description: "the video's file no longer matches the SHA-256 in its copy manifest, so it " +
      "was not scored (one row, frame -1; rerun distort to redo it)",
  },
  {
    status: "short_video",
    kind: "unread",
    description: "a clip detector's video with fewer decoded frames than one clip, its spec's " +
      "`clip.short` being `leave-out` (one row, frame -1; never a shorter clip)",
  },
  {
    status: "decode_error",
    kind: "unread",
    description: "a sampled frame could not be decoded (no longer written: frame counts come " +
      "from the decoder, and a shortfall is a `video_error`; older stores hold it)",
  },
  {
    status: "warning",
    kind: "note",
    description: "a warning that changes no score (one row, frame -1; `error` names the video " +
      "and file, e.g. sidecar boxes outside the displayed frame)",
  },
  {
    status: "pending",
    kind: "transient",
    description: "a face waiting for its score while eval runs; never stored",
  },
] as const satisfies readonly StatusRecord[];

/** A row status (one of {@link ROW_STATUSES}). */
export type RowStatus = typeof ROW_STATUSES[number]["status"];

/** The statuses whose rows say the video was not (wholly) read, in precedence order. */
export type UnreadStatus = Extract<typeof ROW_STATUSES[number], { kind: "unread" }>["status"];

/** The {@link UnreadStatus} values, in precedence order. */
export const UNREAD_STATUSES: readonly UnreadStatus[] = ROW_STATUSES.flatMap((r) =>
  r.kind === "unread" ? [r.status] : []
);

/** The statuses of kind `note`: warning rows, which change no score. */
export const NOTE_STATUSES: readonly RowStatus[] = ROW_STATUSES.flatMap((r) =>
  r.kind === "note" ? [r.status] : []
);

/**
 * True when a row of `status` is a failure: anything but a scored face (`ok`), a frame without
 * a face (`no_face`) or a warning (kind `note`). Summaries count these (eval's `failures`, a copy's failed videos). An
 * unknown status (from a newer store) counts as a failure.
 */
export function isFailureStatus(status: string): boolean {
  const record = ROW_STATUSES.find((r) => r.status === status);
  return record === undefined ||
    (record.kind !== "scored" && record.kind !== "no_face" && record.kind !== "note");
}

/** The Polars condition `status == <status>` over a store frame's `status` column. */
export function statusIs(status: RowStatus): pl.Expr {
  return pl.col("status").eq(pl.lit(status));
}
