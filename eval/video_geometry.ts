/**
 * The exact geometry of one video of a copy, per run of frames of one size: how a face box given
 * in the source's pixels (a sidecar's, in the pixels of the frame's own run) reaches the sampled
 * frames. Internal to `eval/`.
 * @module
 */
import {
  identityFrameGeometry,
  type SizeRun,
  sizeRunGeometries,
  type VideoGeometry,
} from "../ops/geometry.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import type { EvalCopy } from "./copies.ts";

/**
 * The geometry of video `videoId` of `copy`, whose file probed as `info` (a `VideoInfo`: the copy
 * manifest's recorded probe, or a fresh one). One rule for every copy:
 *
 * - a copy whose videos are their own sources (the `unaltered` copy: a plain dataset `.csv`, or
 *   distort's link of each source) maps from the probe of the file itself: identity at the first
 *   frame's size, and each later run of another size scaled to it (`sizeRunGeometries`, the rule
 *   distort records as `videos[].segments`, so both give the same mapping);
 * - an encoded copy (its frames have one size; the source's runs are gone from its probe) maps
 *   through its manifest's record (`videos[].geometry` and `segments`), and a time operation's
 *   copy frame j shows the source frame its record's `time` map gives (ops/time_map.ts);
 * - null for an encoded copy without a record (manifests older than it): the nominal geometry
 *   maps its boxes.
 */
export function videoGeometry(
  copy: EvalCopy,
  videoId: string,
  info: { width: number; height: number; segments: readonly SizeRun[] },
): VideoGeometry | null {
  if (copy.op.id === UNALTERED_ID) {
    const geometry = identityFrameGeometry(info.width, info.height);
    return { geometry, segments: sizeRunGeometries(info.segments, geometry) };
  }
  const geometry = copy.frameGeometries?.get(videoId);
  if (!geometry) return null;
  const time = copy.frameTimes?.get(videoId);
  return { geometry, segments: copy.frameSegments?.get(videoId) ?? [], ...(time ? { time } : {}) };
}
