/**
 * Probes of files that have not changed, remembered for the life of the process (internal to
 * `media/`; the native backend uses it). A probe decodes the whole file and starts an ffprobe
 * process (about 0.09 s of CPU on Debian's build before it reads a byte: docs/testing.md), and
 * one run probes the same source more than once (distort's copies, then eval, the report's
 * contact sheet, a rerun in the same notebook kernel).
 *
 * A probe is reused only for the same real path, the same frame limits and the same version of
 * the file (util/file_stamp.ts: size, modification and change time, inode, device), and it is
 * remembered only when the file had settled before the probe began and did not change while it
 * ran (the rule the model-hash cache follows, util/digest_cache.ts). Only successful probes are
 * kept; a caller gets its own copy.
 * @module
 */
import type { VideoInfo } from "./ffmpeg_types.ts";
import type { FrameLimits } from "./frame_limits.ts";
import { fileStamp, settled } from "../util/file_stamp.ts";

/** Probes kept at most (the oldest are dropped first); a few hundred bytes each. */
const CAPACITY = 4096;

const memo = new Map<string, VideoInfo>();

/**
 * The identity of the file at `absolute` (a real path), stat'ed as `info`, probed under
 * `limits`; null when the platform gives no stamp (nothing is remembered then).
 */
export function _probeKey(
  absolute: string,
  info: Deno.FileInfo,
  limits: FrameLimits,
): string | null {
  const s = fileStamp(info);
  if (s === null) return null;
  const limitsKey = [limits.frameWidth, limits.frameHeight, limits.framePixels, limits.videoFrames]
    .join(",");
  return [absolute, limitsKey, s.dev, s.ino, s.size, s.mtimeMs, s.ctimeMs].join("\0");
}

/** A copy of the probe remembered for `key`, or undefined. */
export function _recalledProbe(key: string): VideoInfo | undefined {
  const info = memo.get(key);
  return info === undefined ? undefined : structuredClone(info);
}

/**
 * Remembers `probe` (a copy of it) for `key`, the key of the file stat'ed as `before` when the
 * probe began at `startedAt` (ms since the epoch), when the file had settled then and `after`
 * (its key once the probe ended) is the same.
 */
export function _rememberProbe(
  key: string,
  before: Deno.FileInfo,
  startedAt: number,
  after: string | null,
  probe: VideoInfo,
): void {
  const stamp = fileStamp(before);
  if (stamp === null || !settled(stamp, startedAt) || after !== key) return;
  memo.delete(key);
  memo.set(key, structuredClone(probe));
  while (memo.size > CAPACITY) memo.delete(memo.keys().next().value!);
}
