/**
 * Internal to bench/: the simplest correct computation of a store's video-level AUC table, as
 * the report bench's yardstick: the engine groups the `ok` rows into video means (detector x
 * operation x video), then `rocAuc` ranks them per detector x operation. Run as its own process
 * (`deno run ... bench/_report_simple.ts <duckdb|polars> <store>`) so its CPU time and peak
 * memory are measured like the report's; prints the table as JSON lines.
 * @module
 */
import { DuckDBInstance } from "../deps/duckdb.ts";
import pl from "../deps/polars.ts";
import { rocAuc } from "../metrics/roc_auc.ts";

type Videos = { detector: string[]; op: string[]; label: number[]; score: number[] };

async function duckdbVideos(store: string): Promise<Videos> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const glob = `${store.replaceAll("'", "''")}/**/*.parquet`;
  const reader = await connection.runAndReadAll(
    `SELECT detector, op_id, video_id, any_value(label) AS label, avg(score) AS score
     FROM read_parquet('${glob}', hive_partitioning = false)
     WHERE status = 'ok' GROUP BY detector, op_id, video_id`,
  );
  const columns = reader.getColumnsJS();
  connection.closeSync();
  return {
    detector: columns[0] as string[],
    op: columns[1] as string[],
    label: (columns[3] as number[]).map(Number),
    score: columns[4] as number[],
  };
}

function polarsVideos(store: string): Videos {
  const df = pl.scanParquet(`${store}/**/*.parquet`, { hivePartitioning: false })
    .filter(pl.col("status").eq(pl.lit("ok")))
    .groupBy(["detector", "op_id", "video_id"])
    .agg(pl.col("label").first().alias("label"), pl.col("score").mean().alias("score"))
    .collectSync();
  return {
    detector: df.getColumn("detector").toArray() as string[],
    op: df.getColumn("op_id").toArray() as string[],
    label: df.getColumn("label").toArray() as number[],
    score: df.getColumn("score").toArray() as number[],
  };
}

const [engine, store] = Deno.args;
const videos = engine === "duckdb" ? await duckdbVideos(store) : polarsVideos(store);
const cells = new Map<string, { labels: number[]; scores: number[] }>();
for (let i = 0; i < videos.detector.length; i++) {
  const key = `${videos.detector[i]} ${videos.op[i]}`;
  const cell = cells.get(key) ?? { labels: [], scores: [] };
  cell.labels.push(videos.label[i]);
  cell.scores.push(videos.score[i]);
  cells.set(key, cell);
}
for (const [key, cell] of [...cells].sort()) {
  const auc = rocAuc(Uint8Array.from(cell.labels), Float64Array.from(cell.scores));
  console.log(JSON.stringify({ cell: key, videos: cell.labels.length, auc }));
}
