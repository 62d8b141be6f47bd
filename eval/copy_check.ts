/**
 * Eval reads only the videos it may read (a regular file, whose links stay inside the copy's or
 * dataset's folder: dataset/video_file.ts; a refused one is a `video_error` row naming it) and
 * that a copy's manifest vouches for: before a copy is scored, each of its
 * videos is checked against the SHA-256 the manifest records (cheaply: artifacts/output_check.ts
 * stops at `stat` when size and modification time match the last verification). A video that no
 * longer matches (a flipped byte, a truncated copy) is not scored: it becomes one video-level
 * row with status `damaged_video`, an error naming the file, and no fail score (the video is
 * left out of the AUC rather than given the detector's fail score).
 * @module
 */
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { checkOutputs, resolveCopyOutput } from "../artifacts/output_check.ts";
import type { DatasetEntry } from "../dataset/manifest.ts";
import {
  DatasetFileError,
  type DatasetFileOptions,
  resolveDatasetFile,
} from "../dataset/video_file.ts";
import type { RowStatus } from "../store/status.ts";
import { logLine } from "../util/progress.ts";
import type { EvalCopy } from "./copies.ts";
import { commandLine } from "../util/command_line.ts";

/** Store status of a video whose file differs from its copy manifest (store/status.ts). */
export const DAMAGED_VIDEO = "damaged_video" satisfies RowStatus;

/** Store status of a video that could not be made or read (store/status.ts). */
const VIDEO_ERROR = "video_error" satisfies RowStatus;

/** The fields of the failure row of a damaged video (the caller adds the run's columns). */
export interface DamagedVideoRow {
  video: DatasetEntry;
  frame_index: -1;
  status: typeof DAMAGED_VIDEO;
  /** Names the file and the hash mismatch; says how to repair it. */
  error: string;
  fail_score: null;
}

/** The fields of the failure row of a video that may not be read (the caller adds the rest). */
export interface RefusedVideoRow {
  video: DatasetEntry;
  frame_index: -1;
  status: typeof VIDEO_ERROR;
  /** Names the file, what it is or where it leads, and what to do. */
  error: string;
}

/** A copy's videos split into those to score, the damaged ones and the refused ones. */
export interface CopyCheck {
  /**
   * Videos whose files match the manifest (or that have no manifest to check against), each
   * with `path` its real file (links resolved).
   */
  videos: DatasetEntry[];
  /** One failure row per damaged video. */
  damaged: DamagedVideoRow[];
  /** One failure row per video refused before any read (dataset/video_file.ts). */
  refused: RefusedVideoRow[];
}

/**
 * Checks the videos of `copy`: first that each may be read at all (links resolved to a regular
 * file inside the copy's folder, unless `options.allowOutsideLinks`; dataset/video_file.ts),
 * then each against its manifest's hash. A plain dataset (no copy manifest) has no hashes to
 * check: all its readable videos are scored. Logs one warning per refused or damaged video.
 */
export async function checkCopyVideos(
  copy: EvalCopy,
  options: DatasetFileOptions = {},
): Promise<CopyCheck> {
  // Each video is read through its links, and only when that is allowed (a regular file inside
  // the copy's folder, dataset/video_file.ts): else one `video_error` row names it.
  const readable: DatasetEntry[] = [];
  const refused: RefusedVideoRow[] = [];
  for (const video of copy.videos) {
    try {
      const real = await resolveDatasetFile(copy.dir, video.path, options);
      readable.push(real === video.path ? video : { ...video, path: real });
    } catch (error) {
      if (!(error instanceof DatasetFileError)) throw error;
      const message = `Not scored: ${error.message}`;
      logLine(`warning: ${message}`);
      refused.push({ video, frame_index: -1, status: VIDEO_ERROR, error: message });
    }
  }
  const manifest = await readCopyManifest(copy.dir).catch(() => null);
  if (!manifest || manifest.artifactId !== copy.artifactId) {
    return { videos: readable, damaged: [], refused };
  }
  // A hand-written manifest may list no videos (read as []): then there is nothing to check.
  const records = new Map(manifest.videos.map((v) => [v.id, v]));
  const refuse = (video: DatasetEntry, why: string) => {
    const message = `Not scored: ${why}`;
    logLine(`warning: ${message}`);
    refused.push({ video, frame_index: -1, status: VIDEO_ERROR, error: message });
  };
  const vouched: DatasetEntry[] = [];
  for (const video of readable) {
    const record = records.get(video.id);
    // The manifest says this video was not made (or its output was refused as it was read:
    // artifacts/copy_manifest.ts): whatever file dataset.csv lists is not vouched for.
    if (record?.status === "failed") refuse(video, record.error ?? `${video.id} failed`);
    else if (record?.output && record.outputSha256) {
      // The file scored must be the file the hash is checked on.
      const real = await resolveCopyOutput(copy.dir, record.output).catch(() => null);
      if (real !== null && real !== video.path) {
        refuse(
          video,
          `"${video.path}" (${copy.datasetCsv}) is not the output "${record.output}" the copy ` +
            `manifest records for video "${video.id}" and vouches for by its SHA-256`,
        );
      } else vouched.push(video);
    } else vouched.push(video);
  }
  const expected = vouched.flatMap((video) => {
    const record = records.get(video.id);
    return record?.output && record.outputSha256
      ? [{ video, output: record.output, sha256: record.outputSha256 }]
      : [];
  });
  const found = await checkOutputs(copy.dir, expected);
  const problems = new Map(found.map((p) => [p.output, p]));
  const check: CopyCheck = { videos: [], damaged: [], refused };
  const byVideo = new Map(expected.map((e) => [e.video, e.output]));
  for (const video of vouched) {
    const output = byVideo.get(video);
    const problem = output === undefined ? undefined : problems.get(output);
    if (problem === undefined) {
      check.videos.push(video);
      continue;
    }
    if (problem.kind === "refused") {
      refuse(video, problem.message);
      continue;
    }
    const distort = commandLine("distort");
    const error = `Not scored: ${problem.message} (run "${distort}" again to redo it)`;
    logLine(`warning: ${error}`);
    check.damaged.push({ video, frame_index: -1, status: DAMAGED_VIDEO, error, fail_score: null });
  }
  return check;
}
