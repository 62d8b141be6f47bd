/**
 * The `gamma` family (enhancement): luma gamma of ffmpeg's `eq` filter at a ladder of values
 * above 1 (mid-tones brightened, black and white kept), as "brighten shadows" tools do.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `gamma` family record. */
export const GAMMA: OpFamily = {
  id: "gamma",
  category: "enhancement",
  description: "Luma gamma 1.2..2.0 (eq=gamma=G: Y' = Y^(1/G) on 0..1): brighter mid-tones, " +
    "black and white fixed.",
  reason: "Exposure and 'shadows' tools of phone apps are gamma-like curves; unlike lighten " +
    "(one curve point) the ladder is a power law.",
  source: "ffmpeg eq filter (gamma 0.1..10, default 1).",
  parametric: true,
  unit: { title: "Gamma (eq; 1 = unchanged)", value: (p) => _num(p, "gamma") },
  levels: _levels("gamma", [
    ["gamma_g12", { gamma: 1.2 }],
    ["gamma_g14", { gamma: 1.4 }],
    ["gamma_g16", { gamma: 1.6 }],
    ["gamma_g18", { gamma: 1.8 }],
    ["gamma_g20", { gamma: 2 }],
  ]),
  filter: (p) => `eq=gamma=${_num(p, "gamma")}`,
  geometry: _keep,
};
