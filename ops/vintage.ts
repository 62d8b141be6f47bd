/**
 * The `vintage` family (filter): ffmpeg's fixed `vintage` curves preset.
 * @module
 */
import { _keep, _levels } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `vintage` family record. */
export const VINTAGE: OpFamily = {
  id: "vintage",
  category: "filter",
  description: "Vintage look: ffmpeg's fixed per-channel curves preset.",
  reason: "The paper's vintage filter is ffmpeg's curves preset `vintage` (no strength).",
  parametric: false,
  levels: _levels("vintage", [["vintage", {}, "Vintage"]]),
  filter: () => "curves=preset=vintage",
  geometry: _keep,
};
