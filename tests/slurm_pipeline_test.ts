/**
 * The pipeline on a real Slurm cluster (.ci/slurm.sh starts a single-node one): the small demo
 * set as 3-task job arrays through `deno task slurm --submit --wait`, compared with a
 * single-machine run; an array task cancelled midway and submitted again alone; failed tasks
 * named with their logs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { jobTasks, sbatch, waitForJobs } from "../scale/slurm.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";
import {
  assertNoDuplicates,
  assertSameRuns,
  copyFacts,
  distortFlags,
  evalFlags,
  leftovers,
  type SingleMachineRun,
  singleMachineRun,
} from "./shard_fixtures.ts";

const SHARDS = 3;

async function task(file: string, args: string[], code = 0): Promise<string> {
  const run = await runDenoTask(file, args);
  assert.equal(run.code, code, `${file} ${args.join(" ")}\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** `deno task slurm` flags for the small demo set (distort and eval flags, minus their outputs). */
function slurmFlags(data: { manifest: string; faces: string }, out: string): string[] {
  const distort = distortFlags(data, "-");
  return [
    ...["--shards", String(SHARDS), "--out", out, "--cpus-per-task", "1", "--poll", "1"],
    ...distort.slice(0, distort.indexOf("--out")),
    ...evalFlags(data),
  ];
}

/** Table I of a store as JSON cells: the AUCs the report shows. */
async function tableOf(store: string): Promise<unknown> {
  return JSON.parse(await task("tasks/report.ts", ["--store", store, "--format", "json"]));
}

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

