/**
 * `deno task slurm`: the pipeline on a Slurm cluster. Writes readable `.sbatch` scripts (a
 * distort job array, an eval job array after it, a finishing job that also writes the report)
 * into `--out`; `--submit` submits them with sbatch and prints the job ids; `--wait` waits for
 * them and exits 1 naming every task that did not end well, with its log file. Thin: flags ->
 * scale/slurm_scripts.ts. See docs/scale.md.
 * @module
 */
import {
  SLURM_OWN_FLAGS,
  type SlurmOutcome,
  submitSlurmPipeline,
  waitForSlurmPipeline,
  writeSlurmPipeline,
} from "../scale/slurm_scripts.ts";
import {
  slurmJobsText,
  slurmOutcomeText,
  slurmScriptsText,
  slurmStoppedText,
  slurmWaitLine,
} from "../scale/slurm_text.ts";
import {
  type CommandSpec,
  type FlagSpec,
  integerFlag,
  optionalIntegerFlag,
  type ParsedCommand,
  requireString,
  runTask,
  UsageError,
} from "../util/cli.ts";
import { interruptExitCode, interruptSignal } from "../util/interrupt.ts";
import { limitFlagsFor, limitsHelp, limitsOf, type LimitStage } from "../util/limits.ts";
import { logLine } from "../util/progress.ts";
import { commandLine } from "../util/command_line.ts";
import { DISTORT_FLAGS } from "./_distort_flags.ts";
import { EVAL_FLAGS } from "./_eval_flags.ts";

/** The stages whose flags `slurm` passes on, with each one's flag table. */
const STAGE_TABLES: Readonly<Record<"distort" | "eval", Readonly<Record<string, FlagSpec>>>> = {
  distort: DISTORT_FLAGS,
  eval: EVAL_FLAGS,
};

/**
 * The flags of a stage that `slurm` does not take as such: those the pipeline sets itself
 * (scale/slurm_scripts.ts), `--json` (slurm's own prints its output; the stages' output goes to
 * the logs) and `--limit` (slurm's own gives each stage the limits it applies).
 */
export function notPassed(stage: "distort" | "eval"): readonly string[] {
  return [...SLURM_OWN_FLAGS[stage], "json", "limit"];
}

/**
 * What `slurm` says of a flag beyond the stage's own description: the defaults the scripts set
 * from the task's CPUs.
 */
const SLURM_DEFAULTS: Readonly<Record<string, string>> = {
  jobs: "Default here: $SLURM_CPUS_PER_TASK.",
  threads: "Default here: $SLURM_CPUS_PER_TASK.",
};

/**
 * Every flag `slurm` passes on to distort or eval, by stage: each stage's flag table less
 * {@link notPassed}. A flag of both (`--allow-outside-links`) goes to both.
 */
export const STAGE_FLAGS: Readonly<Record<"distort" | "eval", readonly string[]>> = {
  distort: Object.keys(DISTORT_FLAGS).filter((name) => !notPassed("distort").includes(name)),
  eval: Object.keys(EVAL_FLAGS).filter((name) => !notPassed("eval").includes(name)),
};

/**
 * The flag table entries of {@link STAGE_FLAGS}, described as `distort: ...` / `eval: ...` (or
 * `distort and eval: ...`). The stage's default is stated, not applied: a flag not given is not
 * passed, and the stage applies its own default.
 */
function stageFlags(): Record<string, FlagSpec> {
  const flags: Record<string, FlagSpec> = {};
  for (const stage of ["distort", "eval"] as const) {
    for (const name of STAGE_FLAGS[stage]) {
      if (flags[name] !== undefined) continue;
      const flag = STAGE_TABLES[stage][name];
      const stages = (["distort", "eval"] as const).filter((s) => STAGE_FLAGS[s].includes(name));
      const { default: value, ...rest } = flag;
      const notes = [
        value !== undefined && value !== false ? `(default: ${value})` : "",
        SLURM_DEFAULTS[name] ?? "",
      ].filter((note) => note !== "");
      flags[name] = {
        ...rest,
        description: [`${stages.join(" and ")}: ${flag.description}`, ...notes].join(" "),
      };
    }
  }
  return flags;
}

/** The command line of `deno task slurm`; its distort and eval flags are {@link STAGE_FLAGS}. */
export const SLURM_COMMAND: CommandSpec = {
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
    ...stageFlags(),
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
    `  ${commandLine("slurm")} ` +
    "--shards 3 --out /shared/run1 --manifest /shared/ffpp/test.csv \\\n" +
    "    --detector sbi --model /shared/models/sbi.onnx --faces ultraface \\\n" +
    "    --face-model /shared/models/version-RFB-320.onnx --cpus-per-task 4 --time 04:00:00 \\\n" +
    "    --submit --wait\n" +
    "Exit status: 0 when the scripts were written (and, with --wait, every task ended well); " +
    "1 when a task failed (each named, with its log); 2 for a usage error.",
};

/**
 * The `--limit` flags that apply to `stage`, as given (distort refuses the limits only eval
 * applies). A bad value is an OptionError (exit 2) here, before any script is written.
 */
function limitArgs(parsed: ParsedCommand, stage: LimitStage): string[] {
  const values = (parsed.values.limit as string[] | undefined) ?? [];
  return limitFlagsFor(values, stage).flatMap((value) => ["--limit", value]);
}

/** The flags `names` that were given, as `--name value` arguments (a set boolean: `--name`). */
function passThrough(parsed: ParsedCommand, names: readonly string[]): string[] {
  return names.flatMap((name) => {
    const value = parsed.values[name];
    if (value === true) return [`--${name}`];
    return typeof value === "string" ? [`--${name}`, value] : [];
  });
}

if (import.meta.main) {
  await runTask(SLURM_COMMAND, async (parsed) => {
    const out = requireString(parsed, "out");
    const shards = integerFlag(parsed, "shards", 0);
    if (shards < 1) throw new UsageError("--shards is required (a positive integer)");
    requireString(parsed, "manifest");
    requireString(parsed, "detector");
    const pipeline = await writeSlurmPipeline({
      out,
      shards,
      distortArgs: [...passThrough(parsed, STAGE_FLAGS.distort), ...limitArgs(parsed, "distort")],
      evalArgs: [...passThrough(parsed, STAGE_FLAGS.eval), ...limitArgs(parsed, "eval")],
      deno: parsed.values.deno as string | undefined,
      resources: {
        partition: parsed.values.partition as string | undefined,
        time: parsed.values.time as string | undefined,
        cpusPerTask: optionalIntegerFlag(parsed, "cpus-per-task"),
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
      else console.log(slurmScriptsText(pipeline));
      return 0;
    }
    const jobs = await submitSlurmPipeline(pipeline);
    json.jobs = jobs;
    if (!parsed.values.json) console.log(slurmJobsText(pipeline, jobs));
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
          const now = slurmWaitLine(jobs, active);
          if (now !== last) logLine(`slurm: ${now}`);
          last = now;
        },
      });
    } catch (error) {
      const code = interruptExitCode(error);
      if (code === null) throw error;
      console.error(slurmStoppedText(jobs));
      return code;
    }
    json.outcome = outcome;
    if (parsed.values.json) console.log(JSON.stringify(json, null, 2));
    else console.log(slurmOutcomeText(pipeline, outcome));
    return outcome.ok ? 0 : 1;
  });
}
