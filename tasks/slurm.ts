/**
 * `deno task slurm`: the pipeline on a Slurm cluster. Writes readable `.sbatch` scripts (a
 * distort job array, an eval job array after it, a finishing job that also writes the report)
 * into `--out`; `--submit` submits them with sbatch and prints the job ids; `--wait` waits for
 * them and exits 1 naming every task that did not end well, with its log file. Thin: flags ->
 * scale/slurm_scripts.ts. See docs/scale.md.
 * @module
 */
import {
  SLURM_STAGES,
  type SlurmJobs,
  type SlurmOutcome,
  type SlurmPipeline,
  submitSlurmPipeline,
  waitForSlurmPipeline,
  writeSlurmPipeline,
} from "../scale/slurm_scripts.ts";
import {
  type CommandSpec,
  type FlagSpec,
  integerFlag,
  type ParsedCommand,
  requireString,
  runTask,
  UsageError,
} from "../util/cli.ts";
import { interruptExitCode, interruptSignal } from "../util/interrupt.ts";
import { limitFlagsFor, limitsHelp, limitsOf, type LimitStage } from "../util/limits.ts";
import { logLine } from "../util/progress.ts";

/** Flags passed through to `deno task distort` / `deno task eval` as given. */
const DISTORT_FLAGS: Record<string, FlagSpec> = {
  manifest: {
    type: "string",
    description: "distort: dataset manifest (CSV id,path,label[,split,method]).",
    valueName: "<csv>",
  },
  ops: { type: "string", description: "distort: operations (default paper).", valueName: "<list>" },
  severity: { type: "string", description: "distort: ladder levels.", valueName: "<levels>" },
  profile: { type: "string", description: "distort: paper or lossless.", valueName: "<name>" },
  backend: { type: "string", description: "distort: auto, native or wasm.", valueName: "<name>" },
  jobs: {
    type: "string",
    description: "distort: videos at once per task (default $SLURM_CPUS_PER_TASK).",
    valueName: "<n>",
  },
  "allow-outside-links": {
    type: "boolean",
    description: "distort: follow dataset links that lead outside the manifest's folder.",
  },
};

const EVAL_FLAGS: Record<string, FlagSpec> = {
  detector: {
    type: "string",
    description: "eval: detector preset or spec .json.",
    valueName: "<preset|spec.json>",
  },
  model: { type: "string", description: "eval: ONNX model file.", valueName: "<model.onnx>" },
  "train-set": { type: "string", description: "eval: training-set label.", valueName: "<label>" },
  faces: { type: "string", description: "eval: face mode.", valueName: "<mode>" },
  "face-model": {
    type: "string",
    description: "eval: UltraFace ONNX model.",
    valueName: "<model.onnx>",
  },
  sidecar: { type: "string", description: "eval: face boxes file.", valueName: "<faces.json>" },
  frames: { type: "string", description: "eval: frames per video.", valueName: "<n>" },
  batch: { type: "string", description: "eval: faces per batch.", valueName: "<n>" },
  threads: {
    type: "string",
    description: "eval: onnxruntime threads per task (default $SLURM_CPUS_PER_TASK).",
    valueName: "<n>",
  },
  device: { type: "string", description: "eval: cpu or cuda.", valueName: "<dev>" },
};

const SPEC: CommandSpec = {
  name: "slurm",
  summary: "Run distort, eval and the report on a Slurm cluster as job arrays: writes " +
    "distort.sbatch (array of --shards tasks, task I makes shard I/N of every copy), eval.sbatch " +
    "(array, after distort: afterok), finish.sbatch (after eval: finishes the copies and the " +
    "store, writes report.html) and submit.sh into --out, with per-task logs in --out/logs. " +
    "The copies, store and report are identical to a single-machine run (docs/scale.md). " +
    "Without --submit this is a dry run that only writes the scripts.",
  flags: {
    shards: {
      type: "string",
      description: "Array tasks per stage (the work is split by video id).",
      valueName: "<n>",
    },
    out: {
      type: "string",
      description: "Folder for the scripts, logs/, copies/, store/ and report.html; it must be " +
        "on a file system every node sees.",
      valueName: "<dir>",
    },
    ...DISTORT_FLAGS,
    ...EVAL_FLAGS,
    limit: {
      type: "string",
      multiple: true,
      description: `distort and eval: raise (or lower) a limit, repeatable: ${limitsHelp("eval")}` +
        `. Each stage is given the limits it applies (distort: ${
          limitsOf("distort").map((l) => l.flag).join(", ")
        }; docs/security.md "Limits").`,
      valueName: "<name=value>",
    },
    partition: { type: "string", description: "Slurm --partition.", valueName: "<name>" },
    time: { type: "string", description: "Slurm --time per task.", valueName: "<limit>" },
    "cpus-per-task": { type: "string", description: "Slurm --cpus-per-task.", valueName: "<n>" },
    mem: { type: "string", description: "Slurm --mem per task.", valueName: "<size>" },
    gres: {
      type: "string",
      description: "Slurm --gres of the eval tasks (e.g. gpu:1 with --device cuda).",
      valueName: "<spec>",
    },
    "sbatch-arg": {
      type: "string",
      multiple: true,
      description: "Another sbatch option for every job, e.g. --sbatch-arg=--account=lab " +
        "(repeat for more).",
      valueName: "<option>",
    },
    "job-name": {
      type: "string",
      description: "Prefix of the job names.",
      default: "dfrobust",
      valueName: "<name>",
    },
    deno: {
      type: "string",
      description: "deno binary the jobs run (default: the one running this task).",
      valueName: "<path>",
    },
    submit: { type: "boolean", description: "Submit the jobs with sbatch and print their ids." },
    wait: {
      type: "boolean",
      description: "With --submit (implied): wait for the jobs; exit 1 naming failed tasks and " +
        "their logs.",
    },
    poll: {
      type: "string",
      description: "Seconds between squeue polls while waiting.",
      default: "5",
      valueName: "<s>",
    },
    json: { type: "boolean", description: "Print scripts, job ids and task states as JSON." },
  },
  epilog: "Example (3 tasks per stage, 4 CPUs each):\n" +
    "  deno task slurm --shards 3 --out /shared/run1 --manifest /shared/ffpp/test.csv \\\n" +
    "    --detector sbi --model /shared/models/sbi.onnx --faces ultraface \\\n" +
    "    --face-model /shared/models/version-RFB-320.onnx --cpus-per-task 4 --time 04:00:00 \\\n" +
    "    --submit --wait\n" +
    "Exit status: 0 when the scripts were written (and, with --wait, every task ended well); " +
    "1 when a task failed (each named, with its log); 2 for a usage error.",
};

