/**
 * Dataset manifests: a CSV with header `id,path,label[,split,method]`, one row per video, label 0
 * real and 1 fake, paths relative to the manifest's folder. The input of `distort` and `eval`,
 * and the output of every distorted copy.
 * @module
 */
import { dirname, resolve } from "node:path";
import { shownPath } from "../util/shown_path.ts";
import { atomicWriteFile } from "../util/atomic.ts";
import { isInside } from "../util/inside.ts";
import { csvText, parseCsvRecords } from "../util/csv.ts";

/** One video of a dataset. */
export interface DatasetEntry {
  /** Unique video id within the dataset (e.g. `000_003` for an FF++ fake). */
  id: string;
  /** Absolute path of the video file. */
  path: string;
  /** Path as written in the manifest, relative to its folder. */
  relativePath: string;
  /** 0 = real, 1 = fake. */
  label: 0 | 1;
  split?: string;
  /** Manipulation method for fakes (Deepfakes, Face2Face, ...); empty for reals. */
  method?: string;
}

/** Thrown when a manifest is malformed; the message names the file and the row. */
export class ManifestError extends Error {
  override name = "ManifestError";
}

/**
 * Resolves `relativePath` against `root` and refuses anything that escapes it (a `..` segment
 * leading out, an absolute path elsewhere, the folder itself), so a manifest cannot read or write
 * outside its folder; a name that merely starts with dots (`..dots.mp4`) is inside
 * (util/inside.ts). Lexical: where links lead is checked when a video is read
 * (dataset/video_file.ts). Throws {@link ManifestError}.
 */
export function resolveInside(root: string, relativePath: string): string {
  const absRoot = resolve(root);
  const target = resolve(absRoot, relativePath);
  if (!isInside(absRoot, target)) {
    throw new ManifestError(
      `path "${relativePath}" points outside "${absRoot}": a manifest reads only under its own ` +
        "folder. Put the manifest beside the videos, or link their folder in (ln -s <videos> " +
        `"${absRoot}/videos"; import-ffpp --link writes such a link) and pass ` +
        "--allow-outside-links to distort and eval",
    );
  }
  return target;
}

/**
 * Reads and validates a dataset manifest. Throws {@link ManifestError} naming the file and row
 * for a missing column, a duplicate id, a label other than 0/1 or a path outside the folder.
 * Does not check that the videos exist: that is reported per video by the stage that reads them.
 *
 * @example
 * ```ts
 * import { readDatasetManifest } from "../mod.ts";
 * const dir = await Deno.makeTempDir();
 * // id,path,label[,split,method]: label 1 = fake; paths relative to the manifest's folder.
 * await Deno.writeTextFile(`${dir}/test.csv`, "id,path,label\nr1,real/1.mp4,0\nf1,fake/1.mp4,1\n");
 * const entries = await readDatasetManifest(`${dir}/test.csv`);
 * if (entries.map((e) => `${e.id}:${e.label}`).join() !== "r1:0,f1:1") throw new Error("manifest");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readDatasetManifest(csvPath: string): Promise<DatasetEntry[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(csvPath);
  } catch (error) {
    throw new ManifestError(
      `Cannot read manifest ${shownPath(csvPath)}: ${(error as Error).message}`,
    );
  }
  return parseDatasetManifest(text, csvPath);
}

/** Parses manifest text; `csvPath` locates relative paths and names the file in errors. */
export function parseDatasetManifest(text: string, csvPath: string): DatasetEntry[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsvRecords(text);
  } catch (error) {
    throw new ManifestError(`Manifest "${csvPath}" is not valid CSV: ${(error as Error).message}`);
  }
  const root = dirname(resolve(csvPath));
  const header = rows.length > 0 ? Object.keys(rows[0]) : [];
  for (const column of ["id", "path", "label"]) {
    if (rows.length > 0 && !header.includes(column)) {
      throw new ManifestError(
        `Manifest "${csvPath}": header "${header.join(",")}" has no column "${column}" ` +
          "(need id,path,label[,split,method])",
      );
    }
  }
  const seen = new Set<string>();
  const entries: DatasetEntry[] = [];
  rows.forEach((row, i) => {
    const where = `Manifest "${csvPath}" row ${i + 2}`;
    for (const column of ["id", "path", "label"]) {
      if (row[column] === undefined) {
        throw new ManifestError(`${where}: missing column "${column}" (need id,path,label)`);
      }
    }
    const id = row.id.trim();
    if (id === "") throw new ManifestError(`${where}: empty id`);
    if (seen.has(id)) throw new ManifestError(`${where}: duplicate id "${id}"`);
    seen.add(id);
    const label = row.label.trim();
    if (label !== "0" && label !== "1") {
      throw new ManifestError(`${where}: label must be 0 (real) or 1 (fake), got "${row.label}"`);
    }
    let path: string;
    try {
      path = resolveInside(root, row.path);
    } catch (error) {
      throw new ManifestError(`${where}: ${(error as Error).message}`);
    }
    entries.push({
      id,
      path,
      relativePath: row.path,
      label: label === "1" ? 1 : 0,
      split: row.split || undefined,
      method: row.method || undefined,
    });
  });
  return entries;
}

/**
 * Writes a manifest atomically. Each entry's `relativePath` is written as given; it must be
 * relative to the manifest's folder.
 */
export async function writeDatasetManifest(
  csvPath: string,
  entries: readonly Pick<DatasetEntry, "id" | "relativePath" | "label" | "split" | "method">[],
): Promise<void> {
  const rows = [
    ["id", "path", "label", "split", "method"],
    ...entries.map((e) => [e.id, e.relativePath, e.label, e.split, e.method]),
  ];
  await atomicWriteFile(csvPath, csvText(rows));
}
