/**
 * User-measured platform records (`--ops platform:<file.json>`): what one platform did to a
 * user's own uploads, fitted by `platform-fit` (artifacts/platform_fit.ts) with the method of
 * Montibeller et al. 2025 (arXiv:2508.08765; their code: github.com/truebees-ai/social_emulator,
 * SN_parameters_emulation.py and SN_encoding_emulation.py), and applied to a test set as one
 * operation.
 *
 * The rule, per video of `width x height`: the record's original resolution that equals it, else
 * the one closest in pixel area (the first listed on a tie), picks the target resolution (each
 * original belongs to one target); the copy is the video scaled to that target (`scale=W:H`,
 * bicubic) and encoded with libx264 at the target's CRF (the truncated mean of the CRFs
 * estimated for its pairs), the record's profile, yuv420p, audio dropped. One deviation from
 * their emulator: when the matched original and the video differ in orientation (landscape vs
 * portrait), the target is transposed, so a portrait video is not squashed into a landscape frame.
 *
 * Each fitted value is in the instance's params (`rule`), so the copy's id changes with any of
 * them; `provenance` (how it was measured) is in the description, not the id.
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import { readJsonFile } from "../util/json_file.ts";
import { OptionError } from "../util/option_error.ts";
import { checkKeys, type KeySet } from "../util/strict_keys.ts";
import { userOpNameProblem } from "./chain.ts";
import { operationFrameGeometry } from "./geometry.ts";
import type { OpEncoder, OpInstance } from "./operation.ts";
import { X264_THREADS } from "./profile.ts";

/** The schema string of a platform record file. */
export const PLATFORM_RECORD_SCHEMA = "dfrobust.platform/1";

/** The x264 profiles a record may name (8-bit 4:2:0 output). */
export const PLATFORM_PROFILES: readonly string[] = ["baseline", "main", "high"];

/** The method a fitted record cites (its `provenance.method`). */
export const PLATFORM_FIT_METHOD = "Montibeller, Shullani, Baracchi, Piva, Boato, 'Bridging the " +
  "Gap: A Framework for Real-World Video Deepfake Detection via Social Network Compression " +
  "Emulation', DFF workshop, ACM Multimedia 2025, pp. 29-36 (arXiv:2508.08765); method as in " +
  "github.com/truebees-ai/social_emulator (SN_parameters_emulation.py: per pair, the first " +
  "libx264 CRF whose re-encode at the platform copy's resolution and profile has a video " +
  "bitrate below the platform copy's; SN_encoding_emulation.py: target by the closest original " +
  "pixel area, CRF the truncated mean over the target's pairs)";

/** One pair's estimate, as `platform-fit` measured it. */
export interface PlatformSample {
  /** The file name the original and the platform copy share (`a.mov -> a.mp4` matched by stem). */
  file: string;
  /** The original's resolution, `WxH` (displayed, rotation applied). */
  original: string;
  /** The platform copy's resolution, `WxH`. */
  target: string;
  /** The estimated CRF: the first in the range whose re-encode's bitrate is below the copy's. */
  crf: number;
  /** The platform copy's video bitrate, kbit/s (the container's figure). */
  targetKbps: number;
  /** The platform copy's H.264 profile as ffprobe names it (`Main`, `High`). */
  profile: string;
}

/** A pair `platform-fit` could not measure. */
export interface PlatformFailure {
  file: string;
  /** What failed, on which file, and what to do. */
  reason: string;
}

/** How a record was measured (recorded; not part of the copy's id). */
export interface PlatformProvenance {
  /** The method's citation ({@link PLATFORM_FIT_METHOD} for fitted records). */
  method: string;
  /** `youtube`, `facebook` or `other` (which picked the default profile). */
  platform?: string;
  /** When the fit ran, ISO 8601 UTC. */
  measured?: string;
  /** The ffmpeg version and libx264 build of the re-encodes. */
  ffmpeg?: string;
  libx264?: string;
  /** The CRFs searched, `[min, max]`. */
  crfRange?: number[];
  /** Pairs measured (= `samples.length`). */
  pairs?: number;
  samples?: PlatformSample[];
  failures?: PlatformFailure[];
  /** Originals without a platform copy of the same name, and copies without an original. */
  unpaired?: { originals: string[]; shared: string[] };
  /** Free text: the account, upload dates, download tool. */
  notes?: string;
}

