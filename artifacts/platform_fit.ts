/**
 * `platform-fit`: measure what a platform does to uploads from the user's own pairs (an original
 * and the same video downloaded back from the platform, matched by file name) and write a
 * platform record (ops/platform_record.ts) that `distort --ops platform:<file>` applies.
 *
 * Pairs are files of the same name in both folders, else of the same name without extension when
 * that is unique on both sides (`clip.mov` uploaded, `clip.mp4` downloaded).
 *
 * Per pair (the method of Montibeller et al. 2025, their SN_parameters_emulation.py): probe the
 * platform copy (resolution, video bitrate as the container states it: a Matroska/WebM copy,
 * which states none, is first copied unchanged into MP4; profile); re-encode the
 * original to the copy's resolution with libx264 at CRF `crfMin`, `crfMin + 1`, ... with the
 * profile (`--profile`, else the copy's own H.264 profile, else the record's), yuv420p; the pair's
 * CRF is the first whose re-encode's video bitrate is below the copy's (`crfMax` when none is).
 * The re-encode is the one `distort` makes for the record (the same filter graph and encoder
 * arguments, artifacts/split_graph.ts), so a fitted CRF means the encode it is used for.
 *
 * The rule (their SN_encoding_emulation.py): each original resolution's target is the copy
 * resolution most of its pairs have (the first, by file name, on a tie); a target's CRF is the
 * truncated mean of the CRFs of all pairs with that target resolution.
 * @module
 */
import { join, resolve } from "node:path";
import { type BackendChoice, type Ffmpeg, openFfmpeg, type VideoInfo } from "../media/ffmpeg.ts";
import {
  parseResolution,
  PLATFORM_FIT_METHOD,
  PLATFORM_PROFILES,
  PLATFORM_RECORD_SCHEMA,
  type PlatformFailure,
  platformInstance,
  type PlatformRecord,
  type PlatformSample,
  type PlatformTarget,
  resolutionText,
  validatePlatformRecord,
} from "../ops/platform_record.ts";
import { userOpNameProblem } from "../ops/chain.ts";
import { atomicWriteJson } from "../util/atomic.ts";
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import { OptionError } from "../util/option_error.ts";
import { logLine } from "../util/progress.ts";
import { splitGraphArgs } from "./split_graph.ts";

/** The platforms `--platform` names; each picks the record's default profile. */
export const FIT_PLATFORMS = ["youtube", "facebook", "other"] as const;

/** A {@link FIT_PLATFORMS} value. */
export type FitPlatform = typeof FIT_PLATFORMS[number];

/**
 * The record's profile when none is asked for: `high` for YouTube, `main` otherwise, as
 * Montibeller et al.'s emulator sets it (SN_encoding_emulation.py, `get_emulation_params`).
 */
export function defaultPlatformProfile(platform: FitPlatform): string {
  return platform === "youtube" ? "high" : "main";
}

/** The CRFs searched by default (Montibeller et al.'s `--crf-min`/`--crf-max`). */
export const DEFAULT_CRF_RANGE: readonly [number, number] = [20, 51];

/** Options of {@link fitPlatform}. */
export interface PlatformFitOptions {
  /** Folder of the original videos. */
  originals: string;
  /** Folder of the copies downloaded back from the platform (same file names). */
  shared: string;
  /** The record's name (its op id), as chain names. */
  name: string;
  /** Default `other`. */
  platform?: FitPlatform;
  /** The record's profile (and the search's); default {@link defaultPlatformProfile}. */
  profile?: string;
  /** Lowest CRF searched (default 20). */
  crfMin?: number;
  /** Highest CRF searched, the estimate when no CRF gets below (default 51). */
  crfMax?: number;
  /** Where the record is written (default `<name>.json`), atomically. */
  out?: string;
  /** ffmpeg backend (default `auto`). */
  backend?: BackendChoice;
  /** Free text kept in `provenance.notes` (account, upload dates, download tool). */
  notes?: string;
  /** Stops the work (ffmpeg children are killed). */
  signal?: AbortSignal;
}

