/**
 * Slices by a column of the dataset manifest (`report --by split --manifest test.csv`): the
 * store keeps only the manifest's `method`, so any other column is joined in by video id from
 * the manifests given, and `dataset` names the manifest a video came from. Nothing is dropped
 * silently: a scored video that no manifest lists is in the slice {@link NOT_IN_MANIFEST_SLICE}
 * and named in a note, and so are manifest videos the store has no score of.
 * @module
 */
import { basename, extname } from "node:path";
import type pl from "../deps/polars.ts";
import type { ManifestColumns } from "../dataset/manifest_columns.ts";
import { compareIds } from "../util/compare.ts";
import { OptionError } from "../util/option_error.ts";
import { NO_VALUE_SLICE, type SliceValues } from "./slice_values.ts";

/** The `--by` value that slices by the manifest a video came from (or its `dataset` column). */
export const DATASET_SLICE = "dataset";

/** The slice of a scored video that none of the given manifests lists. */
export const NOT_IN_MANIFEST_SLICE = "(not in a manifest)";

// Manifest columns that are not a property shared by videos: one value per video, or the class.
const NOT_SLICEABLE = new Set(["id", "path", "label"]);

// Video ids named one by one in a note; the rest are counted.
const NAMED_IDS = 5;

/**
 * The `--by` values the manifests add: {@link DATASET_SLICE}, then every column of any of them
 * but `id`, `path` and `label`, in header order.
 */
export function manifestSliceColumns(manifests: readonly ManifestColumns[]): string[] {
  const columns = [DATASET_SLICE];
  for (const m of manifests) {
    for (const c of m.columns) if (!NOT_SLICEABLE.has(c) && !columns.includes(c)) columns.push(c);
  }
  return columns;
}

/**
 * Each manifest's name as the `dataset` slice shows it: its file name without `.csv` where that
 * is unique among `paths`, else the path as given.
 */
export function manifestNames(paths: readonly string[]): string[] {
  const stems = paths.map((p) => basename(p, extname(p)));
  return paths.map((p, i) => stems.filter((s) => s === stems[i]).length === 1 ? stems[i] : p);
}

/** What {@link manifestSliceValues} gives: the slices and the notes on unmatched video ids. */
export interface ManifestSlices {
  values: SliceValues;
  /** Sentences for the report's notes: store videos no manifest lists, manifest videos unscored. */
  notes: string[];
}

/**
 * Every video's slice by the manifest column `by` (or {@link DATASET_SLICE}), joined by video
 * id, run by run, for the videos of `frame` (the store's rows; `run_id`, `video_id`). A video's
 * value is its manifest row's field ({@link NO_VALUE_SLICE} where empty or where its manifest
 * lacks the column); `dataset` is the row's own `dataset` field where its manifest has that
 * column, else the manifest's name ({@link manifestNames}). A scored video no manifest lists is
 * in {@link NOT_IN_MANIFEST_SLICE}. Throws an `OptionError` (exit 2 in a task) when `by` is
 * not a column of any manifest, or when one video id is in two manifests (its scores could not
 * be told apart).
 */
export function manifestSliceValues(
  frame: pl.DataFrame | pl.LazyDataFrame,
  by: string,
  manifests: readonly ManifestColumns[],
): ManifestSlices {
  const valid = manifestSliceColumns(manifests);
  if (!valid.includes(by)) {
    throw new OptionError(
      `--by ${by}: no manifest given has a column "${by}" (manifest columns: ` +
        `${valid.join(", ")})`,
    );
  }
  const names = manifestNames(manifests.map((m) => m.path));
  const valueOf = new Map<string, string>();
  const from = new Map<string, string>();
  manifests.forEach((m, i) => {
    for (const [id, row] of m.rows) {
      if (from.has(id)) {
        throw new OptionError(
          `Video id "${id}" is in two manifests, "${from.get(id)}" and "${m.path}": the ` +
            "store's scores cannot be told apart by id; slice by one of them at a time",
        );
      }
      from.set(id, m.path);
      const field = by === DATASET_SLICE && !m.columns.includes(DATASET_SLICE)
        ? names[i]
        : row[by] ?? "";
      valueOf.set(id, field === "" ? NO_VALUE_SLICE : field);
    }
  });
  const lazy = "collectSync" in frame && typeof frame.collectSync === "function"
    ? frame as pl.LazyDataFrame
    : (frame as pl.DataFrame).lazy();
  const df = lazy.select("run_id", "video_id").unique().collectSync();
  const runs = (df.getColumn("run_id").toArray() as unknown[]).map(String);
  const vids = (df.getColumn("video_id").toArray() as unknown[]).map(String);
  const values: SliceValues = new Map();
  const unlisted = new Set<string>();
  const scored = new Set<string>();
  for (let i = 0; i < df.height; i++) {
    if (!values.has(runs[i])) values.set(runs[i], new Map());
    scored.add(vids[i]);
    const value = valueOf.get(vids[i]);
    if (value === undefined) unlisted.add(vids[i]);
    values.get(runs[i])!.set(vids[i], value ?? NOT_IN_MANIFEST_SLICE);
  }
  const unscored = [...valueOf.keys()].filter((id) => !scored.has(id));
  const notes: string[] = [];
  if (unlisted.size > 0) {
    notes.push(
      `${count(unlisted.size, "video")} of the store ${
        unlisted.size === 1 ? "is" : "are"
      } in no manifest given (${idList([...unlisted])}): sliced as "${NOT_IN_MANIFEST_SLICE}" ` +
        `by ${by}.`,
    );
  }
  if (unscored.length > 0) {
    notes.push(
      `${count(unscored.length, "video")} of the manifests ${
        unscored.length === 1 ? "has" : "have"
      } no score in the store's runs reported (${idList(unscored)}): in no slice by ${by}.`,
    );
  }
  return { values, notes };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function idList(ids: string[]): string {
  const sorted = ids.sort(compareIds);
  const shown = sorted.slice(0, NAMED_IDS).map((id) => `"${id}"`).join(", ");
  return sorted.length > NAMED_IDS ? `${shown} and ${sorted.length - NAMED_IDS} more` : shown;
}
