/**
 * The `darken` family (brightness): a master curve through (0.5, y); the paper level is ffmpeg's
 * `darker` preset.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `darken` family record. */
export const DARKEN: OpFamily = {
  id: "darken",
  category: "brightness",
  description: "Darken mid-tones with a monotone curve through (0.5, y) on all channels.",
  reason: "The paper's darken is ffmpeg's curves preset `darker` = master curve 0/0 0.5/0.4 " +
    "1/1; other levels move the mid point.",
  parametric: true,
  unit: { title: "Curve output at input 0.5 (0.5 = unchanged)", value: (p) => _num(p, "y") },
  levels: _levels("darken", [
    ["darken_y45", { x: 0.5, y: 0.45 }],
    ["darken", { x: 0.5, y: 0.4 }, "Darken"],
    ["darken_y35", { x: 0.5, y: 0.35 }],
    ["darken_y30", { x: 0.5, y: 0.3 }],
    ["darken_y25", { x: 0.5, y: 0.25 }],
  ]),
  filter: (p) => `curves=m='0/0 ${_num(p, "x")}/${_num(p, "y")} 1/1'`,
  geometry: _keep,
};
