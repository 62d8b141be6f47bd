/**
 * The `test` task: `deno test --parallel` over the whole suite and the doc examples, the heaviest
 * test files first, with one worker more than the machine has CPUs (docs/testing.md).
 *
 * - Order: `deno test` keeps the order of the paths it is given and runs a file named twice once,
 *   so {@link HEAVIEST_FIRST} then `.` starts the long files first and every other file after
 *   them, in name order: no long file starts last and runs alone at the end.
 * - Workers: most heavy files wait on subprocesses part of the time (ffmpeg pipes, a Jupyter
 *   kernel starting, Slurm scheduling); one worker more than CPUs keeps the CPUs busy then
 *   (measured on an idle 2-core machine: 8m17s with 2 workers, 7m50s with 3, CPU idle under 1%).
 *   `DENO_JOBS=<n>` sets the number, as for `deno test`.
 * - Arguments: flags are passed to `deno test`; paths (`deno task test tests/csv_test.ts`) replace
 *   the whole suite.
 * @module
 */

/** The permissions and flags the suite runs with (test:quick uses the same `--allow-*`). */
export const TEST_FLAGS: readonly string[] = [
  "--parallel",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
  "--allow-run",
];

/** The heaviest test files, heaviest first (per-file wall time of a CI run, docs/testing.md). */
export const HEAVIEST_FIRST: readonly string[] = [
  "demo_pipeline",
  "media_video_stream",
  "slurm_pipeline",
  "distort_awkward",
  "copy_quality",
  "eval_clips_time",
  "ops_platform",
  "notebooks",
  "ops_time",
  "demo_model",
  "distort_reliability",
  "ops_real_world",
  "distort_video",
  "shard_resume",
].map((name) => `tests/${name}_test.ts`);

/** Workers: `DENO_JOBS` when set, else one more than the CPUs. */
export function suiteJobs(env: string | undefined, cpus: number): string {
  return env !== undefined && env !== "" ? env : String(Math.max(1, cpus) + 1);
}

/** The `deno test` arguments for the task's own arguments `args`. */
export function suiteArgs(args: readonly string[]): string[] {
  const flags = args.filter((a) => a.startsWith("-"));
  const paths = args.filter((a) => !a.startsWith("-"));
  return [
    "test",
    ...TEST_FLAGS,
    "--doc",
    ...flags,
    ...(paths.length === 0 ? [...HEAVIEST_FIRST, "."] : paths),
  ];
}

if (import.meta.main) {
  const child = new Deno.Command(Deno.execPath(), {
    args: suiteArgs(Deno.args),
    env: {
      DFROBUST_QUIET: "1",
      DENO_JOBS: suiteJobs(Deno.env.get("DENO_JOBS"), navigator.hardwareConcurrency),
    },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  Deno.exit((await child.status).code);
}