/** One target resolution of the rule. */
export interface PlatformTarget {
  /** `WxH`, even sides. */
  resolution: string;
  /** libx264 CRF, an integer 0..51. */
  crf: number;
  /** The original resolutions (`WxH`) this target stands for. */
  originals: string[];
}

/** A platform record file (`dfrobust.platform/1`). */
export interface PlatformRecord {
  schema: string;
  /** Becomes the op id: lowercase letters, digits and `_`, not a catalog id. */
  name: string;
  /** `libx264` (the only codec the method fits). */
  codec: string;
  /** One of {@link PLATFORM_PROFILES}. */
  profile: string;
  /** `yuv420p`. */
  pixFmt: string;
  targets: PlatformTarget[];
  provenance: PlatformProvenance;
}

const RECORD_KEYS: KeySet<PlatformRecord> = {
  schema: true,
  name: true,
  codec: true,
  profile: true,
  pixFmt: true,
  targets: true,
  provenance: true,
};
const TARGET_KEYS: KeySet<PlatformTarget> = { resolution: true, crf: true, originals: true };
const PROVENANCE_KEYS: KeySet<PlatformProvenance> = {
  method: true,
  platform: true,
  measured: true,
  ffmpeg: true,
  libx264: true,
  crfRange: true,
  pairs: true,
  samples: true,
  failures: true,
  unpaired: true,
  notes: true,
};
const SAMPLE_KEYS: KeySet<PlatformSample> = {
  file: true,
  original: true,
  target: true,
  crf: true,
  targetKbps: true,
  profile: true,
};
const FAILURE_KEYS: KeySet<PlatformFailure> = { file: true, reason: true };
const UNPAIRED_KEYS = { originals: true, shared: true } as const;

/**
 * Thrown for a platform record that cannot be read or is malformed; the message names the file
 * and what to fix. An {@link OptionError}: exit 2 in a task (it is part of `--ops`).
 */
export class PlatformRecordError extends OptionError {
  override name = "PlatformRecordError";
}

