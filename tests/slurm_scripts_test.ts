/** The Slurm scripts `deno task slurm` writes, and reading Slurm's answers (no cluster needed). */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseScontrolJobs } from "../scale/slurm.ts";
import {
  describeTask,
  shellQuote,
  type SlurmPipelineOptions,
  slurmScriptTexts,
  taskCommand,
  writeSlurmPipeline,
} from "../scale/slurm_scripts.ts";
import { runDenoTask } from "./_tools.ts";

const options = (out: string): SlurmPipelineOptions => ({
  out,
  shards: 3,
  distortArgs: ["--manifest", "data/it's here.csv", "--ops", "paper"],
  evalArgs: ["--detector", "demo", "--model", "models/demo.onnx", "--faces", "sidecar"],
  resources: { cpusPerTask: 2, gres: "gpu:1", time: "01:00:00", sbatchArgs: ["--account=lab"] },
  deno: "/opt/deno dir/deno",
  workDir: "/work dir",
});

Deno.test("the scripts are job arrays of N shards with per-task logs and scoped permissions", async (t) => {
  const out = "/shared/run 1";
  const texts = slurmScriptTexts(options(out));
  await t.step("distort and eval are arrays 0..N-1 whose task I runs --shard I/N", () => {
    for (const stage of ["distort", "eval"] as const) {
      assert.match(texts[stage], /^#SBATCH --array=0-2$/m);
      assert.match(texts[stage], /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/3"$/m);
      assert.ok(
        texts[stage].includes(`#SBATCH --output="/shared/run 1/logs/${stage}_%A_%a.log"`),
        texts[stage],
      );
    }
    assert.ok(!texts.finish.includes("--array"));
    assert.ok(texts.finish.includes(`#SBATCH --output="/shared/run 1/logs/finish_%j.log"`));
  });
  await t.step("each task runs with its deno.json task's permissions, never -A", () => {
    for (const [stage, task] of [["distort", "distort"], ["eval", "eval"]] as const) {
      const { flags, file } = taskCommand(task);
      assert.ok(
        texts[stage].includes(
          `"$DENO" run --config "$REPO/deno.json" ${flags.join(" ")} "$REPO/${file}"`,
        ),
        texts[stage],
      );
    }
    assert.ok(texts.finish.includes(taskCommand("report").file));
    for (const text of Object.values(texts)) {
      assert.doesNotMatch(text, /\s(-A|--allow-all)\s/);
    }
    assert.match(texts.distort, /^DENO='\/opt\/deno dir\/deno'$/m);
  });
  await t.step("resources go where they belong: gres only to eval, cpus not to finish", () => {
    assert.match(texts.eval, /^#SBATCH --gres=gpu:1$/m);
    assert.doesNotMatch(texts.distort, /--gres/);
    assert.match(texts.distort, /^#SBATCH --cpus-per-task=2$/m);
    assert.doesNotMatch(texts.finish, /--cpus-per-task/);
    for (const text of [texts.distort, texts.eval, texts.finish]) {
      assert.match(text, /^#SBATCH --time=01:00:00$/m);
      assert.match(text, /^#SBATCH --account=lab$/m);
      assert.match(text, /^#SBATCH --chdir="\/work dir"$/m);
    }
  });
  await t.step("threads and jobs follow the task's CPUs unless given", () => {
    assert.match(texts.eval, /--threads "\$\{SLURM_CPUS_PER_TASK:-1\}"/);
    assert.match(texts.distort, /--jobs "\$\{SLURM_CPUS_PER_TASK:-1\}"/);
    const given = slurmScriptTexts({
      ...options(out),
      evalArgs: ["--detector", "x", "--threads=4"],
    });
    assert.doesNotMatch(given.eval, /SLURM_CPUS_PER_TASK/);
  });
  await t.step("the finishing job finishes copies and store, then writes the report", () => {
    const lines = texts.finish.split("\n");
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    assert.ok(at(/^ {2}--finish \\$/) > 0);
    assert.ok(at(/tasks\/distort\.ts/) < at(/tasks\/eval\.ts/));
    assert.ok(at(/tasks\/eval\.ts/) < at(/tasks\/report\.ts/));
    assert.ok(texts.finish.includes("--shards 3"));
    assert.ok(texts.finish.includes(`--out '/shared/run 1/report.html'`));
  });
  await t.step("submit.sh chains the jobs with afterok", () => {
    assert.match(texts.submit, /--dependency=afterok:"\$\{distort_job%%;\*\}" eval\.sbatch/);
    assert.match(texts.submit, /--dependency=afterok:"\$\{eval_job%%;\*\}" finish\.sbatch/);
  });
  await t.step("every script is valid bash, quotes included", async () => {
    for (const [name, text] of Object.entries(texts)) {
      const check = await new Deno.Command("bash", {
        args: ["-n"],
        stdin: "piped",
        stderr: "piped",
      }).spawn();
      const writer = check.stdin.getWriter();
      await writer.write(new TextEncoder().encode(text));
      await writer.close();
      const result = await check.output();
      assert.equal(result.code, 0, `${name}: ${new TextDecoder().decode(result.stderr)}`);
    }
    assert.ok(texts.distort.includes(`--manifest 'data/it'\\''s here.csv'`));
  });
  await t.step("flags the pipeline sets itself are refused", () => {
    assert.throws(
      () => slurmScriptTexts({ ...options(out), distortArgs: ["--shard", "0/2"] }),
      /--shard of distort is set by the Slurm pipeline/,
    );
    assert.throws(
      () => slurmScriptTexts({ ...options(out), evalArgs: ["--store=/x"] }),
      /--store of eval/,
    );
    assert.throws(() => slurmScriptTexts({ ...options(out), shards: 0 }), RangeError);
  });
});

Deno.test("shellQuote() leaves plain words alone and single-quotes the rest", () => {
  assert.equal(shellQuote("/a/b-c_d.e:f=g,h@i%j+k"), "/a/b-c_d.e:f=g,h@i%j+k");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote("$HOME"), "'$HOME'");
});

Deno.test("deno task slurm without --submit writes the scripts and every folder the jobs need", async () => {
  const out = await Deno.makeTempDir({ prefix: "dfrobust slurm dry -" });
  try {
    const run = await runDenoTask("tasks/slurm.ts", [
      ...["--shards", "2", "--out", out, "--manifest", "/data/test.csv"],
      ...["--detector", "demo", "--json"],
    ]);
    assert.equal(run.code, 0, run.stderr);
    const { pipeline, jobs } = JSON.parse(run.stdout);
    assert.equal(jobs, undefined, "nothing submitted");
    for (const dir of ["logs", "copies", "store"]) {
      assert.ok((await Deno.stat(join(out, dir))).isDirectory, dir);
    }
    const distort = await Deno.readTextFile(pipeline.scripts.distort);
    assert.match(distort, /^#SBATCH --array=0-1$/m);
    // The jobs run the deno that wrote the scripts.
    assert.ok(distort.includes(`DENO=${shellQuote(Deno.execPath())}`));
    const usage = await runDenoTask("tasks/slurm.ts", ["--out", out, "--manifest", "x.csv"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--shards is required/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("deno task slurm passes --limit to distort and eval, each the limits it applies", async () => {
  const out = await Deno.makeTempDir({ prefix: "dfrobust slurm limits -" });
  try {
    const run = await runDenoTask("tasks/slurm.ts", [
      ...["--shards", "2", "--out", out, "--manifest", "/data/test.csv", "--detector", "demo"],
      ...["--limit", "frame-width=7680", "--limit", "batch=512", "--limit=video-frames=9"],
      "--json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const { pipeline } = JSON.parse(run.stdout);
    const distort = await Deno.readTextFile(pipeline.scripts.distort);
    const evalScript = await Deno.readTextFile(pipeline.scripts.eval);
    const finish = await Deno.readTextFile(pipeline.scripts.finish);
    for (const text of [distort, evalScript, finish]) {
      assert.match(text, /^ {2}--limit frame-width=7680 \\$/m);
      assert.match(text, /^ {2}--limit video-frames=9 \\$/m);
    }
    // distort refuses the limits only eval applies, so it is not given them.
    assert.doesNotMatch(distort, /batch=512/);
    assert.match(evalScript, /^ {2}--limit batch=512 \\$/m);
    const [finishDistort, finishEval] = finish.split("# 2.");
    assert.match(finishDistort, /--limit frame-width=7680/);
    assert.doesNotMatch(finishDistort, /batch=512/);
    assert.match(finishEval, /--limit batch=512/);
    for (const bad of ["batch=0", "frame-size=8x8"]) {
      const usage = await runDenoTask("tasks/slurm.ts", [
        ...["--shards", "2", "--out", out, "--manifest", "x.csv", "--detector", "demo"],
        ...["--limit", bad],
      ]);
      assert.equal(usage.code, 2, bad);
      assert.match(usage.stderr, /--limit/, bad);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("writeSlurmPipeline() creates the output, log, copies and store folders", async () => {
  const out = await Deno.makeTempDir({ prefix: "dfrobust-slurm-" });
  try {
    const pipeline = await writeSlurmPipeline({ ...options(join(out, "new")), workDir: out });
    for (const dir of [pipeline.logs, pipeline.copies, pipeline.store]) {
      assert.ok((await Deno.stat(dir)).isDirectory, dir);
    }
    assert.equal((await Deno.stat(pipeline.submitScript)).mode! & 0o111, 0o111);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("scontrol's one-line job records are read, values with spaces included", async (t) => {
  const text = [
    "JobId=12 ArrayJobId=11 ArrayTaskId=1 JobName=dfrobust distort UserId=root(0) " +
    "JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=1:0 RunTime=00:00:03 " +
    "ReqB:S:C:T=0:0:*:* CPUs/Task=1 StdErr=/shared/run 1/logs/distort_11_1.log " +
    "StdIn=/dev/null StdOut=/shared/run 1/logs/distort_11_1.log Power= ",
    "JobId=14 JobName=dfrobust-finish JobState=CANCELLED Reason=DependencyNeverSatisfied " +
    "Dependency=afterok:13_*(failed) ExitCode=0:0 StdOut=/shared/run 1/logs/finish_14.log Power=",
    "",
  ].join("\n");
  const [task, finish] = parseScontrolJobs(text);
  await t.step("fields are read by key", () => {
    assert.deepEqual(task, {
      jobId: "12",
      arrayJobId: "11",
      arrayTaskId: "1",
      state: "FAILED",
      reason: "NonZeroExitCode",
      exitCode: "1:0",
      stdout: "/shared/run 1/logs/distort_11_1.log",
    });
    assert.equal(finish.arrayTaskId, null);
    assert.equal(finish.arrayJobId, "14");
  });
  await t.step("a failed task is named with its state, exit code and log", () => {
    assert.equal(
      describeTask("distort", task),
      "distort task 1 (job 11_1): FAILED (NonZeroExitCode, exit 1:0); " +
        "log /shared/run 1/logs/distort_11_1.log",
    );
  });
  await t.step("a job cancelled by its dependency says so, with no log (it never ran)", () => {
    assert.equal(
      describeTask("finish", finish),
      "finish (job 14): CANCELLED (DependencyNeverSatisfied, a job it waits for did not end well)",
    );
  });
});
