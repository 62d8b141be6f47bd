/**
 * A located face box in the unaltered copy's sampled pixels (the store's `source_*` columns), so
 * a face in any copy compares with the unaltered copy's face of the same frame without knowing
 * the copy's geometry (metrics/locator_changes.ts). Internal to `eval/`.
 * @module
 */
import type { Box, FaceBox } from "../faces/box.ts";
import { mapBox } from "../faces/geometry.ts";
import type { FrameGeometry, Geometry, VideoGeometry } from "../ops/geometry.ts";

/**
 * `box` (in a copy's frame of `width` x `height`) in the unaltered copy's sampled pixels:
 *
 * - the box the locator gave in the source, when it knows one (`box.source`: sidecar and
 *   reference modes; the unaltered copy gives the same source box for the same face);
 * - else `box` mapped back through the video's exact geometry (`geometry.geometry`, the first
 *   run's: every sampled frame of the unaltered copy has the first frame's size, and distort
 *   scales a later run to it before the operation), each axis `source = (copy - offset) / scale`;
 * - else through the inverse of the copy's nominal geometry (an encoded copy whose manifest has
 *   no record): flips mirrored about the copy's frame, scaled by `1 / scale`.
 *
 * Per-axis maps keep intersection over union, so an IoU of two boxes here is their IoU in the
 * copy's pixels. Not clipped.
 */
export function sourceBox(
  box: FaceBox,
  geometry: VideoGeometry | null,
  nominal: Geometry,
  frame: { width: number; height: number },
): Box {
  if (box.source) return { x: box.source.x, y: box.source.y, w: box.source.w, h: box.source.h };
  if (geometry) return unmapBoxExact(box, geometry.geometry);
  const back = mapBox(
    box,
    { hflip: nominal.hflip, vflip: nominal.vflip, scale: 1 / nominal.scale },
    frame.width,
    frame.height,
  );
  return { x: back.x, y: back.y, w: back.w, h: back.h };
}

// The inverse of faces/geometry.ts mapBoxExact: copy pixels back to source pixels.
function unmapBoxExact(box: Box, geometry: FrameGeometry): Box {
  const x1 = (box.x - geometry.x.offset) / geometry.x.scale;
  const x2 = (box.x + box.w - geometry.x.offset) / geometry.x.scale;
  const y1 = (box.y - geometry.y.offset) / geometry.y.scale;
  const y2 = (box.y + box.h - geometry.y.offset) / geometry.y.scale;
  return {
    x: Math.min(x1, x2),
    y: Math.min(y1, y2),
    w: Math.abs(x2 - x1),
    h: Math.abs(y2 - y1),
  };
}
