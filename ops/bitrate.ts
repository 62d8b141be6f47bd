/**
 * The `bitrate` family (compression): libx264 at a target bitrate, single pass, with a VBV of
 * maximum rate = target and a one-second buffer (`-b:v R -maxrate R -bufsize R`), one thread.
 * @module
 */
import { _keep, _levels, _num } from "./_ladder.ts";
import type { OpFamily } from "./operation.ts";
import { VBV_DETERMINISM } from "./profile.ts";

/** The `bitrate` family record. */
export const BITRATE: OpFamily = {
  id: "bitrate",
  category: "compression",
  description: "Re-encode with libx264 at a target bitrate (kbit/s), single-pass ABR capped by " +
    "a VBV: -b:v R -maxrate R -bufsize R (a one-second buffer), one thread.",
  reason: "Streaming and upload pipelines target a bitrate, not a quality: a fixed budget " +
    "hurts complex scenes most. Single pass because distort encodes every copy of a video in " +
    "one decode (two-pass would decode twice and keep a stats file per output) and live and " +
    "ingest encoders are single-pass; the VBV (max rate = target, 1 s buffer) caps the peaks " +
    "as a streaming encoder does and keeps short clips near the target (real footage, 4 s: " +
    "within 8%; 9 s: within 5%; a 2 s buffer overshot 4 s clips by up to 18%).",
  source: "FFmpeg H.264 guide (trac.ffmpeg.org/wiki/Encode/H.264, 'Constrained encoding " +
    "(VBV / maximum bit rate)': -maxrate with -bufsize); the ladder 2000..150 kbit/s spans a " +
    "1080p-to-240p streaming ladder (Apple HLS authoring spec, 145 kbit/s lowest rung). " +
    "Encoder in ffmpeg.wasm: yes.",
  parametric: true,
  unit: { title: "Target bitrate (kbit/s)", value: (p) => _num(p, "kbps") },
  levels: _levels("bitrate", [
    ["bitrate_2000k", { kbps: 2000 }],
    ["bitrate_1000k", { kbps: 1000 }],
    ["bitrate_500k", { kbps: 500 }],
    ["bitrate_300k", { kbps: 300 }],
    ["bitrate_150k", { kbps: 150 }],
  ]),
  filter: () => null,
  encoder: (p) => {
    const kbps = _num(p, "kbps");
    return {
      codec: "libx264",
      args: [
        "-b:v",
        `${kbps}k`,
        "-maxrate",
        `${kbps}k`,
        "-bufsize",
        `${kbps}k`,
        "-threads",
        "1",
      ],
      library: "--enable-libx264",
      determinism: VBV_DETERMINISM,
    };
  },
  geometry: _keep,
};
