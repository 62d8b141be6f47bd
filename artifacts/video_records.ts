/**
 * The per-video records of a copy (`CopyVideoRecord`, as its manifest lists them): made from a
 * source's state, ok or failed, and the resume files an unfinished copy keeps of them
 * (`.records/<stem>.json`, one per video, written atomically as soon as the video's output is in
 * place, or, by a shard, as soon as it failed). They let an interrupted run resume without
 * redoing finished outputs, and let the shards of one run, each making its share of a copy's
 * videos, leave what the finishing step assembles into the copy's manifest
 * (artifacts/copy_lifecycle.ts). The copy's `manifest.json` is the only lasting record: once it is
 * written, `.records/` is dropped. Internal to `artifacts/`.
 * @module
 */
import { join } from "node:path";
import { atomicWriteJson } from "../util/atomic.ts";
import { COPY_RECORDS_DIR, type CopyVideoRecord, isCopyOutput } from "./copy_manifest.ts";
import { safeFileStem } from "./file_names.ts";
import type { SourceState } from "./source_state.ts";

/** The fields of a video record that come from its source. */
export function baseRecord(source: SourceState): Omit<
  CopyVideoRecord,
  "output" | "outputSha256" | "argv" | "seconds" | "status" | "error" | "validation"
> {
  return {
    id: source.entry.id,
    label: source.entry.label,
    method: source.entry.method,
    split: source.entry.split,
    source: source.entry.path,
    sourceSha256: source.sha256,
  };
}

/** The record of a video that failed for this copy, with `error` naming the file. */
export function failedRecord(
  source: SourceState,
  error: string,
  extra: Partial<CopyVideoRecord> = {},
): CopyVideoRecord {
  return {
    ...baseRecord(source),
    output: null,
    outputSha256: null,
    argv: [],
    seconds: 0,
    status: "failed",
    error,
    validation: null,
    geometry: null,
    ...extra,
  } satisfies CopyVideoRecord;
}

/** The resume file of `videoId` in the copy at `copyDir`. */
export function recordPath(copyDir: string, videoId: string): string {
  return join(copyDir, COPY_RECORDS_DIR, `${safeFileStem(videoId)}.json`);
}

/**
 * The resume record of `videoId`, or null when there is none (or an unreadable or another's, or
 * an ok one whose output is not inside the copy folder).
 */
export async function readRecord(
  copyDir: string,
  videoId: string,
): Promise<CopyVideoRecord | null> {
  try {
    const record = JSON.parse(await Deno.readTextFile(recordPath(copyDir, videoId)));
    return record?.id === videoId && outputInside(copyDir, record)
      ? record as CopyVideoRecord
      : null;
  } catch {
    return null;
  }
}

// An ok record's output must lie inside the copy folder; any other is not this run's record.
function outputInside(copyDir: string, record: { status?: unknown; output?: unknown }): boolean {
  return record.status !== "ok" || record.output == null || isCopyOutput(copyDir, record.output);
}

/** Writes the resume record of one video (atomically): a finished output, or a shard's failure. */
export async function writeRecord(copyDir: string, record: CopyVideoRecord): Promise<void> {
  await atomicWriteJson(recordPath(copyDir, record.id), record);
}

/**
 * Every readable record in the copy at `copyDir`, by video id (a missing folder has none). Files
 * that do not parse as a record (temporary files, damage), and ok records whose output is not
 * inside the copy folder, are skipped.
 */
export async function readRecords(copyDir: string): Promise<Map<string, CopyVideoRecord>> {
  const records = new Map<string, CopyVideoRecord>();
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(join(copyDir, COPY_RECORDS_DIR)));
  } catch {
    return records;
  }
  for (const entry of entries) {
    if (!entry.isFile || entry.name.startsWith(".") || !entry.name.endsWith(".json")) continue;
    try {
      const record = JSON.parse(
        await Deno.readTextFile(join(copyDir, COPY_RECORDS_DIR, entry.name)),
      );
      if (
        typeof record?.id === "string" &&
        (record.status === "ok" || record.status === "failed") && outputInside(copyDir, record)
      ) {
        records.set(record.id, record as CopyVideoRecord);
      }
    } catch {
      // Not a record (or unreadable): the video counts as not recorded and is made again.
    }
  }
  return records;
}
