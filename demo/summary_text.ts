/**
 * The text of the demo's summary, as `deno task demo` prints it (demo/pipeline.ts builds the
 * summary; `--json` prints it as is).
 * @module
 */
import { formatSeconds } from "../util/progress.ts";
import type { DemoSummary } from "./pipeline.ts";

/**
 * One line per operation (`operation`, video AUC to 3 decimals or `-`, n), the left-out count
 * when there are any, a blank line, the wall time per stage with the ffmpeg build, the failures
 * when there are any, and the report's path. Lines joined by `\n`, no trailing newline.
 */
export function formatDemoSummary(summary: DemoSummary): string {
  const width = Math.max(...Object.keys(summary.auc).map((id) => id.length), 9);
  const s = summary.seconds;
  return [
    `${"operation".padEnd(width)}  video AUC  n`,
    ...Object.entries(summary.auc).map(([op, auc]) =>
      `${op.padEnd(width)}  ${(auc === null ? "  -" : auc.toFixed(3)).padEnd(9)}  ${
        summary.n[op] ?? "-"
      }`
    ),
    ...(summary.leftOut.length > 0
      ? [`${summary.leftOut.length} video x copy left out of the AUCs: see the report`]
      : []),
    "",
    `wall time ${formatSeconds(s.total)} (dataset ${formatSeconds(s.dataset)}, distort ` +
    `${formatSeconds(s.distort)}, eval ${formatSeconds(s.eval)}, report ` +
    `${formatSeconds(s.report)}) with ${summary.backend} ffmpeg ${summary.ffmpegVersion}`,
    ...(summary.failures > 0 ? [`${summary.failures} failures: see the report's notes`] : []),
    `report: ${summary.report}`,
  ].join("\n");
}
