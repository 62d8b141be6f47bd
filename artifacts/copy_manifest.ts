/**
 * The manifest of one distorted copy (`<out>/<op_id>/<artifactId>/manifest.json`, schema
 * `dfrobust.copy/1`): what was done, with which tools, to which videos, with hashes of inputs and
 * outputs and each video's validation. Written last, atomically: a folder without it is unfinished.
 * This module owns the format: the file names of a copy folder, the schema id, the types, and the
 * one reader and validator every stage uses (distort, verify, gc, eval, the report's provenance);
 * finding copies under a folder is artifacts/copies.ts.
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import type { FfmpegBuild, VideoInfo } from "../media/ffmpeg.ts";
import type { FrameGeometry, FrameGeometrySegment, Geometry } from "../ops/geometry.ts";
import { isTimeMap, type TimeMap, type TimePattern } from "../ops/time_map.ts";
import type { OpCategory, OpEncoder, OpInstance } from "../ops/operation.ts";
import type { EncodeProfile } from "../ops/profile.ts";
import { isInside } from "../util/inside.ts";
import { readJsonFile } from "../util/json_file.ts";
import { commandLine } from "../util/command_line.ts";
import {
  type CopyQualitySummary,
  isCopyQualitySummary,
  isVideoQuality,
  type VideoQuality,
} from "./copy_quality.ts";

/** The schema tag of copy manifests. */
export const COPY_SCHEMA = "dfrobust.copy/1";

/** File name of a copy's manifest inside its folder. */
export const COPY_MANIFEST_FILE = "manifest.json";

/** File name of a copy's dataset manifest inside its folder. */
export const COPY_DATASET_FILE = "dataset.csv";

/** Folder of a copy's videos inside its folder (`videos/<file>`: media only). */
export const COPY_VIDEOS_DIR = "videos";

/**
 * Folder of the per-video resume records inside an unfinished copy's folder (distort writes one
 * record per finished output, drops the folder once the manifest is written).
 */
export const COPY_RECORDS_DIR = ".records";

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
  /**
   * For a source whose frame size changes mid-stream: each later run of frames of one size, from
   * its first frame index on, with the exact geometry of its source pixels into the copy's (the
   * frames are scaled to the first frame's size, then `geometry` applies; docs/operations.md).
   * Absent for a video of one size and in manifests written before it was recorded (`geometry`
   * then maps every frame).
   */
  segments?: FrameGeometrySegment[] | null;
  /**
   * For a time operation (frame rate, freeze, jitter): the frame pattern and the source's and
   * copy's decoded frame counts, from which copy frame j's source frame follows
   * (`sourceFrameOf`, ops/time_map.ts; face boxes of that source frame land on frame j). Absent
   * for every other operation: frame j of the copy is frame j of the source.
   */
  time?: TimeMap | null;
  /**
   * How much the operation changed this video: size, bitrate, PSNR and SSIM of luma against the
   * family's reference (artifacts/copy_quality.ts). Absent for a failed video and in manifests
   * written before it was recorded (`verify --quality` adds it without remaking the video).
   */
  quality?: VideoQuality | null;
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
    /**
     * The encoder the operation imposes (codec, arguments, library, how it is deterministic);
     * absent for libx264 CRF and filter operations.
     */
    encoder?: OpEncoder;
    /**
     * The frame pattern of a time operation (ops/time_map.ts); each video's map is
     * `videos[].time`. Absent for every other operation.
     */
    time?: TimePattern;
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
  /**
   * Mean and spread of the videos' `quality` numbers (artifacts/copy_quality.ts); absent in
   * manifests written before it was recorded.
   */
  quality?: CopyQualitySummary | null;
  videos: CopyVideoRecord[];
  /**
   * Set by the reader, never written: the records whose `output` is not a relative path inside
   * the copy folder, as read. Each is returned in `videos` as a failed record (no output, no
   * hash, `error` = its message), so no reader reads or hashes it; gc leaves such a copy alone.
   */
  refused?: RefusedOutput[];
}

/** A video record of a copy manifest whose `output` leads out of the copy folder. */
export interface RefusedOutput {
  videoId: string;
  /** The output as the manifest gives it. */
  output: unknown;
  /** Names the manifest, the video and the output. */
  message: string;
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
    ...(op.encoder ? { encoder: op.encoder } : {}),
    ...(op.time ? { time: op.time } : {}),
    paper: op.paper,
    description: op.description,
  };
}

/** A copy manifest that cannot be read or is malformed; the message names the file. */
export class CopyManifestError extends Error {
  override name = "CopyManifestError";
}

