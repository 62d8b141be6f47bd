/**
 * The `contrast` family: a linear luma contrast scale (`eq=contrast=c`).
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `contrast` family record. */
export const CONTRAST: OpFamily = {
  id: "contrast",
  category: "contrast",
  description: "Scale luma contrast around mid-grey by a fixed factor (eq filter).",
  reason: "The paper raises contrast by a fixed amount; eq=contrast=c is a documented linear " +
    "scale of luma around 0.5, graded by c.",
  parametric: true,
  unit: { title: "Contrast factor (eq; 1 = unchanged)", value: (p) => _num(p, "contrast") },
  levels: _levels("contrast", [
    ["contrast_c125", { contrast: 1.25 }],
    ["contrast", { contrast: 1.5 }, "Contrast"],
    ["contrast_c175", { contrast: 1.75 }],
    ["contrast_c200", { contrast: 2 }],
    ["contrast_c250", { contrast: 2.5 }],
  ]),
  filter: (p) => `eq=contrast=${_num(p, "contrast")}`,
  geometry: _keep,
};
