/**
 * The `lighten` family (brightness): a master curve through (0.4, y); the paper level is ffmpeg's
 * `lighter` preset.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `lighten` family record. */
export const LIGHTEN: OpFamily = {
  id: "lighten",
  category: "brightness",
  description: "Brighten mid-tones with a monotone curve through (0.4, y) on all channels.",
  reason: "The paper's lighten is ffmpeg's curves preset `lighter` = master curve 0/0 0.4/0.5 " +
    "1/1; other levels move the mid point.",
  parametric: true,
  unit: { title: "Curve output at input 0.4 (0.4 = unchanged)", value: (p) => _num(p, "y") },
  levels: _levels("lighten", [
    ["lighten_y45", { x: 0.4, y: 0.45 }],
    ["lighten", { x: 0.4, y: 0.5 }, "Lighten"],
    ["lighten_y55", { x: 0.4, y: 0.55 }],
    ["lighten_y60", { x: 0.4, y: 0.6 }],
    ["lighten_y65", { x: 0.4, y: 0.65 }],
  ]),
  filter: (p) => `curves=m='0/0 ${_num(p, "x")}/${_num(p, "y")} 1/1'`,
  geometry: _keep,
};