/** A resolution `WxH` as numbers, or null when `text` is not two positive integers. */
export function parseResolution(text: unknown): { width: number; height: number } | null {
  const m = typeof text === "string" ? /^([1-9][0-9]*)x([1-9][0-9]*)$/.exec(text) : null;
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/** `1280x720`. */
export function resolutionText(width: number, height: number): string {
  return `${width}x${height}`;
}

/** What a record does to one video: the output size and the CRF. */
export interface PlatformChoice {
  width: number;
  height: number;
  crf: number;
  /** The record's original resolution that matched (`WxH`). */
  matched: string;
}

/**
 * The target size and CRF `record` gives a `width x height` video (see the module doc): an
 * exact original match first, else the closest original pixel area (first listed on a tie);
 * the target transposed when the matched original's orientation differs from the video's.
 * @throws {RangeError} when the record has no original resolution (a validated record has).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { platformChoice } from "./platform_record.ts";
 * const targets = [{ resolution: "1280x720", crf: 27, originals: ["1920x1080"] }];
 * assert.deepEqual(platformChoice({ targets }, 1080, 1920), {
 *   width: 720, height: 1280, crf: 27, matched: "1920x1080",
 * });
 * ```
 */
export function platformChoice(
  record: Pick<PlatformRecord, "targets">,
  width: number,
  height: number,
): PlatformChoice {
  let best: { target: PlatformTarget; original: string; diff: number } | null = null;
  const area = width * height;
  for (const target of record.targets) {
    for (const original of target.originals) {
      const size = parseResolution(original)!;
      if (size.width === width && size.height === height) {
        best = { target, original, diff: -1 };
        break;
      }
      const diff = Math.abs(size.width * size.height - area);
      if (best === null || diff < best.diff) best = { target, original, diff };
    }
    if (best?.diff === -1) break;
  }
  if (best === null) throw new RangeError("platformChoice: the record has no original resolution");
  const target = parseResolution(best.target.resolution)!;
  const original = parseResolution(best.original)!;
  const flip = orientation(original.width, original.height) * orientation(width, height) < 0;
  return {
    width: flip ? target.height : target.width,
    height: flip ? target.width : target.height,
    crf: best.target.crf,
    matched: best.original,
  };
}

function orientation(width: number, height: number): number {
  return Math.sign(width - height);
}

/** The scale filter of a platform encode to `width x height` (ffmpeg's default bicubic). */
export function platformScaleFilter(width: number, height: number): string {
  return `scale=w=${width}:h=${height}:flags=bicubic`;
}

/**
 * The libx264 encoder of a platform encode at `crf` with `profile` (`-threads` pinned: x264 CRF
 * output with a fixed thread count is the same on every rerun, ops/profile.ts). The one
 * definition used by the copies and by `platform-fit`'s search, so a fitted CRF means the same
 * encode it is used for.
 */
export function platformEncoder(profile: string, crf: number | string): OpEncoder {
  return {
    codec: "libx264",
    args: ["-crf", String(crf), "-profile:v", profile, "-threads", String(X264_THREADS)],
    library: "--enable-libx264",
    determinism: `x264 CRF with -threads ${X264_THREADS} pinned (CRF encodes with a fixed ` +
      "thread count do not vary from run to run)",
  };
}

/** The rule as one line, the params value hashed into the copy's id. */
function ruleText(targets: readonly PlatformTarget[]): string {
  return targets.map((t) => `${t.originals.join(",")} -> ${t.resolution} CRF ${t.crf}`)
    .join("; ");
}

/**
 * The operation a validated `record` stands for (family `platform_record`, category
 * `platform`): per video the scale and CRF of {@link platformChoice}, the record's profile,
 * yuv420p, no audio. `source` (the file it was read from) goes into the description.
 */
export function platformInstance(record: PlatformRecord, source = "a platform record"): OpInstance {
  const expectedSize = (width: number, height: number) => {
    const c = platformChoice(record, width, height);
    return { width: c.width, height: c.height };
  };
  const geometry = { hflip: false, vflip: false, scale: 1 };
  const p = record.provenance;
  const measured = [
    p.pairs !== undefined ? `${p.pairs} pairs` : null,
    p.platform ? `platform ${p.platform}` : null,
    p.measured ? `measured ${p.measured.slice(0, 10)}` : null,
  ].filter((s) => s !== null).join(", ");
  return {
    id: record.name,
    family: "platform_record",
    category: "platform",
    severity: null,
    params: {
      codec: record.codec,
      profile: record.profile,
      pixFmt: record.pixFmt,
      rule: ruleText(record.targets),
    },
    filter: "scale=w=<target width>:h=<target height>:flags=bicubic",
    filterFor: (width, height) => {
      const c = platformChoice(record, width, height);
      return platformScaleFilter(c.width, c.height);
    },
    encoder: platformEncoder(record.profile, "<target's CRF>"),
    encoderFor: (width, height) =>
      platformEncoder(record.profile, platformChoice(record, width, height).crf),
    paper: false,
    label: record.name,
    geometry,
    description:
      `Platform record "${record.name}" (${source}${
        measured ? `; ${measured}` : ""
      }): scaled to the target resolution of the closest original resolution and re-encoded ` +
      `with libx264 ${record.profile} profile at that target's CRF (${
        ruleText(record.targets)
      }); audio dropped. Method: Montibeller et al. 2025.`,
    expectedSize,
    frameGeometry: (width, height) => {
      const out = expectedSize(width, height);
      return operationFrameGeometry(geometry, width, height, out.width, out.height);
    },
  };
}

/**
 * Reads and validates the platform record at `path` (UTF-8 JSON; unknown keys refused at every
 * level, with the nearest valid key).
 * @throws {PlatformRecordError} naming the file: unreadable or not JSON, another schema, a bad
 *   name (as chain names: ops/chain.ts), a codec other than libx264, a profile not in
 *   {@link PLATFORM_PROFILES}, a pixel format other than yuv420p, no targets, a resolution that
 *   is not `WxH` (targets: even sides), a CRF outside 0..51, an original listed twice.
 */
export async function readPlatformRecord(path: string): Promise<PlatformRecord> {
  const json = await readJsonFile(path, {
    what: "platform record",
    error: (message) => new PlatformRecordError(message),
  });
  return validatePlatformRecord(json, path);
}

/** Validates a parsed record (see {@link readPlatformRecord}); `source` names it in messages. */
export function validatePlatformRecord(json: unknown, source: string): PlatformRecord {
  const fail = (what: string) => new PlatformRecordError(`Platform record "${source}": ${what}`);
  const keys = (value: unknown, allowed: Record<string, true>, path: string) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw fail(`${path === "" ? "the file" : path} must be a JSON object`);
    }
    checkKeys(value as Record<string, unknown>, allowed, {
      what: "platform record",
      source,
      path,
      error: (message) => new PlatformRecordError(message),
    });
    return value as Record<string, unknown>;
  };
  const r = keys(json, RECORD_KEYS, "");
  for (const key of Object.keys(RECORD_KEYS)) {
    if (!(key in r)) throw fail(`"${key}" is missing`);
  }
  if (r.schema !== PLATFORM_RECORD_SCHEMA) {
    throw fail(`schema must be "${PLATFORM_RECORD_SCHEMA}", got ${JSON.stringify(r.schema)}`);
  }
  const nameProblem = userOpNameProblem(r.name);
  if (nameProblem !== null) throw fail(`name ${nameProblem}`);
  if (r.codec !== "libx264") {
    throw fail(
      `codec must be "libx264" (the method fits libx264 CRFs), got ${JSON.stringify(r.codec)}`,
    );
  }
  if (typeof r.profile !== "string" || !PLATFORM_PROFILES.includes(r.profile)) {
    throw fail(
      `profile must be ${PLATFORM_PROFILES.join(", ")}, got ${JSON.stringify(r.profile)}` +
        (typeof r.profile === "string" ? didYouMeanSuffix(r.profile, PLATFORM_PROFILES) : ""),
    );
  }
  if (r.pixFmt !== "yuv420p") {
    throw fail(`pixFmt must be "yuv420p", got ${JSON.stringify(r.pixFmt)}`);
  }
  if (!Array.isArray(r.targets) || r.targets.length === 0) {
    throw fail("targets must be a non-empty list of {resolution, crf, originals}");
  }
  const seen = new Map<string, string>();
  const targets = r.targets.map((value, i): PlatformTarget => {
    const at = `targets[${i}]`;
    const t = keys(value, TARGET_KEYS, at);
    const size = parseResolution(t.resolution);
    if (size === null || size.width % 2 !== 0 || size.height % 2 !== 0) {
      throw fail(
        `${at}.resolution must be "WxH" with even sides (yuv420p), got ${
          JSON.stringify(t.resolution)
        }`,
      );
    }
    if (typeof t.crf !== "number" || !Number.isInteger(t.crf) || t.crf < 0 || t.crf > 51) {
      throw fail(`${at}.crf must be an integer 0..51, got ${JSON.stringify(t.crf)}`);
    }
    if (!Array.isArray(t.originals)) throw fail(`${at}.originals must be a list of "WxH"`);
    for (const o of t.originals) {
      if (parseResolution(o) === null) {
        throw fail(`${at}.originals: ${JSON.stringify(o)} is not "WxH"`);
      }
      const before = seen.get(o as string);
      if (before !== undefined) {
        throw fail(`original resolution ${o} is listed under ${before} and ${at}: one target each`);
      }
      seen.set(o as string, at);
    }
    return { resolution: t.resolution as string, crf: t.crf, originals: t.originals as string[] };
  });
  if (seen.size === 0) throw fail("no target lists an original resolution");
  const p = keys(r.provenance, PROVENANCE_KEYS, "provenance");
  if (typeof p.method !== "string" || p.method.trim() === "") {
    throw fail("provenance.method must say how the record was measured (a citation)");
  }
  if (p.samples !== undefined) {
    if (!Array.isArray(p.samples)) throw fail("provenance.samples must be a list");
    p.samples.forEach((s, i) => keys(s, SAMPLE_KEYS, `provenance.samples[${i}]`));
  }
  if (p.failures !== undefined) {
    if (!Array.isArray(p.failures)) throw fail("provenance.failures must be a list");
    p.failures.forEach((s, i) => keys(s, FAILURE_KEYS, `provenance.failures[${i}]`));
  }
  if (p.unpaired !== undefined) keys(p.unpaired, UNPAIRED_KEYS, "provenance.unpaired");
  return {
    schema: r.schema as string,
    name: r.name as string,
    codec: r.codec,
    profile: r.profile,
    pixFmt: r.pixFmt,
    targets,
    provenance: p as unknown as PlatformProvenance,
  };
}
