/**
 * Atomic file writes: data goes to a temporary file beside the target, then is renamed into
 * place, so a reader (or a resumed run) never sees half a file. Temporary names carry their
 * owner (util/temp_files.ts), so a cleaner can tell a live run's file from a leftover.
 * @module
 */
import { basename, dirname, join } from "node:path";
import { tempName } from "./temp_files.ts";

/**
 * A unique temporary path in the same folder as `path` (same filesystem, so rename is atomic):
 * `.<name>.<host>+<pid>+<start>.<nonce>.tmp`, owned by this process.
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), tempName(basename(path)));
}

/** Writes `data` to `path` atomically, creating the parent folder when needed. */
export async function atomicWriteFile(path: string, data: Uint8Array | string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/** Writes `value` as pretty JSON (two-space indent, trailing newline) atomically. */
export async function atomicWriteJson(path: string, value: unknown): Promise<void> {
  await atomicWriteFile(path, JSON.stringify(value, null, 2) + "\n");
}

/**
 * Runs `produce(tmpPath)` and renames the file it wrote to `path`; on any error the temporary
 * file is removed and the error rethrown. Use when another tool (ffmpeg, Polars) writes the file.
 */
export async function atomicProduce<T>(
  path: string,
  produce: (tmpPath: string) => Promise<T>,
): Promise<T> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const result = await produce(tmp);
    await Deno.rename(tmp, path);
    return result;
  } catch (error) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** True when `path` exists (file or folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
