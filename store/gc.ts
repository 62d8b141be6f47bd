/**
 * `collectStoreGarbage`: remove what runs killed at the wrong moment leave in a results store:
 * temporary part files (`.part-<unit>.parquet.<owner>.<nonce>.tmp`), temporary lock files
 * (`..part-<unit>.parquet.lock.<owner>.<nonce>.tmp`) and unit locks whose owner is gone. A live run's files are left alone, so it is safe while eval runs. Parts themselves,
 * damaged or not, are never removed (eval rewrites a damaged part of its own unit).
 * @module
 */
import { join } from "node:path";
import { lockState, removeStaleLock } from "../util/lock.ts";
import { staleTempFiles } from "../util/temp_files.ts";
import { isUnitFileName } from "./unit_lock.ts";

/** What {@link collectStoreGarbage} removed (or would remove). */
export interface StoreGcReport {
  /** Removed paths. */
  removed: string[];
  /** Bytes freed. */
  bytes: number;
}

/** Options of {@link collectStoreGarbage}. */
export interface StoreGcOptions {
  /** List what would go without removing it. */
  dryRun?: boolean;
}

/**
 * Removes stale temporary part files and stale unit locks under the `det=*` / `op=*` folders of
 * `storeDir`. A folder without that layout gives an empty report.
 */
export async function collectStoreGarbage(
  storeDir: string,
  options: StoreGcOptions = {},
): Promise<StoreGcReport> {
  const report: StoreGcReport = { removed: [], bytes: 0 };
  for (const det of await readDirSafe(storeDir)) {
    if (!det.isDirectory || !det.name.startsWith("det=")) continue;
    for (const op of await readDirSafe(join(storeDir, det.name))) {
      if (!op.isDirectory || !op.name.startsWith("op=")) continue;
      const dir = join(storeDir, det.name, op.name);
      // Parts' and unit locks' temporary files (a run killed while writing or locking).
      const temps = await staleTempFiles(dir, { accept: isUnitFileName });
      for (const path of temps) {
        const bytes = await Deno.lstat(path).then((s) => s.size, () => 0);
        if (!options.dryRun) await Deno.remove(path, { recursive: true }).catch(() => {});
        report.removed.push(path);
        report.bytes += bytes;
      }
      for (const entry of await readDirSafe(dir)) {
        if (!entry.isFile || !/^\.part-.*\.lock$/.test(entry.name)) continue;
        const path = join(dir, entry.name);
        if ((await lockState(path)).kind !== "stale") continue;
        const bytes = await Deno.lstat(path).then((s) => s.size, () => 0);
        if (options.dryRun || await removeStaleLock(path)) {
          report.removed.push(path);
          report.bytes += bytes;
        }
      }
    }
  }
  report.removed.sort();
  return report;
}

/** True when `dir` has the store's layout: at least one `det=*` folder in it. */
export async function hasStoreLayout(dir: string): Promise<boolean> {
  return (await readDirSafe(dir)).some((e) => e.isDirectory && e.name.startsWith("det="));
}

async function readDirSafe(path: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(path));
  } catch {
    return [];
  }
}
