/**
 * `verifyCopies`: re-hash every finished copy under an output folder and report drift from its
 * manifest (an output changed or gone, a source changed since the copy was made).
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import { resolveDatasetFile } from "../dataset/video_file.ts";
import { sha256File } from "../util/hash.ts";
import { isInside } from "../util/inside.ts";
import {
  COPY_DATASET_FILE,
  COPY_MANIFEST_FILE,
  type CopyManifest,
  readCopyManifest,
} from "./copy_manifest.ts";
import { type CopyQualitySummary, summarizeQuality } from "./copy_quality.ts";
import { listCopyFolders } from "./copies.ts";
import { requireCopiesFolder } from "./copies_folder.ts";
import { resolveCopyOutput } from "./output_check.ts";
import { type BackfillCopy, backfillQuality, type BackfillResult } from "./quality_backfill.ts";
import { type BackendChoice, type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";

/** One mismatch found by {@link verifyCopies}. */
export interface Drift {
  videoId: string;
  /** The file that drifted. */
  file: string;
  kind:
    | "output_changed"
    | "output_missing"
    | "output_refused"
    | "source_changed"
    | "source_missing"
    | "source_refused"
    | "dataset_missing";
  expected: string | null;
  actual: string | null;
  /** For a refused file (never read): why, naming the manifest or the file. */
  reason?: string;
}

/** Verification of one copy. */
export interface CopyVerification {
  opId: string;
  artifactId: string;
  dir: string;
  /** Outputs re-hashed. */
  checked: number;
  /** Output drift: the copy no longer matches its manifest. */
  drift: Drift[];
  /** Source drift: the copy is intact but was made from files that have changed since. */
  sourceDrift: Drift[];
  /** Set when the manifest itself could not be read. */
  error: string | null;
  /**
   * With `quality`: the copy's quality summary after the run (artifacts/copy_quality.ts), the
   * numbers computed now and those its manifest already had; null when it has no ok video.
   */
  quality?: CopyQualitySummary | null;
}

/** What {@link verifyCopies} found. */
export interface VerifyReport {
  copies: CopyVerification[];
  /** Unfinished copy folders (no manifest), left to `gc`. */
  unfinished: string[];
  /** True when no copy drifted or had an unreadable manifest (source drift is only reported). */
  ok: boolean;
  /**
   * With `quality`: the quality numbers computed for videos whose manifest lacked them (copies
   * without drift whose sources are unchanged; artifacts/quality_backfill.ts).
   */
  quality?: BackfillResult;
}

/** Options of {@link verifyCopies}. */
export interface VerifyOptions {
  /** Also re-hash the source videos (default true). */
  sources?: boolean;
  /**
   * Follow a source's links out of its dataset folder, as distort's `--allow-outside-links` did
   * when it made the copy (default false: such a source is `source_refused`).
   */
  allowOutsideLinks?: boolean;
  /**
   * Compute the quality numbers (size, bitrate, PSNR/SSIM: artifacts/copy_quality.ts) of every
   * video whose manifest lacks them, from the copy's file and its source, and write them into the
   * manifest; no video is remade. Only for copies without output drift and sources whose hash
   * still matches (sources are hashed even with `sources: false`). Default false.
   */
  quality?: boolean;
  /** The ffmpeg `quality` uses (not closed here); default: one opened from `backend`. */
  ffmpeg?: Ffmpeg;
  /** ffmpeg backend for `quality` when `ffmpeg` is not given. Default `auto`. */
  backend?: BackendChoice;
}

/**
 * Re-hashes every finished copy under `out` against its manifest.
 * @throws {NotCopiesFolderError} naming `out` when it is missing, not a folder, or holds no copy
 *   folder (artifacts/copies_folder.ts): nothing verified is not "ok".
 */
