/** The results store: atomic parts, replacement on rerun, damaged parts, hive layout. */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { scoreFrame, type ScoreRow, STORE_COLUMNS } from "../store/schema.ts";
import { scoreRow } from "./store_fixtures.ts";
import {
  hasUnit,
  listParts,
  scanStore,
  StoreError,
  type StoreProblem,
  type StoreUnit,
  writeUnit,
} from "../store/store.ts";
import { listRuns } from "../store/runs.ts";

function unitOf(row: ScoreRow, unitId = "u1"): StoreUnit {
  return { detector: row.detector, opId: row.op_id, unitId };
}

async function withStore(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust-store-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeUnit() writes one hive part that scanStore() reads back with typed columns", async () => {
  await withStore(async (dir) => {
    const rows = [
      scoreRow(),
      scoreRow({ frame_index: 5, face_index: -1, box_x: null, box_y: null, box_w: null }),
      scoreRow({
        frame_index: -1,
        face_index: -1,
        score: null,
        status: "video_error",
        error: "Cannot decode",
        severity: 3,
        method: null,
        label: 0,
      }),
    ];
    rows[1].box_h = null;
    rows[1].crop_x = null;
    rows[1].score = null;
    rows[1].status = "no_face";
    const path = await writeUnit(dir, unitOf(rows[0]), rows);
    assert.equal(path, join(dir, "det=xception", "op=unaltered", "part-u1.parquet"));
    assert.equal(await hasUnit(dir, unitOf(rows[0])), true);
    assert.equal(await hasUnit(dir, unitOf(rows[0], "u2")), false);
    const frame = (await scanStore(dir)).collectSync();
    assert.equal(frame.height, 3);
    const schema = frame.schema;
    assert.equal(schema.label.variant, "Int8");
    assert.equal(schema.severity.variant, "Int32");
    assert.equal(schema.box_w.variant, "Float32");
    assert.equal(schema.crop_x.variant, "Int32");
    assert.equal(schema.score.variant, "Float64");
    const back = frame.toRecords();
    assert.equal(back[0].box_w, 30.5);
    assert.deepEqual([back[0].crop_x, back[0].crop_y, back[0].crop_w, back[0].crop_h], [
      0,
      14,
      52,
      52,
    ]);
    assert.equal(back[1].crop_x, null);
    assert.equal(back[0].score, 0.75);
    assert.equal(back[1].box_x, null);
    assert.equal(back[2].score, null);
    assert.equal(back[2].severity, 3);
    assert.equal(back[2].error, "Cannot decode");
    assert.equal(back[2].method, null);
  });
});

Deno.test("a rerun of a unit replaces its part and never duplicates rows", async () => {
  await withStore(async (dir) => {
    const first = [scoreRow({ video_id: "a" }), scoreRow({ video_id: "b" })];
    await writeUnit(dir, unitOf(first[0]), first);
    await writeUnit(dir, unitOf(first[0]), [scoreRow({ video_id: "c", score: 0.1 })]);
    await writeUnit(dir, unitOf(first[0], "u2"), [scoreRow({ video_id: "d" })]);
    const frame = (await scanStore(dir)).sort("video_id").collectSync();
    assert.deepEqual(frame.getColumn("video_id").toArray(), ["c", "d"]);
    // Only the two parts remain: no temporary file is left beside them.
    const files = [...Deno.readDirSync(join(dir, "det=xception", "op=unaltered"))].map((e) =>
      e.name
    );
    assert.deepEqual(files.sort(), ["part-u1.parquet", "part-u2.parquet"]);
  });
});

