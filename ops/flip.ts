/**
 * The `hflip` and `vflip` families: exact mirror images, with their geometry.
 * @module
 */
import { _levels } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `hflip` family record. */
export const HFLIP: OpFamily = {
  id: "hflip",
  category: "flip",
  description: "Mirror every frame left to right.",
  reason: "ffmpeg's hflip is an exact pixel permutation.",
  parametric: false,
  levels: _levels("hflip", [["hflip", {}, "H-flip"]]),
  filter: () => "hflip",
  geometry: () => ({ hflip: true, vflip: false, scale: 1 }),
};

/** The `vflip` family record. */
export const VFLIP: OpFamily = {
  id: "vflip",
  category: "flip",
  description: "Mirror every frame top to bottom.",
  reason: "ffmpeg's vflip is an exact pixel permutation.",
  parametric: false,
  levels: _levels("vflip", [["vflip", {}, "V-flip"]]),
  filter: () => "vflip",
  geometry: () => ({ hflip: false, vflip: true, scale: 1 }),
};
