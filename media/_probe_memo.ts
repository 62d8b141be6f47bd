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
 * set back by a user), read with Linux `statx` (util/libc.ts): Deno's own stat gives `ctime` in
 * whole seconds, which would not tell apart two writes within one second whose writer put the
 * modification time back (`cp -p` over the file does). Where `statx` cannot be had (off Linux, no
 * FFI permission) nothing is remembered. Only successful probes are kept, and only when the file
 * did not change while it was probed; a caller gets its own copy.
 * @module
 */
import type { VideoInfo } from "./ffmpeg_types.ts";
import { fileStamp } from "../util/libc.ts";
import type { FrameLimits } from "./frame_limits.ts";

/** Probes kept at most (the oldest are dropped first); a few hundred bytes each. */
const CAPACITY = 4096;

const memo = new Map<string, VideoInfo>();

/**
 * The identity of `absolute` (a real path of a regular file) probed under `limits`, or null when
 * it cannot be told to the nanosecond (nothing is remembered then).
 */
export function _probeKey(absolute: string, limits: FrameLimits): string | null {
  const s = fileStamp(absolute);
  if (s === null) return null;
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
