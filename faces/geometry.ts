/**
 * Maps face boxes from a source video's pixels into a distorted copy's pixels through the copy's
 * geometry (`{hflip, vflip, scale}` from its operation), for the `sidecar` and `reference` modes.
 * @module
 */
import type { Box } from "./box.ts";

/** How a copy's pixels relate to its source's: scaled by `scale`, then mirrored. */
export interface Geometry {
  hflip: boolean;
  vflip: boolean;
  /** Copy size / source size along each axis (0.5 for `res_half`); 1 when unchanged. Must be > 0. */
  scale: number;
}

/** The geometry of an operation that moves no pixel. */
export const IDENTITY: Geometry = { hflip: false, vflip: false, scale: 1 };

/**
 * Maps `box` from a `srcW` x `srcH` source frame into the copy made with `geometry`: coordinates
 * scale by `geometry.scale`, then a flip mirrors the box about the copy's frame
 * (`x' = (srcW - x - w) * scale`). Not clipped: the copy frame is `srcW * scale` wide.
 * Mapping twice with the same flip, or with `scale` then `1 / scale`, gives the box back.
 * Throws a RangeError for a non-positive scale.
 */
export function mapBox<B extends Box>(
  box: B,
  geometry: Geometry,
  srcW: number,
  srcH: number,
): B {
  const s = geometry.scale;
  if (!(s > 0)) throw new RangeError(`mapBox: geometry scale must be > 0, got ${s}`);
  const x = geometry.hflip ? srcW - box.x - box.w : box.x;
  const y = geometry.vflip ? srcH - box.y - box.h : box.y;
  return { ...box, x: x * s, y: y * s, w: box.w * s, h: box.h * s };
}