/** One target resolution's numbers in a fit's summary. */
export interface PlatformFitTarget {
  resolution: string;
  /** Pairs whose copy has this resolution. */
  pairs: number;
  /** The CRF the record uses (truncated mean). */
  crf: number;
  crfMean: number;
  /** Sample standard deviation (n - 1); 0 for one pair. */
  crfSd: number;
  crfMin: number;
  crfMax: number;
  /** Pairs estimated at the top of the range (at most that CRF got below the copy, maybe none). */
  atCrfMax: number;
  /** The record's profile. */
  profile: string;
  /** The original resolutions that map to it. */
  originals: string[];
}

/** What {@link fitPlatform} did. */
export interface PlatformFitSummary {
  /** The record file written (absolute). */
  out: string;
  name: string;
  profile: string;
  platform: FitPlatform;
  crfRange: [number, number];
  pairs: number;
  targets: PlatformFitTarget[];
  samples: PlatformSample[];
  /** Pairs that could not be measured, each with its reason (the rest went on). */
  failures: PlatformFailure[];
  /** Originals without a copy of the same name, copies without an original. */
  unpaired: { originals: string[]; shared: string[] };
  /**
   * Original resolutions whose pairs came back at more than one resolution: the majority target
   * is used (`{original, targets}`: every target seen).
   */
  mixedTargets: { original: string; targets: string[] }[];
}

/**
 * Fits a platform record from paired uploads and writes it (see the module doc).
 * @throws {OptionError} for a bad name, platform, profile or CRF range (before anything runs).
 * @throws {Error} when a folder cannot be listed, when no pair could be measured (the message
 *   lists every failure and unpaired file), or when the record cannot be written.
 */
