/**
 * An independent reader of the results store: DuckDB, with the SQL of docs/store.md, reads the
 * same rows, the same partition keys (as strings, also `2024` and `007`) and the same video
 * scores and AUCs as the library's Polars path.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DuckDBInstance } from "../deps/duckdb.ts";
import pl from "../deps/polars.ts";
import { opAucs } from "../metrics/op_auc.ts";
import type { ScoreRow } from "../store/schema.ts";
import { scanStore, writeUnit } from "../store/store.ts";
import { videoScores } from "../store/video_scores.ts";
import { scoreRow } from "./store_fixtures.ts";

const STORE_MD = new URL("../docs/store.md", import.meta.url);
/** The store path the docs' SQL reads; the tests substitute their own. */
const DOCS_GLOB = "'out/store/**/*.parquet'";

/** The ```sql blocks of docs/store.md's DuckDB section, in order. */
async function docsSql(): Promise<string[]> {
  const text = await Deno.readTextFile(STORE_MD);
  const section = text.slice(text.indexOf("### DuckDB"), text.indexOf("### Example queries"));
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
}

type Detector = {
  name: string;
  faceRule: ScoreRow["face_rule"];
  videoRule: ScoreRow["video_rule"];
  failScore: number | null;
};

/** Detectors with every rule and both fail-score cases; `2024` and `my det/v2` are awkward names. */
const DETECTORS: Detector[] = [
  { name: "2024", faceRule: "max", videoRule: "mean", failScore: null },
  { name: "xception", faceRule: "largest", videoRule: "median", failScore: 0.5 },
  { name: "my det/v2", faceRule: "mean", videoRule: "max", failScore: 0.5 },
];
const OPS = ["unaltered", "007", "h264_crf40"];

/**
 * One unit: 8 videos (4 real, 4 fake) x 3 frames x up to 2 faces, scores from a few exact binary
 * fractions (so ties happen, and every mean of two is computed alike in any engine), a no-face
 * frame per video, a video without any face and one that failed to open.
 */
function unitRows(detector: Detector, opId: string, seed: number): ScoreRow[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const levels = [0.125, 0.25, 0.5, 0.75, 0.875];
  const rows: ScoreRow[] = [];
  const base = {
    run_id: `run-${detector.name}`,
    detector: detector.name,
    op_id: opId,
    op_family: opId === "h264_crf40" ? "h264" : opId,
    op_category: opId === "unaltered" ? "unaltered" : "compression",
    severity: opId === "h264_crf40" ? 4 : null,
    artifact_id: `copy-${opId}`,
    face_rule: detector.faceRule,
    video_rule: detector.videoRule,
    fail_score: detector.failScore,
  };
  // On "h264_crf40" the `2024` detector sees fakes only: its AUC is undefined.
  const oneClass = detector.name === "2024" && opId === "h264_crf40";
  for (let v = 0; v < 8; v++) {
    const label = (oneClass ? 1 : v % 2) as 0 | 1;
    const video = { ...base, video_id: `vid${v}`, label, method: label ? "Deepfakes" : null };
    // Fakes draw from the upper four levels, reals from the lower four.
    const pick = () => levels[Math.floor(next() * 4) + label];
    if (v === 6) {
      rows.push(scoreRow({ ...video, frame_index: -1, face_index: -1, ...noFace("video_error") }));
      continue;
    }
    for (let f = 0; f < 3; f++) {
      if (v === 7 || f === 1) {
        rows.push(
          scoreRow({ ...video, frame_index: f * 10, face_index: -1, ...noFace("no_face") }),
        );
        continue;
      }
      const faces = next() < 0.5 ? 1 : 2;
      for (let i = 0; i < faces; i++) {
        rows.push(scoreRow({ ...video, frame_index: f * 10, face_index: i, score: pick() }));
      }
    }
  }
  return rows;
}

function noFace(status: ScoreRow["status"]): Partial<ScoreRow> {
  const error = status === "ok" || status === "no_face" ? null : "cannot open";
  return { status, error, score: null, box_x: null, box_y: null, box_w: null, box_h: null };
}

async function writeStore(store: string): Promise<void> {
  let seed = 7;
  for (const detector of DETECTORS) {
    for (const opId of OPS) {
      await writeUnit(
        store,
        { detector: detector.name, opId, unitId: `u-${seed}` },
        unitRows(detector, opId, seed++),
      );
    }
  }
}

/** Rows of a DuckDB query as plain JS values (BIGINT as number). */
async function query(sql: string, connection: Connection): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]),
    )
  );
}

type Connection = Awaited<ReturnType<DuckDBInstance["connect"]>>;

async function withStore(
  fn: (store: string, connection: Connection, sql: string[]) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_duckdb_" });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const store = join(dir, "store");
    await writeStore(store);
    const glob = `'${join(store, "**", "*.parquet")}'`;
    const sql = (await docsSql()).map((block) => block.replaceAll(DOCS_GLOB, glob));
    await fn(store, connection, sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
    await Deno.remove(dir, { recursive: true });
  }
}

const KEYS = ["run_id", "op_id", "video_id", "frame_index", "face_index"];

