/**
 * The `noise` family: temporal Gaussian noise of constant strength from ffmpeg's `noise` filter,
 * with a fixed seed.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** Seed of the noise filter (`all_seed`), fixed so a copy is reproducible. */
export const NOISE_SEED = 20230417;

/** The `noise` family record. */
export const NOISE: OpFamily = {
  id: "noise",
  category: "noise",
  description: "Add zero-mean Gaussian noise of constant strength to all planes, new every frame.",
  reason: "ffmpeg's noise filter is Gaussian unless flag u is set (sigma = s/sqrt(3) code " +
    "values); flag t renews it per frame; all_seed fixes it.",
  parametric: true,
  unit: {
    title: "Noise strength (ffmpeg alls; σ ≈ strength / √3 code values)",
    value: (p) => _num(p, "strength"),
  },
  levels: _levels("noise", [
    ["noise_s5", { strength: 5, seed: NOISE_SEED }],
    ["noise", { strength: 10, seed: NOISE_SEED }, "Noise"],
    ["noise_s15", { strength: 15, seed: NOISE_SEED }],
    ["noise_s20", { strength: 20, seed: NOISE_SEED }],
    ["noise_s30", { strength: 30, seed: NOISE_SEED }],
  ]),
  filter: (p) => `noise=alls=${_num(p, "strength")}:allf=t:all_seed=${_num(p, "seed")}`,
  geometry: _keep,
};