export async function verifyCopies(
  out: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  await requireCopiesFolder(out);
  const quality = options.quality ?? false;
  const checkSources = (options.sources ?? true) || quality;
  const intact: BackfillCopy[] = [];
  const unchangedSources = new Map<string, string>();
  const folders = await listCopyFolders(out);
  const copies: CopyVerification[] = [];
  const read: [CopyVerification, CopyManifest][] = [];
  for (const folder of folders.filter((f) => f.finished)) {
    const result: CopyVerification = {
      opId: folder.opId,
      artifactId: folder.artifactId,
      dir: folder.dir,
      checked: 0,
      drift: [],
      sourceDrift: [],
      error: null,
    };
    copies.push(result);
    let manifest;
    try {
      manifest = (await readCopyManifest(folder.dir))!;
    } catch (error) {
      result.error = (error as Error).message;
      continue;
    }
    const dataset = join(folder.dir, COPY_DATASET_FILE);
    if (!await hashOrNull(dataset)) {
      result.drift.push({
        videoId: "",
        file: dataset,
        kind: "dataset_missing",
        expected: null,
        actual: null,
      });
    }
    // Outputs that lead out of the copy folder were refused by the reader: named, never hashed.
    for (const refused of manifest.refused ?? []) {
      result.drift.push({
        videoId: refused.videoId,
        file: join(folder.dir, COPY_MANIFEST_FILE),
        kind: "output_refused",
        expected: null,
        actual: null,
        reason: refused.message,
      });
    }
    for (const video of manifest.videos) {
      if (video.status === "ok" && video.output) {
        const file = join(folder.dir, video.output);
        result.checked++;
        const real = await resolveCopyOutput(folder.dir, video.output).catch((e: Error) => e);
        const exists = await Deno.lstat(file).then(() => true, () => false);
        if (real instanceof Error && exists) {
          result.drift.push({
            videoId: video.id,
            file,
            kind: "output_refused",
            expected: video.outputSha256,
            actual: null,
            reason: real.message,
          });
          continue;
        }
        const actual = real instanceof Error ? null : await hashOrNull(real);
        if (actual !== video.outputSha256) {
          result.drift.push({
            videoId: video.id,
            file,
            kind: actual === null ? "output_missing" : "output_changed",
            expected: video.outputSha256,
            actual,
          });
        }
      }
      if (checkSources && video.sourceSha256 !== null) {
        const source = await sourceFile(manifest.sourceManifest, video.source, options);
        if (source instanceof Error) {
          result.sourceDrift.push({
            videoId: video.id,
            file: String(video.source),
            kind: "source_refused",
            expected: video.sourceSha256,
            actual: null,
            reason: source.message,
          });
          continue;
        }
        const actual = source === null ? null : await hashOrNull(source);
        if (source !== null && actual === video.sourceSha256) {
          unchangedSources.set(`${video.source}\n${video.sourceSha256}`, source);
        }
        if (actual !== video.sourceSha256) {
          result.sourceDrift.push({
            videoId: video.id,
            file: video.source,
            kind: actual === null ? "source_missing" : "source_changed",
            expected: video.sourceSha256,
            actual,
          });
        }
      }
    }
    if (result.drift.length === 0) intact.push({ dir: folder.dir, manifest });
    read.push([result, manifest]);
  }
  const filled = quality ? await fillQuality(intact, unchangedSources, options) : undefined;
  // With --quality every readable copy shows its numbers, new or already recorded.
  if (quality) {
    for (const [result, manifest] of read) result.quality = summarizeQuality(manifest.videos);
  }
  return {
    copies,
    unfinished: folders.filter((f) => !f.finished).map((f) => f.dir),
    ok: copies.every((c) => c.drift.length === 0 && c.error === null),
    ...(filled ? { quality: filled } : {}),
  };
}

/** `verify --quality`: the missing quality of intact copies whose sources are unchanged. */
async function fillQuality(
  copies: BackfillCopy[],
  sources: Map<string, string>,
  options: VerifyOptions,
): Promise<BackfillResult> {
  const ffmpeg = options.ffmpeg ?? await openFfmpeg(options.backend ?? "auto");
  try {
    return await backfillQuality(ffmpeg, copies, (record) => {
      const real = sources.get(`${record.source}\n${record.sourceSha256}`);
      return Promise.resolve(
        real ?? {
          reason: `source "${record.source}" is missing, refused or changed since the copy ` +
            `was made: its quality cannot be measured`,
        },
      );
    });
  } finally {
    if (!options.ffmpeg) await ffmpeg.close();
  }
}

/**
 * The real file of a record's `source` that verify may hash: the manifest names the dataset it
 * was made from (`sourceManifest`, absolute), and a source must be an absolute path inside that
 * dataset's folder leading to a regular file inside it (links followed, as distort read it:
 * dataset/video_file.ts). Null when it is gone (source_missing); an Error naming the manifest's
 * claim when refused (never read: a manifest from elsewhere cannot make verify hash any file).
 */
async function sourceFile(
  sourceManifest: unknown,
  source: unknown,
  options: VerifyOptions,
): Promise<string | null | Error> {
  if (typeof source !== "string" || !isAbsolute(source)) {
    return new Error(`source ${JSON.stringify(source)} is not an absolute path: refused`);
  }
  if (typeof sourceManifest !== "string" || !isAbsolute(sourceManifest)) {
    return new Error(
      `the manifest names no dataset ("sourceManifest": ${JSON.stringify(sourceManifest)}) ` +
        `to hold source "${source}": refused`,
    );
  }
  const root = dirname(sourceManifest);
  if (!isInside(root, source)) {
    return new Error(
      `source "${source}" is outside the folder "${root}" of the dataset it was made from: refused`,
    );
  }
  if (!await Deno.lstat(source).then(() => true, () => false)) return null;
  return await resolveDatasetFile(root, source, options).catch((error: Error) => error);
}

async function hashOrNull(path: string): Promise<string | null> {
  try {
    return await sha256File(path);
  } catch {
    return null;
  }
}
