/**
 * An independent oracle for metrics/locator_changes.ts: DuckDB reads the store's Parquet files
 * and computes, in SQL, per (run, operation) the scored faces, those compared with the Unaltered
 * copy and those whose box moved (best IoU below the threshold, or an Unaltered frame without a
 * face). Two ways to put the boxes in one space:
 * - `source`: the stored `source_*` boxes (the Unaltered copy's pixels) of both copies;
 * - `geometry`: the Unaltered copy's `box_*` mapped forward through each copy's recorded
 *   geometry (`copy = scale * source + offset` per axis, from the copy manifests), compared with
 *   the copy's own `box_*` in its pixels — the definition, not the library's inverse mapping.
 */
import { join } from "node:path";
import { DuckDBInstance } from "../deps/duckdb.ts";

/** One (run, operation) as the oracle counts it. */
export interface OracleCell {
  run_id: string;
  op_id: string;
  scored: number;
  compared: number;
  moved: number;
}

/** A copy's per-video geometry: one axis map each (copy manifest `videos[].geometry`). */
export interface OracleGeometry {
  artifact_id: string;
  video_id: string;
  sx: number;
  ox: number;
  sy: number;
  oy: number;
}

/** Statuses of rows that say nothing about a frame's faces (unread frames, notes). */
const IGNORED = ["video_error", "damaged_video", "decode_error", "warning", "pending"];

function iouSql(a: string, b: string): string {
  const inter = `greatest(0, least(${a}x2, ${b}x2) - greatest(${a}x1, ${b}x1)) * ` +
    `greatest(0, least(${a}y2, ${b}y2) - greatest(${a}y1, ${b}y1))`;
  const areas = `(${a}x2 - ${a}x1) * (${a}y2 - ${a}y1) + (${b}x2 - ${b}x1) * (${b}y2 - ${b}y1)`;
  return `CASE WHEN ${areas} - ${inter} > 0 THEN (${inter}) / (${areas} - ${inter}) ELSE 0 END`;
}

/**
 * The oracle's counts for the store at `store`, every (run, operation) with a scored face (in
 * `options.videos` when given), sorted by run and operation. `geometries` is needed for the `geometry` way; a copy or video
 * without one is an error (the SQL gives null boxes, caught by the caller's comparison).
 */
