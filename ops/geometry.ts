/**
 * Geometry of operations. An operation's nominal geometry ({@link Geometry}: `{hflip, vflip,
 * scale}`) says what it does to any video; the exact frame geometry ({@link FrameGeometry}) says
 * how one video's pixel coordinates map into a copy's, computed from the real sizes (a source of
 * 333x187, an even-sided crop to 332x186, `res_half` to 166x92, ...) rather than from the nominal
 * one. Every operation of the catalog
 * moves pixels along each axis independently (crop, downscale, mirror), so the mapping of a
 * coordinate is `copy = scale * source + offset` per axis, with a negative scale for a mirror.
 * Mappings compose step by step, each step with the real size its input has, so a chain maps a
 * box exactly as its steps do one after the other.
 *
 * Coordinates are continuous pixel-edge coordinates: pixel column `i` spans `[i, i + 1)`, the
 * frame spans `[0, width]`. ffmpeg's `scale` maps edge `x` of an `inW`-wide input to
 * `x * outW / inW` (its pixel centres `i + 0.5` map to `(i + 0.5) * outW / inW`), `hflip` maps
 * `x` to `width - x`, and `crop=w:h:cx:cy` maps `x` to `x - cx`.
 * @module
 */
import type { TimeMap } from "./time_map.ts";

/**
 * An operation's nominal geometry: which axes it mirrors and its nominal linear scale. The exact
 * mapping of one video depends on its size (`res_half` of 333 columns gives 166, a ratio of
 * 166/333, not 1/2): see {@link FrameGeometry} and `OpInstance.frameGeometry` (ops/operation.ts).
 */
export interface Geometry {
  hflip: boolean;
  vflip: boolean;
  /** Nominal linear scale (copy size / source size, 0.5 for `res_half`), 1 when unchanged; > 0. */
  scale: number;
}

/** The identity geometry. */
export const IDENTITY_GEOMETRY: Readonly<Geometry> = Object.freeze({
  hflip: false,
  vflip: false,
  scale: 1,
});

/** One axis of an exact mapping: `copy = scale * source + offset` (scale < 0 mirrors). */
export interface AxisMap {
  /** Copy pixels per source pixel, signed: negative for a mirror; never 0. */
  scale: number;
  /** Copy coordinate of source coordinate 0, in copy pixels. */
  offset: number;
}

/** A rectangle of source pixels kept by a crop (integers, inside the source frame). */
export interface CropRect {
  /** Left column kept (0-based). */
  x: number;
  /** Top row kept (0-based). */
  y: number;
  /** Columns kept, >= 1. */
  width: number;
  /** Rows kept, >= 1. */
  height: number;
}

/**
 * The exact geometry of one video in one copy: source size, copy size, the crop applied before
 * the operation (if any) and the per-axis mapping of source coordinates to copy coordinates.
 * Recorded per video in copy manifests (`videos[].geometry`).
 */
export interface FrameGeometry {
  /** Source frame width in pixels (as decoded, rotation applied). */
  sourceWidth: number;
  /** Source frame height in pixels. */
  sourceHeight: number;
  /** Copy frame width in pixels. */
  width: number;
  /** Copy frame height in pixels. */
  height: number;
  /**
   * The source rectangle kept before the operation ran (distort crops the last column and/or
   * row when an encoder needing even sides would otherwise get an odd side); null when none.
   */
  crop: CropRect | null;
  /** Horizontal mapping. */
  x: AxisMap;
  /** Vertical mapping. */
  y: AxisMap;
}

/** The geometry that keeps a `width x height` frame as it is. */
export function identityFrameGeometry(width: number, height: number): FrameGeometry {
  checkSize(width, height, "identityFrameGeometry");
  return {
    sourceWidth: width,
    sourceHeight: height,
    width,
    height,
    crop: null,
    x: { scale: 1, offset: 0 },
    y: { scale: 1, offset: 0 },
  };
}

