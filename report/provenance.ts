/**
 * Provenance of a report: which detector runs (model hashes, dates) and which distorted copies
 * (artifact ids, ffmpeg builds, catalog versions) the numbers come from, and which dfrobust
 * and Deno versions drew it, so that a reader can reproduce every cell.
 * @module
 */
import { DFROBUST_VERSION } from "../util/version.ts";
import { findCopies } from "../artifacts/copies.ts";
import type { RunSummary } from "../store/runs.ts";
import type { CopyQualitySummary } from "../artifacts/copy_quality.ts";

/**
 * One detector run the report uses: the parts of its store summary (store/runs.ts) a reader
 * needs to find and reproduce it.
 */
export interface RunProvenance extends
  Pick<
    RunSummary,
    | "runId"
    | "detector"
    | "trainSet"
    | "modelSha256"
    | "faceMode"
    | "rows"
    | "firstWritten"
    | "lastWritten"
  > {
  /** The run in words, as Table I names its row (`sbi (faces: ultraface)`), when known. */
  label?: string;
}

/** One distorted copy found in the store, enriched from its manifest when one was found. */
export interface CopyProvenance {
  artifactId: string;
  opId: string;
  opCategory: string;
  profile: string;
  /** ffmpeg build that made the copy (from the copy manifest), when known. */
  backend?: string;
  /** Operation catalog version (from the copy manifest), when known. */
  catalogVersion?: string;
  /** When the copy was made (from the copy manifest), when known. */
  createdAt?: string;
  /**
   * The copy manifest the fields above were read from; in a report, relative to the data folder
   * under its name (`copies/hflip/<id>/manifest.json`).
   */
  manifestPath?: string;
  /** The dataset manifest the copy was made from (from the copy manifest), when known. */
  sourceManifest?: string;
  /**
   * How much the operation changed the copy's videos (the manifest's `quality`: mean and spread
   * of size, bitrate, PSNR and SSIM; artifacts/copy_quality.ts), when recorded.
   */
  quality?: CopyQualitySummary;
}

/** Everything a reader needs to trace and redo a report. */
export interface Provenance {
  dfrobustVersion: string;
  denoVersion: string;
  /** ISO time the report was generated. */
  generatedAt: string;
  /**
   * The results store folder the report read: its name in a report from `loadReportData`
   * (report/shareable_paths.ts), as given otherwise.
   */
  store: string;
  /** The distort output folder whose copy manifests were read, when one was (its name, as `store`). */
  dataDir?: string;
  runs: RunProvenance[];
  copies: CopyProvenance[];
}

/** The dfrobust version from deno.json (util/version.ts), re-exported for the report's readers. */
export { DFROBUST_VERSION };

/** Options for {@link copyManifestIndex}. */
export interface CopyManifestIndexOptions {
  /** Called with the path and message of each manifest that cannot be read. */
  onError?: (path: string, message: string) => void;
}

/**
 * Finds the copy manifests under `dataDir` (artifacts/copies.ts `findCopies`, at most four
 * folder levels down) and indexes their provenance fields by artifact id. Unreadable or malformed
 * manifests are reported through `onError` and skipped; a missing folder gives an empty index.
 */
export async function copyManifestIndex(
  dataDir: string,
  options: CopyManifestIndexOptions = {},
): Promise<Map<string, Omit<CopyProvenance, "opId" | "opCategory" | "profile">>> {
  const index = new Map<string, Omit<CopyProvenance, "opId" | "opCategory" | "profile">>();
  const found = await findCopies(dataDir, {
    maxDepth: 4,
    onError: (path, message) => options.onError?.(path, message),
  });
  for (const { path, manifest } of found) {
    index.set(manifest.artifactId, {
      artifactId: manifest.artifactId,
      backend: describeBackend(manifest.backend),
      catalogVersion: manifest.catalogVersion === undefined
        ? undefined
        : String(manifest.catalogVersion),
      createdAt: typeof manifest.createdAt === "string" ? manifest.createdAt : undefined,
      manifestPath: path,
      ...(typeof manifest.sourceManifest === "string"
        ? { sourceManifest: manifest.sourceManifest }
        : {}),
      ...(manifest.quality ? { quality: manifest.quality } : {}),
    });
  }
  return index;
}

function describeBackend(backend: unknown): string | undefined {
  if (backend === undefined || backend === null) return undefined;
  if (typeof backend === "string") return backend;
  if (typeof backend === "object") {
    // The copy manifest's build record: backend kind, ffmpeg version, libx264 build. Its full
    // configure line stays in the manifest (linked from the report).
    const b = backend as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    const parts = [
      text(b.backend) ?? text(b.kind),
      text(b.ffmpegVersion) ? `ffmpeg ${b.ffmpegVersion}` : text(b.version),
      text(b.libx264) ? `(libx264 ${b.libx264})` : undefined,
    ].filter((p) => p !== undefined);
    if (parts.length) return parts.join(" ");
  }
  return JSON.stringify(backend);
}
