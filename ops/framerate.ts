/**
 * The `framerate` family (time): frame-rate reduction. Of every `of` source frames, `keep` are
 * kept, evenly spread (position n is kept when `n * keep mod of < keep`), and the copy is retimed
 * to a constant `fps x keep / of`, so it lasts as long as its source: 25 fps becomes 20, 15,
 * 12.5, 10 and 5 fps. Copy frame j shows source frame `ceil(j * of / keep)` (ops/time_map.ts).
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily, OpParams } from "./operation.ts";
import { timeFilterTemplate, type TimePattern } from "./time_map.ts";

/** The pattern keeping `keep` of every `of` frames. */
function dropPattern(p: OpParams): TimePattern {
  const keep = _num(p, "keep");
  const of = _num(p, "of");
  const map = Array.from({ length: of }, (_, n) => ((n * keep) % of < keep ? n : -1));
  return { period: of, map };
}

/** The `framerate` family record. */
export const FRAMERATE: OpFamily = {
  id: "framerate",
  category: "time",
  description: "Frame-rate reduction: keeps `keep` of every `of` frames, evenly spread, at a " +
    "constant lower rate (25 fps: 20, 15, 12.5, 10, 5 fps); the copy lasts as long as the source.",
  reason:
    "Platforms and apps cap the frame rate (30 fps caps, 15 fps messenger and low-bandwidth " +
    "renditions); the ladder is a fraction of the source's rate, exact on every source.",
  source: "Schiappa et al., 'A Large-scale Robustness Analysis of Video Action Recognition " +
    "Models', CVPR 2023 (temporal 'sampling rate' perturbation); the rungs are our choice " +
    "(25 -> 15 and 10 fps as in issue 26).",
  parametric: true,
  unit: {
    title: "Frames kept (share of the source's frames and frame rate)",
    value: (p) => _num(p, "keep") / _num(p, "of"),
  },
  levels: _levels("framerate", [
    ["framerate_4of5", { keep: 4, of: 5 }],
    ["framerate_3of5", { keep: 3, of: 5 }],
    ["framerate_1of2", { keep: 1, of: 2 }],
    ["framerate_2of5", { keep: 2, of: 5 }],
    ["framerate_1of5", { keep: 1, of: 5 }],
  ]),
  filter: (p) => timeFilterTemplate(dropPattern(p)),
  time: dropPattern,
  geometry: _keep,
};
