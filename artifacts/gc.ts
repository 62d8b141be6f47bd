/**
 * `collectGarbage`: remove what no copy manifest references under an output folder: unfinished
 * copy folders (an interrupted run that will not be resumed), temporary files of atomic writes
 * whose owner is gone, per-video resume records of finished copies, files in a finished copy's
 * `videos/` that its manifest does not list, and locks left by dead runs. Never touches anything
 * outside the `<out>/<op>/<artifactId>/` layout, and never a copy a live run holds (its lock,
 * or a shard's, artifacts/copy_lock.ts) or a temporary file a live run writes: safe while distort runs.
 * Links are removed as links, never followed (a copy folder's link to a file or folder elsewhere
 * goes, what it leads to stays). A copy whose manifest cannot be read, or names an output outside
 * its folder, is left as it is and named in the report's `errors`.
 * @module
 */
import { basename, dirname, join, relative } from "node:path";
import { lockState, removeStaleLock } from "../util/lock.ts";
import { parseTempName, staleTempFiles } from "../util/temp_files.ts";
import {
  COPY_DATASET_FILE,
  COPY_MANIFEST_FILE,
  COPY_RECORDS_DIR,
  isCopyOutput,
  readCopyManifest,
} from "./copy_manifest.ts";
import { listCopyFolders } from "./copies.ts";
import { copyHolder } from "./copy_lock.ts";
import { VERIFIED_CACHE_FILE } from "./output_check.ts";

/** Options of {@link collectGarbage}. */
export interface GcOptions {
  /** List what would go without removing it. */
  dryRun?: boolean;
}

/** What {@link collectGarbage} removed (or would remove). */
export interface GcReport {
  /** Removed paths (folders and files), absolute or as `out` was given. */
  removed: string[];
  /** Bytes freed (sizes of removed files; hard links count their full size). */
  bytes: number;
  /** Finished copies kept. */
  kept: number;
  /** Copy folders left alone because a live run holds them. */
  busy: string[];
  /**
   * Copies left alone, with why: a manifest that cannot be read, or one whose `output` leads out
   * of its folder (a hostile or damaged manifest must not make gc delete the copy's real videos).
   */
  errors: string[];
}

/** Removes unreferenced copies and partial files under `out`. */
export async function collectGarbage(out: string, options: GcOptions = {}): Promise<GcReport> {
  const report: GcReport = { removed: [], bytes: 0, kept: 0, busy: [], errors: [] };
  async function remove(path: string): Promise<void> {
    report.bytes += await sizeOf(path);
    report.removed.push(path);
    if (!options.dryRun) await Deno.remove(path, { recursive: true });
  }
  for (const folder of await listCopyFolders(out)) {
    // Held by a live run, or by a live shard making its share of the copy.
    if (await copyHolder(folder.dir)) {
      report.busy.push(folder.dir);
      continue;
    }
    if (!folder.finished) {
      await remove(folder.dir);
      continue;
    }
    let manifest;
    try {
      manifest = await readCopyManifest(folder.dir);
    } catch (error) {
      report.errors.push(`${(error as Error).message}: copy left as it is`);
      continue;
    }
    if (!manifest) continue;
    report.kept++;
    if (manifest.refused?.length) {
      for (const r of manifest.refused) report.errors.push(`${r.message}; copy left as it is`);
      continue;
    }
    // Outputs compared as normalised paths inside the folder (`videos/./a.mp4` is `videos/a.mp4`).
    const referenced = new Set(
      [
        COPY_MANIFEST_FILE,
        COPY_DATASET_FILE,
        VERIFIED_CACHE_FILE,
        ...manifest.videos.flatMap((v) => isCopyOutput(folder.dir, v.output) ? [v.output] : []),
      ].map((rel) => relative(folder.dir, join(folder.dir, rel)).split("\\").join("/")),
    );
    const stale = new Set<string>();
    for (const dir of new Set((await walkFiles(folder.dir)).map((file) => dirname(file)))) {
      for (const path of await staleTempFiles(dir)) stale.add(path);
    }
    for (const file of await walkFiles(folder.dir)) {
      const rel = relative(folder.dir, file).split("\\").join("/");
      // A temporary file whose owner still runs is that run's business.
      const temp = parseTempName(basename(file));
      if (temp && !stale.has(file)) continue;
      if (!referenced.has(rel)) await remove(file);
    }
    for (const dir of [join(folder.dir, COPY_RECORDS_DIR)]) {
      if (await Deno.stat(dir).then(() => true, () => false)) await remove(dir);
    }
  }
  await removeStaleLocks(out, report, options);
  return report;
}

/** Removes the locks under `<out>/<op>/` whose holder is gone (a killed run's). */
async function removeStaleLocks(out: string, report: GcReport, options: GcOptions): Promise<void> {
  for (const op of await readDirSafe(out)) {
    if (!op.isDirectory || op.name.startsWith(".")) continue;
    for (const entry of await readDirSafe(join(out, op.name))) {
      if (!entry.isFile || !entry.name.startsWith(".") || !entry.name.endsWith(".lock")) continue;
      const path = join(out, op.name, entry.name);
      const state = await lockState(path);
      if (state.kind !== "stale") continue;
      const bytes = await sizeOf(path).catch(() => 0);
      if (options.dryRun || await removeStaleLock(path)) {
        report.removed.push(path);
        report.bytes += bytes;
      }
    }
  }
}

async function readDirSafe(path: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(path));
  } catch {
    return [];
  }
}

async function walkFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      if (entry.name !== COPY_RECORDS_DIR) files.push(...await walkFiles(path));
    } else files.push(path);
  }
  return files;
}

async function sizeOf(path: string): Promise<number> {
  const stat = await Deno.lstat(path);
  if (!stat.isDirectory) return stat.size;
  let total = 0;
  for await (const entry of Deno.readDir(path)) total += await sizeOf(join(path, entry.name));
  return total;
}
