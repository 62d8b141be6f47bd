/**
 * The `res` family (resolution): downscaling by a ladder of factors to even sizes, no upscale back.
 * @module
 */
import { _levels, _num, _scaledSide } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `res` family record. */
export const RESOLUTION: OpFamily = {
  id: "res",
  category: "resolution",
  description: "Downscale by a factor (bicubic), sizes rounded down to even; no upscale back.",
  reason: "The paper halves and quarters the resolution; scale keeps yuv420p valid with even " +
    "sizes, and detectors see the smaller frames as a viewer would.",
  parametric: true,
  unit: {
    title: "Scale factor (output side / input side)",
    value: (p) => _num(p, "numerator") / _num(p, "denominator"),
  },
  levels: _levels("res", [
    ["res_75pct", { numerator: 3, denominator: 4 }],
    ["res_half", { numerator: 1, denominator: 2 }, "1/2"],
    ["res_third", { numerator: 1, denominator: 3 }],
    ["res_quarter", { numerator: 1, denominator: 4 }, "1/4"],
    ["res_eighth", { numerator: 1, denominator: 8 }],
  ]),
  filter: (p) => {
    const f = `${_num(p, "numerator")}/${_num(p, "denominator")}`;
    return `scale=w=max(2\\,trunc(iw*${f}/2)*2):h=max(2\\,trunc(ih*${f}/2)*2):flags=bicubic`;
  },
  geometry: (p) => ({
    hflip: false,
    vflip: false,
    scale: _num(p, "numerator") / _num(p, "denominator"),
  }),
  size: (p, width, height) => ({
    width: _scaledSide(width, _num(p, "numerator"), _num(p, "denominator")),
    height: _scaledSide(height, _num(p, "numerator"), _num(p, "denominator")),
  }),
};
