/**
 * The `jitter` family (time): temporal jitter. Frames are shuffled within windows of `window`
 * frames (a seeded random permutation of each window of a 60-frame block, the same in every
 * block), so a frame is shown up to `window - 1` places early or late; frame count, rate and
 * timestamps are the source's (ops/time_map.ts).
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily, OpParams } from "./operation.ts";
import { timeFilterTemplate, type TimePattern } from "./time_map.ts";
import { seededRandom } from "../util/prng.ts";

/** Frames of the repeating block: a multiple of every window of the ladder. */
const JITTER_BLOCK = 60;

/** Seed of the permutations (fixed: the same copy on every run and machine). */
export const JITTER_SEED = 20230417;

/** Each `window` of the block permuted by a seeded Fisher-Yates shuffle. */
function jitterPattern(p: OpParams): TimePattern {
  const window = _num(p, "window");
  const random = seededRandom(_num(p, "seed"));
  const map: number[] = [];
  for (let start = 0; start < JITTER_BLOCK; start += window) {
    const part = Array.from({ length: window }, (_, i) => start + i);
    for (let i = part.length - 1; i > 0; i--) {
      const k = Math.floor(random() * (i + 1));
      [part[i], part[k]] = [part[k], part[i]];
    }
    map.push(...part);
  }
  return { period: JITTER_BLOCK, map };
}

/** The `jitter` family record. */
export const JITTER: OpFamily = {
  id: "jitter",
  category: "time",
  description: "Temporal jitter: frames shuffled within windows of 2..10 frames (seeded, the " +
    "same pattern every 60 frames); frame count, rate and timing unchanged.",
  reason: "Out-of-order and mistimed frames (broken muxing, frame interpolation, bad edits) " +
    "break the temporal consistency clip-level detectors read.",
  source: "Schiappa et al., 'A Large-scale Robustness Analysis of Video Action Recognition " +
    "Models', CVPR 2023 (temporal 'jumbling' perturbation: frames shuffled within segments); " +
    "the windows are our choice.",
  parametric: true,
  unit: {
    title: "Shuffle window (frames)",
    value: (p) => _num(p, "window"),
  },
  levels: _levels("jitter", [
    ["jitter_w2", { window: 2, seed: JITTER_SEED }],
    ["jitter_w3", { window: 3, seed: JITTER_SEED }],
    ["jitter_w4", { window: 4, seed: JITTER_SEED }],
    ["jitter_w6", { window: 6, seed: JITTER_SEED }],
    ["jitter_w10", { window: 10, seed: JITTER_SEED }],
  ]),
  filter: (p) => timeFilterTemplate(jitterPattern(p)),
  time: jitterPattern,
  geometry: _keep,
};
