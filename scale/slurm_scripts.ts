/**
 * The pipeline as Slurm jobs: readable `.sbatch` scripts for a distort job array, an eval job
 * array that starts when every distort task has ended well (`afterok`), and a final job that
 * finishes the copies and the store and writes the report; plus `submit.sh`, which submits the
 * three in order as {@link submitSlurmPipeline} does. The cluster does the scheduling; dfrobust
 * only makes the work divisible (scale/shard.ts): array task I runs `--shard I/N`.
 *
 * Layout of the output folder: `distort.sbatch`, `eval.sbatch`, `finish.sbatch`, `submit.sh`,
 * `logs/<stage>_<job>_<task>.log` (Slurm's `%A_%a`; `finish_<job>.log`), `copies/`, `store/`,
 * `report.html`. Every folder is created before submission (a task whose `--output` folder is
 * missing fails to launch). The scripts run deno with the permissions of the deno.json task they
 * stand for (never `-A`), from this repository, by absolute paths.
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { atomicWriteFile } from "../util/atomic.ts";
import { taskRun } from "../util/task_table.ts";
import { commandLine } from "../util/command_line.ts";
import { sbatch, type TaskState, taskSucceeded, waitForJobs, type WaitOptions } from "./slurm.ts";
import { OptionError } from "../util/option_error.ts";

/** The repository root of this dfrobust (its tasks run in the jobs). */
const REPO = dirname(dirname(fileURLToPath(import.meta.url)));

/** Resources and extra options asked of Slurm (all optional: the cluster's defaults apply). */
export interface SlurmResources {
  /** `--partition`. */
  partition?: string;
  /** `--time` limit of each task, e.g. `04:00:00`. */
  time?: string;
  /** `--cpus-per-task`; also the eval threads and distort jobs unless given in their flags. */
  cpusPerTask?: number;
  /** `--mem` per task, e.g. `8G`. */
  mem?: string;
  /** `--gres` of the eval tasks only (GPUs for inference, e.g. `gpu:1`). */
  gres?: string;
  /** More `sbatch` options for every job, one per entry (`--account=lab`, `--qos=short`). */
  sbatchArgs?: readonly string[];
  /** Prefix of the job names. Default `dfrobust`. */
  jobName?: string;
}

/** Options of {@link writeSlurmPipeline}. */
export interface SlurmPipelineOptions {
  /** Output folder: scripts, logs, `copies/`, `store/`, `report.html`. */
  out: string;
  /** Number of shards (array tasks per stage), at least 1. */
  shards: number;
  /** Flags of `deno task distort` (not `--out`, `--shard`, `--finish`: set here). */
  distortArgs: readonly string[];
  /** Flags of `deno task eval` (not `--data`, `--store`, `--shard`, `--finish`: set here). */
  evalArgs: readonly string[];
  /** More flags of `deno task report` (not `--store`, `--data`, `--out`). */
  reportArgs?: readonly string[];
  resources?: SlurmResources;
  /** The deno binary the jobs run. Default: the one running this (`Deno.execPath()`). */
  deno?: string;
  /** Folder the jobs start in (`--chdir`), where relative paths in the flags resolve. Default: cwd. */
  workDir?: string;
}

/** The three stages, in submission order. */
export const SLURM_STAGES = ["distort", "eval", "finish"] as const;

/** One of {@link SLURM_STAGES}. */
export type SlurmStage = (typeof SLURM_STAGES)[number];

/** What {@link writeSlurmPipeline} wrote. */
export interface SlurmPipeline {
  /** Absolute output folder. */
  out: string;
  shards: number;
  copies: string;
  store: string;
  report: string;
  logs: string;
  /** Absolute path of each stage's script. */
  scripts: Record<SlurmStage, string>;
  /** `submit.sh`: submits the three in order, with the dependencies. */
  submitScript: string;
}

/**
 * Flags of each task that the pipeline sets itself (where, which shard, whether to redo); refused
 * in the pass-through flags. `deno task slurm` takes every other flag of distort and eval.
 */
export const SLURM_OWN_FLAGS: Readonly<Record<"distort" | "eval" | "report", readonly string[]>> = {
  distort: ["out", "shard", "finish", "shards", "force", "dry-run"],
  eval: ["data", "store", "shard", "finish", "force"],
  report: ["store", "data", "out"],
};

