/**
 * The `mpeg4` family (compression): a legacy codec, MPEG-4 Part 2 (Simple Profile, ffmpeg's own
 * `mpeg4` encoder: the DivX/Xvid era) at a ladder of fixed quantisers (`-q:v`).
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** The `mpeg4` family record. */
export const MPEG4: OpFamily = {
  id: "mpeg4",
  category: "compression",
  description: "Re-encode with ffmpeg's MPEG-4 Part 2 encoder (Simple Profile) at a fixed " +
    "quantiser -q:v (2 best .. 31 worst).",
  reason: "A legacy codec with 8x8 DCT blocking and no deblocking filter: old phone, CCTV and " +
    "archive footage; -q:v is its constant-quality scale.",
  source: "ISO/IEC 14496-2 (MPEG-4 Visual); FFmpeg MPEG-4 guide " +
    "(trac.ffmpeg.org/wiki/Encode/MPEG-4: -q:v 1..31, 'lower is better'). Encoder in " +
    "ffmpeg.wasm: yes (built into ffmpeg).",
  parametric: true,
  unit: { title: "Quantiser (-q:v; higher = more loss)", value: (p) => _num(p, "q") },
  levels: _levels("mpeg4", [
    ["mpeg4_q3", { q: 3 }],
    ["mpeg4_q6", { q: 6 }],
    ["mpeg4_q10", { q: 10 }],
    ["mpeg4_q16", { q: 16 }],
    ["mpeg4_q24", { q: 24 }],
    ["mpeg4_q31", { q: 31 }],
  ]),
  filter: () => null,
  encoder: (p) => ({
    codec: "mpeg4",
    args: ["-q:v", String(_num(p, "q")), "-threads", "1"],
    library: null,
    determinism: "-threads 1 pinned (the encoder's slices follow its thread count)",
  }),
  geometry: _keep,
};
