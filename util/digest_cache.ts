/**
 * SHA-256 of large files that do not change (detector models, 20-300 MB), remembered between
 * runs: every eval run records its model's hash, which costs a full read (about 0.1 s for
 * EfficientNet-B4's 70 MB, 1 s for a 500 MB model) when computed each time. An entry is used only
 * while the file's version (util/file_stamp.ts: size, modification and change time, inode,
 * device) is the one it was when hashed, and it had settled then; anything else hashes the file
 * again. The cache is a small JSON file in the user's cache
 * folder ({@link digestCacheFile}); when it cannot be read or written (no permission, read-only
 * home) files are hashed every time, silently.
 * @module
 */
import { join, resolve } from "node:path";
import { atomicWriteJson } from "./atomic.ts";
import { sha256File } from "./hash.ts";
import { assertRegularFile } from "./regular_file.ts";
import { type FileStamp, fileStamp, sameStamp, settled } from "./file_stamp.ts";
import { type EnvLookup, processEnv } from "./env_lookup.ts";

/** The environment variable naming dfrobust's cache folder (default: the user's cache folder). */
export const CACHE_DIR_ENV = "DFROBUST_CACHE_DIR";

/** Schema tag of the cache file. */
const SCHEMA = "dfrobust.sha256-cache/1";
/** Entries kept (the most recently used): enough for every model a user works with. */
const MAX_ENTRIES = 64;

interface CacheEntry extends FileStamp {
  sha256: string;
  /** When the entry was last used (ms since the epoch), for keeping the most recent. */
  usedAt: number;
}

interface CacheFile {
  schema: typeof SCHEMA;
  files: Record<string, CacheEntry>;
}

/**
 * The cache file: `$DFROBUST_CACHE_DIR/sha256.json`, else `$XDG_CACHE_HOME/dfrobust/sha256.json`,
 * else `$HOME/.cache/dfrobust/sha256.json`; null when none of them is set or the environment may
 * not be read. `env` reads the variables (default: this process's environment; tests pass their
 * own instead of changing the process's, which parallel test workers share).
 */
export function digestCacheFile(env: EnvLookup = processEnv): string | null {
  const own = env(CACHE_DIR_ENV);
  if (own) return join(resolve(own), "sha256.json");
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return join(resolve(xdg), "dfrobust", "sha256.json");
  const home = env("HOME");
  return home ? join(home, ".cache", "dfrobust", "sha256.json") : null;
}

/** Options of {@link sha256FileCached}. */
export interface Sha256FileCachedOptions {
  /** Reads the variables that place the cache file (default: this process's environment). */
  env?: EnvLookup;
}

/**
 * SHA-256 (lowercase hex) of the file at `path`, from the cache when the file is unchanged since
 * it was hashed (see the module doc), else read and remembered. Throws what `Deno.stat` or the
 * read throws for a missing or unreadable file, and a `NotRegularFileError` naming it, before
 * any read, for a FIFO, a device or a folder (util/regular_file.ts); never because of the cache.
 */
export async function sha256FileCached(
  path: string,
  options: Sha256FileCachedOptions = {},
): Promise<string> {
  const absolute = resolve(path);
  // A FIFO or device is refused here, before any read (it would never end).
  const stamp = fileStamp(await assertRegularFile(absolute));
  const cacheFile = digestCacheFile(options.env);
  const cache = cacheFile ? await readCache(cacheFile) : null;
  const entry = cache?.files[absolute];
  if (entry && stamp && sameStamp(entry, stamp)) {
    entry.usedAt = Date.now();
    // Best effort: the use time only decides which entries a full cache drops.
    if (cacheFile && cache) await writeCache(cacheFile, cache);
    return entry.sha256;
  }
  const hashedAt = Date.now();
  const sha256 = await sha256File(absolute);
  // Only a settled file is remembered (util/file_stamp.ts).
  if (cacheFile && stamp && settled(stamp, hashedAt)) {
    const fresh = cache ?? { schema: SCHEMA, files: {} };
    fresh.files[absolute] = { ...stamp, sha256, usedAt: Date.now() };
    await writeCache(cacheFile, fresh);
  }
  return sha256;
}

async function readCache(file: string): Promise<CacheFile | null> {
  try {
    const data = JSON.parse(await Deno.readTextFile(file));
    if (data?.schema !== SCHEMA || typeof data.files !== "object" || data.files === null) {
      return null;
    }
    const files: Record<string, CacheEntry> = {};
    for (const [path, entry] of Object.entries(data.files as Record<string, CacheEntry>)) {
      if (
        typeof entry?.sha256 === "string" && /^[0-9a-f]{64}$/.test(entry.sha256) &&
        [entry.size, entry.mtimeMs, entry.ctimeMs, entry.ino, entry.dev, entry.usedAt].every(
          Number.isFinite,
        )
      ) {
        files[path] = entry;
      }
    }
    return { schema: SCHEMA, files };
  } catch {
    return null;
  }
}

async function writeCache(file: string, cache: CacheFile): Promise<void> {
  const kept = Object.entries(cache.files)
    .sort(([, a], [, b]) => b.usedAt - a.usedAt)
    .slice(0, MAX_ENTRIES);
  try {
    await atomicWriteJson(file, { schema: SCHEMA, files: Object.fromEntries(kept) });
  } catch {
    // A cache that cannot be written only costs the next run a read of the file.
  }
}
