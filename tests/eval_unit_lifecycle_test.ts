/**
 * The lifecycle of an eval store unit (eval/unit_lifecycle.ts): one state function for a plain
 * run and a shard alike, decided without reading rows, and the resume rules it keeps.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import pl from "../deps/polars.ts";
import { COPY_MANIFEST_FILE, COPY_SCHEMA } from "../artifacts/copy_manifest.ts";
import type { EvalCopy } from "../eval/copies.ts";
import {
  type EvalUnit,
  evalUnit,
  storedRows,
  unitState,
  writeScoredUnit,
} from "../eval/unit_lifecycle.ts";
import { partState } from "../store/part_state.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts, unitPath, writeUnit } from "../store/store.ts";
import { scoreRow } from "./store_fixtures.ts";

const ARTIFACT = "0011223344556677";
const VIDEOS = ["v0", "v1", "v2", "v3"];

/** A copy of VIDEOS in `dir` whose manifest says it was made at `createdAt`. */
async function copyMadeAt(dir: string, createdAt: string): Promise<EvalCopy> {
  const op = { id: "unaltered", family: "unaltered", category: "unaltered", severity: null };
  await Deno.writeTextFile(
    join(dir, COPY_MANIFEST_FILE),
    JSON.stringify({ schema: COPY_SCHEMA, artifactId: ARTIFACT, op, createdAt, videos: [] }),
  );
  return {
    artifactId: ARTIFACT,
    op: { ...op, params: {} },
    profile: "source",
    geometry: { hflip: false, vflip: false, scale: 1 },
    dir,
    datasetCsv: join(dir, "dataset.csv"),
    videos: VIDEOS.map((id) => ({
      id,
      path: join(dir, `${id}.mp4`),
      relativePath: `${id}.mp4`,
      label: 1,
    })),
    failedVideos: [],
  };
}

/** The rows a run of `unit` scores: two frames of each of its videos. */
function scoredRows(unit: EvalUnit): ScoreRow[] {
  return unit.copy.videos.flatMap(({ id }) =>
    [0, 5].map((frame_index) =>
      scoreRow({ video_id: id, frame_index, detector: unit.unit.detector, op_id: unit.unit.opId })
    )
  );
}

const keys = (rows: readonly ScoreRow[]) => rows.map((r) => `${r.video_id}/${r.frame_index}`);

