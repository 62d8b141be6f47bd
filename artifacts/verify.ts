/**
 * `verifyCopies`: re-hash every finished copy under an output folder and report drift from its
 * manifest (an output changed or gone, a source changed since the copy was made).
 * @module
 */
import { join } from "node:path";
import { sha256File } from "../util/hash.ts";
import { COPY_DATASET_FILE, readCopyManifest } from "./copy_manifest.ts";
import { listCopyFolders } from "./copies.ts";

/** One mismatch found by {@link verifyCopies}. */
export interface Drift {
  videoId: string;
  /** The file that drifted. */
  file: string;
  kind:
    | "output_changed"
    | "output_missing"
    | "source_changed"
    | "source_missing"
    | "dataset_missing";
  expected: string | null;
  actual: string | null;
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
}

/** What {@link verifyCopies} found. */
export interface VerifyReport {
  copies: CopyVerification[];
  /** Unfinished copy folders (no manifest), left to `gc`. */
  unfinished: string[];
  /** True when no copy drifted or had an unreadable manifest (source drift is only reported). */
  ok: boolean;
}

/** Options of {@link verifyCopies}. */
export interface VerifyOptions {
  /** Also re-hash the source videos (default true). */
  sources?: boolean;
}

/** Re-hashes every finished copy under `out` against its manifest. */
export async function verifyCopies(
  out: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const checkSources = options.sources ?? true;
  const folders = await listCopyFolders(out);
  const copies: CopyVerification[] = [];
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
    for (const video of manifest.videos) {
      if (video.status === "ok" && video.output) {
        const file = join(folder.dir, video.output);
        const actual = await hashOrNull(file);
        result.checked++;
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
        const actual = await hashOrNull(video.source);
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
  }
  return {
    copies,
    unfinished: folders.filter((f) => !f.finished).map((f) => f.dir),
    ok: copies.every((c) => c.drift.length === 0 && c.error === null),
  };
}

async function hashOrNull(path: string): Promise<string | null> {
  try {
    return await sha256File(path);
  } catch {
    return null;
  }
}
