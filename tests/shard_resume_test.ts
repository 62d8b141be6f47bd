/**
 * Shards by hand, no cluster: three distort shards and three eval shards on one output and one
 * store, the middle one killed (SIGKILL, as a node that dies) midway and run again, against a
 * single-machine run of the same work.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runDenoTask, skipWithout, spawnDenoTask } from "./_tools.ts";
import {
  assertNoDuplicates,
  assertSameRuns,
  distortFlags,
  evalFlags,
  leftovers,
  type SingleMachineRun,
  singleMachineRun,
} from "./shard_fixtures.ts";
import { listParts, partUnitId, scanStore, type StoreProblem, writeUnit } from "../store/store.ts";
import { basename } from "node:path";
import pl from "../deps/polars.ts";
import type { ScoreRow } from "../store/schema.ts";
import { shardUnit } from "../store/shard_parts.ts";
import { shardItems } from "../scale/shard.ts";

/** Polls `found()` every 20 ms until it is true; throws after `ms`. */
async function until(found: () => Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await found())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Files under `dir` whose name matches `pattern` (recursively). */
async function filesMatching(dir: string, pattern: RegExp): Promise<string[]> {
  const found: string[] = [];
  async function walk(folder: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (pattern.test(path)) found.push(path);
    }
  }
  await walk(dir);
  return found;
}

