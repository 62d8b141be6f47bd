/**
 * The `sharpen` family (enhancement): unsharp masking of luma with a 5x5 kernel, ffmpeg's
 * `unsharp`, at a ladder of amounts.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `sharpen` family record. */
export const SHARPEN: OpFamily = {
  id: "sharpen",
  category: "enhancement",
  description: "Sharpen luma with an unsharp mask (5x5, amount 0.5..3); chroma untouched.",
  reason: "Phone cameras and editing apps sharpen; unsharp masking is the classic form, and " +
    "luma only is what they apply (chroma sharpening shows colour fringes).",
  source: "ffmpeg unsharp filter (ffmpeg-filters: luma amount default 1.0, typical -1.5..1.5).",
  parametric: true,
  unit: { title: "Unsharp amount (luma; 0 = unchanged)", value: (p) => _num(p, "amount") },
  levels: _levels("sharpen", [
    ["sharpen_a05", { amount: 0.5 }],
    ["sharpen_a10", { amount: 1 }],
    ["sharpen_a15", { amount: 1.5 }],
    ["sharpen_a20", { amount: 2 }],
    ["sharpen_a30", { amount: 3 }],
  ]),
  filter: (p) => `unsharp=lx=5:ly=5:la=${_num(p, "amount")}:cx=5:cy=5:ca=0`,
  geometry: _keep,
};