export async function oracleCells(
  store: string,
  options: {
    way: "source" | "geometry";
    threshold: number;
    geometries?: OracleGeometry[];
    /** Count only these videos, as `run/op/video` keys (a cell's videos); default all. */
    videos?: ReadonlySet<string>;
  },
): Promise<OracleCell[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const glob = `'${join(store, "**", "*.parquet").replaceAll("'", "''")}'`;
    const ignored = IGNORED.map((s) => `'${s}'`).join(", ");
    await connection.run(
      `CREATE TABLE rows AS SELECT * FROM read_parquet(${glob}, hive_partitioning = true, ` +
        `hive_types_autocast = false, union_by_name = true) WHERE frame_index >= 0 AND ` +
        `status NOT IN (${ignored})`,
    );
    const geometries = options.geometries ?? [];
    await connection.run(
      "CREATE TABLE geometry (artifact_id VARCHAR, video_id VARCHAR, sx DOUBLE, ox DOUBLE, " +
        "sy DOUBLE, oy DOUBLE)",
    );
    for (const g of geometries) {
      await connection.run(
        `INSERT INTO geometry VALUES ('${g.artifact_id}', '${g.video_id}', ${g.sx}, ${g.ox}, ` +
          `${g.sy}, ${g.oy})`,
      );
    }
    // Each face as corners (x1 <= x2, y1 <= y2) in one space per (run, video, frame).
    const faces = options.way === "source"
      ? `SELECT run_id, op_id, artifact_id, video_id, frame_index, face_index, status,
           CAST(source_x AS DOUBLE) AS x1, CAST(source_y AS DOUBLE) AS y1,
           CAST(source_x AS DOUBLE) + CAST(source_w AS DOUBLE) AS x2,
           CAST(source_y AS DOUBLE) + CAST(source_h AS DOUBLE) AS y2
         FROM rows`
      : `SELECT run_id, op_id, artifact_id, video_id, frame_index, face_index, status,
           CAST(box_x AS DOUBLE) AS x1, CAST(box_y AS DOUBLE) AS y1,
           CAST(box_x AS DOUBLE) + CAST(box_w AS DOUBLE) AS x2,
           CAST(box_y AS DOUBLE) + CAST(box_h AS DOUBLE) AS y2
         FROM rows`;
    // The Unaltered boxes: as stored (source), or mapped into each copy (geometry).
    const reference = options.way === "source"
      ? `SELECT f.run_id, c.op_id, c.artifact_id, f.video_id, f.frame_index, f.face_index,
           f.x1, f.y1, f.x2, f.y2
         FROM faces f JOIN (SELECT DISTINCT run_id, op_id, artifact_id FROM rows) c
           ON c.run_id = f.run_id
         WHERE f.op_id = 'unaltered'`
      : `SELECT f.run_id, c.op_id, c.artifact_id, f.video_id, f.frame_index, f.face_index,
           least(g.sx * f.x1 + g.ox, g.sx * f.x2 + g.ox) AS x1,
           least(g.sy * f.y1 + g.oy, g.sy * f.y2 + g.oy) AS y1,
           greatest(g.sx * f.x1 + g.ox, g.sx * f.x2 + g.ox) AS x2,
           greatest(g.sy * f.y1 + g.oy, g.sy * f.y2 + g.oy) AS y2
         FROM faces f JOIN (SELECT DISTINCT run_id, op_id, artifact_id FROM rows) c
           ON c.run_id = f.run_id
         LEFT JOIN geometry g ON g.artifact_id = c.artifact_id AND g.video_id = f.video_id
         WHERE f.op_id = 'unaltered'`;
    const sql = `
      WITH faces AS (${faces}),
      reference AS (${reference}),
      scored AS (SELECT * FROM faces WHERE status = 'ok' AND face_index >= 0),
      best AS (
        SELECT s.run_id, s.op_id, s.artifact_id, s.video_id, s.frame_index, s.face_index,
          s.x1 IS NOT NULL AS has_box,
          count(r.run_id) AS reference_rows,
          max(CASE WHEN r.face_index >= 0 AND r.x1 IS NOT NULL
            THEN ${iouSql("s.", "r.")} ELSE 0 END) AS best_iou
        FROM scored s LEFT JOIN reference r
          ON r.run_id = s.run_id AND r.op_id = s.op_id AND r.artifact_id = s.artifact_id
          AND r.video_id = s.video_id AND r.frame_index = s.frame_index
        GROUP BY ALL
      )
      SELECT run_id, op_id, video_id, count(*) AS scored,
        count(*) FILTER (WHERE reference_rows > 0 AND has_box) AS compared,
        count(*) FILTER (WHERE reference_rows > 0 AND has_box AND best_iou < ${options.threshold})
          AS moved
      FROM best GROUP BY run_id, op_id, video_id ORDER BY run_id, op_id, video_id`;
    const reader = await connection.runAndReadAll(sql);
    const perVideo = reader.getRowObjectsJS().map((row) => ({
      run_id: String(row.run_id),
      op_id: String(row.op_id),
      video_id: String(row.video_id),
      scored: Number(row.scored),
      compared: Number(row.compared),
      moved: Number(row.moved),
    }));
    // Per cell, over the videos asked for (the videos behind a Table I cell), else all.
    const cells = new Map<string, OracleCell>();
    for (const v of perVideo) {
      if (options.videos && !options.videos.has(`${v.run_id}/${v.op_id}/${v.video_id}`)) continue;
      const key = `${v.run_id}/${v.op_id}`;
      const cell = cells.get(key) ??
        { run_id: v.run_id, op_id: v.op_id, scored: 0, compared: 0, moved: 0 };
      cell.scored += v.scored;
      cell.compared += v.compared;
      cell.moved += v.moved;
      cells.set(key, cell);
    }
    return [...cells.values()];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