export async function fitPlatform(options: PlatformFitOptions): Promise<PlatformFitSummary> {
  const nameProblem = userOpNameProblem(options.name);
  if (nameProblem !== null) throw new OptionError(`--name ${nameProblem}`);
  const platform = options.platform ?? "other";
  if (!FIT_PLATFORMS.includes(platform)) {
    throw new OptionError(
      `Unknown platform "${platform}": use ${FIT_PLATFORMS.join(", ")}` +
        didYouMeanSuffix(platform, FIT_PLATFORMS),
    );
  }
  if (options.profile !== undefined && !PLATFORM_PROFILES.includes(options.profile)) {
    throw new OptionError(
      `Unknown profile "${options.profile}": use ${PLATFORM_PROFILES.join(", ")}` +
        didYouMeanSuffix(options.profile, PLATFORM_PROFILES),
    );
  }
  const crfMin = options.crfMin ?? DEFAULT_CRF_RANGE[0];
  const crfMax = options.crfMax ?? DEFAULT_CRF_RANGE[1];
  for (const [flag, v] of [["--crf-min", crfMin], ["--crf-max", crfMax]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 51) {
      throw new OptionError(`${flag} must be an integer 0..51, got ${v}`);
    }
  }
  if (crfMin > crfMax) throw new OptionError(`--crf-min ${crfMin} is above --crf-max ${crfMax}`);
  const profile = options.profile ?? defaultPlatformProfile(platform);
  const out = resolve(options.out ?? `${options.name}.json`);

  const originals = await videoNames(options.originals, "originals");
  const shared = await videoNames(options.shared, "shared copies");
  const { pairs, unpaired } = pairFiles(originals, shared);
  for (const n of unpaired.originals) logLine(`platform-fit: ${n}: no platform copy, left out`);
  for (const n of unpaired.shared) logLine(`platform-fit: ${n}: no original, left out`);

  const ffmpeg = await openFfmpeg(options.backend ?? "auto", { signal: options.signal });
  const build = await ffmpegBuildOf(ffmpeg);
  const samples: PlatformSample[] = [];
  const failures: PlatformFailure[] = [];
  const work = await Deno.makeTempDir({ prefix: "dfrobust_platform_fit_" });
  try {
    for (const [i, pair] of pairs.entries()) {
      options.signal?.throwIfAborted();
      const file = pairName(pair);
      const at = `platform-fit: pair ${i + 1}/${pairs.length} ${file}`;
      try {
        const sample = await measurePair(ffmpeg, {
          file,
          original: join(resolve(options.originals), pair.original),
          copy: join(resolve(options.shared), pair.shared),
          profile: options.profile,
          fallbackProfile: profile,
          crfMin,
          crfMax,
          work,
          progress: (line) => logLine(`${at}: ${line}`),
        });
        samples.push(sample);
        logLine(`${at}: ${sample.original} -> ${sample.target}, CRF ${sample.crf}`);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const reason = (error as Error).message;
        failures.push({ file, reason });
        logLine(`${at}: FAILED: ${reason}`);
      }
    }
  } finally {
    await ffmpeg.close();
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
  if (samples.length === 0) {
    const lines = [
      ...failures.map((f) => `  ${f.file}: ${f.reason}`),
      ...unpaired.originals.map((n) => `  ${n}: original without a platform copy`),
      ...unpaired.shared.map((n) => `  ${n}: platform copy without an original`),
    ];
    throw new Error(
      `No pair of "${options.originals}" and "${options.shared}" could be measured (pairs are ` +
        `files of the same name in both folders)${
          lines.length > 0 ? ":\n" + lines.join("\n") : ""
        }`,
    );
  }
  const { targets, mixedTargets } = fitRule(samples);
  const record: PlatformRecord = {
    schema: PLATFORM_RECORD_SCHEMA,
    name: options.name,
    codec: "libx264",
    profile,
    pixFmt: "yuv420p",
    targets,
    provenance: {
      method: PLATFORM_FIT_METHOD,
      platform,
      measured: new Date().toISOString(),
      ffmpeg: build.ffmpeg,
      ...(build.libx264 ? { libx264: build.libx264 } : {}),
      crfRange: [crfMin, crfMax],
      pairs: samples.length,
      samples,
      failures,
      unpaired,
      ...(options.notes ? { notes: options.notes } : {}),
    },
  };
  // What distort will read back: a record this writes must pass the reader's checks.
  validatePlatformRecord(record, out);
  await atomicWriteJson(out, record);
  return {
    out,
    name: options.name,
    profile,
    platform,
    crfRange: [crfMin, crfMax],
    pairs: samples.length,
    targets: targets.map((t) => targetStats(t, samples, profile, crfMax)),
    samples,
    failures,
    unpaired,
    mixedTargets,
  };
}

/** The ffmpeg build the re-encodes ran with, for the provenance. */
async function ffmpegBuildOf(ffmpeg: Ffmpeg): Promise<{ ffmpeg: string; libx264?: string }> {
  try {
    const b = await ffmpeg.build();
    return { ffmpeg: `${b.backend} ${b.ffmpegVersion}`, libx264: b.libx264 };
  } catch {
    return { ffmpeg: ffmpeg.backend };
  }
}

/** An original and its platform copy, by file name. */
interface FilePair {
  original: string;
  shared: string;
}

/** `a.mp4`, or `a.mov -> a.mp4` for a pair matched by stem. */
function pairName(pair: FilePair): string {
  return pair.original === pair.shared ? pair.original : `${pair.original} -> ${pair.shared}`;
}

function stem(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * Pairs originals and copies by file name; then, among the rest, by name without its extension
 * when exactly one original and one copy have it (`clip.mov` uploaded, `clip.mp4` downloaded).
 * Pairs sorted by name; the rest are unpaired.
 */
export function pairFiles(
  originals: ReadonlySet<string>,
  shared: ReadonlySet<string>,
): { pairs: FilePair[]; unpaired: { originals: string[]; shared: string[] } } {
  const pairs: FilePair[] = [...shared].filter((n) => originals.has(n))
    .map((n) => ({ original: n, shared: n }));
  const restOriginals = [...originals].filter((n) => !shared.has(n));
  const restShared = [...shared].filter((n) => !originals.has(n));
  const byStem = (names: string[]) => {
    const m = new Map<string, string[]>();
    for (const n of names) m.set(stem(n), [...(m.get(stem(n)) ?? []), n]);
    return m;
  };
  const origStems = byStem(restOriginals);
  const sharedStems = byStem(restShared);
  const paired = new Set<string>();
  for (const [key, origs] of origStems) {
    const copies = sharedStems.get(key);
    if (origs.length === 1 && copies?.length === 1) {
      pairs.push({ original: origs[0], shared: copies[0] });
      paired.add(origs[0]).add(`/${copies[0]}`);
    }
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  pairs.sort((a, b) => byName(a.original, b.original));
  return {
    pairs,
    unpaired: {
      originals: restOriginals.filter((n) => !paired.has(n)).sort(byName),
      shared: restShared.filter((n) => !paired.has(`/${n}`)).sort(byName),
    },
  };
}

/** The regular, non-hidden files of `dir`, by name. */
async function videoNames(dir: string, what: string): Promise<Set<string>> {
  const names = new Set<string>();
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && !entry.name.startsWith(".")) names.add(entry.name);
    }
  } catch (error) {
    throw new Error(`Cannot list the ${what} folder "${dir}": ${(error as Error).message}`);
  }
  return names;
}

