/**
 * Finds the copies of a test set that `eval` scores: every distorted copy (a `manifest.json` with
 * schema `dfrobust.copy/1`) under a `distort` output folder, or one unaltered copy made of a
 * plain `dataset.csv`.
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { type DatasetEntry, readDatasetManifest } from "../dataset/manifest.ts";
import { type DatasetFileOptions, resolveDatasetFile } from "../dataset/video_file.ts";
import { sha256File, stableHash } from "../util/hash.ts";
import {
  COPY_DATASET_FILE,
  COPY_MANIFEST_FILE,
  COPY_SCHEMA,
  CopyManifestError,
  recordedProbe,
} from "../artifacts/copy_manifest.ts";
import { findCopies, type FoundCopy } from "../artifacts/copies.ts";
import type { VideoInfo } from "../media/ffmpeg.ts";
import { ALL_OP_IDS } from "../ops/catalog.ts";
import { UNALTERED, UNALTERED_CATEGORY, UNALTERED_ID } from "../ops/unaltered.ts";
import {
  type FrameGeometry,
  type FrameGeometrySegment,
  type Geometry,
  IDENTITY_GEOMETRY,
} from "../ops/geometry.ts";
import { compareIds } from "../util/compare.ts";
import type { TimeMap } from "../ops/time_map.ts";
import { commandLine } from "../util/command_line.ts";

/** The operation instance a copy was made with (the store's `op_*` columns). */
export interface CopyOperation {
  /** Instance id: `unaltered`, `h264_crf40`, `noise_s5`, ... */
  id: string;
  /** Ladder family: `h264`, `noise`, ...; `unaltered` for the unaltered copy. */
  family: string;
  /** `unaltered` or a paper category (`compression`, `brightness`, ...). */
  category: string;
  /** Ladder level, null when the family has none. */
  severity: number | null;
  /** The instance's parameters as recorded in the copy manifest. */
  params: Record<string, unknown>;
}

/** One copy of the test set: the unit of work of an eval run (together with the run id). */
export interface EvalCopy {
  /** The copy's content address (from its manifest, or a hash of the plain dataset's videos). */
  artifactId: string;
  op: CopyOperation;
  /** Encode profile of the copy: `paper`, `lossless`, `source`; `source` for a plain dataset. */
  profile: string;
  /** How the copy's pixels relate to the source's (face boxes are mapped through it). */
  geometry: Geometry;
  /** Folder of the copy (the manifest's, or the plain `dataset.csv`'s). */
  dir: string;
  /** The copy's dataset manifest. */
  datasetCsv: string;
  /** Videos of the copy, from its dataset manifest. */
  videos: DatasetEntry[];
  /**
   * Videos that `distort` could not make for this copy (listed as failed in its manifest, absent
   * from its dataset.csv); eval records each as a `video_error` row so the failure stays visible.
   */
  failedVideos: FailedCopyVideo[];
  /** Probes that `distort` recorded for the copy's videos (by id), so eval need not re-probe. */
  probes?: ReadonlyMap<string, VideoInfo>;
  /**
   * Exact geometry of each video's copy (by id) as `distort` recorded it: real sizes, the
   * even-sided crop, flips. Face boxes of the `sidecar` and `reference` modes map through it;
   * a video without one (older manifests) maps through the nominal `geometry`.
   */
  frameGeometries?: ReadonlyMap<string, FrameGeometry>;
  /**
   * For videos whose source frame size changes mid-stream (by id): the later runs of frames and
   * their exact geometries (`videos[].segments`); sidecar boxes on their frames map through them.
   */
  frameSegments?: ReadonlyMap<string, readonly FrameGeometrySegment[]>;
  /**
   * For a time operation's copy (by id): which source frame each copy frame shows
   * (`videos[].time`, ops/time_map.ts); sidecar boxes of that source frame land on it.
   */
  frameTimes?: ReadonlyMap<string, TimeMap>;
}

/** A video of the source dataset that a copy lacks because distorting it failed. */
export interface FailedCopyVideo {
  id: string;
  label: 0 | 1;
  method?: string;
  /** The distort error, naming the file. */
  error: string;
}

/** Thrown when `--data` holds no copy, or a copy manifest is malformed (the message names it). */
export class CopyDiscoveryError extends Error {
  override name = "CopyDiscoveryError";
}

/**
 * Lists the copies to score under `dataPath`: a `distort` output folder (every
 * `dfrobust.copy/1` manifest below it) or a plain dataset `.csv` (one `unaltered` copy whose
 * artifact id is a stable hash of its videos' SHA-256s; a missing video hashes as missing and is
 * reported later, per video; so is a video `options` refuses: a link out of the dataset folder,
 * a FIFO or device, see dataset/video_file.ts). The `unaltered` copy comes first (the `reference` face mode needs
 * its boxes), the rest by op id then artifact id.
 * Throws {@link CopyDiscoveryError} when nothing is found or a manifest is malformed, and
 * `ManifestError` for a bad `dataset.csv`.
 */
