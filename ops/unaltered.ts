/**
 * The `unaltered` family: the source videos as they are, the paper's baseline column.
 * @module
 */
import { _keep, _levels } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/**
 * The op id of the unaltered copy, the baseline every delta is taken against (Table I's first
 * column).
 */
export const UNALTERED_ID = "unaltered";

/** The category of the unaltered copy (the same word as its id); every other is "processed". */
export const UNALTERED_CATEGORY = "unaltered";

/** The `unaltered` family record. */
export const UNALTERED: OpFamily = {
  id: UNALTERED_ID,
  category: UNALTERED_CATEGORY,
  description: "The source videos as they are (hard link or byte copy, no re-encode).",
  reason: "The paper's baseline column: detectors scored on the original test set.",
  parametric: false,
  levels: _levels(UNALTERED_ID, [[UNALTERED_ID, {}, "Unaltered"]]),
  filter: () => null,
  geometry: _keep,
};
