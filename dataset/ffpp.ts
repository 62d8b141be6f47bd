/**
 * FaceForensics++ import: lists the videos of one official split from a FaceForensics++ folder
 * and writes them as a dataset manifest (dataset/manifest.ts).
 *
 * The official layout (Rössler et al., 2019, github.com/ondyari/FaceForensics):
 * - `original_sequences/youtube/<compression>/videos/<id>.mp4` — the real videos;
 * - `manipulated_sequences/<Method>/<compression>/videos/<a>_<b>.mp4` — fakes, target `a` with
 *   the face of `b`;
 * - `splits/<split>.json` — a list of `[a, b]` pairs: reals `a` and `b`, fakes `a_b` and `b_a`.
 *
 * Manifest ids: reals keep their FF++ id (`000`); fakes are `<Method>_<a>_<b>`
 * (`Deepfakes_000_003`), unique across methods. Paths in a manifest are relative to its folder
 * and may not leave it, so the CSV goes into the FF++ root folder (the default), or anywhere
 * else beside a symbolic link to the root (`link`), which leaves a read-only FF++ copy untouched.
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { exists } from "../util/atomic.ts";
import { readJsonFile } from "../util/json_file.ts";
import { type DatasetEntry, writeDatasetManifest } from "./manifest.ts";

/** Video compression levels of FaceForensics++ (folder names). */
export type FfppCompression = "raw" | "c23" | "c40";

/** All {@link FfppCompression} values. */
export const FFPP_COMPRESSIONS: readonly FfppCompression[] = ["raw", "c23", "c40"];

/** The four methods of the original FF++ benchmark (and of Lu & Ebrahimi 2023): the default. */
export const FFPP_DEFAULT_METHODS: readonly string[] = [
  "Deepfakes",
  "Face2Face",
  "FaceSwap",
  "NeuralTextures",
];

/**
 * Manipulation methods with the standard `<a>_<b>.mp4` layout, as FF++ names their folders: the
 * original four and FaceShifter (added to FF++ later).
 */
export const FFPP_METHODS: readonly string[] = [...FFPP_DEFAULT_METHODS, "FaceShifter"];

/** Options of {@link listFfpp}. */
export interface ListFfppOptions {
  /** Split name: reads `splits/<split>.json` (`train`, `val`, `test`). */
  split: string;
  compression: FfppCompression;
  /** Methods to include (default {@link FFPP_DEFAULT_METHODS}). */
  methods?: readonly string[];
}

/** One manifest row of an FF++ video, with its path relative to the FF++ root. */
export type FfppVideo = Pick<DatasetEntry, "id" | "label" | "split" | "method"> & {
  /** Path below the FF++ root, with `/` separators. */
  rootPath: string;
};

/** The videos of a split: those present, and those the split lists but the folder lacks. */
export interface FfppListing {
  /** Present videos: reals sorted by id, then fakes by method and id. */
  videos: FfppVideo[];
  /** Listed by the split but not found on disk. */
  missing: FfppVideo[];
}

/** Thrown for an unusable FF++ folder, split file or option; the message names the path. */
export class FfppError extends Error {
  override name = "FfppError";
}

/**
 * Lists the videos of one split of a FaceForensics++ folder. Throws {@link FfppError} when the
 * split file is missing or malformed or a method is unknown; missing videos are returned in
 * `missing`, not thrown.
 */
export async function listFfpp(root: string, options: ListFfppOptions): Promise<FfppListing> {
  const methods = options.methods ?? FFPP_DEFAULT_METHODS;
  for (const method of methods) {
    if (!FFPP_METHODS.includes(method)) {
      throw new FfppError(
        `Unknown FF++ method "${method}" (known: ${FFPP_METHODS.join(", ")}; ` +
          `DeepFakeDetection has another layout and is not supported)`,
      );
    }
  }
  if (!FFPP_COMPRESSIONS.includes(options.compression)) {
    throw new FfppError(
      `Unknown FF++ compression "${options.compression}" (use ${FFPP_COMPRESSIONS.join(", ")})`,
    );
  }
  const pairs = await readSplit(root, options.split);
  const realIds = [...new Set(pairs.flat())].sort();
  const wanted: FfppVideo[] = realIds.map((id) => ({
    id,
    label: 0,
    split: options.split,
    rootPath: `original_sequences/youtube/${options.compression}/videos/${id}.mp4`,
  }));
  for (const method of methods) {
    const fakes = pairs.flatMap(([a, b]) => [`${a}_${b}`, `${b}_${a}`]).sort();
    for (const pair of new Set(fakes)) {
      wanted.push({
        id: `${method}_${pair}`,
        label: 1,
        split: options.split,
        method,
        rootPath: `manipulated_sequences/${method}/${options.compression}/videos/${pair}.mp4`,
      });
    }
  }
  const videos: FfppVideo[] = [];
  const missing: FfppVideo[] = [];
  for (const video of wanted) {
    (await isFile(join(root, video.rootPath)) ? videos : missing).push(video);
  }
  return { videos, missing };
}