export async function discoverCopies(
  dataPath: string,
  options: DatasetFileOptions = {},
): Promise<EvalCopy[]> {
  const path = resolve(dataPath);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    throw new CopyDiscoveryError(`Cannot read --data "${dataPath}": ${(error as Error).message}`);
  }
  const copies = info.isFile ? [await plainCopy(path, options)] : await distortedCopies(path);
  if (copies.length === 0) {
    throw new CopyDiscoveryError(
      `No copy found under "${dataPath}": expected ${COPY_MANIFEST_FILE} files ` +
        `(schema ${COPY_SCHEMA}) from "${commandLine("distort")}", or pass a dataset .csv`,
    );
  }
  return sortCopies(copies);
}

/** Orders copies as the catalog does (`unaltered` first, then Table I order), then by artifact id. */
export function sortCopies(copies: readonly EvalCopy[]): EvalCopy[] {
  // Catalog order (unaltered, then the paper's categories and ladders); chains and unknown ids last.
  const rank = (c: EvalCopy) => {
    const i = ALL_OP_IDS.indexOf(c.op.id);
    return i < 0 ? ALL_OP_IDS.length : i;
  };
  return [...copies].sort((a, b) =>
    rank(a) - rank(b) || compareIds(a.op.id, b.op.id) ||
    compareIds(a.artifactId, b.artifactId)
  );
}

async function plainCopy(csvPath: string, options: DatasetFileOptions): Promise<EvalCopy> {
  const videos = await readDatasetManifest(csvPath);
  const hashes = [];
  for (const video of videos) {
    // Only a file eval may read is hashed (dataset/video_file.ts); a refused one hashes as
    // missing and gets its row, naming the refusal, when the copy is scored.
    const sha256 = await resolveDatasetFile(dirname(csvPath), video.path, options)
      .then(sha256File)
      .catch(() => null);
    hashes.push({ id: video.id, sha256 });
  }
  return {
    artifactId: stableHash({ kind: "plain-dataset", videos: hashes }).slice(0, 16),
    op: {
      id: UNALTERED_ID,
      family: UNALTERED.id,
      category: UNALTERED_CATEGORY,
      severity: null,
      params: {},
    },
    profile: "source",
    geometry: { ...IDENTITY_GEOMETRY },
    dir: dirname(csvPath),
    datasetCsv: csvPath,
    videos,
    failedVideos: [],
  };
}

async function distortedCopies(root: string): Promise<EvalCopy[]> {
  let found: FoundCopy[];
  try {
    found = await findCopies(root);
  } catch (error) {
    if (error instanceof CopyManifestError) throw new CopyDiscoveryError(error.message);
    throw error;
  }
  const copies: EvalCopy[] = [];
  for (const copy of found) copies.push(await evalCopyOf(copy));
  return copies;
}

/** The eval view of a finished copy: its validated manifest and its dataset manifest. */
async function evalCopyOf({ path, dir, manifest }: FoundCopy): Promise<EvalCopy> {
  const datasetCsv = join(dir, COPY_DATASET_FILE);
  const videos = await readDatasetManifest(datasetCsv);
  const listed = new Set(videos.map((v) => v.id));
  const failedVideos: FailedCopyVideo[] = [];
  const probes = new Map<string, VideoInfo>();
  const frameGeometries = new Map<string, FrameGeometry>();
  const frameSegments = new Map<string, readonly FrameGeometrySegment[]>();
  const frameTimes = new Map<string, TimeMap>();
  for (const record of manifest.videos) {
    if (typeof record?.id !== "string") continue;
    const probe = recordedProbe(record);
    if (probe) probes.set(record.id, probe);
    if (record.status === "ok" && record.geometry != null) {
      frameGeometries.set(record.id, record.geometry);
      if (record.segments?.length) frameSegments.set(record.id, record.segments);
      if (record.time) frameTimes.set(record.id, record.time);
    }
    if (record.status !== "failed" || listed.has(record.id)) continue;
    failedVideos.push({
      id: record.id,
      label: record.label === 1 ? 1 : 0,
      ...(typeof record.method === "string" && record.method ? { method: record.method } : {}),
      error: `distort could not make this copy of "${record.id}" (${path}): ${
        typeof record.error === "string" ? record.error : "no reason recorded"
      }`,
    });
  }
  const { op } = manifest;
  return {
    artifactId: manifest.artifactId,
    op: {
      id: op.id,
      family: op.family,
      category: op.category,
      severity: op.severity,
      params: op.params as Record<string, unknown>,
    },
    profile: manifest.profile,
    geometry: manifest.geometry,
    dir,
    datasetCsv,
    videos,
    failedVideos,
    probes,
    frameGeometries,
    frameSegments,
    frameTimes,
  };
}
