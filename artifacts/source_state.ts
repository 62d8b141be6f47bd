/**
 * The source videos of a distort run, as the run learns about them: each one's SHA-256 (part of
 * every copy's id), its probe (only when a copy needs work on it), and why it cannot be used.
 * Failures are kept in the state, naming the file, never thrown: a bad video fails alone.
 * Internal to `artifacts/`.
 * @module
 */
import type { DatasetEntry } from "../dataset/manifest.ts";
import { type Ffmpeg, FfmpegError, type VideoInfo } from "../media/ffmpeg.ts";
import { sha256File } from "../util/hash.ts";

/** A source video of the dataset, as the run learns about it. */
export interface SourceState {
  /** Its row of the dataset manifest. */
  entry: DatasetEntry;
  /** Null when the file could not be read. */
  sha256: string | null;
  /** Null until probed (only when a copy needs the video), or when probing failed. */
  info: VideoInfo | null;
  /** Why the video cannot be used (names the file); null while fine. */
  error: string | null;
}

/** Hashes a source (its SHA-256 is part of every copy's id); a failure is kept, not thrown. */
export async function hashSource(entry: DatasetEntry): Promise<SourceState> {
  try {
    return { entry, sha256: await sha256File(entry.path), info: null, error: null };
  } catch (error) {
    return { entry, sha256: null, info: null, error: sourceError(entry, error) };
  }
}

/** Probes a source the first time one of its copies needs work (a no-op rerun probes nothing). */
export async function probeSource(ffmpeg: Ffmpeg, source: SourceState): Promise<void> {
  if (source.info || source.error) return;
  try {
    source.info = await ffmpeg.probe(source.entry.path);
  } catch (error) {
    source.error = sourceError(source.entry, error);
  }
}

// The message of a source that cannot be read or probed, naming the file.
function sourceError(entry: DatasetEntry, error: unknown): string {
  // ffprobe's errors name the file already; file-system errors get the same shape.
  return error instanceof FfmpegError
    ? error.message
    : `Cannot read "${entry.path}": ${
      error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message
    }`;
}
