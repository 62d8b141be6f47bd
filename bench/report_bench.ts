/**
 * `deno task bench report [--sizes 70,700,7000] [--cache <dir>] [--baseline <checkout>]`: the
 * report on generated stores of the paper's shape (bench/_report_store.ts: 13 copies, 32 frames,
 * 1 face per frame, 3 detectors; built with the store's own writer once and cached under
 * `<cache>`, default `$TMPDIR/dfrobust-bench`), beside the simplest correct computation of the
 * same video-level AUC table in DuckDB and in Polars (bench/_report_simple.ts), in one run. Each
 * is its own process, measured by GNU time: CPU seconds (user + system, the process and its
 * children) and peak resident memory. The report runs twice: with the default 1000 bootstrap
 * resamples and with `--resamples 0`, so the bootstrap's cost per resample is their difference
 * over 1000. `--baseline` names another checkout (e.g. a `git worktree` of an older commit)
 * whose report runs beside this one's on the same stores. Targets (issue 28): the 7,000-video
 * store under 30 CPU s and 2 GB; 10x rows at most 11x the CPU; the 700-video store under 3 CPU s
 * besides its bootstrap.
 * @module
 */
import { parseArgs } from "node:util";
import { BENCH_FLAGS } from "./_bench_args.ts";
import { join } from "node:path";
import { generatedStore, storeRows } from "./_report_store.ts";

const RESAMPLES = 1000;
const REPO = new URL("..", import.meta.url).pathname;

/** CPU seconds and peak RSS of one finished process (and its children). */
interface Usage {
  cpu: number;
  /** Peak resident set size, bytes; NaN when GNU time is not available. */
  rss: number;
}

/** Runs the bench (flags from `args`: `--sizes`, `--cache`, `--baseline`). */
export async function run(args: string[] = Deno.args): Promise<void> {
  const { values } = parseArgs({
    args,
    options: BENCH_FLAGS.report,
  });
  const sizes = String(values.sizes).split(",").map(Number);
  if (sizes.some((n) => !(Number.isInteger(n) && n >= 2))) {
    throw new Error(`--sizes wants video counts (integers >= 2), not "${values.sizes}"`);
  }
  const cache = values.cache ?? join(Deno.env.get("TMPDIR") ?? "/tmp", "dfrobust-bench");
  const timer = await gnuTime();
  if (!timer) console.log("note: GNU time (/usr/bin/time) not found: peak memory not measured");
  const rows: string[] = [];
  const cpu: number[] = [];
  for (const videos of sizes) {
    const { store, built, seconds } = await generatedStore(cache, videos);
    if (built) console.log(`built the ${videos}-video store in ${seconds.toFixed(0)} s: ${store}`);
    const bytes = await folderBytes(store);
    const report = await measure(timer, REPO, ["task", "report", "--store", store, ...JSON_OUT]);
    const bare = await measure(timer, REPO, [
      "task",
      "report",
      "--store",
      store,
      "--resamples",
      "0",
      ...JSON_OUT,
    ]);
    cpu.push(report.cpu);
    const duck = await measure(timer, REPO, [...SIMPLE, "duckdb", store]);
    const polars = await measure(timer, REPO, [...SIMPLE, "polars", store]);
    const perResample = (report.cpu - bare.cpu) / RESAMPLES;
    let line = `| ${videos} videos | ${storeRows(videos).toLocaleString("en")} | ${
      (bytes / 1e6).toFixed(1)
    } MB | ${usage(report)} | ${usage(bare)} | ${(perResample * 1000).toFixed(2)} ms | ${
      usage(duck)
    } | ${usage(polars)} |`;
    if (values.baseline) {
      line += ` ${
        usage(
          await measure(timer, values.baseline, ["task", "report", "--store", store, ...JSON_OUT]),
        )
      } |`;
    }
    rows.push(line);
    console.log(line);
  }
  console.log(
    `\n| store | rows | Parquet | report: CPU s / peak RSS | report --resamples 0 | bootstrap per resample | DuckDB simple | Polars simple |${
      values.baseline ? " baseline report |" : ""
    }\n| --- | ---: | ---: | --- | --- | ---: | --- | --- |${values.baseline ? " --- |" : ""}`,
  );
  for (const row of rows) console.log(row);
  for (let i = 1; i < sizes.length; i++) {
    console.log(
      `${sizes[i]} vs ${sizes[i - 1]} videos: ${(sizes[i] / sizes[i - 1]).toFixed(1)}x rows, ` +
        `${(cpu[i] / cpu[i - 1]).toFixed(1)}x report CPU`,
    );
  }
}

// The report's output: a file (reports are written atomically, not to /dev/null).
const JSON_OUT = ["--format", "json", "--out", join(Deno.makeTempDirSync(), "report.json")];
const SIMPLE = [
  "run",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
  "bench/_report_simple.ts",
];

function usage(u: Usage): string {
  const rss = Number.isNaN(u.rss) ? "n/a" : `${(u.rss / 1e9).toFixed(2)} GB`;
  return `${u.cpu.toFixed(2)} s / ${rss}`;
}

async function gnuTime(): Promise<string | null> {
  try {
    const probe = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "%M", "true"],
      stdout: "null",
      stderr: "null",
    }).output();
    return probe.success ? "/usr/bin/time" : null;
  } catch {
    return null;
  }
}

// `deno <args>` in `cwd`, its CPU and peak memory; throws with its stderr when it fails.
async function measure(timer: string | null, cwd: string, args: string[]): Promise<Usage> {
  const file = await Deno.makeTempFile({ prefix: "dfrobust-bench-time-" });
  try {
    const command = timer
      ? new Deno.Command(timer, { args: ["-f", "%U %S %M", "-o", file, "deno", ...args], cwd })
      : new Deno.Command("deno", { args, cwd });
    const before = timer ? 0 : childCpu();
    const out = await command.output();
    if (!out.success) {
      throw new Error(
        `deno ${args.join(" ")} failed in ${cwd}:\n${new TextDecoder().decode(out.stderr)}`,
      );
    }
    if (!timer) return { cpu: childCpu() - before, rss: NaN };
    const [user, system, kb] = (await Deno.readTextFile(file)).trim().split(/\s+/).slice(-3)
      .map(Number);
    return { cpu: user + system, rss: kb * 1024 };
  } finally {
    await Deno.remove(file);
  }
}

function childCpu(): number {
  const output = new Deno.Command("cat", { args: [`/proc/${Deno.pid}/stat`] }).outputSync();
  const stat = new TextDecoder().decode(output.stdout);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  return (fields[13] + fields[14]) / 100;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) total += await folderBytes(path);
    else if (entry.isFile) total += (await Deno.stat(path)).size;
  }
  return total;
}

if (import.meta.main) await run();