Deno.test("writeUnit() rejects rows that do not belong to the unit, naming the row", async (t) => {
  const cases: { name: string; rows: ScoreRow[]; unit?: StoreUnit; message: RegExp }[] = [
    {
      name: "other detector",
      rows: [scoreRow(), scoreRow({ detector: "sbi", video_id: "v9" })],
      message: /row 1 \(video "v9", frame 0\) has detector "sbi"/,
    },
    { name: "bad label", rows: [scoreRow({ label: 2 as 0 })], message: /label 2/ },
    { name: "bad rule", rows: [scoreRow({ face_rule: "min" as "max" })], message: /face_rule/ },
    { name: "score > 1", rows: [scoreRow({ score: 1.5 })], message: /outside \[0, 1\]/ },
    { name: "ok without score", rows: [scoreRow({ score: null })], message: /no score/ },
    {
      name: "unit id with a slash",
      rows: [scoreRow()],
      unit: { detector: "xception", opId: "unaltered", unitId: "../x" },
      message: /Invalid unit id/,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      await withStore(async (dir) => {
        await assert.rejects(
          writeUnit(dir, c.unit ?? unitOf(c.rows[0]), c.rows),
          (e: unknown) => e instanceof StoreError && c.message.test(e.message),
        );
        assert.deepEqual(await listParts(dir), []);
      });
    });
  }
});

Deno.test("scanStore() names a damaged part and still reads the others", async (t) => {
  await withStore(async (dir) => {
    const good = await writeUnit(dir, unitOf(scoreRow()), [scoreRow()]);
    const other = scoreRow({ op_id: "noise", op_family: "noise", op_category: "noise" });
    const truncatedPath = await writeUnit(dir, unitOf(other, "u2"), [other]);
    const bytes = await Deno.readFile(truncatedPath);
    await Deno.writeFile(truncatedPath, bytes.subarray(0, bytes.length - 20));
    const garbagePath = join(dir, "det=sbi", "op=noise", "part-x.parquet");
    await Deno.mkdir(join(dir, "det=sbi", "op=noise"), { recursive: true });
    await Deno.writeTextFile(garbagePath, "not parquet at all, just text");
    // A Parquet file from elsewhere (no store columns) is named too.
    const foreignPath = join(dir, "det=sbi", "op=noise", "part-y.parquet");
    pl.DataFrame({ a: [1, 2] }).writeParquet(foreignPath);

    for (const verify of ["footer", "full"] as const) {
      await t.step(`verify=${verify}`, async () => {
        const problems: StoreProblem[] = [];
        const frame = (await scanStore(dir, { verify, onProblem: (p) => problems.push(p) }))
          .collectSync();
        assert.equal(frame.height, 1);
        assert.deepEqual(
          problems.map((p) => p.path).sort(),
          [
            truncatedPath,
            garbagePath,
            foreignPath,
          ].sort(),
        );
        const foreign = problems.find((p) => p.path === foreignPath)!;
        assert.match(foreign.reason, /missing column\(s\) run_id/);
      });
    }
    await t.step("strict mode throws and lists every damaged part", async () => {
      await assert.rejects(scanStore(dir, { strict: true }), (e: unknown) => {
        assert.ok(e instanceof StoreError);
        assert.match(e.message, /3 unreadable part\(s\)/);
        assert.ok(e.message.includes(truncatedPath) && e.message.includes(garbagePath));
        assert.ok(!e.message.includes(good));
        return true;
      });
    });
  });
});

Deno.test("scanStore() explains a missing or empty store", async () => {
  await withStore(async (dir) => {
    await assert.rejects(scanStore(join(dir, "nope")), /does not exist/);
    await assert.rejects(scanStore(dir), /is empty: no det=\*\/op=\*\/part-\*\.parquet/);
    await Deno.mkdir(join(dir, "det=a", "op=b"), { recursive: true });
    await Deno.writeTextFile(join(dir, "det=a", "op=b", "part-1.parquet"), "x");
    await assert.rejects(
      scanStore(dir, { onProblem: () => {} }),
      /has no readable part \(1 damaged\)/,
    );
  });
});

Deno.test("the hive layout opens with Polars' own hive partitioning, odd names decoded", async () => {
  await withStore(async (dir) => {
    const odd = scoreRow({ detector: "my det/v2 é", op_id: ".hidden op" });
    await writeUnit(dir, unitOf(odd), [odd]);
    await writeUnit(dir, unitOf(scoreRow()), [scoreRow()]);
    const frame = pl.scanParquet(join(dir, "**", "*.parquet"), { hivePartitioning: true })
      .select("det", "op", "detector", "op_id")
      .sort("det")
      .collectSync();
    assert.deepEqual(frame.toRecords(), [
      { det: "my det/v2 é", op: ".hidden op", detector: "my det/v2 é", op_id: ".hidden op" },
      { det: "xception", op: "unaltered", detector: "xception", op_id: "unaltered" },
    ]);
  });
});