interface PairInput {
  file: string;
  original: string;
  copy: string;
  /** The asked-for profile, used for the search when given. */
  profile?: string;
  /** The record's profile: the search's when neither is asked for nor read from the copy. */
  fallbackProfile: string;
  crfMin: number;
  crfMax: number;
  work: string;
  progress: (line: string) => void;
}

/** x264 profile names for ffprobe's H.264 profile names. */
const H264_PROFILES: Readonly<Record<string, string>> = {
  "Baseline": "baseline",
  "Constrained Baseline": "baseline",
  "Main": "main",
  "High": "high",
};

/**
 * One pair's estimate (see the module doc).
 * @throws {Error} naming the file: a probe that fails, a copy whose container states no video
 *   bitrate, a copy with an odd side, a re-encode that fails.
 */
async function measurePair(ffmpeg: Ffmpeg, pair: PairInput): Promise<PlatformSample> {
  const original = await ffmpeg.probe(pair.original);
  const copy = await ffmpeg.probe(pair.copy);
  const copyBitRate = copy.bitRate ?? await remuxedBitRate(ffmpeg, pair, copy);
  if (copy.width % 2 !== 0 || copy.height % 2 !== 0) {
    throw new Error(
      `platform copy "${pair.copy}" is ${copy.width}x${copy.height}: an odd side cannot be ` +
        `encoded in yuv420p`,
    );
  }
  const profile = pair.profile ?? H264_PROFILES[copy.profile ?? ""] ?? pair.fallbackProfile;
  const targetRes = resolutionText(copy.width, copy.height);
  let crf = pair.crfMax;
  for (let c = pair.crfMin; c <= pair.crfMax; c++) {
    const bitRate = await reencodeBitRate(ffmpeg, pair, original, targetRes, profile, c);
    pair.progress(`CRF ${c}: ${kbps(bitRate)} kbit/s (platform copy ${kbps(copyBitRate)})`);
    if (bitRate < copyBitRate) {
      crf = c;
      break;
    }
  }
  return {
    file: pair.file,
    original: resolutionText(original.width, original.height),
    target: targetRes,
    crf,
    targetKbps: kbps(copyBitRate),
    profile: copy.profile ?? "unknown",
  };
}

/**
 * The video bitrate of a copy whose container states none (Matroska/WebM): its video stream
 * copied, unchanged, into MP4, whose track states its bytes over its duration (as the re-encodes'
 * do).
 * @throws {Error} naming the copy when the remux fails or states no bitrate either.
 */
async function remuxedBitRate(ffmpeg: Ffmpeg, pair: PairInput, copy: VideoInfo): Promise<number> {
  const path = join(pair.work, "remux.mp4");
  await ffmpeg.run({
    args: [
      ...["-i", `file:${pair.copy}`, "-map", `0:${copy.streamIndex}`, "-c", "copy"],
      ...["-map_metadata", "-1", "-f", "mp4", `file:${path}`],
    ],
    inputs: [pair.copy],
    outputs: [path],
    subject: pair.copy,
    action: "remux (to read its video bitrate)",
  });
  const info = await ffmpeg.probe(path);
  await Deno.remove(path).catch(() => {});
  if (info.bitRate === undefined) {
    throw new Error(`platform copy "${pair.copy}" states no video bitrate, also copied into MP4`);
  }
  return info.bitRate;
}

