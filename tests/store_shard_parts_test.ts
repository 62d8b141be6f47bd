/** Shard parts in the store: the reading rule (never counted twice) and merging into whole parts. */
import assert from "node:assert/strict";
import { basename } from "node:path";
import type { EvalCopy } from "../eval/copies.ts";
import { finishUnit, shardCopy } from "../eval/unit_lifecycle.ts";
import type { ScoreRow } from "../store/schema.ts";
import { selectUnitParts, shardUnit, splitShardUnitId } from "../store/shard_parts.ts";
import {
  listParts,
  scanStore,
  StoreError,
  type StoreProblem,
  type StoreUnit,
  writeUnit,
} from "../store/store.ts";
import { scoreRow } from "./store_fixtures.ts";

const unit = (unitId: string): StoreUnit => ({ detector: "xception", opId: "unaltered", unitId });

async function withStore(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust-shard-parts-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Rows of `videos`, two frames each. */
function rowsOf(videos: string[]): ScoreRow[] {
  return videos.flatMap((video_id) =>
    [0, 5].map((frame_index) => scoreRow({ video_id, frame_index }))
  );
}

Deno.test("a shard part's unit id names its unit and shard", () => {
  const part = shardUnit(unit("0123abcd"), { index: 1, count: 3 });
  assert.equal(part.unitId, "0123abcd.shard-1of3");
  assert.deepEqual(splitShardUnitId(part.unitId), {
    unitId: "0123abcd",
    shard: { index: 1, count: 3 },
  });
  assert.deepEqual(splitShardUnitId("0123abcd"), { unitId: "0123abcd", shard: null });
  // A unit id that merely contains dots is a whole unit.
  assert.deepEqual(splitShardUnitId("a.b"), { unitId: "a.b", shard: null });
});

Deno.test("the reading rule reads each unit once: whole part, else one complete shard set", async (t) => {
  const file = (unitId: string) => ({ path: `p/${unitId}`, ...splitShardUnitId(unitId) });
  await t.step("a whole part supersedes its unit's shard parts", () => {
    const selected = selectUnitParts(
      ["u", "u.shard-0of2", "u.shard-1of2", "u.shard-0of3"].map(file),
    );
    assert.deepEqual(selected, { read: ["p/u"], leftOut: [] });
  });
  await t.step("a complete set of shard parts is read when there is no whole part", () => {
    const selected = selectUnitParts(["v.shard-1of2", "v.shard-0of2"].map(file));
    assert.deepEqual(selected.read, ["p/v.shard-1of2", "p/v.shard-0of2"]);
  });
  await t.step("an incomplete set is left out, naming the missing shards", () => {
    const selected = selectUnitParts(["w.shard-0of3"].map(file));
    assert.deepEqual(selected.read, []);
    assert.match(
      selected.leftOut[0].reason,
      /unit w: shard parts 1\/3, 2\/3 missing \(0\/3 present\)/,
    );
  });
  await t.step("shard parts of two shard counts are left out, naming both", () => {
    const selected = selectUnitParts(["x.shard-0of2", "x.shard-1of2", "x.shard-0of3"].map(file));
    assert.deepEqual(selected.read, []);
    assert.match(selected.leftOut[0].reason, /shard parts of 2 and 3 shards/);
  });
});

Deno.test("scanStore() never counts a unit twice and names incomplete shard sets", async () => {
  await withStore(async (dir) => {
    await writeUnit(dir, unit("aaaa"), rowsOf(["v1", "v2", "v3"]));
    // Left over from before the merge: superseded by the whole part.
    await writeUnit(dir, shardUnit(unit("aaaa"), { index: 0, count: 2 }), rowsOf(["v1"]));
    // A complete set, not merged yet.
    await writeUnit(dir, shardUnit(unit("bbbb"), { index: 0, count: 2 }), rowsOf(["v1", "v3"]));
    await writeUnit(dir, shardUnit(unit("bbbb"), { index: 1, count: 2 }), rowsOf(["v2"]));
    // One shard of three: left out.
    await writeUnit(dir, shardUnit(unit("cccc"), { index: 0, count: 3 }), rowsOf(["v1"]));
    const problems: StoreProblem[] = [];
    const frame = (await scanStore(dir, { onProblem: (p) => problems.push(p) })).collectSync();
    assert.equal(frame.height, 2 * 3 + 2 * 3);
    assert.deepEqual(problems.map((p) => basename(p.path)), ["part-cccc.shard-0of3.parquet"]);
    assert.match(problems[0].reason, /shard parts 1\/3, 2\/3 missing/);
    await assert.rejects(() => scanStore(dir, { strict: true }), StoreError);
  });
});

/** A copy of `videos` for finishUnit (no manifest in `dir`: never counted as remade). */
function copyOf(dir: string, videos: string[], failed: string[] = []): EvalCopy {
  return {
    artifactId: "0011223344556677",
    op: { id: "unaltered", family: "unaltered", category: "unaltered", severity: null, params: {} },
    profile: "source",
    geometry: { hflip: false, vflip: false, scale: 1 },
    dir,
    datasetCsv: `${dir}/dataset.csv`,
    videos: videos.map((id) => ({
      id,
      path: `${dir}/${id}.mp4`,
      relativePath: `${id}.mp4`,
      label: 1,
    })),
    failedVideos: failed.map((id) => ({ id, label: 0, error: `distort could not make "${id}"` })),
  };
}

Deno.test("finishUnit() merges a complete shard set into the whole part a single run writes", async (t) => {
  await withStore(async (dir) => {
    const videos = ["v0", "v1", "v2", "v3", "v4"];
    const copy = copyOf(dir, videos, ["bad"]);
    const whole = unit("dddd");
    const failedRow = (video_id: string) =>
      scoreRow({ video_id, frame_index: -1, face_index: -1, score: null, status: "video_error" });
    // What a single run writes: failed videos first, then the videos in the copy's order.
    const single = [failedRow("bad"), ...rowsOf(videos)];
    const shards = [0, 1, 2].map((index) => ({ index, count: 3 }));
    await t.step("each shard scores its own videos of the copy", async () => {
      const views = shards.map((shard) => shardCopy(copy, shard));
      const all = views.flatMap((v) => [...v.failedVideos, ...v.videos].map((x) => x.id));
      assert.deepEqual(all.sort(), [...videos, "bad"].sort());
      for (const [i, view] of views.entries()) {
        const rows = [
          ...view.failedVideos.map((v) => failedRow(v.id)),
          ...rowsOf(view.videos.map((v) => v.id)),
        ];
        await writeUnit(dir, shardUnit(whole, shards[i]), rows);
      }
    });
    await t.step("with one shard part missing, the unit is incomplete and named", async () => {
      const part = (await listParts(dir)).find((p) => p.includes("shard-1of3"))!;
      const saved = await Deno.readFile(part);
      await Deno.remove(part);
      const found = await finishUnit(dir, { unit: whole, copy });
      assert.equal(found.kind, "incomplete");
      assert.match((found as { reason: string }).reason, /shard part 1\/3 missing/);
      await Deno.writeFile(part, saved);
    });
    await t.step(
      "the complete set becomes the whole part, in a single run's row order",
      async () => {
        const found = await finishUnit(dir, { unit: whole, copy });
        assert.equal(found.kind, "merged");
        const stripped = (rows: ScoreRow[]) =>
          rows.map((r) => `${r.video_id}/${r.frame_index}/${r.status}`);
        assert.deepEqual(stripped((found as { rows: ScoreRow[] }).rows), stripped(single));
        assert.deepEqual((await listParts(dir)).map((p) => basename(p)), ["part-dddd.parquet"]);
      },
    );
    await t.step(
      "finishing again finds the whole part and removes shard parts left behind",
      async () => {
        await writeUnit(dir, shardUnit(whole, shards[0]), rowsOf(["v0"]));
        const found = await finishUnit(dir, { unit: whole, copy });
        assert.equal(found.kind, "whole");
        assert.deepEqual((await listParts(dir)).map((p) => basename(p)), ["part-dddd.parquet"]);
        const frame = (await scanStore(dir)).collectSync();
        assert.equal(frame.height, single.length);
      },
    );
  });
});
