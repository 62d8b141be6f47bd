/**
 * Maps face boxes from source-video pixels into a distorted copy's pixels through the copy's
 * geometry (flips, scale), for the `reference` and `sidecar` face modes.
 * @module
 */
import type { CopyGeometry } from "./copies.ts";

/** A face box in pixels: top-left corner, width and height. */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Maps `box` (source pixels) into a copy of size `copyWidth` x `copyHeight` made with
 * `geometry`: scale first, then mirror about the copy's frame. The result is clipped to the frame;
 * null when nothing of it remains.
 */
export function mapBox(
  box: PixelBox,
  geometry: CopyGeometry,
  copySize: { width: number; height: number },
): PixelBox | null {
  const s = geometry.scale;
  let x = box.x * s;
  let y = box.y * s;
  const w = box.w * s;
  const h = box.h * s;
  if (geometry.hflip) x = copySize.width - x - w;
  if (geometry.vflip) y = copySize.height - y - h;
  return clipBox({ x, y, w, h }, copySize.width, copySize.height);
}

/** Clips `box` to a `width` x `height` frame; null when it lies outside or is empty. */
export function clipBox(box: PixelBox, width: number, height: number): PixelBox | null {
  const x1 = Math.max(0, box.x);
  const y1 = Math.max(0, box.y);
  const x2 = Math.min(width, box.x + box.w);
  const y2 = Math.min(height, box.y + box.h);
  if (!(x2 > x1 && y2 > y1)) return null;
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}