/**
 * The `--limit` flags that apply to `stage`, as given (distort refuses the limits only eval
 * applies). A bad value is a usage error here, before any script is written.
 */
function limitArgs(parsed: ParsedCommand, stage: LimitStage): string[] {
  const values = (parsed.values.limit as string[] | undefined) ?? [];
  try {
    return limitFlagsFor(values, stage).flatMap((value) => ["--limit", value]);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The flags of `table` that were given, as `--name value` arguments (a set boolean: `--name`). */
function passThrough(parsed: ParsedCommand, table: Record<string, FlagSpec>): string[] {
  return Object.keys(table).flatMap((name) => {
    const value = parsed.values[name];
    if (value === true) return [`--${name}`];
    return typeof value === "string" ? [`--${name}`, value] : [];
  });
}

function printJobs(pipeline: SlurmPipeline, jobs: SlurmJobs): void {
  for (const stage of SLURM_STAGES) {
    const kind = stage === "finish" ? "job" : `array 0-${pipeline.shards - 1}`;
    console.log(`${stage.padEnd(7)}  ${jobs[stage].padEnd(8)}  ${kind}`);
  }
}

function printOutcome(pipeline: SlurmPipeline, outcome: SlurmOutcome): void {
  if (outcome.ok) {
    console.log(`all tasks completed; report: ${pipeline.report}`);
    return;
  }
  console.log(`${outcome.failed.length} task(s) did not end well:`);
  for (const failed of outcome.failed) console.log(`  ${failed.message}`);
}

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    const out = requireString(parsed, "out");
    const shards = integerFlag(parsed, "shards", 0);
    if (shards < 1) throw new UsageError("--shards is required (a positive integer)");
    requireString(parsed, "manifest");
    requireString(parsed, "detector");
    const pipeline = await writeSlurmPipeline({
      out,
      shards,
      distortArgs: [...passThrough(parsed, DISTORT_FLAGS), ...limitArgs(parsed, "distort")],
      evalArgs: [...passThrough(parsed, EVAL_FLAGS), ...limitArgs(parsed, "eval")],
      deno: parsed.values.deno as string | undefined,
      resources: {
        partition: parsed.values.partition as string | undefined,
        time: parsed.values.time as string | undefined,
        cpusPerTask: parsed.values["cpus-per-task"] === undefined
          ? undefined
          : integerFlag(parsed, "cpus-per-task", 1),
        mem: parsed.values.mem as string | undefined,
        gres: parsed.values.gres as string | undefined,
        sbatchArgs: (parsed.values["sbatch-arg"] as string[] | undefined) ?? [],
        jobName: parsed.values["job-name"] as string,
      },
    });
    const json: Record<string, unknown> = { pipeline };
    const wait = parsed.values.wait === true;
    if (parsed.values.submit !== true && !wait) {
      if (parsed.values.json) console.log(JSON.stringify(json, null, 2));
      else {
        console.log(
          `scripts written (dry run; --submit submits them, or run ${pipeline.submitScript}):`,
        );
        for (const stage of SLURM_STAGES) console.log(`  ${pipeline.scripts[stage]}`);
      }
      return 0;
    }
    const jobs = await submitSlurmPipeline(pipeline);
    json.jobs = jobs;
    if (!parsed.values.json) printJobs(pipeline, jobs);
    if (!wait) {
      if (parsed.values.json) console.log(JSON.stringify(json, null, 2));
      return 0;
    }
    const pollSeconds = Number(parsed.values.poll);
    if (!(pollSeconds > 0)) throw new UsageError(`--poll must be a positive number of seconds`);
    let last = "";
    let outcome: SlurmOutcome;
    try {
      outcome = await waitForSlurmPipeline(jobs, {
        pollMs: pollSeconds * 1000,
        // Ctrl-C stops the waiting, not the jobs.
        signal: interruptSignal(),
        onPoll: (active) => {
          const stages = SLURM_STAGES.filter((stage) => active.includes(jobs[stage]));
          const now = stages.length > 0 ? `waiting for ${stages.join(", ")}` : "all jobs ended";
          if (now !== last) logLine(`slurm: ${now}`);
          last = now;
        },
      });
    } catch (error) {
      const code = interruptExitCode(error);
      if (code === null) throw error;
      const ids = SLURM_STAGES.map((stage) => jobs[stage]).join(" ");
      console.error(`stopped waiting; the jobs keep running (scancel ${ids} stops them)`);
      return code;
    }
    json.outcome = outcome;
    if (parsed.values.json) console.log(JSON.stringify(json, null, 2));
    else printOutcome(pipeline, outcome);
    return outcome.ok ? 0 : 1;
  });
}
