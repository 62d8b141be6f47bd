/**
 * How much an operation changed each video, as recorded in copy manifests (`videos[].quality`,
 * and the copy's `quality` summary): file size, bitrate and fidelity against the reference of
 * ops/quality_reference.ts (PSNR and SSIM of luma, artifacts/quality_measure.ts). A number that
 * does not apply or could not be measured is absent (null) with its reason in `absent`, never 0.
 * docs/operations.md ("Copy quality") states the rules.
 * @module
 */
import type { VideoInfo } from "../media/ffmpeg.ts";
import type { Fidelity } from "./quality_measure.ts";

/** The numbers of one video of a copy. */
export interface VideoQuality {
  /** Size of the output file in bytes. */
  sizeBytes: number;
  /**
   * Bitrate in kbit/s: file size x 8 / duration / 1000 (duration: frames / fps). distort's
   * encoded copies hold the video stream only, so this is the video bitrate plus the MP4
   * container's overhead (a fraction of a percent); for an `unaltered` copy (the source's own
   * file) it includes whatever else the source holds (audio). Null with a reason when the
   * duration is unknown.
   */
  bitrateKbps: number | null;
  /** What PSNR and SSIM compare the copy with (ops/quality_reference.ts); null when unmeasured. */
  reference: string | null;
  /**
   * PSNR of luma in dB: 10 log10(255^2 / MSE_Y averaged over all frames). Null when the copy is
   * identical to its reference (MSE 0: PSNR is infinite) or was not measured; `absent` says which.
   */
  psnrY: number | null;
  /** Mean luma SSIM over frames (ffmpeg's ssim filter); null when not measured (see `absent`). */
  ssimY: number | null;
  /** Why a number is null, by field name. */
  absent?: Partial<Record<"bitrateKbps" | "psnrY" | "ssimY", string>>;
}

/** The reason recorded for the PSNR of a copy identical to its reference. */
export const INFINITE_PSNR = "identical to the reference (MSE 0): PSNR is infinite";

/** Mean and spread of one number over the videos of a copy. */
export interface QualityStat {
  /** Videos with the number. */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); null for one video. */
  sd: number | null;
  min: number;
  max: number;
}

/** The quality summary of a copy (manifest `quality`). */
export interface CopyQualitySummary {
  /** The reference(s) of its videos, distinct, in words. */
  references: string[];
  sizeBytes: QualityStat | null;
  bitrateKbps: QualityStat | null;
  /** Over the videos with a finite PSNR; `psnrInfinite` counts the identical ones. */
  psnrY: QualityStat | null;
  /** Videos identical to their reference (infinite PSNR), left out of `psnrY`. */
  psnrInfinite: number;
  ssimY: QualityStat | null;
  /** Ok videos with no measured quality (an older copy: `verify --quality` fills them). */
  unmeasured: number;
}

/**
 * The record of one video: `sizeBytes` of its output, its probe (`frameCount`, `fps`) for the
 * bitrate, and the comparison's numbers, or the reason it has none (`fidelity` a string).
 */
export function videoQuality(
  sizeBytes: number,
  probe: Pick<VideoInfo, "frameCount" | "fps"> | null,
  fidelity: Fidelity | string,
): VideoQuality {
  const absent: NonNullable<VideoQuality["absent"]> = {};
  const seconds = probe && probe.fps > 0 ? probe.frameCount / probe.fps : 0;
  let bitrateKbps: number | null = null;
  if (seconds > 0) bitrateKbps = round(sizeBytes * 8 / seconds / 1000, 3);
  else absent.bitrateKbps = "the copy's duration is unknown (no probe recorded)";
  let psnrY: number | null = null;
  let ssimY: number | null = null;
  let reference: string | null = null;
  if (typeof fidelity === "string") {
    absent.psnrY = fidelity;
    absent.ssimY = fidelity;
  } else {
    reference = fidelity.reference;
    ssimY = fidelity.ssimY;
    if (Number.isFinite(fidelity.psnrY)) psnrY = fidelity.psnrY;
    else absent.psnrY = INFINITE_PSNR;
  }
  return {
    sizeBytes,
    bitrateKbps,
    reference,
    psnrY,
    ssimY,
    ...(Object.keys(absent).length > 0 ? { absent } : {}),
  };
}

/** Mean, spread and range of `values`; null when empty. */
export function qualityStat(values: readonly number[]): QualityStat | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? null : Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd, min: Math.min(...values), max: Math.max(...values) };
}

/**
 * The copy's summary over its `ok` videos' `quality` records; those without one count as
 * `unmeasured`. Null when the copy has no ok video.
 */
export function summarizeQuality(
  videos: readonly { status: string; quality?: VideoQuality | null }[],
): CopyQualitySummary | null {
  const ok = videos.filter((v) => v.status === "ok");
  if (ok.length === 0) return null;
  const measured = ok.map((v) => v.quality).filter((q): q is VideoQuality => q != null);
  const numbers = (pick: (q: VideoQuality) => number | null) =>
    measured.map(pick).filter((x): x is number => x !== null && Number.isFinite(x));
  return {
    references: [...new Set(measured.map((q) => q.reference).filter((r) => r !== null))],
    sizeBytes: qualityStat(numbers((q) => q.sizeBytes)),
    bitrateKbps: qualityStat(numbers((q) => q.bitrateKbps)),
    psnrY: qualityStat(numbers((q) => q.psnrY)),
    psnrInfinite: measured.filter((q) => q.absent?.psnrY === INFINITE_PSNR).length,
    ssimY: qualityStat(numbers((q) => q.ssimY)),
    unmeasured: ok.length - measured.length,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** True when `value` has the shape of a {@link VideoQuality} (a manifest's, as read). */
export function isVideoQuality(value: unknown): value is VideoQuality {
  const q = value as VideoQuality;
  const numberOrNull = (x: unknown) => x === null || (typeof x === "number" && Number.isFinite(x));
  return typeof q === "object" && q !== null && typeof q.sizeBytes === "number" &&
    numberOrNull(q.bitrateKbps) && numberOrNull(q.psnrY) && numberOrNull(q.ssimY) &&
    (q.reference === null || typeof q.reference === "string");
}

/** True when `value` has the shape of a {@link CopyQualitySummary} (a manifest's, as read). */
export function isCopyQualitySummary(value: unknown): value is CopyQualitySummary {
  const s = value as CopyQualitySummary;
  const stat = (x: unknown) => {
    const t = x as QualityStat | null;
    return t === null || (typeof t === "object" &&
      [t.n, t.mean, t.min, t.max].every((n) => typeof n === "number" && Number.isFinite(n)));
  };
  return typeof s === "object" && s !== null && Array.isArray(s.references) &&
    stat(s.sizeBytes) && stat(s.bitrateKbps) && stat(s.psnrY) && stat(s.ssimY) &&
    typeof s.psnrInfinite === "number" && typeof s.unmeasured === "number";
}
