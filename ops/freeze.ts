/**
 * The `freeze` family (time): frame duplication. In every block of `period` frames (30, about a
 * second) the first frame is held for `hold` frames in place of the next `hold - 1`, as a stalled
 * stream or a dropped-frame repeat shows it; frame count, rate and timestamps are the source's.
 * Copy frame j shows source frame `j - (j mod period)` when `j mod period < hold`, else j
 * (ops/time_map.ts).
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily, OpParams } from "./operation.ts";
import { timeFilterTemplate, type TimePattern } from "./time_map.ts";

/** The pattern holding block frame 0 for `hold` positions of every `period`. */
function freezePattern(p: OpParams): TimePattern {
  const period = _num(p, "period");
  const hold = _num(p, "hold");
  return { period, map: Array.from({ length: period }, (_, i) => (i < hold ? 0 : i)) };
}

/** The `freeze` family record. */
export const FREEZE: OpFamily = {
  id: "freeze",
  category: "time",
  description: "Freeze: in every 30 frames the first is repeated for 3..24 frames in place of " +
    "the next; frame count, rate and timing unchanged.",
  reason: "Stalls and repeated frames from congested streams and capture: consecutive frames " +
    "are identical, which clip-level detectors reading motion may take for a cue.",
  source: "Schiappa et al., 'A Large-scale Robustness Analysis of Video Action Recognition " +
    "Models', CVPR 2023 (temporal 'freezing' perturbation); the rungs are our choice.",
  parametric: true,
  unit: {
    title: "Frames held (of every 30-frame period)",
    value: (p) => _num(p, "hold"),
  },
  levels: _levels("freeze", [
    ["freeze_h3", { period: 30, hold: 3 }],
    ["freeze_h6", { period: 30, hold: 6 }],
    ["freeze_h10", { period: 30, hold: 10 }],
    ["freeze_h15", { period: 30, hold: 15 }],
    ["freeze_h24", { period: 30, hold: 24 }],
  ]),
  filter: (p) => timeFilterTemplate(freezePattern(p)),
  time: freezePattern,
  geometry: _keep,
};
