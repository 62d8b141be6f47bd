/**
 * Where a dataset's video really is, and whether dfrobust may read it. A dataset folder is input
 * from strangers, and links are a common way to assemble a test split, so a row's path may be a
 * link, a chain of links, or lead through linked folders. The rule (docs/security.md):
 *
 * - the links are resolved first (`Deno.realPath`): every read, hash and copy uses the real file,
 *   never the link itself (a hard link of a relative link dangles in the copy);
 * - the real file must be a regular file: a FIFO, a device (`/dev/zero`), a socket or a folder is
 *   refused by name before any read (a FIFO blocks forever, a device never ends);
 * - the real file must lie inside the dataset folder (the manifest's folder, itself resolved), as
 *   plain paths must (dataset/manifest.ts), unless the caller allows links out of it
 *   (`allowOutsideLinks`, the `--allow-outside-links` flag of distort and eval).
 *
 * A refusal is a {@link DatasetFileError} naming the file and where it leads; callers record it
 * as that video's failure and go on with the others.
 * @module
 */
import { resolve } from "node:path";
import { isInside } from "../util/inside.ts";
import { fileKind } from "../util/regular_file.ts";

/** Options of {@link resolveDatasetFile}. */
export interface DatasetFileOptions {
  /**
   * Follow links whose real file lies outside the dataset folder (default false: refused). Only
   * for datasets the user trusts; non-regular files are refused whatever this says.
   */
  allowOutsideLinks?: boolean;
}

/** A dataset file that cannot be used; the message names it and, for a link, where it leads. */
export class DatasetFileError extends Error {
  override name = "DatasetFileError";
}

/**
 * The real path (links resolved, absolute) of the dataset file at `path`, a row of the dataset
 * whose folder is `root`. Throws {@link DatasetFileError} naming `path` when it does not exist
 * (or is a dangling link, or a link loop), when what it leads to is not a regular file, or when
 * it leads outside `root` and `options.allowOutsideLinks` is not set. Reads no byte of the file.
 */
export async function resolveDatasetFile(
  root: string,
  path: string,
  options: DatasetFileOptions = {},
): Promise<string> {
  const where = await linkTarget(path);
  let real: string;
  try {
    real = await Deno.realPath(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new DatasetFileError(
        where === null
          ? `Cannot read "${path}": no such file`
          : `Cannot read "${path}": it is a link to "${where}", which leads to no file ` +
            `(a dangling link; links are resolved from the link's own folder)`,
      );
    }
    throw new DatasetFileError(`Cannot read "${path}": ${(error as Error).message}`);
  }
  const leads = real === resolve(path) ? "" : ` (it leads to "${real}")`;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(real);
  } catch (error) {
    throw new DatasetFileError(`Cannot read "${path}"${leads}: ${(error as Error).message}`);
  }
  if (!info.isFile) {
    throw new DatasetFileError(
      `"${path}"${leads} is ${fileKind(info)}, not a regular file: refused before reading it ` +
        `(a FIFO or a device would never end); the dataset must list video files`,
    );
  }
  if (!options.allowOutsideLinks) {
    const realRoot = await Deno.realPath(root).catch(() => resolve(root));
    if (!isInside(realRoot, real)) {
      throw new DatasetFileError(
        `"${path}" leads to "${real}", outside the dataset folder "${realRoot}": refused (a ` +
          `dataset's links must stay inside its folder; pass --allow-outside-links to follow ` +
          `links out of it, for a dataset you trust)`,
      );
    }
  }
  return real;
}

// The target of `path` when it is a link (as written in the link), else null.
async function linkTarget(path: string): Promise<string | null> {
  try {
    const info = await Deno.lstat(path);
    return info.isSymlink ? await Deno.readLink(path) : null;
  } catch {
    return null;
  }
}
