/**
 * Ownership of store units: one lock per unit, `.part-<unit>.parquet.lock` beside the part
 * (hidden, and not a `.parquet` file, so no dataset reader sees it), held while a run scores the
 * unit; and cleaning of the unit's temporary part files left by dead runs. See
 * docs/architecture.md, "Ownership".
 * @module
 */
import { basename, dirname, join } from "node:path";
import { removeStaleTempFiles } from "../util/temp_files.ts";
import { type StoreUnit, unitPath } from "./store.ts";

/** The lock file of `unit` under `storeDir`. */
export function unitLockPath(storeDir: string, unit: StoreUnit): string {
  const part = unitPath(storeDir, unit);
  return join(dirname(part), `.${basename(part)}.lock`);
}

/**
 * Removes the temporary files of `unit`'s part (`.part-<unit>.parquet.<owner>.<nonce>.tmp`) and
 * of its lock (`..part-<unit>.parquet.lock.<owner>.<nonce>.tmp`: a run killed while it took the
 * lock leaves one) whose owner is gone; returns the paths removed.
 */
export function cleanUnitTemps(storeDir: string, unit: StoreUnit): Promise<string[]> {
  const part = unitPath(storeDir, unit);
  const targets = new Set([basename(part), basename(unitLockPath(storeDir, unit))]);
  return removeStaleTempFiles(dirname(part), { accept: (target) => targets.has(target) });
}

/** True for the file name of a store part or of a unit lock (the targets of temporary files). */
export function isUnitFileName(name: string): boolean {
  return name.startsWith("part-") || /^\.part-.*\.lock$/.test(name);
}
