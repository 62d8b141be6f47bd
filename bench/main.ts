/**
 * `deno task bench [name...]`: runs the benchmarks in this folder one after another (all by
 * default), each printing its side-by-side ratios. Names: auc, distort, eval, eval_clip, preprocess,
 * wasm_vs_native, demo, report, decision. Flags after the names go to the benchmarks that take them
 * (`deno task bench report --sizes 70,700`).
 * @module
 */
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

const firstFlag = Deno.args.findIndex((a) => a.startsWith("-") && a !== "-h" && a !== "--help");
const given = firstFlag < 0 ? Deno.args : Deno.args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : Deno.args.slice(firstFlag);
const names = given.length > 0 ? given : Object.keys(BENCHES);
if (names.includes("--help") || names.includes("-h")) {
  console.log(
    `deno task bench [name...]\n\nRuns the benchmarks (default: all): ${
      Object.keys(BENCHES).join(", ")
    }.\nEach prints its timings and side-by-side ratios on stdout.`,
  );
  Deno.exit(0);
}
for (const name of names) {
  if (!(name in BENCHES)) {
    console.error(`error: unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(", ")}`);
    Deno.exit(2);
  }
}
for (const name of names) {
  console.log(`\n## ${name}`);
  const bench = await BENCHES[name]();
  await bench.run(flags);
}
