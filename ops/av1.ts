/**
 * The `av1` family (compression): re-encoding with SVT-AV1 (`libsvtav1`, AV1 Main) at a CRF
 * ladder, preset 8. Native ffmpeg only: ffmpeg.wasm (`@ffmpeg/core` 0.12.10) has no AV1
 * encoder, and distort fails such a copy's videos with a message saying so.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** SVT-AV1 logical processors, fixed so the bytes do not depend on the machine. */
export const SVTAV1_THREADS = 2;

/** The `av1` family record. */
export const AV1: OpFamily = {
  id: "av1",
  category: "compression",
  description: "Re-encode with SVT-AV1 (libsvtav1, AV1 Main, preset 8) at a constant rate " +
    "factor.",
  reason: "AV1 is the newest delivery codec of YouTube, Netflix and Meta; SVT-AV1 is the " +
    "encoder those services built on, preset 8 a speed a batch of test videos can afford.",
  source: "FFmpeg AV1 encoding guide (trac.ffmpeg.org/wiki/Encode/AV1, SVT-AV1: -crf 0..63, " +
    "-preset 0..13). Encoder in ffmpeg.wasm: no (native ffmpeg with --enable-libsvtav1 only).",
  parametric: true,
  unit: { title: "CRF (SVT-AV1; higher = more loss)", value: (p) => _num(p, "crf") },
  levels: _levels("av1", [
    ["av1_crf23", { crf: 23 }],
    ["av1_crf30", { crf: 30 }],
    ["av1_crf35", { crf: 35 }],
    ["av1_crf41", { crf: 41 }],
    ["av1_crf50", { crf: 50 }],
    ["av1_crf63", { crf: 63 }],
  ]),
  filter: () => null,
  encoder: (p) => ({
    codec: "libsvtav1",
    args: [
      "-crf",
      String(_num(p, "crf")),
      "-preset",
      "8",
      "-svtav1-params",
      `lp=${SVTAV1_THREADS}`,
    ],
    library: "--enable-libsvtav1",
    determinism: `SVT-AV1 lp=${SVTAV1_THREADS} pinned`,
  }),
  geometry: _keep,
};
