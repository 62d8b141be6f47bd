/**
 * Eval reads only the videos a copy's manifest vouches for: before a copy is scored, each of its
 * videos is checked against the SHA-256 the manifest records (cheaply: artifacts/output_check.ts
 * stops at `stat` when size and modification time match the last verification). A video that no
 * longer matches (a flipped byte, a truncated copy) is not scored: it becomes one video-level
 * row with status `damaged_video`, an error naming the file, and no fail score (the video is
 * left out of the AUC rather than given the detector's fail score).
 * @module
 */
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { checkOutputs } from "../artifacts/output_check.ts";
import type { DatasetEntry } from "../dataset/manifest.ts";
import type { RowStatus } from "../store/status.ts";
import { logLine } from "../util/progress.ts";
import type { EvalCopy } from "./copies.ts";

/** Store status of a video whose file differs from its copy manifest (store/status.ts). */
export const DAMAGED_VIDEO = "damaged_video" satisfies RowStatus;

/** The fields of the failure row of a damaged video (the caller adds the run's columns). */
export interface DamagedVideoRow {
  video: DatasetEntry;
  frame_index: -1;
  status: typeof DAMAGED_VIDEO;
  /** Names the file and the hash mismatch; says how to repair it. */
  error: string;
  fail_score: null;
}

/** A copy's videos split into those to score and the damaged ones. */
export interface CopyCheck {
  /** Videos whose files match the manifest (or that have no manifest to check against). */
  videos: DatasetEntry[];
  /** One failure row per damaged video. */
  damaged: DamagedVideoRow[];
}

/**
 * Checks the videos of `copy` against its manifest. A plain dataset (no copy manifest) has no
 * hashes to check: all its videos are scored. Logs one warning per damaged video.
 */
export async function checkCopyVideos(copy: EvalCopy): Promise<CopyCheck> {
  const manifest = await readCopyManifest(copy.dir).catch(() => null);
  if (!manifest || manifest.artifactId !== copy.artifactId) {
    return { videos: [...copy.videos], damaged: [] };
  }
  // A hand-written manifest may list no videos (read as []): then there is nothing to check.
  const records = new Map(manifest.videos.map((v) => [v.id, v]));
  const expected = copy.videos.flatMap((video) => {
    const record = records.get(video.id);
    return record?.output && record.outputSha256
      ? [{ video, output: record.output, sha256: record.outputSha256 }]
      : [];
  });
  const problems = new Map(
    (await checkOutputs(copy.dir, expected)).map((p) => [p.output, p.message]),
  );
  const check: CopyCheck = { videos: [], damaged: [] };
  const byVideo = new Map(expected.map((e) => [e.video, e.output]));
  for (const video of copy.videos) {
    const output = byVideo.get(video);
    const problem = output === undefined ? undefined : problems.get(output);
    if (problem === undefined) {
      check.videos.push(video);
      continue;
    }
    const error = `Not scored: ${problem} (run "deno task distort" again to redo it)`;
    logLine(`warning: ${error}`);
    check.damaged.push({ video, frame_index: -1, status: DAMAGED_VIDEO, error, fail_score: null });
  }
  return check;
}
