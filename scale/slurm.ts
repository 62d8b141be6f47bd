/**
 * The one seam to Slurm's commands: `sbatch --parsable` to submit, `squeue -h -j <id>` to see
 * whether a job still runs, and `scontrol -o show job <id>` for the state of each task of a
 * finished job (one line per array task). `sacct` is not used: it needs the accounting daemon
 * (slurmdbd), which small clusters often lack. `sbatch --wait` is not used either: it polls at 2 s,
 * 8 s, then every 32 s. Finished jobs stay visible to scontrol for `MinJobAge` seconds (300 by
 * default), so a waiter reads their states as soon as squeue stops listing them.
 * @module
 */
import { sleep } from "../util/sleep.ts";

/** Thrown when a Slurm command fails; the message names the command and what it printed. */
export class SlurmError extends Error {
  override name = "SlurmError";
}

/** What a Slurm command printed. */
interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runSlurm(command: string, args: readonly string[]): Promise<CommandResult> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, {
      args: [...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new SlurmError(
        `Cannot run "${command}": not found (install Slurm's client commands, e.g. Debian's ` +
          `slurm-client, or run on a login node of the cluster)`,
      );
    }
    throw new SlurmError(`Cannot run "${command}": ${(error as Error).message}`);
  }
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** Options of {@link sbatch}. */
export interface SbatchOptions {
  /** Job ids this job waits for, each to end successfully (`--dependency=afterok:a:b`). */
  afterOk?: readonly string[];
  /** More `sbatch` arguments, before the script. */
  args?: readonly string[];
}

/**
 * Submits `script` with `sbatch --parsable` and returns the job id (for an array, the array's
 * job id).
 * @throws {SlurmError} naming the script and sbatch's message when sbatch refuses it.
 */
export async function sbatch(script: string, options: SbatchOptions = {}): Promise<string> {
  const args = ["--parsable"];
  if (options.afterOk?.length) args.push(`--dependency=afterok:${options.afterOk.join(":")}`);
  args.push(...(options.args ?? []), script);
  const result = await runSlurm("sbatch", args);
  // --parsable prints "<jobid>" or "<jobid>;<cluster>".
  const id = result.stdout.trim().split(";")[0];
  if (result.code !== 0 || !/^\d+$/.test(id)) {
    throw new SlurmError(
      `sbatch ${args.join(" ")} failed (exit ${result.code}): ${
        (result.stderr || result.stdout).trim()
      }`,
    );
  }
  return id;
}

/** True while squeue lists job `id` (any of its array tasks pending or running). */
export async function jobActive(id: string): Promise<boolean> {
  const result = await runSlurm("squeue", ["-h", "-j", id, "-o", "%i"]);
  // A job purged from slurmctld is "Invalid job id specified": it is not active.
  if (result.code !== 0) {
    if (/invalid job id/i.test(result.stderr)) return false;
    throw new SlurmError(
      `squeue -h -j ${id} failed (exit ${result.code}): ${result.stderr.trim()}`,
    );
  }
  return result.stdout.trim() !== "";
}

/** The state of one job, or one task of a job array, as scontrol shows it. */
export interface TaskState {
  /** The job id of this task (each array task has its own). */
  jobId: string;
  /** The array's job id, or the job's own id when it is not an array. */
  arrayJobId: string;
  /** The array task id (`0`, `2`, or a range `0-2` while pending), null when not an array. */
  arrayTaskId: string | null;
  /** `COMPLETED`, `FAILED`, `CANCELLED`, `TIMEOUT`, `OUT_OF_MEMORY`, `PENDING`, `RUNNING`, ... */
  state: string;
  /** Why, e.g. `NonZeroExitCode`, `DependencyNeverSatisfied`, `None`. */
  reason: string;
  /** `<exit code>:<signal>`, e.g. `3:0`. */
  exitCode: string;
  /** The log file of the task (its `StdOut`, with `%A`/`%a` filled in). */
  stdout: string | null;
}

/** A `Key=` that starts a field of scontrol's one-line output (`CPUs/Task=`, `ReqB:S:C:T=`). */
const FIELD_START = /^[A-Za-z][A-Za-z0-9_:/]*=/;

/**
 * Reads `scontrol -o show job` output: one line of space-separated `Key=Value` fields per job or
 * array task. Values may hold spaces (a log path in a folder with a space, a job name): a word
 * that does not start a new `Key=` continues the value before it.
 */
export function parseScontrolJobs(text: string): TaskState[] {
  const tasks: TaskState[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("JobId=")) continue;
    const fields = new Map<string, string>();
    let key = "";
    for (const word of line.trimEnd().split(" ")) {
      const start = FIELD_START.exec(word);
      if (start) {
        key = start[0].slice(0, -1);
        fields.set(key, word.slice(start[0].length));
      } else if (key) {
        fields.set(key, `${fields.get(key)} ${word}`);
      }
    }
    const jobId = fields.get("JobId")!;
    tasks.push({
      jobId,
      arrayJobId: fields.get("ArrayJobId") ?? jobId,
      arrayTaskId: fields.get("ArrayTaskId") ?? null,
      state: fields.get("JobState") ?? "UNKNOWN",
      reason: fields.get("Reason") ?? "",
      exitCode: fields.get("ExitCode") ?? "",
      stdout: fields.get("StdOut") || null,
    });
  }
  return tasks;
}

/**
 * The state of job `id`, one entry per array task (sorted by task id). A job slurmctld no longer
 * knows (purged after `MinJobAge`) gives one entry in state `UNKNOWN`.
 */
export async function jobTasks(id: string): Promise<TaskState[]> {
  const result = await runSlurm("scontrol", ["-o", "show", "job", id]);
  if (result.code !== 0) {
    if (/invalid job id/i.test(result.stderr)) {
      return [{
        jobId: id,
        arrayJobId: id,
        arrayTaskId: null,
        state: "UNKNOWN",
        reason: "purged from slurmctld (MinJobAge) before its state was read",
        exitCode: "",
        stdout: null,
      }];
    }
    throw new SlurmError(
      `scontrol -o show job ${id} failed (exit ${result.code}): ${result.stderr.trim()}`,
    );
  }
  return parseScontrolJobs(result.stdout).sort((a, b) =>
    Number(a.arrayTaskId ?? 0) - Number(b.arrayTaskId ?? 0)
  );
}

/** Options of {@link waitForJobs}. */
export interface WaitOptions {
  /** Milliseconds between polls. Default 5000. */
  pollMs?: number;
  /** Stops waiting (rejects with the signal's reason); the jobs keep running. */
  signal?: AbortSignal;
  /** Called after each poll with the ids still active. */
  onPoll?: (active: string[]) => void;
}

/**
 * Waits until squeue lists none of `ids`, then returns every task's state, by job id. A job that
 * depends on a failed one ends `CANCELLED` (`DependencyNeverSatisfied`) when the cluster sets
 * `DependencyParameters=kill_invalid_depend`; without it, it would pend forever.
 */
export async function waitForJobs(
  ids: readonly string[],
  options: WaitOptions = {},
): Promise<Map<string, TaskState[]>> {
  let active = [...ids];
  while (true) {
    const still: string[] = [];
    for (const id of active) if (await jobActive(id)) still.push(id);
    active = still;
    options.onPoll?.(active);
    if (active.length === 0) break;
    await sleep(options.pollMs ?? 5000, options.signal);
  }
  const states = new Map<string, TaskState[]>();
  for (const id of ids) states.set(id, await jobTasks(id));
  return states;
}

/** True when a task ended well (`COMPLETED`). */
export function taskSucceeded(task: TaskState): boolean {
  return task.state === "COMPLETED";
}
