/**
 * The source videos of a distort run, as the run learns about them: where each one really is
 * (links resolved, inside the dataset folder, a regular file: dataset/video_file.ts), its
 * SHA-256 (part of every copy's id), its probe (only when a copy needs work on it), and why it
 * cannot be used. Failures are kept in the state, naming the file, never thrown: a bad video
 * fails alone. Every read of a source (hash, probe, encode, the unaltered copy's link) uses its
 * real path. Internal to `artifacts/`.
 * @module
 */
import type { DatasetEntry } from "../dataset/manifest.ts";
import { DatasetFileError, resolveDatasetFile } from "../dataset/video_file.ts";
import { type Ffmpeg, FfmpegError, type VideoInfo } from "../media/ffmpeg.ts";
import type { FrameLimits } from "../media/frame_limits.ts";
import { sha256File } from "../util/hash.ts";

/** A source video of the dataset, as the run learns about it. */
export interface SourceState {
  /** Its row of the dataset manifest. */
  entry: DatasetEntry;
  /** The file read for it (links resolved, absolute); null when refused or missing. */
  realPath: string | null;
  /** Null when the file could not be read. */
  sha256: string | null;
  /** Null until probed (only when a copy needs the video), or when probing failed. */
  info: VideoInfo | null;
  /** Why the video cannot be used (names the file); null while fine. */
  error: string | null;
  /** The frame limits its probe holds it to (util/limits.ts); default the defaults. */
  limits?: Partial<FrameLimits>;
}

/** Options of {@link hashSource}. */
export interface HashSourceOptions {
  /** The dataset folder (the manifest's): a source's links must lead inside it. */
  root: string;
  /** Follow links out of `root` (distort's `--allow-outside-links`). Default false. */
  allowOutsideLinks?: boolean;
  /** The frame limits its probe will hold it to (distort's `limits`). */
  limits?: Partial<FrameLimits>;
}

/**
 * Resolves a source's links (dataset/video_file.ts) and hashes the real file (its SHA-256 is part
 * of every copy's id); a refusal or read failure is kept, naming the file, not thrown.
 */
export async function hashSource(
  entry: DatasetEntry,
  options: HashSourceOptions,
): Promise<SourceState> {
  const { limits } = options;
  let realPath: string;
  try {
    realPath = await resolveDatasetFile(options.root, entry.path, options);
  } catch (error) {
    const failed = sourceError(entry, error);
    return { entry, realPath: null, sha256: null, info: null, error: failed, limits };
  }
  try {
    const sha256 = await sha256File(realPath);
    return { entry, realPath, sha256, info: null, error: null, limits };
  } catch (error) {
    const failed = sourceError(entry, error);
    return { entry, realPath, sha256: null, info: null, error: failed, limits };
  }
}

/**
 * The file to read for `source`: its real path (links resolved). Throws when the source was
 * refused (callers check `source.error` first).
 */
export function sourceFile(source: SourceState): string {
  if (source.realPath === null) {
    throw new Error(`Cannot read "${source.entry.path}": ${source.error ?? "not resolved"}`);
  }
  return source.realPath;
}

/** Probes a source the first time one of its copies needs work (a no-op rerun probes nothing). */
export async function probeSource(ffmpeg: Ffmpeg, source: SourceState): Promise<void> {
  if (source.info || source.error) return;
  try {
    source.info = await ffmpeg.probe(sourceFile(source), { limits: source.limits });
  } catch (error) {
    source.error = sourceError(source.entry, error);
  }
}

// The message of a source that cannot be read or probed, naming the file.
function sourceError(entry: DatasetEntry, error: unknown): string {
  // ffprobe's errors and the dataset's refusals name the file already; file-system errors get
  // the same shape.
  return error instanceof FfmpegError || error instanceof DatasetFileError
    ? error.message
    : `Cannot read "${entry.path}": ${
      error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message
    }`;
}