/**
 * Reads a copy manifest from a copy folder. Returns null when the folder has none (unfinished);
 * throws a {@link CopyManifestError} naming the file when it exists but cannot be read, is not a
 * `dfrobust.copy/1` manifest, or is malformed (see {@link validateCopyManifest}).
 */
export async function readCopyManifest(copyDir: string): Promise<CopyManifest | null> {
  const path = join(copyDir, COPY_MANIFEST_FILE);
  const parsed = await readJsonFile(path, {
    what: "copy manifest",
    allowMissing: true,
    error: (message) => new CopyManifestError(message),
  }) as Record<string, unknown> | undefined;
  if (parsed === undefined) return null;
  if (parsed?.schema !== COPY_SCHEMA) {
    throw new CopyManifestError(
      `"${path}" is not a ${COPY_SCHEMA} manifest (schema: ${parsed?.schema})`,
    );
  }
  return validateCopyManifest(parsed, path);
}

/**
 * Reads the `manifest.json` file at `path` as found under a folder: null when it is JSON of
 * another schema (another tool's file, not a copy); else the validated manifest. Throws a
 * {@link CopyManifestError} naming the file when it cannot be read, is not JSON, or claims the
 * copy schema but is malformed.
 */
export async function readCopyManifestFile(path: string): Promise<CopyManifest | null> {
  const parsed = await readJsonFile(path, {
    what: "copy manifest",
    error: (message) => new CopyManifestError(message),
  });
  if (parsed === null || typeof parsed !== "object") return null;
  if ((parsed as Record<string, unknown>).schema !== COPY_SCHEMA) return null;
  return validateCopyManifest(parsed, path);
}

/**
 * Checks a parsed `dfrobust.copy/1` manifest (from `path`, named in messages) and returns it with
 * the defaults older and hand-written manifests leave out: `op.family` (the op id), `op.severity`
 * (null unless a finite number), `op.params` ({}), `profile` (`paper`; an older `{id}` object
 * gives its id), the nominal `geometry` (no flip, scale 1) and `videos` ([]); a `quality`
 * summary or video `quality` record of the wrong shape is dropped (unmeasured). The video records
 * are returned as they are, except one whose `output` is not a relative path inside the copy
 * folder ({@link isCopyOutput}; `path`'s folder is the copy's): it becomes a failed record with no
 * output, listed in `refused` (see {@link CopyManifest.refused}). Throws a
 * {@link CopyManifestError} for a missing `op`, an empty `artifactId`, `op.id` or `op.category`,
 * or an `ok` video whose `geometry`, `segments` (a list of `{start, geometry}` with rising
 * non-negative integer starts) or `time` (a frame pattern whose counts agree) is malformed.
 */
export function validateCopyManifest(doc: unknown, path: string): CopyManifest {
  const fail = (what: string): never => {
    throw new CopyManifestError(`Copy manifest "${path}": ${what}`);
  };
  const raw = (doc ?? {}) as Record<string, unknown>;
  const op = (raw.op ?? fail('missing "op"')) as Record<string, unknown>;
  const text = (value: unknown, name: string): string =>
    typeof value === "string" && value !== "" ? value : fail(`missing or empty "${name}"`);
  const artifactId = text(raw.artifactId, "artifactId");
  const opId = text(op.id, "op.id");
  const category = text(op.category, "op.category") as OpCategory;
  const videos = (Array.isArray(raw.videos) ? raw.videos : []) as CopyVideoRecord[];
  for (const video of videos) {
    if (
      video?.status === "ok" && typeof video.id === "string" && video.geometry != null &&
      !isFrameGeometry(video.geometry)
    ) fail(`video "${video.id}" has a malformed "geometry" ${JSON.stringify(video.geometry)}`);
    if (
      video?.status === "ok" && typeof video.id === "string" && video.segments != null &&
      !isSegmentList(video.segments)
    ) fail(`video "${video.id}" has malformed "segments" ${JSON.stringify(video.segments)}`);
    if (
      video?.status === "ok" && typeof video.id === "string" && video.time != null &&
      !isTimeMap(video.time)
    ) fail(`video "${video.id}" has a malformed "time" map ${JSON.stringify(video.time)}`);
  }
  // A record whose output leaves the copy folder is refused alone: never read, hashed or kept.
  const refused: RefusedOutput[] = [];
  const checked = videos.map((raw) => {
    // A malformed quality record (hand-written, damaged) reads as unmeasured, never as numbers.
    const video = raw?.quality != null && !isVideoQuality(raw.quality) ? withoutQuality(raw) : raw;
    if (video?.output == null || isCopyOutput(dirname(path), video.output)) return video;
    // The claimed path is not repeated: messages reach the store and shared reports.
    const message = `Copy manifest "${path}": video "${video?.id}" has an output that is not a ` +
      "relative path inside the copy folder: refused, never read " +
      `(run "${commandLine("distort")}" to ` +
      `make the copy again)`;
    refused.push({ videoId: String(video?.id), output: video.output, message });
    return { ...video, status: "failed", output: null, outputSha256: null, error: message };
  });
  const geometry = (raw.geometry ?? {}) as Record<string, unknown>;
  const profile = raw.profile as unknown;
  const kept = raw.quality == null || isCopyQualitySummary(raw.quality) ? raw : withoutQuality(raw);
  return {
    ...(kept as unknown as CopyManifest),
    artifactId,
    op: {
      ...(op as unknown as CopyManifest["op"]),
      id: opId,
      family: typeof op.family === "string" ? op.family : opId,
      category,
      severity: typeof op.severity === "number" && Number.isFinite(op.severity)
        ? op.severity
        : null,
      params: (op.params ?? {}) as OpInstance["params"],
    },
    profile:
      (typeof profile === "string"
        ? profile
        : typeof (profile as { id?: unknown })?.id === "string"
        ? (profile as { id: string }).id
        : "paper") as EncodeProfile,
    geometry: {
      hflip: geometry.hflip === true,
      vflip: geometry.vflip === true,
      scale: typeof geometry.scale === "number" && geometry.scale > 0 ? geometry.scale : 1,
    },
    videos: checked as CopyVideoRecord[],
    refused,
  };
}

