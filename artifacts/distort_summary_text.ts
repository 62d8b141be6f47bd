/**
 * The text of a distort run's summary, as `deno task distort` prints it (artifacts/distort.ts
 * builds the summary; `--json` prints it as is).
 * @module
 */
import { formatSeconds } from "../util/progress.ts";
import type { DistortSummary } from "./distort_summary.ts";

/** The header of the per-copy seconds column: summed process time, not wall time. */
export const SUMMED_SECONDS_HEADER = "ffmpeg s (summed)";

/**
 * The human summary `deno task distort` prints (`--json` prints the summary itself): one row per
 * copy (operation, artifact id, state, ok and failed videos, and `ffmpeg s (summed)`: the
 * seconds its ffmpeg processes ran, summed over its videos, to 1 decimal; counts right-aligned),
 * then the copies, folder, ffmpeg build and wall time, a line saying the summed seconds are not
 * wall time (processes run side by side, so they add up to more than the run's wall time), videos tried again, every
 * failed (video, operation) pair with its error, a shard note and the videos still missing. Lines
 * joined by `\n`, no trailing newline.
 */
export function formatDistortSummary(summary: DistortSummary): string {
  const rows = [["operation", "artifact", "state", "ok", "failed", SUMMED_SECONDS_HEADER]];
  for (const c of summary.copies) {
    rows.push([
      c.opId,
      c.artifactId,
      c.state,
      String(c.ok),
      String(c.failed),
      c.seconds.toFixed(1),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => i >= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])).join("  ")
  );
  const failures = summary.copies.flatMap((c) =>
    c.failures.map((f) => `  ${c.opId} ${f.videoId}: ${f.error}`)
  );
  const retried = summary.copies.reduce((n, c) => n + c.retried, 0);
  return [
    ...lines,
    "",
    `${summary.copies.length} copies in ${summary.out} with ${summary.backend.backend} ffmpeg ` +
    `${summary.backend.ffmpegVersion}, ${formatSeconds(summary.seconds)} wall time`,
    `${SUMMED_SECONDS_HEADER}: seconds the ffmpeg processes of a copy ran, summed over its ` +
    `videos (they run side by side, so the column adds up to more than the wall time)`,
    ...(retried > 0
      ? [`${retried} videos of finished copies tried again (failed before, or file damaged)`]
      : []),
    ...(failures.length > 0
      ? [`${failures.length} failed (video, operation) pairs:`, ...failures]
      : []),
    ...(summary.shard
      ? [
        `shard ${summary.shard.index}/${summary.shard.count}: "recorded" copies wait for ` +
        `other shards' videos (the last shard to finish writes their manifests)`,
      ]
      : []),
    ...summary.notes.map((note) => `missing: ${note}`),
  ].join("\n");
}