/** Runs a task and asserts its exit code, showing its output when it differs. */
async function task(file: string, args: string[], code = 0): Promise<string> {
  const run = await runDenoTask(file, args);
  assert.equal(run.code, code, `${file} ${args.join(" ")}\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

Deno.test({
  name: "three shards, one killed midway and run again, make the copies and store of one run",
  ignore: skipWithout("ffmpeg", "shards by hand"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust shards -" });
    try {
      const sharded = {
        copies: join(dir, "shards", "copies"),
        store: join(dir, "shards", "store"),
      };
      // The small demo set and its single-machine run, shared with the Slurm suite (read only).
      let reference!: SingleMachineRun;
      await t.step("a single-machine run makes the reference copies and store", async () => {
        reference = await singleMachineRun();
      });
      const { data } = reference;
      const single = { copies: reference.copies, store: reference.store };

      await t.step("distort: shard 1 is killed after its first video", async () => {
        await task("tasks/distort.ts", [...distortFlags(data, sharded.copies), "--shard", "0/3"]);
        await task("tasks/distort.ts", [...distortFlags(data, sharded.copies), "--shard", "2/3"]);
        // One video at a time, so that the kill comes between its two videos.
        const child = spawnDenoTask("tasks/distort.ts", [
          ...distortFlags(data, sharded.copies),
          ...["--shard", "1/3", "--jobs", "1"],
        ]);
        const shardOneRecords = async () => {
          // Shard 1 of 3 of the ids sorted: fake_000, fake_001, fake_002, real_000, ... -> ranks
          // 1 and 4: fake_001 and real_001.
          const records = await filesMatching(sharded.copies, /\.records\/(fake|real)_001\.json$/);
          return records.length > 0;
        };
        await until(shardOneRecords, "shard 1's first record");
        child.kill("SIGKILL");
        const status = await child.status;
        assert.equal(status.signal, "SIGKILL");
      });

      await t.step("distort --finish fails naming the missing videos and their shard", async () => {
        const stdout = await task(
          "tasks/distort.ts",
          [...distortFlags(data, sharded.copies), "--finish", "--shards", "3", "--json"],
          1,
        );
        const summary = JSON.parse(stdout);
        assert.ok(summary.incomplete.length > 0);
        for (const copy of summary.incomplete) {
          assert.ok(
            copy.missing.every((id: string) => ["fake_001", "real_001"].includes(id)),
            copy.missing,
          );
        }
        assert.match(summary.notes[0], /lacks \d videos?: .* \(shard 1: rerun it\)/);
      });

      await t.step("shard 1 run again completes the copies (its manifests come last)", async () => {
        const stdout = await task("tasks/distort.ts", [
          ...distortFlags(data, sharded.copies),
          ...["--shard", "1/3", "--json"],
        ]);
        const summary = JSON.parse(stdout);
        assert.deepEqual(summary.incomplete, []);
        // The last shard wrote every manifest: finishing again changes nothing.
        const finish = JSON.parse(
          await task("tasks/distort.ts", [
            ...distortFlags(data, sharded.copies),
            ...["--finish", "--json"],
          ]),
        );
        assert.deepEqual(finish.copies.map((c: { state: string }) => c.state), [
          ...finish.copies.map(() => "reused"),
        ]);
      });

      await t.step("eval: shard 1 is killed after its first unit", async () => {
        const flags = [...evalFlags(data), "--data", sharded.copies, "--store", sharded.store];
        await task("tasks/eval.ts", [...flags, "--shard", "0/3"]);
        await task("tasks/eval.ts", [...flags, "--shard", "2/3"]);
        const child = spawnDenoTask("tasks/eval.ts", [...flags, "--shard", "1/3"]);
        await until(
          async () => (await filesMatching(sharded.store, /\.shard-1of3\.parquet$/)).length > 0,
          "shard 1's first part",
        );
        child.kill("SIGKILL");
        assert.equal((await child.status).signal, "SIGKILL");
        await assertNoDuplicates(sharded.store);
      });

      await t.step(
        "meanwhile readers leave incomplete units out instead of reading a part",
        async () => {
          const problems: StoreProblem[] = [];
          const frame = (await scanStore(sharded.store, { onProblem: (p) => problems.push(p) }))
            .collectSync();
          assert.ok(problems.length > 0);
          for (const p of problems) assert.match(p.reason, /shard parts? 1\/3 missing/);
          const keys = frame.select("op_id", "video_id", "frame_index", "face_index");
          assert.equal(keys.unique().height, frame.height);
        },
      );

      await t.step("eval --finish fails naming the units that lack shard 1's part", async () => {
        const stdout = await task("tasks/eval.ts", [
          ...evalFlags(data),
          ...["--data", sharded.copies, "--store", sharded.store, "--finish", "--json"],
        ], 1);
        const summary = JSON.parse(stdout);
        assert.ok(summary.incomplete.length > 0);
        for (const unit of summary.incomplete) assert.match(unit.reason, /shard part 1\/3 missing/);
      });

      await t.step("shard 1 run again completes the store with whole parts", async () => {
        const flags = [...evalFlags(data), "--data", sharded.copies, "--store", sharded.store];
        const summary = JSON.parse(
          await task("tasks/eval.ts", [...flags, "--shard", "1/3", "--json"]),
        );
        assert.deepEqual(summary.incomplete, []);
        const finish = JSON.parse(await task("tasks/eval.ts", [...flags, "--finish", "--json"]));
        assert.deepEqual(finish.incomplete, []);
        // The AUCs of the finished store are the single run's.
        const reference = JSON.parse(
          await task("tasks/eval.ts", [
            ...evalFlags(data),
            ...["--data", single.copies, "--store", single.store, "--json"],
          ]),
        );
        const aucs = (s: { copies: { opId: string; auc: number | null; n?: number }[] }) =>
          s.copies.map(({ opId, auc, n }) => ({ opId, auc, n }));
        assert.deepEqual(aucs(finish), aucs(reference));
      });

      await t.step("copies and store equal the single run's, with nothing left over", async () => {
        await assertSameRuns(single, sharded);
        await assertNoDuplicates(sharded.store);
        assert.deepEqual(await leftovers(join(dir, "shards")), []);
      });

      await t.step(
        "a later single run merges shard parts nobody finished, scoring nothing",
        async () => {
          // What shards leave when none of them could finish: one unit as three shard parts.
          const whole = (await listParts(sharded.store))[0];
          const rows = pl.readParquet(whole).toRecords() as unknown as ScoreRow[];
          const unit = {
            detector: rows[0].detector,
            opId: rows[0].op_id,
            unitId: partUnitId(basename(whole))!,
          };
          const ids = [...new Set(rows.map((r) => r.video_id))];
          for (let index = 0; index < 3; index++) {
            const mine = new Set(shardItems(ids, { index, count: 3 }, (id) => id));
            await writeUnit(
              sharded.store,
              shardUnit(unit, { index, count: 3 }),
              rows.filter((r) => mine.has(r.video_id)),
            );
          }
          await Deno.remove(whole);
          const summary = JSON.parse(
            await task("tasks/eval.ts", [
              ...evalFlags(data),
              ...["--data", sharded.copies, "--store", sharded.store, "--json"],
            ]),
          );
          assert.equal(summary.facesScored, 0);
          assert.ok(summary.copies.every((c: { skipped: boolean }) => c.skipped));
          await assertSameRuns(single, sharded);
          assert.deepEqual(await leftovers(join(dir, "shards")), []);
        },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