/** Options of {@link importFfpp}. */
export interface ImportFfppOptions extends ListFfppOptions {
  /**
   * Manifest path. Default: `<root>/ffpp_<split>_<compression>.csv`. In any folder other than
   * the root itself it needs `link`.
   */
  out?: string;
  /**
   * When `out` is not in the root folder: the name of a symbolic link to the root, created
   * beside the CSV (reused when it already points there); manifest paths go through it.
   * Default: none, and such an `out` throws.
   */
  link?: string;
  /** Throw instead of writing when any listed video is missing. */
  strict?: boolean;
}

/** What {@link importFfpp} wrote. */
export interface ImportFfppResult {
  /** Absolute path of the manifest written. */
  out: string;
  reals: number;
  fakes: number;
  /** Listed by the split but absent (root-relative paths), not in the manifest. */
  missing: string[];
  /** Absolute path of the link created or reused, when `link` was used. */
  link?: string;
}

/**
 * Lists a split and writes its manifest atomically. Throws {@link FfppError} for a bad split,
 * an `out` outside the root without `link`, a link name taken by something else, no video found
 * at all, or (with `strict`) any missing video.
 */
export async function importFfpp(
  root: string,
  options: ImportFfppOptions,
): Promise<ImportFfppResult> {
  const absRoot = resolve(root);
  if (!(await isDirectory(absRoot))) {
    throw new FfppError(`FF++ root "${root}" is not a folder`);
  }
  const out = resolve(
    options.out ?? join(absRoot, `ffpp_${options.split}_${options.compression}.csv`),
  );
  const listing = await listFfpp(absRoot, options);
  const missing = listing.missing.map((v) => v.rootPath);
  if (options.strict && missing.length > 0) {
    throw new FfppError(
      `${missing.length} video(s) of split "${options.split}" missing under "${root}" ` +
        `(strict): ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}`,
    );
  }
  if (listing.videos.length === 0) {
    throw new FfppError(
      `No video of split "${options.split}" (${options.compression}) found under "${root}": ` +
        `expected e.g. "${listing.missing[0]?.rootPath}"`,
    );
  }
  const csvDir = dirname(out);
  let prefix: string;
  let link: string | undefined;
  if (csvDir === absRoot) {
    prefix = "";
  } else if (options.link) {
    link = await ensureLink(join(csvDir, options.link), absRoot);
    prefix = options.link;
  } else {
    throw new FfppError(
      `--out "${out}" is not in the FF++ root folder "${absRoot}": manifest paths are relative ` +
        `to the CSV's folder and may not leave it. Write the CSV into the root (the default) ` +
        `or add --link <name> to create a symbolic link to the root beside the CSV.`,
    );
  }
  const entries = listing.videos.map((v) => ({
    id: v.id,
    label: v.label,
    split: v.split,
    method: v.method,
    relativePath: prefix === "" ? v.rootPath : `${prefix}/${v.rootPath}`,
  }));
  await writeDatasetManifest(out, entries);
  const reals = entries.filter((e) => e.label === 0).length;
  return { out, reals, fakes: entries.length - reals, missing, ...(link ? { link } : {}) };
}

async function readSplit(root: string, split: string): Promise<[string, string][]> {
  if (!/^[A-Za-z0-9_-]+$/.test(split)) {
    throw new FfppError(`Split name "${split}" must use letters, digits, "_" or "-"`);
  }
  const path = join(root, "splits", `${split}.json`);
  const value = await readJsonFile(path, {
    what: "FF++ split",
    error: (message) => new FfppError(message),
  });
  const idPattern = /^[A-Za-z0-9-]+$/;
  if (!Array.isArray(value)) {
    throw new FfppError(`FF++ split "${path}" must be a list of [a, b] pairs`);
  }
  return value.map((pair, i) => {
    if (
      !Array.isArray(pair) || pair.length !== 2 ||
      !pair.every((id) => typeof id === "string" && idPattern.test(id))
    ) {
      throw new FfppError(
        `FF++ split "${path}" entry ${i}: expected a pair of video ids like ["000", "003"], ` +
          `got ${JSON.stringify(pair)}`,
      );
    }
    return [pair[0], pair[1]] as [string, string];
  });
}

/** Creates `linkPath` -> `target`, or accepts an existing link that resolves to `target`. */
async function ensureLink(linkPath: string, target: string): Promise<string> {
  const name = basename(linkPath);
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === "." || name === "..") {
    throw new FfppError(`--link "${name}" must be a plain folder name (letters, digits, _ . -)`);
  }
  if (await exists(linkPath)) {
    const here = await Deno.realPath(linkPath).catch(() => undefined);
    if (here !== await Deno.realPath(target)) {
      throw new FfppError(
        `"${linkPath}" already exists and is not a link to the FF++ root "${target}"`,
      );
    }
    return linkPath;
  }
  await Deno.mkdir(dirname(linkPath), { recursive: true });
  await Deno.symlink(target, linkPath, { type: "dir" });
  return linkPath;
}

async function isFile(path: string): Promise<boolean> {
  return (await statIfExists(path))?.isFile ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await statIfExists(path))?.isDirectory ?? false;
}

// Follows links (an FF++ root is often a link to a read-only copy); other errors propagate.
async function statIfExists(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
