/**
 * Per-video records of a copy being made: `<copy>/.records/<video>.json`, one
 * `CopyVideoRecord` per video, written atomically as soon as the video's output is in place (or,
 * by a shard, as soon as it failed). They let an interrupted run resume without redoing finished
 * outputs, and let the shards of one run, each making its share of a copy's videos, leave what
 * the finishing step assembles into the copy's manifest. The copy's `manifest.json` is the only
 * lasting record: once it is written, `.records/` is dropped.
 * @module
 */
import { join } from "node:path";
import { atomicWriteJson } from "../util/atomic.ts";
import type { CopyVideoRecord } from "./copy_manifest.ts";
import { safeFileStem } from "./file_names.ts";

/** The folder of the per-video records inside a copy folder. */
export const RECORDS_DIR = ".records";

/** The record file of `videoId` in the copy at `copyDir`. */
export function recordPath(copyDir: string, videoId: string): string {
  return join(copyDir, RECORDS_DIR, `${safeFileStem(videoId)}.json`);
}

/** Writes the record of one video (atomically). */
export async function writeRecord(copyDir: string, record: CopyVideoRecord): Promise<void> {
  await atomicWriteJson(recordPath(copyDir, record.id), record);
}

/** The record of `videoId`, or null when there is none (or it is unreadable or another's). */
export async function readRecord(
  copyDir: string,
  videoId: string,
): Promise<CopyVideoRecord | null> {
  try {
    const record = JSON.parse(await Deno.readTextFile(recordPath(copyDir, videoId)));
    return record?.id === videoId ? record as CopyVideoRecord : null;
  } catch {
    return null;
  }
}

/**
 * Every readable record in the copy at `copyDir`, by video id (a missing folder has none). Files
 * that do not parse as a record (temporary files, damage) are skipped.
 */
export async function readRecords(copyDir: string): Promise<Map<string, CopyVideoRecord>> {
  const records = new Map<string, CopyVideoRecord>();
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(join(copyDir, RECORDS_DIR)));
  } catch {
    return records;
  }
  for (const entry of entries) {
    if (!entry.isFile || entry.name.startsWith(".") || !entry.name.endsWith(".json")) continue;
    try {
      const record = JSON.parse(await Deno.readTextFile(join(copyDir, RECORDS_DIR, entry.name)));
      if (
        typeof record?.id === "string" && (record.status === "ok" || record.status === "failed")
      ) {
        records.set(record.id, record as CopyVideoRecord);
      }
    } catch {
      // Not a record (or unreadable): the video counts as not recorded and is made again.
    }
  }
  return records;
}
