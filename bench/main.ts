/**
 * `deno task bench [name...] [flags]`: runs the benchmarks in this folder one after another (all
 * by default), each printing its side-by-side ratios. Names and flags: bench/_bench_args.ts (a
 * flag goes to the benchmarks that take it: `deno task bench report --sizes 70,700`). An unknown
 * name or flag, or a flag of a benchmark not run, exits 2 before anything starts.
 * @module
 */
import { benchHelp, parseBenchArgs } from "./_bench_args.ts";
import { commandLine } from "../util/cli.ts";
import { OptionError } from "../util/option_error.ts";

const BENCHES: Record<string, () => Promise<{ run: (args?: string[]) => Promise<void> }>> = {
  auc: () => import("./auc_bench.ts"),
  distort: () => import("./distort_bench.ts"),
  eval: () => import("./eval_bench.ts"),
  eval_clip: () => import("./eval_clip_bench.ts"),
  preprocess: () => import("./preprocess_bench.ts"),
  wasm_vs_native: () => import("./wasm_vs_native_bench.ts"),
  demo: () => import("./demo_bench.ts"),
  report: () => import("./report_bench.ts"),
  decision: () => import("./decision_bench.ts"),
};

let parsed;
try {
  parsed = parseBenchArgs(Deno.args);
} catch (error) {
  if (!(error instanceof OptionError)) throw error;
  console.error(`error: ${error.message}`);
  console.error(`Run "${commandLine("bench")} --help" for usage.`);
  Deno.exit(2);
}
if (parsed.help) {
  console.log(benchHelp());
  Deno.exit(0);
}
for (const name of parsed.names) {
  console.log(`\n## ${name}`);
  const bench = await BENCHES[name]();
  await bench.run(parsed.flags.get(name));
}
