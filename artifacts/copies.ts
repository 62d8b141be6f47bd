/**
 * Finding distorted copies on disk: `<out>/<op_id>/<artifactId>/` folders, finished (with a
 * manifest) or not. Shared by verify and gc.
 * @module
 */
import { join } from "node:path";

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
      const finished = await Deno.stat(join(dir, "manifest.json")).then(() => true, () => false);
      found.push({ opId: op.name, artifactId: copy.name, dir, finished });
    }
  }
  return found.sort((a, b) => a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0);
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
