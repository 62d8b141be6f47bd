/**
 * Probes of files that have not changed, remembered for the life of the process (internal to
 * `media/`; the native backend uses it). A probe decodes the whole file and starts an ffprobe
 * process (about 0.09 s of CPU on Debian's build before it reads a byte: docs/testing.md), and
 * one run probes the same source more than once (distort's copies, then eval, the report's
 * contact sheet, a rerun in the same notebook kernel).
 *
 * A probe is reused only for the same real path, the same frame limits and the same file: same
 * device and inode (a file replaced by a rename is another file), same size, and same
 * modification and status-change times in nanoseconds (`ctime` moves on every write and cannot be
 * set back by a user). Only successful probes are kept; a caller gets its own copy.
 * @module
 */
import { stat } from "node:fs/promises";
import type { VideoInfo } from "./ffmpeg_types.ts";
import type { FrameLimits } from "./frame_limits.ts";

/** Probes kept at most (the oldest are dropped first); a few hundred bytes each. */
const CAPACITY = 4096;

const memo = new Map<string, VideoInfo>();

/**
 * The identity of `absolute` (a real path) probed under `limits`, or null when it cannot be
 * stat'ed (the probe then runs and reports the problem).
 */
export async function _probeKey(absolute: string, limits: FrameLimits): Promise<string | null> {
  const s = await stat(absolute, { bigint: true }).catch(() => null);
  if (s === null || !s.isFile()) return null;
  const limitsKey = [limits.frameWidth, limits.frameHeight, limits.framePixels, limits.videoFrames]
    .join(",");
  return [absolute, limitsKey, s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join("\0");
}

/** A copy of the probe remembered for `key`, or undefined. */
export function _recalledProbe(key: string): VideoInfo | undefined {
  const info = memo.get(key);
  return info === undefined ? undefined : structuredClone(info);
}

/** Remembers `info` for `key` (a copy of it). */
export function _rememberProbe(key: string, info: VideoInfo): void {
  memo.delete(key);
  memo.set(key, structuredClone(info));
  while (memo.size > CAPACITY) memo.delete(memo.keys().next().value!);
}
