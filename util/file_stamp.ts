/**
 * What identifies one version of a file, and when that identity may be trusted: the rule of every
 * in-process or on-disk memo keyed by a file (util/digest_cache.ts for model hashes,
 * media/_probe_memo.ts for probes). A version is its size, modification time, change time
 * (ctime: any write or metadata change sets it, and no tool can set it back), inode and device,
 * as `Deno.stat` gives them. File times come from a coarse clock (Deno gives ctime in whole
 * seconds), so a write in the same tick as the one stamped would leave the stamp as it was
 * ("racy" entries, as git calls them): a result is remembered only when the file had not changed
 * for {@link SETTLED_MS} when the work on it began; a later write then gets a later change time.
 * @module
 */

/** One version of a file. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

/** How long a file must have been unchanged (ms) when work on it began for its result to be kept. */
export const SETTLED_MS = 1000;

/** The stamp of a regular file from its `Deno.stat`; null when the platform gives no ctime/inode. */
export function fileStamp(info: Deno.FileInfo): FileStamp | null {
  const mtimeMs = info.mtime?.getTime();
  const ctimeMs = info.ctime?.getTime();
  if (
    !info.isFile || mtimeMs === undefined || ctimeMs === undefined || info.ino === null ||
    info.dev === null
  ) {
    return null;
  }
  return { size: info.size, mtimeMs, ctimeMs, ino: info.ino, dev: info.dev };
}

/** True when `a` and `b` are the same version of a file. */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs &&
    a.ino === b.ino && a.dev === b.dev;
}

/**
 * True when the file stamped `stamp` had been unchanged for {@link SETTLED_MS} at `startedAt`
 * (ms since the epoch, taken before the work on it began): its result may be remembered.
 */
export function settled(stamp: FileStamp, startedAt: number): boolean {
  return startedAt - Math.max(stamp.ctimeMs, stamp.mtimeMs) >= SETTLED_MS;
}
