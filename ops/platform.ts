/**
 * Platform-like operations: named approximations of what a platform does to an upload (a cap on
 * the frame's short side, then one H.264 encode with a profile, rate and GOP). Each record's
 * `source` says which values are cited and which are ASSUMPTIONS (docs/operations.md has the
 * table); they are approximations (a platform's encoder, its per-title decisions and its later
 * changes are not modelled). Measured values for a platform as it is now come from the user's own
 * paired uploads: `platform-fit` and `--ops platform:<record.json>` (ops/platform_record.ts).
 * @module
 */
import { _levels, _num } from "./_ladder.ts";
import type { OpFamily, OpParams } from "./operation.ts";
import { VBV_DETERMINISM } from "./profile.ts";

/** Output side when the short side is capped at `cap` (even sides; no upscale). */
function cappedSide(side: number, width: number, height: number, cap: number): number {
  const short = Math.min(width, height);
  if (short <= cap) return side;
  // Same left-to-right double arithmetic as the ffmpeg expression below.
  return Math.max(2, Math.trunc(side * cap / short / 2) * 2);
}

/** `scale` capping the short side at `cap`, even sides; the frame is passed as is below it. */
function capFilter(cap: number): string {
  const side = (s: string) =>
    `if(lte(min(iw\\,ih)\\,${cap})\\,${s}\\,max(2\\,trunc(${s}*${cap}/min(iw\\,ih)/2)*2))`;
  return `scale=w='${side("iw")}':h='${side("ih")}':flags=bicubic`;
}

/** A platform record: the short-side cap and the x264 settings, all from `source`. */
function platform(
  id: string,
  params: OpParams,
  text: { name: string; description: string; reason: string; source: string },
): OpFamily {
  return {
    id,
    category: "platform",
    ...text,
    parametric: false,
    levels: _levels(id, [[id, params]]),
    filter: (p) => capFilter(_num(p, "shortSide")),
    encoder: (p) => ({
      codec: "libx264",
      args: [
        "-profile:v",
        String(p.profile),
        "-b:v",
        `${_num(p, "kbps")}k`,
        "-maxrate",
        `${_num(p, "maxKbps")}k`,
        "-bufsize",
        `${2 * _num(p, "maxKbps")}k`,
        "-g",
        String(_num(p, "gop")),
        "-bf",
        String(_num(p, "bframes")),
        "-refs",
        String(_num(p, "refs")),
        "-threads",
        "1",
      ],
      library: "--enable-libx264",
      determinism: VBV_DETERMINISM,
    }),
    // No mirror; the exact scale follows from the real sizes (the nominal one depends on them).
    geometry: () => ({ hflip: false, vflip: false, scale: 1 }),
    size: (p, width, height) => ({
      width: cappedSide(width, width, height, _num(p, "shortSide")),
      height: cappedSide(height, width, height, _num(p, "shortSide")),
    }),
  };
}

/** YouTube's 720p H.264 rendition, as measured on a real upload. */
export const PLATFORM_YT: OpFamily = platform("platform_yt", {
  shortSide: 720,
  profile: "high",
  kbps: 2986,
  maxKbps: 4670,
  gop: 60,
  bframes: 0,
  refs: 1,
}, {
  name: "YouTube-like",
  description: "YouTube-like 720p H.264 rendition: short side capped at 720, x264 High profile, " +
    "2986 kbit/s average (VBV max 4670 kbit/s), GOP 60, no B-frames, 1 reference; audio dropped.",
  reason: "A detector shown a video 'from YouTube' sees the platform's re-encode, not the " +
    "upload: a resolution rung, High profile H.264 and the rendition's bitrate.",
  source: "Approximation. Measured on a downloaded YouTube '720p HD' rendition (mediainfo): " +
    "AVC High@L3.1, 2986 kbit/s average, 4670 kbit/s max, GOP M=1 N=60, 1 reference frame " +
    "(oxygenimpaired.com, 'Video Encoding for Online HD', 2011). YouTube's delivery ladder " +
    "changes over time; the numbers are that 2011 measurement's. For values measured now: " +
    "platform-fit on your own uploads, then --ops platform:<record.json>.",
});

/**
 * A Facebook-like HD rendition. Cited: one H.264 re-encode with resizing (Montibeller et al.
 * 2025) in the Main profile (their emulator's profile for Facebook); the 720 cap, rate and GOP are
 * assumptions, said so in `source` (docs/operations.md lists each value's provenance).
 */
export const PLATFORM_FB: OpFamily = platform("platform_fb", {
  shortSide: 720,
  profile: "main",
  kbps: 2000,
  maxKbps: 3000,
  gop: 60,
  bframes: 3,
  refs: 3,
}, {
  name: "Facebook-like",
  description: "Facebook-like HD rendition: short side capped at 720, x264 Main profile, " +
    "2000 kbit/s average (VBV max 3000 kbit/s), GOP 60, 3 B-frames, 3 references; audio dropped.",
  reason: "A video 'from Facebook' is the platform's H.264 re-encode at a capped resolution, " +
    "which launders the low-level traces detectors learn (Montibeller et al. 2025).",
  source: "Approximation. Cited: Montibeller, Shullani, Baracchi, Piva, Boato, 'Bridging the " +
    "Gap: A Framework for Real-World Video Deepfake Detection via Social Network Compression " +
    "Emulation' (DFF workshop, ACM MM 2025, arXiv:2508.08765): Facebook re-encodes uploads " +
    "with H.264 and resizes them, CRF-equivalent and resolution estimated per resolution from " +
    "paired uploads (their estimated values are not published in reach); Main profile: their " +
    "emulator's profile for Facebook (github.com/truebees-ai/social_emulator, " +
    "SN_encoding_emulation.py). ASSUMPTIONS (no measurement at hand): the 720 short-side cap, " +
    "2000/3000 kbit/s, GOP 60, 3 B-frames and 3 references (x264's defaults). For measured " +
    "values: platform-fit on your own uploads, then --ops platform:<record.json>.",
});

/**
 * A WhatsApp-like messenger re-encode. The codec and profile rules are Meta's published ones;
 * the resolution cap and the rate are assumptions, said so in `source`.
 */
export const MESSENGER_LIKE: OpFamily = platform("messenger_like", {
  shortSide: 480,
  profile: "main",
  kbps: 1000,
  maxKbps: 1500,
  gop: 60,
  bframes: 0,
  refs: 1,
}, {
  name: "WhatsApp-like",
  description: "WhatsApp-like messenger re-encode: short side capped at 480, x264 Main profile " +
    "without B-frames, 1000 kbit/s average (VBV max 1500 kbit/s), GOP 60, 1 reference; audio " +
    "dropped.",
  reason: "Deepfakes spread through messengers, which re-encode every video sent as a video " +
    "to a small H.264 file for phones.",
  source: "Approximation. Meta, WhatsApp Business Platform 'Video Messages' documentation " +
    "(updated 2025-11-03): H.264 video and AAC audio only, High profile with B-frames not " +
    "supported by Android clients, Main profile without B-frames or Baseline recommended, " +
    "16 MB per video. Messenger re-encoding and resizing: Shullani et al., 'VISION: a video " +
    "and image dataset for source identification', EURASIP J. Inf. Security 2017 (WhatsApp " +
    "versions of 1914 videos). ASSUMPTIONS (no measurement at hand): the 480 short side, " +
    "1000/1500 kbit/s, GOP 60. For measured values: platform-fit on your own sends, then " +
    "--ops platform:<record.json>.",
});
