/**
 * The reference a copy's fidelity (PSNR, SSIM on luma) is measured against, per operation family
 * (docs/operations.md, "Copy quality"): the rule is data, read from the copy's exact
 * {@link FrameGeometry}, so every family and chain gets one without a branch of its own.
 *
 * - same size, no mirror (photometric, codec, filter, noise operations): the source, cropped
 *   like the copy (the even-sided crop);
 * - a mirror (`hflip`, `vflip`): the source mirrored the same way;
 * - a size change by one operation (`res_half`, `upscale`, a platform's resize): the copy scaled
 *   back to the source's (cropped) size with the named scaler {@link QUALITY_SCALER};
 * - a chain: the source through the chain's geometry (crop, mirrors, scaled to the copy's size
 *   with {@link QUALITY_SCALER});
 * - a time operation (frame rate, freeze, jitter; a chain with one): the reference above, its
 *   frames first put in the copy's frame order by the copy's time map (`videos[].time`,
 *   ops/time_map.ts), so copy frame j is compared with the source frame it shows: the numbers
 *   measure what the encode changed, the time map says which frames were dropped, held or moved.
 *
 * Both sides are compared in 8-bit yuv420p (what the copy's encoder was given), frame by frame.
 * @module
 */
import { cropFilter, type FrameGeometry } from "./geometry.ts";
import type { OpInstance } from "./operation.ts";
import { frameMapFilter, type TimeMap } from "./time_map.ts";

/** The scaler used to bring a copy and its reference to one size (ffmpeg `scale` flags). */
export const QUALITY_SCALER = "bicubic";

/** The pixel format both sides of a comparison are brought to before PSNR/SSIM (luma is read). */
export const QUALITY_PIX_FMT = "yuv420p";

/** What a copy is compared against, and the filters that make both sides. */
export interface QualityReference {
  /**
   * The reference in words, recorded with the numbers: `source`, `mirrored source`, `copy scaled
   * back to the source size (bicubic)`, `source through the chain's geometry (bicubic)`.
   */
  reference: string;
  /** Filters applied to the decoded source to make the reference (may be empty). */
  sourceFilters: string[];
  /** Filters applied to the decoded copy (may be empty). */
  copyFilters: string[];
}

/**
 * The reference of `op`'s copy of one video whose exact geometry is `geometry` (and, for a time
 * operation, whose frame map is `time`), as the filters that bring the decoded source and the
 * decoded copy to one comparable picture (see the module doc). Pure; throws nothing.
 */
export function qualityReference(
  op: Pick<OpInstance, "category">,
  geometry: FrameGeometry,
  time?: TimeMap | null,
): QualityReference {
  const spatial = spatialReference(op, geometry);
  if (!time) return spatial;
  return {
    reference: `${spatial.reference}, in the copy's frame order (time map)`,
    sourceFilters: [frameMapFilter(time), ...spatial.sourceFilters],
    copyFilters: spatial.copyFilters,
  };
}

function spatialReference(
  op: Pick<OpInstance, "category">,
  geometry: FrameGeometry,
): QualityReference {
  const crop = geometry.crop;
  const inWidth = crop ? crop.width : geometry.sourceWidth;
  const inHeight = crop ? crop.height : geometry.sourceHeight;
  const mirrors = [
    ...(geometry.x.scale < 0 ? ["hflip"] : []),
    ...(geometry.y.scale < 0 ? ["vflip"] : []),
  ];
  const cropped = crop ? [cropFilter(crop)] : [];
  const resized = geometry.width !== inWidth || geometry.height !== inHeight;
  const to = (w: number, h: number) => `scale=w=${w}:h=${h}:flags=${QUALITY_SCALER}`;
  if (resized && op.category === "chain") {
    return {
      reference: `source through the chain's geometry (${QUALITY_SCALER})`,
      sourceFilters: [...cropped, ...mirrors, to(geometry.width, geometry.height)],
      copyFilters: [],
    };
  }
  if (resized) {
    return {
      reference: `copy scaled back to the source size (${QUALITY_SCALER})`,
      sourceFilters: [...cropped, ...mirrors],
      copyFilters: [to(inWidth, inHeight)],
    };
  }
  return {
    reference: mirrors.length > 0 ? "mirrored source" : "source",
    sourceFilters: [...cropped, ...mirrors],
    copyFilters: [],
  };
}
