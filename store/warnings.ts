/**
 * The warnings recorded in a store: rows whose status is of kind `note` (store/status.ts), one
 * per video and copy, whose `error` text names the video and the file. They change no score;
 * the eval summary and the report show them.
 * @module
 */
import pl from "../deps/polars.ts";
import { NOTE_STATUSES } from "./status.ts";

/**
 * The distinct warning texts of a store frame (eager or lazy), sorted: a warning repeated in
 * every copy of a video is listed once.
 */
export function storeWarnings(frame: pl.DataFrame | pl.LazyDataFrame): string[] {
  const lazy = typeof (frame as pl.LazyDataFrame).collectSync === "function"
    ? frame as pl.LazyDataFrame
    : (frame as pl.DataFrame).lazy();
  const df = lazy
    .filter(pl.col("status").isIn(NOTE_STATUSES).and(pl.col("error").isNotNull()))
    .select(pl.col("error").cast(pl.Utf8))
    .unique()
    .collectSync();
  return (df.getColumn("error").toArray() as string[]).sort();
}