/**
 * Writes the scripts into `options.out` and creates its `logs/`, `copies/` and `store/` folders;
 * submits nothing. Returns the paths.
 * @throws {RangeError} for a shard count below 1 or a flag the pipeline sets itself.
 */
export async function writeSlurmPipeline(options: SlurmPipelineOptions): Promise<SlurmPipeline> {
  const texts = slurmScriptTexts(options);
  const out = resolve(options.out);
  const pipeline = pipelinePaths(out, options.shards);
  for (const dir of [out, pipeline.logs, pipeline.copies, pipeline.store]) {
    await Deno.mkdir(dir, { recursive: true });
  }
  for (const stage of SLURM_STAGES) await atomicWriteFile(pipeline.scripts[stage], texts[stage]);
  await atomicWriteFile(pipeline.submitScript, texts.submit);
  await Deno.chmod(pipeline.submitScript, 0o755).catch(() => {});
  return pipeline;
}

function pipelinePaths(out: string, shards: number): SlurmPipeline {
  return {
    out,
    shards,
    copies: join(out, "copies"),
    store: join(out, "store"),
    report: join(out, "report.html"),
    logs: join(out, "logs"),
    scripts: {
      distort: join(out, "distort.sbatch"),
      eval: join(out, "eval.sbatch"),
      finish: join(out, "finish.sbatch"),
    },
    submitScript: join(out, "submit.sh"),
  };
}

/**
 * The text of each script (pure: nothing is written). See the module doc for what they do.
 * @throws {RangeError} for a shard count below 1 or a flag the pipeline sets itself.
 */
export function slurmScriptTexts(
  options: SlurmPipelineOptions,
): Record<SlurmStage | "submit", string> {
  if (!Number.isInteger(options.shards) || options.shards < 1) {
    throw new OptionError(`The shard count must be a positive integer, got ${options.shards}`);
  }
  checkOwnFlags("distort", options.distortArgs);
  checkOwnFlags("eval", options.evalArgs);
  checkOwnFlags("report", options.reportArgs ?? []);
  const out = resolve(options.out);
  const paths = pipelinePaths(out, options.shards);
  const n = options.shards;
  // How the user runs slurm (deno task, or the installed dfrobust command), named in headers.
  const slurm = commandLine("slurm");
  const resources = options.resources ?? {};
  const name = resources.jobName ?? "dfrobust";
  const cpus = resources.cpusPerTask;
  const perTask = '"${SLURM_CPUS_PER_TASK:-1}"';
  const shardArg = `"\${SLURM_ARRAY_TASK_ID}/${n}"`;
  const header = (stage: SlurmStage, lines: string[]) => [
    "#!/bin/bash",
    ...lines.map((line) => `# ${line}`.trimEnd()),
    ...sbatchLines(stage, {
      ...resources,
      name: `${name}-${stage}`,
      array: stage === "finish" ? null : `0-${n - 1}`,
      output: join(paths.logs, stage === "finish" ? "finish_%j.log" : `${stage}_%A_%a.log`),
      chdir: resolve(options.workDir ?? Deno.cwd()),
    }),
    "set -euo pipefail",
    "export NO_COLOR=1",
    `DENO=${shellQuote(options.deno ?? Deno.execPath())}`,
    `REPO=${shellQuote(REPO)}`,
    "",
  ];
  const distortArgs = [
    ...options.distortArgs,
    ...(hasFlag(options.distortArgs, "jobs") ? [] : ["--jobs", perTask]),
    "--out",
    paths.copies,
  ];
  const evalArgs = [
    ...options.evalArgs,
    ...(hasFlag(options.evalArgs, "threads") ? [] : ["--threads", perTask]),
    "--data",
    paths.copies,
    "--store",
    paths.store,
  ];
  const distort = [
    ...header("distort", [
      `dfrobust distort as a Slurm job array of ${n} tasks, written by \`${slurm}\``,
      `(docs/scale.md). Task I makes shard I/${n} of every copy: the videos whose rank among the`,
      `sorted video ids is I modulo ${n}. Tasks run at once on any nodes that share this folder;`,
      "each writes only its own files, and the last one to end writes every copy's manifest.json",
      "and dataset.csv. Rerun a failed or cancelled task alone (the shard count is fixed here):",
      `  sbatch --array=<I> ${paths.scripts.distort}`,
      ...(cpus ? [] : ["Distort runs $SLURM_CPUS_PER_TASK videos at once (1 unless set)."]),
    ]),
    command("distort", [...distortArgs, "--shard", shardArg]),
  ];
  const evalScript = [
    ...header("eval", [
      `dfrobust eval as a Slurm job array of ${n} tasks, written by \`${slurm}\``,
      `(docs/scale.md); submitted to start once every distort task has ended well (afterok).`,
      `Task I scores shard I/${n}'s videos of every copy into its own part of each store unit`,
      "(part-<unit>.shard-<I>of<N>.parquet); the last task to end merges each unit into its",
      "whole part. Rerun a failed or cancelled task alone:",
      `  sbatch --array=<I> ${paths.scripts.eval}`,
    ]),
    command("eval", [...evalArgs, "--shard", shardArg]),
  ];
  const finish = [
    ...header("finish", [
      `dfrobust's finishing job, written by \`${slurm}\` (docs/scale.md); submitted to start`,
      "once every eval task has ended well. Safe to rerun: it only assembles what the shards",
      "left and fails, naming it, when something is missing.",
    ]),
    "# 1. copies: write any manifest the shards left unwritten; fail naming missing videos",
    command("distort", [
      ...options.distortArgs,
      "--out",
      paths.copies,
      "--finish",
      "--shards",
      String(n),
    ]),
    "",
    "# 2. store: merge each unit's shard parts into its whole part; fail naming missing parts",
    command("eval", [
      ...options.evalArgs,
      "--data",
      paths.copies,
      "--store",
      paths.store,
      "--finish",
    ]),
    "",
    "# 3. Table I, charts and provenance",
    command("report", [
      ...(options.reportArgs ?? []),
      "--store",
      paths.store,
      "--data",
      paths.copies,
      "--out",
      paths.report,
    ]),
  ];
  const submit = [
    "#!/bin/bash",
    "# Submits this folder's three jobs in order, each waiting for the one before to end well",
    `# (what \`${slurm} --submit\` does). Written by \`${slurm}\` (docs/scale.md).`,
    "set -euo pipefail",
    `cd ${shellQuote(out)}`,
    "distort_job=$(sbatch --parsable distort.sbatch)",
    'eval_job=$(sbatch --parsable --dependency=afterok:"${distort_job%%;*}" eval.sbatch)',
    'finish_job=$(sbatch --parsable --dependency=afterok:"${eval_job%%;*}" finish.sbatch)',
    'echo "distort ${distort_job%%;*}"',
    'echo "eval ${eval_job%%;*}"',
    'echo "finish ${finish_job%%;*}"',
  ];
  return {
    distort: distort.join("\n") + "\n",
    eval: evalScript.join("\n") + "\n",
    finish: finish.join("\n") + "\n",
    submit: submit.join("\n") + "\n",
  };
}

