/**
 * The `upscale` family (enhancement): downscale by a factor (bicubic, even sides) and upscale back
 * to the input's size with lanczos, a "super-resolution-like" path: the frame keeps its size, the
 * detail of the smaller frame is all it has.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily, OpParams } from "./operation.ts";

function down(p: OpParams): string {
  const f = `${_num(p, "numerator")}/${_num(p, "denominator")}`;
  return `scale=w=max(2\\,trunc(iw*${f}/2)*2):h=max(2\\,trunc(ih*${f}/2)*2):flags=bicubic`;
}

/** The `upscale` family record. */
export const UPSCALE: OpFamily = {
  id: "upscale",
  category: "enhancement",
  description: "Downscale by a factor 3/4..1/8 (bicubic, even sides), then upscale back to the " +
    "input size with lanczos; size and geometry unchanged.",
  reason: "Apps and players upscale low-resolution video to the screen; the result has the " +
    "size of the original and the detail of the small one (the res family keeps the small frame).",
  source: "ffmpeg scale filter (flags=lanczos); the factors are the res family's.",
  parametric: true,
  unit: {
    title: "Scale factor before upscaling back (side / input side)",
    value: (p) => _num(p, "numerator") / _num(p, "denominator"),
  },
  levels: _levels("upscale", [
    ["upscale_75pct", { numerator: 3, denominator: 4 }],
    ["upscale_half", { numerator: 1, denominator: 2 }],
    ["upscale_third", { numerator: 1, denominator: 3 }],
    ["upscale_quarter", { numerator: 1, denominator: 4 }],
    ["upscale_eighth", { numerator: 1, denominator: 8 }],
  ]),
  // The size-free template (hashed): the upscale's target is the input size, given per video.
  filter: (p) => `${down(p)},scale=w=<input width>:h=<input height>:flags=lanczos`,
  sizedFilter: (p, width, height) => `${down(p)},scale=w=${width}:h=${height}:flags=lanczos`,
  geometry: _keep,
};
