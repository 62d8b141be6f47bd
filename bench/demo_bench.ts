/**
 * The demo's wall time from an empty folder, with native ffmpeg and with ffmpeg.wasm, side by
 * side (the budgets: at most 3 minutes native, 10 minutes wasm, on 2 cores).
 * @module
 */
import { runDemo } from "../demo/pipeline.ts";
import { nativeFfmpegAvailable } from "../media/ffmpeg.ts";
import { formatSeconds } from "../util/progress.ts";

/** Runs the demo once per backend in a fresh temporary folder and prints the stage times. */
export async function run(): Promise<void> {
  const backends: ("native" | "wasm")[] = (await nativeFfmpegAvailable())
    ? ["native", "wasm"]
    : ["wasm"];
  const totals: Record<string, number> = {};
  console.log("backend  dataset  distort  eval     report  total    clean AUC");
  for (const backend of backends) {
    const out = await Deno.makeTempDir({ prefix: `dfrobust-demo-bench-${backend}-` });
    try {
      const summary = await runDemo({ out, backend });
      const s = summary.seconds;
      totals[backend] = s.total;
      console.log(
        [backend, s.dataset, s.distort, s.eval, s.report, s.total]
          .map((v, i) => (i === 0 ? String(v) : formatSeconds(v as number)).padEnd(8))
          .join(" ") + ` ${summary.cleanAuc?.toFixed(3)}`,
      );
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  }
  if (totals.native && totals.wasm) {
    console.log(`wasm / native wall time: ${(totals.wasm / totals.native).toFixed(2)}x`);
  }
}

if (import.meta.main) await run();