interface SbatchHeader extends SlurmResources {
  name: string;
  array: string | null;
  output: string;
  chdir: string;
}

function sbatchLines(stage: SlurmStage, h: SbatchHeader): string[] {
  const options: [string, string | number | undefined | null][] = [
    ["job-name", h.name],
    ["array", h.array],
    ["output", h.output],
    ["chdir", h.chdir],
    ["partition", h.partition],
    ["time", h.time],
    ["cpus-per-task", stage === "finish" ? undefined : h.cpusPerTask],
    ["mem", h.mem],
    ["gres", stage === "eval" ? h.gres : undefined],
  ];
  return [
    ...options.filter(([, value]) => value !== undefined && value !== null && value !== "")
      .map(([key, value]) => `#SBATCH --${key}=${sbatchValue(String(value))}`),
    ...(h.sbatchArgs ?? []).map((arg) => `#SBATCH ${arg}`),
  ];
}

/** One `deno run` line of a task, with the permissions of its deno.json task. */
function command(task: "distort" | "eval" | "report", args: readonly string[]): string {
  const { flags, file } = taskCommand(task);
  const head = `"$DENO" run --config "$REPO/deno.json" ${flags.join(" ")} "$REPO/${file}"`;
  const lines = [head];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = args[i + 1];
    // A flag and its value on one line, for reading.
    if (arg.startsWith("--") && next !== undefined && !next.startsWith("--")) {
      lines.push(`${arg} ${quoteArg(next)}`);
      i++;
    } else lines.push(quoteArg(arg));
  }
  return lines.join(" \\\n  ");
}

