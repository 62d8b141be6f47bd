/**
 * Maps face boxes from a source video's pixels into a distorted copy's pixels through the copy's
 * geometry (`{hflip, vflip, scale}` from its operation), for the `sidecar` and `reference` modes.
 * @module
 */
import type { Geometry } from "../ops/operation.ts";
import type { Box } from "./box.ts";

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
