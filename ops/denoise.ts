/**
 * The `denoise` family (enhancement): ffmpeg's `hqdn3d` spatio-temporal denoiser at a ladder of
 * luma spatial strengths (the other three strengths follow from it, as hqdn3d derives them).
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `denoise` family record. */
export const DENOISE: OpFamily = {
  id: "denoise",
  category: "enhancement",
  description: "Denoise with hqdn3d (spatial + temporal low-pass), luma spatial strength 2..15; " +
    "chroma spatial 0.75x, temporal 1.5x of it (hqdn3d's own derivation).",
  reason: "Phone pipelines and apps denoise, removing the fine high-frequency traces some " +
    "detectors use; hqdn3d is fast and deterministic (nlmeans is 50x slower for a similar look).",
  source: "ffmpeg hqdn3d filter (ffmpeg-filters: luma_spatial default 4, chroma_spatial = " +
    "0.75 * luma_spatial, luma_tmp = 1.5 * luma_spatial).",
  parametric: true,
  unit: { title: "hqdn3d luma spatial strength", value: (p) => _num(p, "strength") },
  levels: _levels("denoise", [
    ["denoise_s2", { strength: 2 }],
    ["denoise_s4", { strength: 4 }],
    ["denoise_s6", { strength: 6 }],
    ["denoise_s10", { strength: 10 }],
    ["denoise_s15", { strength: 15 }],
  ]),
  filter: (p) => `hqdn3d=luma_spatial=${_num(p, "strength")}`,
  geometry: _keep,
};
