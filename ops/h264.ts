/**
 * The `h264` family (compression): re-encoding with libx264 at a CRF ladder; the paper's C23 and
 * C40.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `h264` family record. */
export const H264: OpFamily = {
  id: "h264",
  category: "compression",
  description: "Re-encode with libx264 at a constant rate factor (higher CRF, lower quality).",
  reason: "The paper's C23/C40 are FaceForensics++'s H.264 settings: libx264 -crf 23 / -crf 40.",
  parametric: true,
  unit: {
    title: "CRF (libx264 constant rate factor; higher = more loss)",
    value: (p) => _num(p, "crf"),
  },
  levels: _levels("h264", [
    ["h264_crf23", { crf: 23 }, "CRF 23"],
    ["h264_crf28", { crf: 28 }],
    ["h264_crf33", { crf: 33 }],
    ["h264_crf40", { crf: 40 }, "CRF 40"],
    ["h264_crf45", { crf: 45 }],
    ["h264_crf51", { crf: 51 }],
  ]),
  filter: () => null,
  crf: (p) => _num(p, "crf"),
  geometry: _keep,
};
