/**
 * Is this path a copies folder (a distort `--out`)? `verify` and `gc` are given one; a typo, a
 * file or a results store must not read as "0 copies verified" with exit 0. A copies folder is an
 * existing folder with at least one copy folder `<op_id>/<artifactId>/` in it, finished or not
 * (artifacts/copies.ts `listCopyFolders`).
 * @module
 */
import { listCopyFolders } from "./copies.ts";

/** A path given as a copies folder that is not one (exit 1 in a task: nothing was checked). */
export class NotCopiesFolderError extends Error {
  override name = "NotCopiesFolderError";
}

/**
 * Why `path` cannot be read as a folder: `no such folder`, `not a folder (a file)`, or the
 * system's message; null when it is a folder.
 */
export async function folderProblem(path: string): Promise<string | null> {
  try {
    const stat = await Deno.stat(path);
    return stat.isDirectory ? null : "not a folder (a file)";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "no such folder";
    return (error as Error).message;
  }
}

/**
 * Throws {@link NotCopiesFolderError} naming `path` when it is missing, not a folder, or holds no
 * copy folder (`what` says which folder the command wanted, e.g. `a copies folder`; `hint` what to
 * give instead). Returns the number of copy folders found otherwise.
 */
export async function requireCopiesFolder(
  path: string,
  hint = "give the folder distort wrote its copies into (its --out)",
): Promise<number> {
  const problem = await folderProblem(path);
  if (problem !== null) {
    throw new NotCopiesFolderError(`Cannot read the copies folder "${path}": ${problem}; ${hint}`);
  }
  const found = (await listCopyFolders(path)).length;
  if (found === 0) {
    throw new NotCopiesFolderError(
      `"${path}" is not a copies folder: no copy manifests found (no <op>/<artifact id>/ ` +
        `folder in it); ${hint}`,
    );
  }
  return found;
}
