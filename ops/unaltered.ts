/**
 * The `unaltered` family: the source videos as they are, the paper's baseline column.
 * @module
 */
import { _keep, _levels } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `unaltered` family record. */
export const UNALTERED: OpFamily = {
  id: "unaltered",
  category: "unaltered",
  description: "The source videos as they are (hard link or byte copy, no re-encode).",
  reason: "The paper's baseline column: detectors scored on the original test set.",
  parametric: false,
  levels: _levels("unaltered", [["unaltered", {}, "Unaltered"]]),
  filter: () => null,
  geometry: _keep,
};
