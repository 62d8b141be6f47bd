/**
 * `deno task slurm` takes every flag of distort and eval: its table is derived from theirs
 * (tasks/_distort_flags.ts, tasks/_eval_flags.ts), so a flag added to a stage reaches the Slurm
 * scripts. These tests compare the tables and follow every flag into the script of its stage.
 */
import assert from "node:assert/strict";
import { SLURM_OWN_FLAGS } from "../scale/slurm_scripts.ts";
import { DISTORT_FLAGS } from "../tasks/_distort_flags.ts";
import { EVAL_FLAGS } from "../tasks/_eval_flags.ts";
import { notPassed, SLURM_COMMAND, STAGE_FLAGS } from "../tasks/slurm.ts";
import type { FlagSpec } from "../util/cli.ts";
import { runDenoTask } from "./_tools.ts";

const STAGES: Record<"distort" | "eval", Readonly<Record<string, FlagSpec>>> = {
  distort: DISTORT_FLAGS,
  eval: EVAL_FLAGS,
};

Deno.test("slurm's flag table holds every distort and eval flag but those the pipeline sets", async (t) => {
  for (
    const [stage, table] of Object.entries(STAGES) as ["distort" | "eval", typeof EVAL_FLAGS][]
  ) {
    await t.step(`${stage}: each flag is passed on or set by the pipeline`, () => {
      for (const [name, flag] of Object.entries(table)) {
        if (notPassed(stage).includes(name)) {
          assert.ok(!STAGE_FLAGS[stage].includes(name), `--${name} is not passed on`);
          continue;
        }
        assert.ok(STAGE_FLAGS[stage].includes(name), `slurm passes --${name} on to ${stage}`);
        const mine = SLURM_COMMAND.flags[name];
        assert.ok(mine, `slurm has --${name} of ${stage}`);
        // The stage's own flag, not a slurm flag of the same name.
        assert.match(mine.description, new RegExp(`^(distort and eval|${stage}): `), name);
        assert.equal(mine.type, flag.type, `--${name}: type`);
        assert.equal(mine.multiple, flag.multiple, `--${name}: multiple`);
        assert.deepEqual(mine.choices, flag.choices, `--${name}: choices`);
        assert.equal(mine.valueName, flag.valueName, `--${name}: value name`);
        // Not applied by slurm: a flag not given is not passed, the stage applies its default.
        assert.equal(mine.default, undefined, `--${name}: no default in slurm`);
      }
    });
    await t.step(`${stage}: the flags the pipeline sets are flags of ${stage}`, () => {
      for (const name of SLURM_OWN_FLAGS[stage]) assert.ok(table[name], `--${name} of ${stage}`);
    });
  }
  await t.step("eval's --sessions and --prefetch are among them", () => {
    assert.ok(STAGE_FLAGS.eval.includes("sessions") && STAGE_FLAGS.eval.includes("prefetch"));
  });
  await t.step("every slurm flag named for a stage is one of its flags", () => {
    for (const [name, flag] of Object.entries(SLURM_COMMAND.flags)) {
      if (!/^(distort|eval|distort and eval): /.test(flag.description) || name === "limit") {
        continue;
      }
      assert.ok(STAGE_FLAGS.distort.includes(name) || STAGE_FLAGS.eval.includes(name), name);
    }
  });
});

/** A value for `flag` that its stage accepts at parse time, distinct per flag. */
function valueOf(name: string, flag: FlagSpec): string[] {
  if (flag.type === "boolean") return [`--${name}`];
  return [`--${name}`, flag.choices ? flag.choices.at(-1)! : `v-${name}`];
}

Deno.test("deno task slurm writes every distort and eval flag given into its stage's script", async () => {
  const out = await Deno.makeTempDir({ prefix: "dfrobust_slurm_flags_" });
  try {
    const given = new Map<string, string[]>();
    for (const stage of ["distort", "eval"] as const) {
      for (const name of STAGE_FLAGS[stage]) given.set(name, valueOf(name, STAGES[stage][name]));
    }
    const run = await runDenoTask("tasks/slurm.ts", [
      ...["--shards", "2", "--out", out, "--json"],
      ...[...given.values()].flat(),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const { pipeline } = JSON.parse(run.stdout);
    for (const stage of ["distort", "eval"] as const) {
      const script = await Deno.readTextFile(pipeline.scripts[stage]);
      const finish = await Deno.readTextFile(pipeline.scripts.finish);
      const [finishDistort, finishEval] = finish.split("# 2.");
      const other = stage === "distort" ? "eval" : "distort";
      for (const name of STAGE_FLAGS[stage]) {
        const words = given.get(name)!.join(" ");
        assert.ok(script.includes(`  ${words} \\\n`), `${stage}.sbatch has ${words}`);
        assert.ok(
          (stage === "distort" ? finishDistort : finishEval).includes(`  ${words} \\\n`),
          `finish.sbatch gives ${stage} ${words}`,
        );
        if (!STAGE_FLAGS[other].includes(name)) {
          const otherScript = await Deno.readTextFile(pipeline.scripts[other]);
          assert.ok(!otherScript.includes(`--${name} `), `${other}.sbatch lacks --${name}`);
        }
      }
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("deno task slurm refuses a value outside a stage flag's choices before writing scripts", async () => {
  const out = await Deno.makeTempDir({ prefix: "dfrobust_slurm_flags_" });
  try {
    const base = ["--shards", "2", "--out", out, "--manifest", "x.csv", "--detector", "demo"];
    for (
      const [flag, value, message] of [
        [
          "--faces",
          "nose",
          /--faces must be one of ultraface, sidecar, full, reference, got "nose"/,
        ],
        ["--profile", "fast", /--profile must be paper or lossless, got "fast"/],
        ["--device", "tpu", /--device must be cpu or cuda, got "tpu"/],
      ] as const
    ) {
      const usage = await runDenoTask("tasks/slurm.ts", [...base, flag, value]);
      assert.equal(usage.code, 2, usage.stderr);
      assert.match(usage.stderr, message);
    }
    const written = [];
    for await (const entry of Deno.readDir(out)) written.push(entry.name);
    assert.deepEqual(written, []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