Deno.test({
  name: "the demo set as 3-task Slurm job arrays equals the single-machine run",
  ignore: skipWithout("ffmpeg", "Slurm pipeline") || skipWithout("slurm", "Slurm pipeline"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust slurm -" });
    try {
      const out = join(dir, "slurm");
      const sharded = { copies: join(out, "copies"), store: join(out, "store") };
      const wall: Record<string, number> = {};

      // The small demo set and its single-machine distort and eval, shared with the shard suite
      // (read only: the report goes to this test's own folder).
      let reference!: SingleMachineRun;
      await t.step("a single-machine run: distort, eval, report", async () => {
        const started = performance.now();
        reference = await singleMachineRun();
        await task("tasks/report.ts", [
          ...["--store", reference.store, "--data", reference.copies],
          ...["--out", join(dir, "single-report.html")],
        ]);
        wall.single = seconds(started);
      });
      const { data } = reference;
      const single = { copies: reference.copies, store: reference.store };

      await t.step(
        "deno task slurm --submit --wait runs the three stages to completion",
        async () => {
          const started = performance.now();
          const outcome = JSON.parse(
            await task("tasks/slurm.ts", [
              ...slurmFlags(data, out),
              "--submit",
              "--wait",
              "--json",
            ]),
          );
          wall.slurm = seconds(started);
          assert.equal(outcome.outcome.ok, true, JSON.stringify(outcome.outcome.failed));
          const { tasks } = outcome.outcome;
          assert.deepEqual(tasks.distort.map((x: { arrayTaskId: string }) => x.arrayTaskId), [
            "0",
            "1",
            "2",
          ]);
          assert.equal(tasks.eval.length, SHARDS);
          assert.equal(tasks.finish.length, 1);
          // One log per array task, named by the array's job id and the task id (%A_%a).
          for (const stage of ["distort", "eval"]) {
            for (let i = 0; i < SHARDS; i++) {
              const log = join(out, "logs", `${stage}_${outcome.jobs[stage]}_${i}.log`);
              assert.ok((await Deno.stat(log)).isFile, log);
            }
          }
          assert.match(
            await Deno.readTextFile(join(out, "logs", `finish_${outcome.jobs.finish}.log`)),
            /report\.html/,
          );
          assert.ok((await Deno.stat(join(out, "report.html"))).size > 0);
          console.error(
            `slurm_pipeline_test: single run ${wall.single} s (its distort and eval shared with the ` +
              `shard suite), 3-task Slurm run ${wall.slurm} s ` +
              `(submit to last job ended, on this machine)`,
          );
        },
      );

      await t.step(
        "copies, store rows and AUCs equal the single run's; nothing twice",
        async () => {
          await assertSameRuns(single, sharded);
          await assertNoDuplicates(sharded.store);
          assert.deepEqual(await tableOf(sharded.store), await tableOf(single.store));
          assert.deepEqual(await leftovers(out), []);
        },
      );

      await t.step(
        "an array task cancelled midway, submitted again alone, completes the copies",
        async () => {
          const killed = join(dir, "killed");
          const written = JSON.parse(
            await task("tasks/slurm.ts", [...slurmFlags(data, killed), "--json"]),
          );
          const job = await sbatch(written.pipeline.scripts.distort);
          // Shard 1 of 3 makes fake_001 and real_001 (ranks 1 and 4 of the sorted ids).
          const copies = join(killed, "copies");
          const started = Date.now();
          while (!(await hasRecordOf(copies, /^(fake|real)_001\.json$/))) {
            assert.ok(Date.now() - started < 180_000, "shard 1 recorded nothing in 3 minutes");
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          const cancel = await new Deno.Command("scancel", { args: [`${job}_1`] }).output();
          assert.ok(cancel.success, new TextDecoder().decode(cancel.stderr));
          const states = (await waitForJobs([job], { pollMs: 500 })).get(job)!;
          assert.deepEqual(states.map((s) => [s.arrayTaskId, s.state]), [
            ["0", "COMPLETED"],
            ["1", "CANCELLED"],
            ["2", "COMPLETED"],
          ]);
          // Stopped by SIGTERM: the task wrote nothing half-done and said so.
          assert.match(await Deno.readTextFile(states[1].stdout!), /interrupted by SIGTERM/);
          const finish = JSON.parse(
            await task("tasks/distort.ts", [
              ...distortFlags(data, copies),
              ...["--finish", "--shards", "3", "--json"],
            ], 1),
          );
          assert.ok(finish.incomplete.length > 0, "the cancelled shard's videos are missing");
          const again = await sbatch(written.pipeline.scripts.distort, { args: ["--array=1"] });
          const rerun = (await waitForJobs([again], { pollMs: 500 })).get(again)!;
          assert.deepEqual(rerun.map((s) => [s.arrayTaskId, s.state]), [["1", "COMPLETED"]]);
          assert.deepEqual(await copyFacts(copies), await copyFacts(single.copies));
          assert.deepEqual(await leftovers(copies), []);
        },
      );

      await t.step("--wait exits 1 naming each failed task and its log", async () => {
        // Distort finds its copies done; every eval task refuses --frames 0; finish never runs.
        const run = await runDenoTask("tasks/slurm.ts", [
          ...slurmFlags(data, out),
          ...["--frames", "0", "--submit", "--wait"],
        ]);
        assert.equal(run.code, 1, run.stdout + run.stderr);
        for (let i = 0; i < SHARDS; i++) {
          assert.match(
            run.stdout,
            new RegExp(
              `eval task ${i} \\(job (\\d+)_${i}\\): FAILED \\(NonZeroExitCode, exit 2:0\\); ` +
                `log ${escape(join(out, "logs"))}/eval_\\1_${i}\\.log`,
            ),
          );
        }
        assert.match(run.stdout, /finish \(job \d+\): CANCELLED \(DependencyNeverSatisfied/);
        assert.doesNotMatch(run.stdout, /distort task/);
        const evalJob = /eval task 0 \(job (\d+)_0\)/.exec(run.stdout)![1];
        const [first] = await jobTasks(evalJob);
        assert.match(await Deno.readTextFile(first.stdout!), /--frames must be a positive integer/);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when a `.records/` folder under `copies` holds a file whose name matches `name`. */
async function hasRecordOf(copies: string, name: RegExp): Promise<boolean> {
  for await (const op of readDir(copies)) {
    for await (const copy of readDir(join(copies, op.name))) {
      for await (const record of readDir(join(copies, op.name, copy.name, ".records"))) {
        if (name.test(record.name)) return true;
      }
    }
  }
  return false;
}

async function* readDir(path: string): AsyncGenerator<Deno.DirEntry> {
  try {
    yield* Deno.readDir(path);
  } catch {
    // Not there (yet).
  }
}
