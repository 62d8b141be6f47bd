import assert from "node:assert/strict";
import {
  parseShard,
  parseShardTag,
  resolveShard,
  shardAssignment,
  ShardError,
  shardFromEnv,
  shardItems,
  shardLabel,
  shardTag,
} from "../scale/shard.ts";

const IDS = ["real_003", "fake_000", "b", "a b", "ü", "real_000", "fake_003", "Z", "c", "001"];

Deno.test("shards split the videos so that N shards do each video exactly once", async (t) => {
  for (const count of [1, 2, 3, 4, 10, 11, 25]) {
    await t.step(
      `${count} shard(s): every id in exactly one shard, sizes differ by at most one`,
      () => {
        const seen: string[] = [];
        const sizes: number[] = [];
        for (let index = 0; index < count; index++) {
          const mine = shardItems(IDS, { index, count }, (id) => id);
          seen.push(...mine);
          sizes.push(mine.length);
        }
        assert.deepEqual([...seen].sort(), [...IDS].sort());
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
      },
    );
  }
  await t.step("the split depends on the ids only, not on their order", () => {
    const reversed = [...IDS].reverse();
    for (let index = 0; index < 3; index++) {
      const a = shardItems(IDS, { index, count: 3 }, (id) => id);
      const b = shardItems(reversed, { index, count: 3 }, (id) => id);
      assert.deepEqual([...a].sort(), [...b].sort());
    }
  });
  await t.step("ids are dealt round-robin in code-unit order (locale-independent)", () => {
    const owner = shardAssignment(["b", "a", "c", "B", "ä"], 2);
    // Sorted by UTF-16 code units: B, a, b, c, ä.
    assert.deepEqual(Object.fromEntries(owner), { B: 0, a: 1, b: 0, c: 1, "ä": 0 });
  });
  await t.step("items keep their input order within a shard", () => {
    const items = [{ id: "c" }, { id: "a" }, { id: "d" }, { id: "b" }];
    assert.deepEqual(shardItems(items, { index: 0, count: 2 }, (v) => v.id), [
      { id: "c" },
      { id: "a" },
    ]);
  });
  await t.step("no shard means all items", () => {
    assert.deepEqual(shardItems(IDS, undefined, (id) => id), IDS);
  });
});

Deno.test("--shard I/N is 0-based and refuses what names no shard", async (t) => {
  await t.step("I/N reads back, and its label and file tag round-trip", () => {
    const shard = parseShard("2/3");
    assert.deepEqual(shard, { index: 2, count: 3 });
    assert.equal(shardLabel(shard), "2/3");
    assert.equal(shardTag(shard), "shard-2of3");
    assert.deepEqual(parseShardTag(shardTag(shard)), shard);
  });
  for (const bad of ["3/3", "1/0", "-1/3", "1", "a/3", "1/3/4", ""]) {
    await t.step(`"${bad}" is a ShardError`, () => {
      assert.throws(() => parseShard(bad), ShardError);
    });
  }
  await t.step("a tag naming an impossible shard is not a tag", () => {
    assert.equal(parseShardTag("shard-3of3"), null);
    assert.equal(parseShardTag("shard-0of0"), null);
    assert.equal(parseShardTag("part-0of3"), null);
  });
});

Deno.test("--shard auto reads Slurm's and Kubernetes' environment", async (t) => {
  await t.step("a Slurm array 0-2 gives the task id as index", () => {
    assert.deepEqual(
      shardFromEnv({ SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_COUNT: "3" }),
      { index: 1, count: 3 },
    );
  });
  await t.step("a 1-based array (--array=1-3) is offset by SLURM_ARRAY_TASK_MIN", () => {
    const env = {
      SLURM_ARRAY_TASK_ID: "3",
      SLURM_ARRAY_TASK_COUNT: "3",
      SLURM_ARRAY_TASK_MIN: "1",
    };
    assert.deepEqual(shardFromEnv(env), { index: 2, count: 3 });
  });
  await t.step("a stepped array (--array=0-10:5) is divided by SLURM_ARRAY_TASK_STEP", () => {
    const env = {
      SLURM_ARRAY_TASK_ID: "10",
      SLURM_ARRAY_TASK_COUNT: "3",
      SLURM_ARRAY_TASK_MIN: "0",
      SLURM_ARRAY_TASK_STEP: "5",
    };
    assert.deepEqual(shardFromEnv(env), { index: 2, count: 3 });
  });
  await t.step(
    "a Kubernetes Indexed Job gives JOB_COMPLETION_INDEX and DFROBUST_SHARD_COUNT",
    () => {
      assert.deepEqual(
        shardFromEnv({ JOB_COMPLETION_INDEX: "4", DFROBUST_SHARD_COUNT: "5" }),
        { index: 4, count: 5 },
      );
    },
  );
  await t.step("Kubernetes without the count says to set it", () => {
    assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: "0" }), /DFROBUST_SHARD_COUNT/);
  });
  await t.step("no scheduler's variables is an error that says what to pass", () => {
    assert.throws(() => shardFromEnv({}), /--shard I\/N/);
  });
  await t.step("an index outside the count is an error", () => {
    assert.throws(
      () => shardFromEnv({ SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_COUNT: "3" }),
      /outside 0\.\.2/,
    );
  });
  await t.step("resolveShard takes auto or I/N", () => {
    const env = { SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_COUNT: "2" };
    assert.deepEqual(resolveShard("auto", env), { index: 0, count: 2 });
    assert.deepEqual(resolveShard("1/4", env), { index: 1, count: 4 });
  });
});