/**
 * The exact geometry of one catalog operation on a `width x height` input whose output is
 * `outWidth x outHeight`: each axis scales by the real ratio `out / in` (not the nominal factor:
 * `res_half` of 333 columns gives 166, a ratio of 166/333), then a flip mirrors about the
 * output's real side.
 * @throws {RangeError} for a size that is not a positive integer.
 */
export function operationFrameGeometry(
  geometry: Geometry,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): FrameGeometry {
  checkSize(width, height, "operationFrameGeometry");
  checkSize(outWidth, outHeight, "operationFrameGeometry");
  const sx = outWidth / width;
  const sy = outHeight / height;
  return {
    sourceWidth: width,
    sourceHeight: height,
    width: outWidth,
    height: outHeight,
    crop: null,
    x: geometry.hflip ? { scale: -sx, offset: outWidth } : { scale: sx, offset: 0 },
    y: geometry.vflip ? { scale: -sy, offset: outHeight } : { scale: sy, offset: 0 },
  };
}

/**
 * The geometry of cropping `crop` out of a `width x height` frame (`crop=w:h:x:y` in ffmpeg).
 * @throws {RangeError} when the crop is not an integer rectangle inside the frame.
 */
export function cropFrameGeometry(width: number, height: number, crop: CropRect): FrameGeometry {
  checkSize(width, height, "cropFrameGeometry");
  const { x, y } = crop;
  const inside = Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 &&
    Number.isInteger(crop.width) && Number.isInteger(crop.height) && crop.width >= 1 &&
    crop.height >= 1 && x + crop.width <= width && y + crop.height <= height;
  if (!inside) {
    throw new RangeError(
      `cropFrameGeometry: crop ${JSON.stringify(crop)} is not inside a ${width}x${height} frame`,
    );
  }
  return {
    sourceWidth: width,
    sourceHeight: height,
    width: crop.width,
    height: crop.height,
    crop: { ...crop },
    x: { scale: 1, offset: -x },
    y: { scale: 1, offset: -y },
  };
}

/**
 * `first` then `second`: the source of `second` must be the output of `first` (same size). The
 * result keeps `first`'s crop; only the first step may crop (a crop is recorded in source pixels).
 * @throws {RangeError} when the sizes do not meet or `second` has a crop.
 */
export function composeFrameGeometry(first: FrameGeometry, second: FrameGeometry): FrameGeometry {
  if (second.sourceWidth !== first.width || second.sourceHeight !== first.height) {
    throw new RangeError(
      `composeFrameGeometry: the second step starts from ${second.sourceWidth}x` +
        `${second.sourceHeight} but the first ends at ${first.width}x${first.height}`,
    );
  }
  if (second.crop !== null) {
    throw new RangeError("composeFrameGeometry: only the first step may crop");
  }
  return {
    sourceWidth: first.sourceWidth,
    sourceHeight: first.sourceHeight,
    width: second.width,
    height: second.height,
    crop: first.crop,
    x: composeAxis(first.x, second.x),
    y: composeAxis(first.y, second.y),
  };
}

/**
 * A run of frames of a video whose source frame size changes mid-stream (WebRTC, HLS), with the
 * exact geometry of its frames. Recorded per video in copy manifests (`videos[].segments`) for
 * every run after the first; the first run's geometry is the video's `geometry`.
 */
export interface FrameGeometrySegment {
  /** Index of the run's first frame (decoder output order, from 0). */
  start: number;
  /** Maps the run's source pixels (`sourceWidth x sourceHeight`) into the copy's. */
  geometry: FrameGeometry;
}

/**
 * The geometry of a `width x height` frame first scaled to `geometry`'s source size (each axis
 * on its own, as ffmpeg's `scale=w:h`), then mapped by `geometry`: how the frames of a later size
 * reach a copy whose frames all have the first frame's size. Its `crop` is null: `geometry.crop`
 * applies after the scale, in the first frame's pixels.
 * @throws {RangeError} for a size that is not a positive integer.
 */
