/**
 * Every column of a dataset manifest (dataset/manifest.ts), not only the ones distort and eval
 * use: what `report --by <column> --manifest <csv>` slices on (`split`, `source`, `actor`, ...).
 * @module
 */
import { parseCsvRecords } from "../util/csv.ts";
import { shownPath } from "../util/shown_path.ts";
import { ManifestError, parseDatasetManifest } from "./manifest.ts";

/** A dataset manifest's rows with all their fields, by video id. */
export interface ManifestColumns {
  /** The manifest's path as given. */
  path: string;
  /** The header, in file order (`id`, `path`, `label` among them). */
  columns: string[];
  /** Video id -> the row's fields by column name (trimmed; empty = no value). */
  rows: Map<string, Record<string, string>>;
}

/**
 * Reads the manifest at `csvPath` with every column. Validates it as `readDatasetManifest`
 * does and throws the same {@link ManifestError} (naming the file and row) for an unreadable
 * file, a missing `id`/`path`/`label` column, a duplicate id or a bad label.
 */
export async function readManifestColumns(csvPath: string): Promise<ManifestColumns> {
  let text: string;
  try {
    text = await Deno.readTextFile(csvPath);
  } catch (error) {
    throw new ManifestError(
      `Cannot read manifest ${shownPath(csvPath)}: ${(error as Error).message}`,
    );
  }
  parseDatasetManifest(text, csvPath);
  const records = parseCsvRecords(text);
  const columns = records.length > 0 ? Object.keys(records[0]) : [];
  const rows = new Map<string, Record<string, string>>();
  for (const record of records) {
    const fields: Record<string, string> = {};
    for (const column of columns) fields[column] = (record[column] ?? "").trim();
    rows.set(fields.id, fields);
  }
  return { path: csvPath, columns, rows };
}
