/**
 * The `vp9` family (compression): re-encoding with libvpx-vp9 in constant-quality mode (CRF with
 * `-b:v 0`) at a ladder of CRFs.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";

/** libvpx threads and tile columns, fixed so the bytes do not depend on the machine. */
export const VP9_THREADS = 4;

/** The `vp9` family record. */
export const VP9: OpFamily = {
  id: "vp9",
  category: "compression",
  description: "Re-encode with libvpx-vp9 (profile 0) in constant quality: -crf N -b:v 0, " +
    "single pass, -deadline good -cpu-used 4.",
  reason: "VP9 is YouTube's main delivery codec; -b:v 0 makes -crf a pure constant-quality mode " +
    "(otherwise the CRF is capped by a default bitrate); single pass keeps one decode per video.",
  source: "FFmpeg VP9 encoding guide (trac.ffmpeg.org/wiki/Encode/VP9, 'Constant Quality': " +
    "-crf with -b:v 0, 0..63, 31 suggested for 1080p) and Google's VP9 VOD settings " +
    "(developers.google.com/media/vp9/settings/vod: CRF 32-36 from 1080p to 240p). Encoder in " +
    "ffmpeg.wasm: yes.",
  parametric: true,
  unit: {
    title: "CRF (libvpx-vp9 constant quality; higher = more loss)",
    value: (p) => _num(p, "crf"),
  },
  levels: _levels("vp9", [
    ["vp9_crf24", { crf: 24 }],
    ["vp9_crf31", { crf: 31 }],
    ["vp9_crf37", { crf: 37 }],
    ["vp9_crf45", { crf: 45 }],
    ["vp9_crf52", { crf: 52 }],
    ["vp9_crf63", { crf: 63 }],
  ]),
  filter: () => null,
  encoder: (p) => ({
    codec: "libvpx-vp9",
    args: [
      "-crf",
      String(_num(p, "crf")),
      "-b:v",
      "0",
      "-deadline",
      "good",
      "-cpu-used",
      "4",
      "-threads",
      String(VP9_THREADS),
      "-tile-columns",
      "1",
      "-row-mt",
      "1",
    ],
    library: "--enable-libvpx",
    determinism: `libvpx -threads ${VP9_THREADS} -tile-columns 1 -row-mt 1 pinned`,
  }),
  geometry: _keep,
};