Deno.test("unitState() tells todo, done and needs merge apart, a plain run being shard 0/1", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust-unit-lifecycle-" });
  try {
    const store = join(dir, "store");
    const copy = await copyMadeAt(dir, "2020-01-01T00:00:00.000Z");
    const run = { detector: "xception", runId: "0123456789abcdef" };
    const plain = evalUnit(copy, run);
    const shards = [0, 1].map((index) => evalUnit(copy, { ...run, shard: { index, count: 2 } }));

    await t.step(
      "a plain run's part is the whole unit; a shard's is its own, of its videos",
      () => {
        assert.equal(plain.part, plain.unit);
        assert.deepEqual(
          evalUnit(copy, { ...run, shard: { index: 0, count: 1 } }).part,
          plain.unit,
        );
        assert.equal(shards[1].part.unitId, `${plain.unit.unitId}.shard-1of2`);
        const seen = shards.flatMap((s) => s.copy.videos.map((v) => v.id));
        assert.deepEqual(seen.sort(), VIDEOS);
      },
    );

    await t.step("no part: todo for everyone", async () => {
      assert.deepEqual(await unitState(store, plain), {
        kind: "todo",
        reason: "not scored (no part)",
      });
      assert.equal((await unitState(store, shards[0])).kind, "todo");
      assert.equal(await storedRows(store, plain), null);
    });

    await t.step(
      "shard 0's part alone: shard 0 done, the plain run todo naming shard 1",
      async () => {
        await writeScoredUnit(store, shards[0], scoredRows(shards[0]));
        assert.deepEqual(await unitState(store, shards[0]), {
          kind: "done",
          part: shards[0].part,
          superseded: [],
        });
        assert.equal((await unitState(store, shards[1])).kind, "todo");
        const state = await unitState(store, plain);
        assert.equal(state.kind, "todo");
        assert.match((state as { reason: string }).reason, /shard part 1\/2 missing/);
      },
    );

    await t.step("both shard parts: the plain run needs merge", async () => {
      await writeScoredUnit(store, shards[1], scoredRows(shards[1]));
      const state = await unitState(store, plain);
      assert.equal(state.kind, "needs merge");
      assert.deepEqual((state as { shards: unknown }).shards, [
        { index: 0, count: 2 },
        { index: 1, count: 2 },
      ]);
      assert.equal((await listParts(store)).length, 2, "deciding changes nothing");
    });

    await t.step(
      "storedRows() merges them into the whole part, in a single run's order",
      async () => {
        const stored = await storedRows(store, plain);
        assert.deepEqual(stored?.part, plain.unit);
        assert.deepEqual(keys(stored!.rows), keys(scoredRows(plain)));
        assert.deepEqual((await listParts(store)).map((p) => basename(p)), [
          `part-${plain.unit.unitId}.parquet`,
        ]);
        assert.equal((await unitState(store, plain)).kind, "done");
      },
    );

    await t.step("a shard sees its own videos' rows of the whole part", async () => {
      const stored = await storedRows(store, shards[1]);
      assert.deepEqual(stored?.part, plain.unit);
      assert.deepEqual(keys(stored!.rows), keys(scoredRows(shards[1])));
    });

    await t.step("with force nothing is done", async () => {
      assert.equal(await storedRows(store, plain, { force: true }), null);
    });

    await t.step("a copy remade after its unit was scored makes the unit todo", async () => {
      const later = new Date(Date.now() + 60_000).toISOString();
      const remade = evalUnit(await copyMadeAt(dir, later), run);
      assert.equal((await unitState(store, remade)).kind, "todo");
      await copyMadeAt(dir, "2020-01-01T00:00:00.000Z");
      assert.equal((await unitState(store, plain)).kind, "done");
    });

    const path = unitPath(store, plain.unit);
    const whole = await Deno.readFile(path);
    await t.step("a truncated part makes the unit todo", async () => {
      await Deno.writeFile(path, whole.subarray(0, Math.floor(whole.length / 2)));
      assert.equal((await partState(store, plain.unit)).kind, "damaged");
      assert.equal((await unitState(store, plain)).kind, "todo");
      assert.equal(await storedRows(store, plain), null);
    });

    await t.step(
      "a part damaged in another column than created_at makes it todo too (read in full)",
      async () => {
        // The first column chunk (run_id) starts right after the leading magic bytes.
        const damaged = whole.slice();
        damaged.fill(0xff, 4, 40);
        await Deno.writeFile(path, damaged);
        // The damage is where a projection of created_at alone would not look.
        const latest = pl.scanParquet(path).select(pl.col("created_at").max()).collectSync();
        assert.equal(latest.height, 1);
        assert.throws(() => pl.readParquet(path));
        assert.equal((await partState(store, plain.unit)).kind, "damaged");
        assert.equal((await unitState(store, plain)).kind, "todo");
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("partState() gives a part's latest created_at without its rows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust-part-state-" });
  try {
    const unit = { detector: "xception", opId: "unaltered", unitId: "u1" };
    assert.deepEqual(await partState(dir, unit), { kind: "missing" });
    await writeUnit(dir, unit, [
      scoreRow({ created_at: "2024-05-01T10:00:00.000Z" }),
      scoreRow({ video_id: "v2", created_at: "2024-05-02T09:00:00.000Z" }),
      scoreRow({ video_id: "v3", created_at: "2024-04-30T23:00:00.000Z" }),
    ]);
    assert.deepEqual(await partState(dir, unit), {
      kind: "written",
      writtenAt: "2024-05-02T09:00:00.000Z",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
