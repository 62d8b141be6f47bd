/**
 * The copies' quality as the report shows it: per operation (a Table I column), the mean and
 * spread of PSNR-Y, SSIM-Y and bitrate over the videos of its copies (the copy manifests'
 * `quality` summaries, artifacts/copy_quality.ts, pooled when the store holds several copies of
 * one operation), and the short caption Table I's headers carry (`31.2 dB, 180 kbit/s`).
 * @module
 */
import type { CopyQualitySummary, QualityStat } from "../artifacts/copy_quality.ts";
import type { CopyProvenance } from "./provenance.ts";

/** The quality of one operation's copies in a report. */
export interface OpQuality {
  opId: string;
  opCategory: string;
  /** PSNR of luma in dB over the videos with a finite one; null when none. */
  psnrY: QualityStat | null;
  /** Videos identical to their reference (infinite PSNR). */
  psnrInfinite: number;
  ssimY: QualityStat | null;
  bitrateKbps: QualityStat | null;
  sizeBytes: QualityStat | null;
  /** The references compared against, in words. */
  references: string[];
  /** Ok videos without recorded quality (older copies: `verify --quality` fills them). */
  unmeasured: number;
}

/**
 * Per operation id, the pooled quality of the copies in `copies` that have a recorded summary
 * (copies without one are left out; an operation none of whose copies has one is absent).
 */
export function opQuality(copies: readonly CopyProvenance[]): Map<string, OpQuality> {
  const byOp = new Map<string, { copy: CopyProvenance; quality: CopyQualitySummary }[]>();
  for (const copy of copies) {
    if (!copy.quality) continue;
    byOp.set(copy.opId, [...byOp.get(copy.opId) ?? [], { copy, quality: copy.quality }]);
  }
  const out = new Map<string, OpQuality>();
  for (const [opId, list] of byOp) {
    const pick = (f: (q: CopyQualitySummary) => QualityStat | null) =>
      pooled(list.map((x) => f(x.quality)).filter((s): s is QualityStat => s !== null));
    out.set(opId, {
      opId,
      opCategory: list[0].copy.opCategory,
      psnrY: pick((q) => q.psnrY),
      psnrInfinite: list.reduce((a, x) => a + x.quality.psnrInfinite, 0),
      ssimY: pick((q) => q.ssimY),
      bitrateKbps: pick((q) => q.bitrateKbps),
      sizeBytes: pick((q) => q.sizeBytes),
      references: [...new Set(list.flatMap((x) => x.quality.references))],
      unmeasured: list.reduce((a, x) => a + x.quality.unmeasured, 0),
    });
  }
  return out;
}

/**
 * The caption of an operation's quality in Table I's header: mean PSNR-Y and mean bitrate,
 * `31.2 dB, 180 kbit/s`; `identical` where every video equals its reference (infinite PSNR);
 * a number that was not measured is left out (never shown as 0). Empty when nothing is known.
 */
export function qualityCaption(q: OpQuality | undefined): string {
  if (!q) return "";
  const parts: string[] = [];
  if (q.psnrY) parts.push(`${q.psnrY.mean.toFixed(1)} dB`);
  else if (q.psnrInfinite > 0) parts.push("identical");
  if (q.bitrateKbps) parts.push(`${Math.round(q.bitrateKbps.mean)} kbit/s`);
  return parts.join(", ");
}

/** {@link qualityCaption} of every operation with recorded quality, by op id. */
export function qualityCaptions(copies: readonly CopyProvenance[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [opId, q] of opQuality(copies)) {
    const caption = qualityCaption(q);
    if (caption) out[opId] = caption;
  }
  return out;
}

/** Mean PSNR-Y (dB; null when infinite or unmeasured) and bitrate (kbit/s) per op id. */
export function qualityNumbers(
  copies: readonly CopyProvenance[],
): Record<string, { psnrY: number | null; bitrateKbps: number | null }> {
  const out: Record<string, { psnrY: number | null; bitrateKbps: number | null }> = {};
  for (const [opId, q] of opQuality(copies)) {
    out[opId] = { psnrY: q.psnrY?.mean ?? null, bitrateKbps: q.bitrateKbps?.mean ?? null };
  }
  return out;
}

/** Mean, sample sd and range of the union of groups given by their stats. */
function pooled(stats: readonly QualityStat[]): QualityStat | null {
  if (stats.length === 0) return null;
  if (stats.length === 1) return stats[0];
  const n = stats.reduce((a, s) => a + s.n, 0);
  const sum = stats.reduce((a, s) => a + s.mean * s.n, 0);
  const mean = sum / n;
  // Sum of squares about the pooled mean: each group's (n-1) sd^2 plus n (mean - pooled)^2.
  const ss = stats.reduce(
    (a, s) => a + (s.sd ?? 0) ** 2 * (s.n - 1) + s.n * (s.mean - mean) ** 2,
    0,
  );
  return {
    n,
    mean,
    sd: n < 2 ? null : Math.sqrt(ss / (n - 1)),
    min: Math.min(...stats.map((s) => s.min)),
    max: Math.max(...stats.map((s) => s.max)),
  };
}
