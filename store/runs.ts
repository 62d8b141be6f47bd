/**
 * What a results store holds, run by run: the summary behind `report --list` and notebooks.
 * @module
 */
import pl from "../deps/polars.ts";
import { runLabel, runQualifiers } from "./run_labels.ts";
import { statusIs } from "./status.ts";
import { scanStore, type ScanStoreOptions } from "./store.ts";

/** One detector run in the store. */
export interface RunSummary {
  /** Run id (hash of detector spec, model, face mode, frame count, version). */
  runId: string;
  /** Detector name. */
  detector: string;
  /** Training set label. */
  trainSet: string;
  /** SHA-256 of the model. */
  modelSha256: string;
  /** Face localisation mode. */
  faceMode: string;
  /** Operation ids scored, sorted. */
  opIds: string[];
  /** Distinct videos scored (over all copies). */
  videos: number;
  /** Rows (video x frame x face) stored. */
  rows: number;
  /** Rows with status `ok`. */
  okRows: number;
  /** Rows with any other status. */
  failedRows: number;
  /** Earliest `created_at` of the run's parts (ISO 8601). */
  firstWritten: string;
  /** Latest `created_at` of the run's parts (ISO 8601). */
  lastWritten: string;
  /**
   * What sets the run apart from the store's other runs of its detector and training set, in
   * words (`faces: ultraface`; store/run_labels.ts); "" when it is the only one.
   */
  run: string;
  /** The run in words, as Table I and the report name it (`sbi (FF++c23; faces: ultraface)`). */
  label: string;
}

/**
 * Summarises every run in the store at `storeDir`, sorted by detector, training set, then time,
 * each with its label in words (store/run_labels.ts).
 * Throws what {@link scanStore} throws (missing or empty store); damaged parts are reported
 * through `options` as there and left out of the counts.
 */
export async function listRuns(
  storeDir: string,
  options: ScanStoreOptions = {},
): Promise<RunSummary[]> {
  return runSummaries(await scanStore(storeDir, options));
}

/**
 * {@link listRuns} over a store frame already scanned (eager or lazy, e.g. `scanStore`'s): the
 * same summaries, without listing and checking the store's parts again.
 */
export function runSummaries(store: pl.DataFrame | pl.LazyDataFrame): RunSummary[] {
  const lazy = typeof (store as pl.LazyDataFrame).collectSync === "function"
    ? store as pl.LazyDataFrame
    : (store as pl.DataFrame).lazy();
  const qualifiers = runQualifiers(lazy);
  const frame = lazy
    .groupBy(["run_id", "detector", "train_set", "model_sha256", "face_mode"])
    .agg(
      pl.col("op_id").unique().sort().alias("op_ids"),
      pl.col("video_id").nUnique().alias("videos"),
      pl.col("status").count().alias("rows"),
      statusIs("ok").sum().alias("ok_rows"),
      pl.col("created_at").min().alias("first_written"),
      pl.col("created_at").max().alias("last_written"),
    )
    .sort(["detector", "train_set", "first_written"])
    .collectSync();
  return frame.toRecords().map((r) => ({
    runId: String(r.run_id),
    detector: String(r.detector),
    trainSet: String(r.train_set ?? ""),
    modelSha256: String(r.model_sha256),
    faceMode: String(r.face_mode),
    opIds: [...(r.op_ids as Iterable<string>)],
    videos: Number(r.videos),
    rows: Number(r.rows),
    okRows: Number(r.ok_rows),
    failedRows: Number(r.rows) - Number(r.ok_rows),
    firstWritten: String(r.first_written),
    lastWritten: String(r.last_written),
    run: qualifiers.get(String(r.run_id)) ?? "",
    label: runLabel({
      detector: String(r.detector),
      trainSet: String(r.train_set ?? ""),
      run: qualifiers.get(String(r.run_id)),
    }),
  }));
}