function kbps(bitRate: number): number {
  return Math.round(bitRate / 100) / 10;
}

/** The video bitrate of the original re-encoded as the record would encode it at `crf`. */
async function reencodeBitRate(
  ffmpeg: Ffmpeg,
  pair: PairInput,
  original: VideoInfo,
  target: string,
  profile: string,
  crf: number,
): Promise<number> {
  // The distort encode itself: a one-target record through the split graph distort runs.
  const op = platformInstance({
    schema: PLATFORM_RECORD_SCHEMA,
    name: "platform_fit_probe",
    codec: "libx264",
    profile,
    pixFmt: "yuv420p",
    targets: [{
      resolution: target,
      crf,
      originals: [resolutionText(original.width, original.height)],
    }],
    provenance: { method: PLATFORM_FIT_METHOD },
  });
  const path = join(pair.work, `${crf}.mp4`);
  await ffmpeg.run({
    args: splitGraphArgs(pair.original, [{ op, path }], { profile: "paper", info: original }),
    inputs: [pair.original],
    outputs: [path],
    subject: pair.original,
    action: `re-encode (CRF ${crf}) for platform-fit`,
  });
  const info = await ffmpeg.probe(path);
  await Deno.remove(path).catch(() => {});
  if (info.bitRate === undefined) {
    throw new Error(`the re-encode of "${pair.original}" at CRF ${crf} states no bitrate`);
  }
  return info.bitRate;
}

/**
 * The rule from the samples: each original's majority target (first by file name on a tie), each
 * target's CRF the truncated mean over all its samples. Targets by pixel area, largest first;
 * originals likewise.
 */
export function fitRule(samples: readonly PlatformSample[]): {
  targets: PlatformTarget[];
  mixedTargets: { original: string; targets: string[] }[];
} {
  const sorted = [...samples].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const byOriginal = new Map<string, Map<string, number>>();
  for (const s of sorted) {
    const counts = byOriginal.get(s.original) ?? new Map<string, number>();
    counts.set(s.target, (counts.get(s.target) ?? 0) + 1);
    byOriginal.set(s.original, counts);
  }
  const mixedTargets: { original: string; targets: string[] }[] = [];
  const originalsOf = new Map<string, string[]>();
  for (const [original, counts] of byOriginal) {
    let best = "";
    let most = 0;
    // Map order is first-seen order, so a tie keeps the first by file name.
    for (const [target, n] of counts) {
      if (n > most) [best, most] = [target, n];
    }
    if (counts.size > 1) mixedTargets.push({ original, targets: [...counts.keys()] });
    originalsOf.set(best, [...(originalsOf.get(best) ?? []), original]);
  }
  const area = (r: string) => {
    const s = parseResolution(r)!;
    return s.width * s.height;
  };
  const byArea = (a: string, b: string) => area(b) - area(a) || (a < b ? -1 : a > b ? 1 : 0);
  const targets = [...new Set(sorted.map((s) => s.target))].sort(byArea).map((resolution) => {
    const crfs = sorted.filter((s) => s.target === resolution).map((s) => s.crf);
    return {
      resolution,
      crf: Math.trunc(crfs.reduce((a, b) => a + b, 0) / crfs.length),
      originals: (originalsOf.get(resolution) ?? []).sort(byArea),
    };
  });
  return { targets, mixedTargets };
}

function targetStats(
  target: PlatformTarget,
  samples: readonly PlatformSample[],
  profile: string,
  crfMax: number,
): PlatformFitTarget {
  const crfs = samples.filter((s) => s.target === target.resolution).map((s) => s.crf);
  const mean = crfs.reduce((a, b) => a + b, 0) / crfs.length;
  const sd = crfs.length > 1
    ? Math.sqrt(crfs.reduce((a, c) => a + (c - mean) ** 2, 0) / (crfs.length - 1))
    : 0;
  return {
    resolution: target.resolution,
    pairs: crfs.length,
    crf: target.crf,
    crfMean: mean,
    crfSd: sd,
    crfMin: Math.min(...crfs),
    crfMax: Math.max(...crfs),
    atCrfMax: crfs.filter((c) => c === crfMax).length,
    profile,
    originals: target.originals,
  };
}