function sortBy(rows: Record<string, unknown>[], keys: string[]): Record<string, unknown>[] {
  const key = (r: Record<string, unknown>) => keys.map((k) => String(r[k]).padStart(8)).join("|");
  return [...rows].sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

Deno.test("the docs' DuckDB SQL reads the store as the Polars path does", async (t) => {
  await withStore(async (store, connection, sql) => {
    assert.equal(sql.length, 3, "docs/store.md: read, video_scores view, AUC");
    const [readSql, viewSql, aucSql] = sql;

    await t.step(
      "the same rows, with det and op equal to detector and op_id as strings",
      async () => {
        const duck = await query(readSql, connection);
        const polars = (await scanStore(store)).collectSync().toRecords() as Record<
          string,
          unknown
        >[];
        assert.equal(duck.length, polars.length);
        for (const row of duck) {
          assert.equal(row.det, row.detector);
          assert.equal(row.op, row.op_id);
          assert.equal(typeof row.det, "string");
        }
        const withoutKeys = duck.map(({ det: _det, op: _op, ...rest }) => rest);
        assert.deepEqual(sortBy(withoutKeys, KEYS), sortBy(polars, KEYS));
        const names = new Set(duck.map((r) => `${r.det}/${r.op}`));
        for (const name of ["2024/007", "my det/v2/007", "xception/unaltered"]) {
          assert.ok(names.has(name), name);
        }
      },
    );

    await t.step("the same video scores, fail scores and left-out videos", async () => {
      await connection.run(viewSql);
      const duck = await query("SELECT * FROM video_scores", connection);
      const polars = videoScores(await scanStore(store)).collectSync().toRecords();
      const project = (rows: Record<string, unknown>[]) =>
        sortBy(
          rows.map((r) => ({
            run_id: r.run_id,
            op_id: r.op_id,
            video_id: r.video_id,
            label: r.label,
            score: r.score,
            scored_frames: r.scored_frames,
          })),
          ["run_id", "op_id", "video_id"],
        );
      assert.deepEqual(project(duck), project(polars));
      // vid7 (no face) gets the fail score where there is one, else is left out; vid6 (failed:
      // a read failure, not a "no face" case) is left out everywhere.
      assert.equal(duck.filter((r) => r.video_id === "vid6").length, 0);
      const fallback = duck.filter((r) => r.video_id === "vid7");
      assert.deepEqual(
        [...new Set(fallback.map((r) => r.detector))].sort(),
        ["my det/v2", "xception"],
      );
      assert.ok(fallback.every((r) => r.score === 0.5 && r.scored_frames === 0));
    });

    await t.step("the same video-level AUC per detector run and operation", async () => {
      const duck = await query(aucSql, connection);
      const polars = opAucs(await scanStore(store));
      assert.equal(duck.length, polars.length);
      for (const cell of polars) {
        const row = duck.find((r) => r.run_id === cell.runId && r.op_id === cell.opId)!;
        assert.ok(row, `${cell.detector}/${cell.opId}`);
        assert.equal(row.fakes, cell.positives);
        assert.equal(row.reals, cell.negatives);
        if (cell.auc === null) assert.equal(row.auc, null, `${cell.detector}/${cell.opId}`);
        else assert.ok(Math.abs((row.auc as number) - cell.auc) < 1e-12, `${cell.opId}`);
      }
      const oneClass = duck.find((r) => r.detector === "2024" && r.op_id === "h264_crf40")!;
      assert.deepEqual([oneClass.reals, oneClass.auc], [0, null]);
      assert.ok(duck.filter((r) => r.auc !== null).length >= 6);
    });
  });
});

Deno.test("numeric-looking partition values stay strings only when the reader is told so", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_hive_types_" });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    // A store whose keys all look like numbers: one detector `2024`, ops `007` and `010`.
    const store = join(dir, "store");
    for (const [opId, seed] of [["007", 1], ["010", 2]] as const) {
      const rows = unitRows(DETECTORS[0], opId, seed);
      await writeUnit(store, { detector: "2024", opId, unitId: `u${seed}` }, rows);
    }
    const glob = join(store, "**", "*.parquet");
    const keys = (autocast: boolean) =>
      query(
        `SELECT DISTINCT det, op, typeof(det) AS det_type FROM read_parquet('${glob}', ` +
          `hive_partitioning = true, hive_types_autocast = ${autocast}) ORDER BY op`,
        connection,
      );
    await t.step("DuckDB: hive_types_autocast = false keeps 2024 and 007", async () => {
      assert.deepEqual(await keys(false), [
        { det: "2024", op: "007", det_type: "VARCHAR" },
        { det: "2024", op: "010", det_type: "VARCHAR" },
      ]);
      // The default turns the detector into a number.
      assert.deepEqual((await keys(true)).map((r) => r.det_type), ["BIGINT", "BIGINT"]);
    });
    await t.step("Polars: a hive schema of strings keeps 2024 and 007", () => {
      const read = (options: Record<string, unknown>) =>
        pl.scanParquet(glob, { hivePartitioning: true, ...options })
          .select("det", "op").unique().sort("op").collectSync().toRecords();
      assert.deepEqual(read({ hiveSchema: { det: pl.Utf8, op: pl.Utf8 } }), [
        { det: "2024", op: "007" },
        { det: "2024", op: "010" },
      ]);
      // Inferred, `007` becomes 7; turning date parsing off does not help.
      for (const options of [{}, { tryParseHiveDates: false }]) {
        assert.deepEqual(read(options), [{ det: 2024, op: 7 }, { det: 2024, op: 10 }]);
      }
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
    await Deno.remove(dir, { recursive: true });
  }
});
