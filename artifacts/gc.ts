/**
 * `collectGarbage`: remove what no copy manifest references under an output folder: unfinished
 * copy folders (an interrupted run that will not be resumed), temporary files of atomic writes,
 * per-video resume records of finished copies, and files in a finished copy's `videos/` that its
 * manifest does not list. Never touches anything outside the `<out>/<op>/<artifactId>/` layout.
 * Do not run it while a distort run writes to the same folder: its unfinished copy would go.
 * @module
 */
import { join, relative } from "node:path";
import { COPY_DATASET_FILE, COPY_MANIFEST_FILE, readCopyManifest } from "./copy_manifest.ts";
import { listCopyFolders } from "./copies.ts";

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
}

/** Removes unreferenced copies and partial files under `out`. */
export async function collectGarbage(out: string, options: GcOptions = {}): Promise<GcReport> {
  const report: GcReport = { removed: [], bytes: 0, kept: 0 };
  async function remove(path: string): Promise<void> {
    report.bytes += await sizeOf(path);
    report.removed.push(path);
    if (!options.dryRun) await Deno.remove(path, { recursive: true });
  }
  for (const folder of await listCopyFolders(out)) {
    if (!folder.finished) {
      await remove(folder.dir);
      continue;
    }
    const manifest = await readCopyManifest(folder.dir);
    if (!manifest) continue;
    report.kept++;
    const referenced = new Set([
      COPY_MANIFEST_FILE,
      COPY_DATASET_FILE,
      ...manifest.videos.flatMap((v) => v.output ? [v.output] : []),
    ]);
    for (const file of await walkFiles(folder.dir)) {
      const rel = relative(folder.dir, file).split("\\").join("/");
      if (!referenced.has(rel)) await remove(file);
    }
    for (const dir of [join(folder.dir, ".records")]) {
      if (await Deno.stat(dir).then(() => true, () => false)) await remove(dir);
    }
  }
  return report;
}

async function walkFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      if (entry.name !== ".records") files.push(...await walkFiles(path));
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
