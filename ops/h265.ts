/**
 * The `h265` family (compression): re-encoding with libx265 (HEVC Main) at a CRF ladder.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** x265's thread pool and frame threads, fixed so the bytes do not depend on the machine. */
export const X265_THREADS = "pools=4:frame-threads=2";

/** The `h265` family record. */
export const H265: OpFamily = {
  id: "h265",
  category: "compression",
  description: "Re-encode with libx265 (HEVC Main, preset medium) at a constant rate factor.",
  reason: "HEVC is what phones record and many platforms deliver; x265's CRF scale sits about 5 " +
    "above x264's for the same look (x265 CRF 28 ~ x264 CRF 23), so the ladder spans 23..51.",
  source: "FFmpeg H.265 encoding guide (trac.ffmpeg.org/wiki/Encode/H.265): default CRF 28, " +
    "'should visually correspond to libx264 video at CRF 23'. Encoder in ffmpeg.wasm: yes.",
  parametric: true,
  unit: {
    title: "CRF (libx265 constant rate factor; higher = more loss)",
    value: (p) => _num(p, "crf"),
  },
  levels: _levels("h265", [
    ["h265_crf23", { crf: 23 }],
    ["h265_crf28", { crf: 28 }],
    ["h265_crf33", { crf: 33 }],
    ["h265_crf38", { crf: 38 }],
    ["h265_crf45", { crf: 45 }],
    ["h265_crf51", { crf: 51 }],
  ]),
  filter: () => null,
  encoder: (p) => ({
    codec: "libx265",
    args: [
      "-crf",
      String(_num(p, "crf")),
      "-preset",
      "medium",
      "-x265-params",
      `${X265_THREADS}:log-level=error`,
    ],
    library: "--enable-libx265",
    determinism: `x265 ${X265_THREADS} pinned (its bitstream depends on frame threads)`,
  }),
  geometry: _keep,
};
