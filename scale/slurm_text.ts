/**
 * What `deno task slurm` prints about a pipeline (scale/slurm_scripts.ts): the scripts written
 * on a dry run, the job ids once submitted, the wait's progress line and the outcome. `--json`
 * prints the pipeline, jobs and outcome themselves.
 * @module
 */
import {
  SLURM_STAGES,
  type SlurmJobs,
  type SlurmOutcome,
  type SlurmPipeline,
} from "./slurm_scripts.ts";

/**
 * After a dry run: a line saying nothing was submitted and how to submit (`--submit`, or the
 * pipeline's `submit.sh`), then each stage's script, indented by two spaces.
 */
export function slurmScriptsText(pipeline: SlurmPipeline): string {
  return [
    `scripts written (dry run; --submit submits them, or run ${pipeline.submitScript}):`,
    ...SLURM_STAGES.map((stage) => `  ${pipeline.scripts[stage]}`),
  ].join("\n");
}

/**
 * After submitting: one line per stage, `<stage padded to 7>  <job id padded to 8>  <kind>`,
 * where kind is `array 0-<N-1>` for the arrays and `job` for the finishing job.
 */
export function slurmJobsText(pipeline: SlurmPipeline, jobs: SlurmJobs): string {
  return SLURM_STAGES.map((stage) => {
    const kind = stage === "finish" ? "job" : `array 0-${pipeline.shards - 1}`;
    return `${stage.padEnd(7)}  ${jobs[stage].padEnd(8)}  ${kind}`;
  }).join("\n");
}

/**
 * The wait's progress: `waiting for <stages>` naming, in pipeline order, the stages whose job id
 * is among `active` (the jobs still queued or running), or `all jobs ended` when none is.
 */
export function slurmWaitLine(jobs: SlurmJobs, active: readonly string[]): string {
  const stages = SLURM_STAGES.filter((stage) => active.includes(jobs[stage]));
  return stages.length > 0 ? `waiting for ${stages.join(", ")}` : "all jobs ended";
}

/**
 * After the wait: `all tasks completed; report: <report.html>`, or the count of tasks that did
 * not end well and each one's message (its stage, index, state and log), indented by two spaces.
 */
export function slurmOutcomeText(pipeline: SlurmPipeline, outcome: SlurmOutcome): string {
  if (outcome.ok) return `all tasks completed; report: ${pipeline.report}`;
  return [
    `${outcome.failed.length} task(s) did not end well:`,
    ...outcome.failed.map((failed) => `  ${failed.message}`),
  ].join("\n");
}

/** When the wait is stopped (Ctrl-C): the jobs keep running, and how to cancel them. */
export function slurmStoppedText(jobs: SlurmJobs): string {
  const ids = SLURM_STAGES.map((stage) => jobs[stage]).join(" ");
  return `stopped waiting; the jobs keep running (scancel ${ids} stops them)`;
}