/** The permission flags and task file of a deno.json task (`deno run <flags> <file>`). */
export function taskCommand(task: string): { flags: string[]; file: string } {
  const { flags, script } = taskRun(task);
  return { flags, file: script };
}

/** A value of the scripts' own making (`"${SLURM_ARRAY_TASK_ID}/3"`) stays as written. */
function quoteArg(arg: string): string {
  return arg.startsWith('"${SLURM_') ? arg : shellQuote(arg);
}

/** Quotes `word` for bash when it needs it (single quotes; a quote inside as `'\''`). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** An `#SBATCH` value: double-quoted when it holds a space or a quote (sbatch reads them so). */
function sbatchValue(value: string): string {
  return /[\s"'\\]/.test(value)
    ? `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`
    : value;
}

function hasFlag(args: readonly string[], flag: string): boolean {
  return args.some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`));
}

function checkOwnFlags(task: keyof typeof SLURM_OWN_FLAGS, args: readonly string[]): void {
  const clash = SLURM_OWN_FLAGS[task].find((flag) => hasFlag(args, flag));
  if (clash) {
    throw new OptionError(
      `--${clash} of ${task} is set by the Slurm pipeline itself; leave it out of the ${task} flags`,
    );
  }
}

/** The job id of each stage. */
export type SlurmJobs = Record<SlurmStage, string>;

/**
 * Submits the three scripts with `sbatch --parsable`, eval after distort and finish after eval
 * (`--dependency=afterok`), and returns their job ids.
 * @throws `SlurmError` when sbatch refuses a script (the jobs submitted before it stay queued;
 *   the message says which).
 */
export async function submitSlurmPipeline(pipeline: SlurmPipeline): Promise<SlurmJobs> {
  const distort = await sbatch(pipeline.scripts.distort);
  const evalJob = await sbatch(pipeline.scripts.eval, { afterOk: [distort] });
  const finish = await sbatch(pipeline.scripts.finish, { afterOk: [evalJob] });
  return { distort, eval: evalJob, finish };
}

/** A task that did not end well. */
export interface FailedTask {
  stage: SlurmStage;
  task: TaskState;
  /** One sentence: stage, task, state, reason, exit code and log file. */
  message: string;
}

/** What became of the pipeline's jobs. */
export interface SlurmOutcome {
  /** True when every task of every stage ended `COMPLETED`. */
  ok: boolean;
  /** Every task's state, by stage. */
  tasks: Record<SlurmStage, TaskState[]>;
  /** The tasks that did not end well. */
  failed: FailedTask[];
}

/** Waits for the pipeline's jobs to leave the queue (slurm.ts) and reads every task's state. */
export async function waitForSlurmPipeline(
  jobs: SlurmJobs,
  options: WaitOptions = {},
): Promise<SlurmOutcome> {
  const states = await waitForJobs(SLURM_STAGES.map((stage) => jobs[stage]), options);
  const tasks = Object.fromEntries(
    SLURM_STAGES.map((stage) => [stage, states.get(jobs[stage]) ?? []]),
  ) as Record<SlurmStage, TaskState[]>;
  const failed: FailedTask[] = SLURM_STAGES.flatMap((stage) =>
    tasks[stage].filter((task) => !taskSucceeded(task)).map((task) => ({
      stage,
      task,
      message: describeTask(stage, task),
    }))
  );
  return { ok: failed.length === 0, tasks, failed };
}

/** `distort task 1 (job 12_1): FAILED (NonZeroExitCode, exit 1:0); log /x/logs/distort_12_1.log`. */
export function describeTask(stage: SlurmStage, task: TaskState): string {
  const which = task.arrayTaskId === null
    ? `${stage} (job ${task.jobId})`
    : `${stage} task ${task.arrayTaskId} (job ${task.arrayJobId}_${task.arrayTaskId})`;
  const why = [
    task.reason && task.reason !== "None" ? task.reason : null,
    task.reason === "DependencyNeverSatisfied" ? "a job it waits for did not end well" : null,
    task.exitCode && task.exitCode !== "0:0" ? `exit ${task.exitCode}` : null,
  ].filter((part) => part !== null);
  const ran = task.reason !== "DependencyNeverSatisfied" && task.stdout;
  return `${which}: ${task.state}${why.length > 0 ? ` (${why.join(", ")})` : ""}` +
    (ran ? `; log ${task.stdout}` : "");
}
