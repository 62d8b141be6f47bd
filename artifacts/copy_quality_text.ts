/**
 * A copy's quality summary (artifacts/copy_quality.ts) in one line for the terminal, as
 * `verify --quality` prints it under each copy.
 * @module
 */
import type { CopyQualitySummary } from "./copy_quality.ts";

/**
 * `PSNR-Y 31.2 dB, SSIM-Y 0.953, 180 kbit/s (means over 3 videos)`; `identical` counts videos of
 * infinite PSNR, `not measured` ok videos without numbers; `no ok video` for null.
 *
 * @example
 * ```ts
 * import { copyQualityText } from "./copy_quality_text.ts";
 * const stat = (mean: number) => ({ n: 2, mean, sd: null, min: mean, max: mean });
 * copyQualityText({
 *   references: ["source"], sizeBytes: stat(1e5), bitrateKbps: stat(180), psnrY: stat(31.24),
 *   psnrInfinite: 0, ssimY: stat(0.9531), unmeasured: 0,
 * }); // "PSNR-Y 31.2 dB, SSIM-Y 0.953, 180 kbit/s (means over 2 videos)"
 * ```
 */
export function copyQualityText(summary: CopyQualitySummary | null | undefined): string {
  if (!summary) return "no ok video";
  const parts: string[] = [];
  if (summary.psnrY) parts.push(`PSNR-Y ${summary.psnrY.mean.toFixed(1)} dB`);
  if (summary.ssimY) parts.push(`SSIM-Y ${summary.ssimY.mean.toFixed(3)}`);
  if (summary.bitrateKbps) parts.push(`${Math.round(summary.bitrateKbps.mean)} kbit/s`);
  const n = Math.max(summary.psnrY?.n ?? 0, summary.ssimY?.n ?? 0, summary.bitrateKbps?.n ?? 0);
  if (parts.length > 0) parts[parts.length - 1] += ` (means over ${n} video${n === 1 ? "" : "s"})`;
  if (summary.psnrInfinite > 0) parts.push(`${summary.psnrInfinite} identical to the reference`);
  if (summary.unmeasured > 0) parts.push(`${summary.unmeasured} not measured`);
  return parts.length > 0 ? parts.join(", ") : "no numbers";
}