export function rescaledFrameGeometry(
  width: number,
  height: number,
  geometry: FrameGeometry,
): FrameGeometry {
  const scale = operationFrameGeometry(
    IDENTITY_GEOMETRY,
    width,
    height,
    geometry.sourceWidth,
    geometry.sourceHeight,
  );
  return {
    sourceWidth: width,
    sourceHeight: height,
    width: geometry.width,
    height: geometry.height,
    crop: null,
    x: composeAxis(scale.x, geometry.x),
    y: composeAxis(scale.y, geometry.y),
  };
}

/** A run of frames of one size, from its first frame's index (media's `FrameSegment` is one). */
export interface SizeRun {
  /** Index of the run's first frame (decoder output order, from 0). */
  start: number;
  /** Frame width in pixels (displayed, rotation applied). */
  width: number;
  /** Frame height in pixels. */
  height: number;
}

/**
 * The exact geometry of every frame of one video into one copy: `geometry` for the first run of
 * frames (every frame of a video of one size), `segments` for each later run of another size.
 */
export interface VideoGeometry {
  geometry: FrameGeometry;
  segments: readonly FrameGeometrySegment[];
  /**
   * For a copy made by a time operation: which source frame each copy frame shows (a box of
   * source frame `sourceFrameOf(time, j)` lands on copy frame j, through the geometry of that
   * source frame's run). Absent: copy frame j is source frame j.
   */
  time?: TimeMap;
}

/**
 * The geometry of each run of `runs` after the first (a video whose frame size changes
 * mid-stream: the probe's `VideoInfo.segments`), for a copy whose first run maps by `geometry`:
 * the run's frames are scaled to the first frame's size, then mapped by `geometry`
 * ({@link rescaledFrameGeometry}). Empty for a video of one run. The one rule distort records as
 * `videos[].segments` and eval derives from a probe.
 * @throws {RangeError} for a run whose size is not a positive integer.
 */
export function sizeRunGeometries(
  runs: readonly SizeRun[],
  geometry: FrameGeometry,
): FrameGeometrySegment[] {
  return runs.slice(1).map((run) => ({
    start: run.start,
    geometry: rescaledFrameGeometry(run.width, run.height, geometry),
  }));
}

/**
 * The geometry of frame `index` of a video: that of the last of `segments` starting at or before
 * it, else `geometry` (the first run's; also for a video of one size, `segments` absent or empty).
 */
export function frameGeometryAt(
  geometry: FrameGeometry,
  segments: readonly FrameGeometrySegment[] | null | undefined,
  index: number,
): FrameGeometry {
  let found = geometry;
  for (const segment of segments ?? []) if (segment.start <= index) found = segment.geometry;
  return found;
}

/**
 * The crop that gives an encoder needing even sides (H.264 yuv420p) an even-sided picture: the
 * last column when `width` is odd, the last row when `height` is odd (nothing is scaled, and
 * source coordinates keep their values). Null when both sides are even.
 */
export function evenCrop(width: number, height: number): CropRect | null {
  checkSize(width, height, "evenCrop");
  if (width % 2 === 0 && height % 2 === 0) return null;
  if (width < 2 || height < 2) {
    throw new RangeError(`evenCrop: a ${width}x${height} frame has no even-sided crop`);
  }
  return { x: 0, y: 0, width: width - (width % 2), height: height - (height % 2) };
}

/** The ffmpeg filter for a crop: `crop=w:h:x:y` (exact, no rounding to chroma alignment). */
export function cropFilter(crop: CropRect): string {
  return `crop=w=${crop.width}:h=${crop.height}:x=${crop.x}:y=${crop.y}:exact=1`;
}

function composeAxis(first: AxisMap, second: AxisMap): AxisMap {
  return { scale: second.scale * first.scale, offset: second.scale * first.offset + second.offset };
}

function checkSize(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${what}: frame size must be positive integers, got ${width}x${height}`);
  }
}