/** `record` without its `quality` member. */
function withoutQuality<T extends object>(record: T): T {
  const { quality: _dropped, ...rest } = record as T & { quality?: unknown };
  return rest as T;
}

/**
 * True when `output` (a video record's `output`, relative to the copy folder `copyDir`) names a
 * path inside that folder: a string, not absolute, no `..` segment leading out (util/inside.ts).
 * Readers never read or hash a record's output that fails this.
 */
export function isCopyOutput(copyDir: string, output: unknown): output is string {
  return typeof output === "string" && !isAbsolute(output) &&
    isInside(copyDir, join(copyDir, output));
}

/**
 * The ffprobe result distort recorded for an `ok` video of a copy (its output's validation), so
 * a reader need not probe the file again; null when the record has none or an incomplete one.
 */
export function recordedProbe(video: CopyVideoRecord): VideoInfo | null {
  const probe = video.status === "ok" ? video.validation?.probe : undefined;
  return isVideoInfo(probe) ? probe : null;
}

function isVideoInfo(value: unknown): value is VideoInfo {
  const v = value as VideoInfo | undefined;
  // A probe recorded before `streamIndex` and `segments` existed is incomplete: re-probed.
  return typeof v === "object" && v !== null &&
    [v.width, v.height, v.fps, v.frameCount, v.rotation].every((n) => Number.isFinite(n)) &&
    Number.isInteger(v.streamIndex) && v.streamIndex >= 0 && Array.isArray(v.segments) &&
    v.segments.length > 0 && v.segments.every((s) =>
      typeof s === "object" && s !== null &&
      [s.start, s.width, s.height, s.codedWidth, s.codedHeight].every(Number.isInteger)
    );
}

function isSegmentList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  let previous = -1;
  for (const segment of value as FrameGeometrySegment[]) {
    if (typeof segment !== "object" || segment === null) return false;
    if (!Number.isInteger(segment.start) || segment.start <= previous) return false;
    if (!isFrameGeometry(segment.geometry)) return false;
    previous = segment.start;
  }
  return true;
}

function isFrameGeometry(value: unknown): boolean {
  const g = value as FrameGeometry | null;
  const finite = (...n: unknown[]) => n.every((v) => typeof v === "number" && Number.isFinite(v));
  return typeof g === "object" && g !== null &&
    finite(g.sourceWidth, g.sourceHeight, g.width, g.height) && g.width > 0 && g.height > 0 &&
    typeof g.x === "object" && typeof g.y === "object" && g.x !== null && g.y !== null &&
    finite(g.x.scale, g.x.offset, g.y.scale, g.y.offset) && g.x.scale !== 0 &&
    g.y.scale !== 0 &&
    (g.crop === null || (typeof g.crop === "object" &&
      finite(g.crop.x, g.crop.y, g.crop.width, g.crop.height)));
}
