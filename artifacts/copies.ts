/**
 * Finding distorted copies on disk: the `<out>/<op_id>/<artifactId>/` folders of a distort output,
 * finished (with a manifest) or not (verify and gc), and every finished copy anywhere under a
 * folder, by its manifest (eval's `--data`, the report's provenance). The format itself is
 * artifacts/copy_manifest.ts.
 * @module
 */
import { dirname, join } from "node:path";
import {
  COPY_MANIFEST_FILE,
  COPY_VIDEOS_DIR,
  type CopyManifest,
  readCopyManifestFile,
} from "./copy_manifest.ts";
import { compareIds } from "../util/compare.ts";

/** A copy folder found under an output folder. */
export interface CopyFolder {
  opId: string;
  artifactId: string;
  /** Absolute or `out`-relative path of the folder, as `out` was given. */
  dir: string;
  /** True when it holds a manifest.json (a finished copy). */
  finished: boolean;
}

/** Artifact ids are 16 lowercase hex digits; anything else under `<out>/<op>/` is not ours. */
const ARTIFACT_ID = /^[0-9a-f]{16}$/;

/**
 * Lists the copy folders under `out` (two levels: op id, artifact id), sorted. Folders that do
 * not look like copies are ignored; a missing `out` gives an empty list.
 */
export async function listCopyFolders(out: string): Promise<CopyFolder[]> {
  const found: CopyFolder[] = [];
  for (const op of await readDirSafe(out)) {
    if (!op.isDirectory || op.name.startsWith(".")) continue;
    for (const copy of await readDirSafe(join(out, op.name))) {
      if (!copy.isDirectory || !ARTIFACT_ID.test(copy.name)) continue;
      const dir = join(out, op.name, copy.name);
      const finished = await Deno.stat(join(dir, COPY_MANIFEST_FILE)).then(() => true, () => false);
      found.push({ opId: op.name, artifactId: copy.name, dir, finished });
    }
  }
  return found.sort((a, b) => compareIds(a.dir, b.dir));
}

async function readDirSafe(path: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return [];
    }
    throw error;
  }
}

/** A finished copy found under a folder. */
export interface FoundCopy {
  /** Path of its manifest (under the folder searched, as that was given). */
  path: string;
  /** Its folder. */
  dir: string;
  /** The validated manifest (artifacts/copy_manifest.ts). */
  manifest: CopyManifest;
}

/** Options of {@link findCopies}. */
export interface FindCopiesOptions {
  /** Folder levels searched below `root` (0 = `root` only). Default: no limit. */
  maxDepth?: number;
  /**
   * Called with the path and message of a manifest that cannot be read or is malformed, which is
   * then skipped. Default: throw its `CopyManifestError`.
   */
  onError?: (path: string, message: string) => void;
}

/**
 * Every finished copy under `root`: each `manifest.json` of schema `dfrobust.copy/1` in `root` or
 * below it, read and validated, in a sorted walk. Skipped: names starting with `.` (temporary
 * files and folders of runs not finished), a copy's `videos/` folder (media only), and JSON of
 * another schema (another tool's manifest.json). A missing or unreadable `root` gives [].
 * Throws a `CopyManifestError` naming the file for a malformed copy manifest, unless `onError`
 * is given.
 */
export async function findCopies(
  root: string,
  options: FindCopiesOptions = {},
): Promise<FoundCopy[]> {
  const found: FoundCopy[] = [];
  for (const path of await manifestPaths(root, options.maxDepth ?? Infinity)) {
    try {
      const manifest = await readCopyManifestFile(path);
      if (manifest) found.push({ path, dir: dirname(path), manifest });
    } catch (error) {
      if (!options.onError) throw error;
      options.onError(path, error instanceof Error ? error.message : String(error));
    }
  }
  return found;
}

async function manifestPaths(dir: string, depth: number): Promise<string[]> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return [];
  }
  entries.sort((a, b) => compareIds(a.name, b.name));
  const isCopy = entries.some((e) => e.isFile && e.name === COPY_MANIFEST_FILE);
  const paths: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    // Joined as given (not normalised): the paths are reported as found.
    const path = `${dir}/${entry.name}`;
    if (entry.isFile && entry.name === COPY_MANIFEST_FILE) paths.push(path);
    else if (entry.isDirectory && depth > 0 && !(isCopy && entry.name === COPY_VIDEOS_DIR)) {
      paths.push(...await manifestPaths(path, depth - 1));
    }
  }
  return paths;
}
