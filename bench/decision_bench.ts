/**
 * `deno task bench decision [--sizes 700] [--cache <dir>]`: what the decision view (issue 22:
 * the threshold on Unaltered, rates, McNemar, shift, calibration, cross-condition AUC) adds to
 * `opAucs` on generated stores of the paper's shape (bench/_report_store.ts), in process: the
 * same video set, `opAucs` with 1000 bootstrap resamples without and with `threshold`,
 * alternated three times, and the whole `loadReportData` once for scale. Target: under 10% of
 * the report.
 * @module
 */
import { parseArgs } from "node:util";
import { BENCH_FLAGS } from "./_bench_args.ts";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { opAucs } from "../metrics/op_auc.ts";
import { videoSet } from "../metrics/video_set.ts";
import { loadReportData } from "../report/collect.ts";
import { scanStoreParts } from "../store/store.ts";
import { generatedStore } from "./_report_store.ts";

/** Runs the bench (flags from `args`: `--sizes`, `--cache`). */
export async function run(args: string[] = Deno.args): Promise<void> {
  const { values } = parseArgs({
    args,
    options: BENCH_FLAGS.decision,
  });
  const cache = String(values.cache ?? join(Deno.env.get("TMPDIR") ?? "/tmp", "dfrobust-bench"));
  for (const videos of String(values.sizes).split(",").map(Number)) {
    const { store } = await generatedStore(cache, videos);
    const parts = await scanStoreParts(store, { batchBytes: 2_000_000 });
    const lazy = parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" });
    const set = videoSet(lazy, {});
    const bootstrap = { resamples: 1000, seed: 0 };
    const rows: string[] = [];
    for (let k = 0; k < 3; k++) {
      let t = performance.now();
      opAucs(lazy, { videos: set, bootstrap });
      const without = performance.now() - t;
      t = performance.now();
      opAucs(lazy, { videos: set, bootstrap, threshold: { rule: "eer" } });
      const withView = performance.now() - t;
      rows.push(`${without.toFixed(0)} ms | ${withView.toFixed(0)} ms`);
    }
    const t = performance.now();
    await loadReportData(store, {});
    const whole = performance.now() - t;
    console.log(
      `\n${videos} videos (${set.videos.length} video scores); loadReportData ` +
        `${whole.toFixed(0)} ms\n\n| opAucs without | with the decision view |\n| ---: | ---: |`,
    );
    for (const row of rows) console.log(`| ${row} |`);
  }
}

if (import.meta.main) await run();