Deno.test("listRuns() counts rows, videos and operations per run", async () => {
  await withStore(async (dir) => {
    // A status this version does not know (a newer store's) still counts as a failed row.
    const unknown = "x" as ScoreRow["status"];
    const a = [
      scoreRow({ video_id: "a" }),
      scoreRow({ video_id: "b", score: null, status: unknown }),
    ];
    const noise = { op_id: "noise", op_family: "noise", op_category: "noise" };
    const b = [scoreRow({ ...noise, video_id: "a", created_at: "2026-11-28T13:00:00.000Z" })];
    const other = [scoreRow({ run_id: "run2", detector: "sbi", train_set: "FF++raw" })];
    await writeUnit(dir, unitOf(a[0]), a);
    await writeUnit(dir, unitOf(b[0]), b);
    await writeUnit(dir, unitOf(other[0]), other);
    const runs = await listRuns(dir);
    assert.deepEqual(runs.map((r) => [r.detector, r.opIds, r.videos, r.rows, r.failedRows]), [
      ["sbi", ["unaltered"], 1, 1, 0],
      ["xception", ["noise", "unaltered"], 2, 3, 1],
    ]);
    assert.equal(runs[1].lastWritten, "2026-11-28T13:00:00.000Z");
  });
});

Deno.test("docs/store.md documents every store column with its type", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/store.md", import.meta.url));
  const types = {
    utf8: "Utf8",
    int8: "Int8",
    int32: "Int32",
    float32: "Float32",
    float64: "Float64",
  };
  const documented = new Map<string, string>();
  for (const line of doc.split("\n").filter((l) => l.startsWith("|"))) {
    const [name, type, nullable] = line.split("|").slice(1).map((cell) => cell.trim());
    documented.set(name, `${type} ${nullable}`);
  }
  for (const column of STORE_COLUMNS) {
    const want = `${types[column.dtype]} ${column.nullable ? "yes" : "no"}`;
    assert.equal(documented.get(column.name), want, `docs/store.md row for ${column.name}`);
  }
});

Deno.test("scanStore() reads a part that predates a nullable column, with nulls there", async () => {
  await withStore(async (dir) => {
    await writeUnit(dir, unitOf(scoreRow()), [scoreRow()]);
    const older = join(dir, "det=xception", "op=noise", "part-old.parquet");
    const row = scoreRow({ op_id: "noise", method: "Face2Face" });
    await Deno.mkdir(join(dir, "det=xception", "op=noise"));
    scoreFrame([row]).drop("method").writeParquet(older);
    const frame = (await scanStore(dir)).sort("op_id").collectSync();
    // Sorted by op_id: the old "noise" part first, its method null; then the current part.
    assert.deepEqual(frame.getColumn("method").toArray(), [null, "Deepfakes"]);
    assert.deepEqual(frame.getColumn("op_id").toArray(), ["noise", "unaltered"]);
  });
});

Deno.test("scanStore() reads a part written before the crop columns existed, crops null", async () => {
  await withStore(async (dir) => {
    const older = join(dir, "det=xception", "op=unaltered", "part-old.parquet");
    await Deno.mkdir(join(dir, "det=xception", "op=unaltered"), { recursive: true });
    scoreFrame([scoreRow()]).drop("crop_x", "crop_y", "crop_w", "crop_h").writeParquet(older);
    const frame = (await scanStore(dir)).collectSync();
    assert.equal(frame.schema.crop_w.variant, "Int32");
    assert.deepEqual(frame.select("crop_x", "crop_y", "crop_w", "crop_h").row(0), [
      null,
      null,
      null,
      null,
    ]);
    assert.equal(frame.getColumn("box_w").toArray()[0], 30.5);
  });
});
