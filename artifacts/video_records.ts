/**
 * The per-video records of a copy (`CopyVideoRecord`, as its manifest lists them): made from a
 * source's state, ok or failed, and the resume files an unfinished copy keeps of its finished
 * outputs (`.records/<stem>.json`, one per video, written atomically), so an interrupted run
 * resumes without redoing them. Internal to `artifacts/`.
 * @module
 */
import { join } from "node:path";
import { atomicWriteJson } from "../util/atomic.ts";
import { COPY_RECORDS_DIR, type CopyVideoRecord } from "./copy_manifest.ts";
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

/** The resume record of `videoId`, or null when there is none (or an unreadable one). */
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

/** Writes the resume record of a finished output (atomically). */
export async function writeRecord(copyDir: string, record: CopyVideoRecord): Promise<void> {
  await atomicWriteJson(recordPath(copyDir, record.id), record);
}
