/**
 * The human summary of a `platform-fit` run (artifacts/platform_fit.ts): the table of target
 * resolutions, then what was left out and what failed.
 * @module
 */
import type { PlatformFitSummary } from "./platform_fit.ts";

/**
 * `platform-fit`'s summary as lines for stdout: one row per target resolution (pairs, CRF used,
 * CRF mean/SD/min/max, profile, originals), the record file, unpaired files and failed pairs.
 * Never throws.
 */
export function formatPlatformFitSummary(summary: PlatformFitSummary): string {
  const head = ["target", "pairs", "CRF", "mean", "SD", "min", "max", "profile", "originals"];
  const rows = summary.targets.map((t) => [
    t.resolution,
    String(t.pairs),
    String(t.crf),
    t.crfMean.toFixed(2),
    t.crfSd.toFixed(2),
    String(t.crfMin),
    String(t.crfMax),
    t.profile,
    t.originals.join(", ") || "(none: no original maps here)",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const lines = [
    `Platform record "${summary.name}" (${summary.platform}, ${summary.pairs} pairs, CRF searched ` +
    `${summary.crfRange[0]}..${summary.crfRange[1]}): ${summary.out}`,
    line(head),
    ...rows.map(line),
  ];
  for (const t of summary.targets) {
    if (t.atCrfMax > 0) {
      lines.push(
        `note: ${t.atCrfMax} pair(s) of ${t.resolution} estimated at CRF ${summary.crfRange[1]}, ` +
          `the top of the range (the copy may be smaller still)`,
      );
    }
  }
  for (const m of summary.mixedTargets) {
    lines.push(
      `note: originals of ${m.original} came back at ${m.targets.join(" and ")}; the most ` +
        `frequent is used`,
    );
  }
  if (summary.unpaired.originals.length > 0) {
    lines.push(`originals without a platform copy: ${summary.unpaired.originals.join(", ")}`);
  }
  if (summary.unpaired.shared.length > 0) {
    lines.push(`platform copies without an original: ${summary.unpaired.shared.join(", ")}`);
  }
  if (summary.failures.length > 0) {
    lines.push(`${summary.failures.length} pair(s) FAILED (left out of the record):`);
    for (const f of summary.failures) lines.push(`  ${f.file}: ${f.reason}`);
  }
  return lines.join("\n");
}
