/**
 * The `blur` family (enhancement): Gaussian blur of all planes, ffmpeg's `gblur`, at a ladder of
 * standard deviations.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `blur` family record. */
export const BLUR: OpFamily = {
  id: "blur",
  category: "enhancement",
  description: "Gaussian blur of all planes, sigma 0.5..4 pixels (gblur, steps=1).",
  reason: "Defocus, beauty filters and softening; the Gaussian blur of the image-corruption " +
    "benchmarks (ImageNet-C 'gaussian blur', DeeperForensics 'GB').",
  source: "ffmpeg gblur filter; Hendrycks & Dietterich 2019 (ImageNet-C), Jiang et al. 2020 " +
    "(DeeperForensics-1.0) Gaussian blur.",
  parametric: true,
  unit: { title: "Gaussian sigma (pixels)", value: (p) => _num(p, "sigma") },
  levels: _levels("blur", [
    ["blur_s05", { sigma: 0.5 }],
    ["blur_s1", { sigma: 1 }],
    ["blur_s15", { sigma: 1.5 }],
    ["blur_s25", { sigma: 2.5 }],
    ["blur_s4", { sigma: 4 }],
  ]),
  filter: (p) => `gblur=sigma=${_num(p, "sigma")}:steps=1`,
  geometry: _keep,
};
