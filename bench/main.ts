/**
 * `deno task bench [name...]`: runs the benchmarks in this folder one after another (all by
 * default), each printing its side-by-side ratios. Names: auc, distort, eval, preprocess,
 * wasm_vs_native, demo.
 * @module
 */
const BENCHES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  auc: () => import("./auc_bench.ts"),
  distort: () => import("./distort_bench.ts"),
  eval: () => import("./eval_bench.ts"),
  preprocess: () => import("./preprocess_bench.ts"),
  wasm_vs_native: () => import("./wasm_vs_native_bench.ts"),
  demo: () => import("./demo_bench.ts"),
};

const names = Deno.args.length > 0 ? Deno.args : Object.keys(BENCHES);
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
  await bench.run();
}
