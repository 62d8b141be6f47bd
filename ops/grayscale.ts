/**
 * The `grayscale` family (filter): colour removed in YUV, luma untouched.
 * @module
 */
import { _keep, _levels } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `grayscale` family record. */
export const GRAYSCALE: OpFamily = {
  id: "grayscale",
  category: "filter",
  description: "Remove colour: chroma planes set to neutral, luma kept.",
  reason: "hue=s=0 zeroes saturation in YUV, so the copy stays 3-plane yuv420p like the others " +
    "and luma is untouched (format=gray would add a range conversion).",
  parametric: false,
  levels: _levels("grayscale", [["grayscale", {}, "Grayscale"]]),
  filter: () => "hue=s=0",
  geometry: _keep,
};
