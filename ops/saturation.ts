/**
 * The `saturation` family (enhancement): chroma gain of ffmpeg's `eq` filter at a ladder of
 * values above 1 ("vivid" modes); luma untouched.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `saturation` family record. */
export const SATURATION: OpFamily = {
  id: "saturation",
  category: "enhancement",
  description: "Saturation 1.25..2.5 (eq=saturation=S: U, V scaled about 128); luma untouched.",
  reason: "Phone 'vivid' modes and filters boost colour; skin tone is a cue some detectors " +
    "use. Desaturation to zero is the grayscale operation.",
  source: "ffmpeg eq filter (saturation 0..3, default 1).",
  parametric: true,
  unit: { title: "Saturation factor (eq; 1 = unchanged)", value: (p) => _num(p, "saturation") },
  levels: _levels("saturation", [
    ["saturation_s125", { saturation: 1.25 }],
    ["saturation_s15", { saturation: 1.5 }],
    ["saturation_s175", { saturation: 1.75 }],
    ["saturation_s20", { saturation: 2 }],
    ["saturation_s25", { saturation: 2.5 }],
  ]),
  filter: (p) => `eq=saturation=${_num(p, "saturation")}`,
  geometry: _keep,
};
