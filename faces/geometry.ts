/**
 * Maps face boxes from a source video's pixels into a distorted copy's pixels, for the `sidecar`
 * and `reference` modes: exactly, through the video's {@link FrameGeometry} (recorded per video in
 * the copy manifest, crop included), or, for copies made before that record existed, through the
 * operation's nominal geometry.
 * @module
 */
import type { FrameGeometry, Geometry } from "../ops/geometry.ts";
import type { Box } from "./box.ts";

/**
 * Maps `box` (source pixels) through the exact `geometry` of one video: each edge maps as
 * `scale * edge + offset` per axis, and a mirrored axis swaps the two edges. Not clipped: a box
 * may reach past the copy's frame (e.g. into a column the even-sided crop removed); callers clip.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapBoxExact } from "./geometry.ts";
 * import { getOperation } from "../ops/catalog.ts";
 * // hflip of a 333-wide source: mirrored about 333.
 * const g = getOperation("hflip").frameGeometry(333, 187);
 * assert.deepEqual(mapBoxExact({ x: 10, y: 20, w: 30, h: 40 }, g), { x: 293, y: 20, w: 30, h: 40 });
 * ```
 */
export function mapBoxExact<B extends Box>(box: B, geometry: FrameGeometry): B {
  const x1 = geometry.x.scale * box.x + geometry.x.offset;
  const x2 = geometry.x.scale * (box.x + box.w) + geometry.x.offset;
  const y1 = geometry.y.scale * box.y + geometry.y.offset;
  const y2 = geometry.y.scale * (box.y + box.h) + geometry.y.offset;
  return {
    ...box,
    x: Math.min(x1, x2),
    y: Math.min(y1, y2),
    w: Math.abs(x2 - x1),
    h: Math.abs(y2 - y1),
  };
}

/**
 * Maps `box` from a `srcW` x `srcH` source frame through a nominal `geometry`: coordinates scale
 * by `geometry.scale`, then a flip mirrors the box about the copy's frame
 * (`x' = (srcW - x - w) * scale`), as if the copy were exactly `srcW * scale` wide. Use
 * {@link mapBoxExact} with the video's recorded geometry where there is one: real copies round
 * their sizes (`res_half` of 333 columns is 166 wide), which this cannot know.
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
