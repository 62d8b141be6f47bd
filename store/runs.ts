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
 * {@link listRuns} over a store already scanned: a frame (eager or lazy, e.g. `scanStore`'s) or
 * its parts (`scanStoreParts`), reduced part by part; the same summaries, without listing and
 * checking the store's parts again.
 */
export function runSummaries(
  store: pl.DataFrame | pl.LazyDataFrame | readonly pl.LazyDataFrame[],
): RunSummary[] {
  // Each part reduced on its own (rows per run and operation, distinct videos), then merged:
  // one part's rows at most in memory at a time.
  const parts = Array.isArray(store)
    ? store as readonly pl.LazyDataFrame[]
    : [asLazy(store as pl.DataFrame | pl.LazyDataFrame)];
  const lazy = parts.length === 1 ? parts[0] : pl.concat([...parts], { how: "vertical" });
  const qualifiers = runQualifiers(lazy);
  const keys = ["run_id", "detector", "train_set", "model_sha256", "face_mode"];
  const counts = pl.concat(
    parts.map((part) =>
      part.groupBy([...keys, "op_id"]).agg(
        pl.col("status").count().cast(pl.Float64).alias("rows"),
        statusIs("ok").cast(pl.Float64).sum().alias("ok_rows"),
        pl.col("created_at").min().alias("first_written"),
        pl.col("created_at").max().alias("last_written"),
      ).collectSync()
    ),
    { how: "vertical" },
  ).lazy().groupBy(keys).agg(
    pl.col("op_id").unique().sort().alias("op_ids"),
    pl.col("rows").sum().alias("rows"),
    pl.col("ok_rows").sum().alias("ok_rows"),
    pl.col("first_written").min().alias("first_written"),
    pl.col("last_written").max().alias("last_written"),
  );
  const videos = pl.concat(
    parts.map((part) => part.select(...keys, "video_id").unique().collectSync()),
    { how: "vertical" },
  ).lazy().groupBy(keys).agg(pl.col("video_id").nUnique().alias("videos"));
  const frame = counts.join(videos, { on: keys, how: "left", nullsEqual: true })
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

function asLazy(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  // DataFrame is a Proxy whose `in` sees columns only: tell the two apart by a method.
  return typeof (frame as pl.LazyDataFrame).collectSync === "function"
    ? frame as pl.LazyDataFrame
    : (frame as pl.DataFrame).lazy();
}
