/**
 * The manifest of one distorted copy (`<out>/<op_id>/<artifactId>/manifest.json`, schema
 * `dfrobust.copy/1`): what was done, with which tools, to which videos, with hashes of inputs and
 * outputs and each video's validation. Written last, atomically: a folder without it is unfinished.
 * @module
 */
import { join } from "node:path";
import type { FfmpegBuild, VideoInfo } from "../media/ffmpeg.ts";
import type { FrameGeometry, Geometry } from "../ops/geometry.ts";
import type { OpCategory, OpInstance } from "../ops/operation.ts";
import type { EncodeProfile } from "../ops/profile.ts";
import { readJsonFile } from "../util/json_file.ts";

/** The schema tag of copy manifests. */
export const COPY_SCHEMA = "dfrobust.copy/1";

/** File name of a copy's manifest inside its folder. */
export const COPY_MANIFEST_FILE = "manifest.json";

/** File name of a copy's dataset manifest inside its folder. */
export const COPY_DATASET_FILE = "dataset.csv";

/** What the validation of one output found (ffprobe of the output against the source). */
export interface OutputValidation {
  ok: boolean;
  frameCount: number;
  expectedFrameCount: number;
  fps: number;
  expectedFps: number;
  width: number;
  height: number;
  expectedWidth: number;
  expectedHeight: number;
  /** What did not match, empty when ok. */
  problems: string[];
  /** The output's full probe, so a reader (eval) need not probe the file again. */
  probe?: VideoInfo;
}

/** One video of a copy. */
export interface CopyVideoRecord {
  id: string;
  label: 0 | 1;
  method?: string;
  split?: string;
  /** Absolute path of the source video. */
  source: string;
  /** SHA-256 of the source; null when it could not be read. */
  sourceSha256: string | null;
  /** Output path relative to the copy folder (`videos/<file>`); null for a failed video. */
  output: string | null;
  outputSha256: string | null;
  /** The ffmpeg argv that made it (shared by every op of a split run); empty for links. */
  argv: string[];
  /** Wall seconds of the run that made it, divided by the number of outputs of that run. */
  seconds: number;
  status: "ok" | "failed";
  /** Why it failed, naming the file; null when ok. */
  error: string | null;
  validation: OutputValidation | null;
  /**
   * Exact geometry of this video's copy: source and copy sizes, the even-sided crop applied
   * before the operation (`crop`, null when none) and the per-axis mapping of source pixel
   * coordinates (face boxes are mapped through it). Null when the video failed before it was
   * probed; absent in manifests written before it was recorded.
   */
  geometry?: FrameGeometry | null;
}

/** A copy manifest. */
export interface CopyManifest {
  schema: typeof COPY_SCHEMA;
  artifactId: string;
  op: {
    id: string;
    family: string;
    category: OpCategory;
    severity: number | null;
    params: OpInstance["params"];
    filter: string | null;
    crf: number | null;
    paper: boolean;
    description: string;
  };
  profile: EncodeProfile;
  /** The operation's nominal geometry; each video's exact one is `videos[].geometry`. */
  geometry: Geometry;
  /** The ffmpeg build; null for the `source` profile. */
  backend: FfmpegBuild | null;
  catalogVersion: string;
  createdAt: string;
  /** The dataset manifest the copy was made from (absolute path). */
  sourceManifest: string;
  /** Audio handling, stated so nobody has to guess. */
  audio: "dropped" | "kept";
  counts: { total: number; ok: number; failed: number };
  videos: CopyVideoRecord[];
}

/** The `op` member of a manifest for an instance. */
export function manifestOp(op: OpInstance): CopyManifest["op"] {
  return {
    id: op.id,
    family: op.family,
    category: op.category,
    severity: op.severity,
    params: op.params,
    filter: op.filter,
    crf: op.crf ?? null,
    paper: op.paper,
    description: op.description,
  };
}

/**
 * Reads a copy manifest from a copy folder. Returns null when the folder has none (unfinished);
 * throws an Error naming the file when it exists but is not a `dfrobust.copy/1` manifest.
 */
export async function readCopyManifest(copyDir: string): Promise<CopyManifest | null> {
  const path = join(copyDir, COPY_MANIFEST_FILE);
  const parsed = await readJsonFile(path, { what: "copy manifest", allowMissing: true }) as
    | CopyManifest
    | undefined;
  if (parsed === undefined) return null;
  if (parsed?.schema !== COPY_SCHEMA) {
    throw new Error(`"${path}" is not a ${COPY_SCHEMA} manifest (schema: ${parsed?.schema})`);
  }
  return parsed;
}
