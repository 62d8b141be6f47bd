/**
 * Every documented limit of dfrobust (docs/security.md, "Limits"), declared once: each input from
 * a dataset, a sidecar, a spec or a model that decides how much memory or CPU a run takes is held
 * to a bound, checked before anything is allocated for it, so a small file cannot ask for
 * gigabytes or minutes without a word. One record per limit: its name on the command line
 * (`--limit name=value` on `distort` and `eval`, repeatable), its key in the library (the
 * `limits` option: `limits: { key: value }`), its default, unit, the stages it applies to and the
 * reason it exists. The frame limits (frame width, height, pixels, frames a video has) are checked
 * at the probe (media/frame_limits.ts) by both stages; the others by `eval` only.
 * @module
 */
import { OptionError } from "./option_error.ts";

/** The stages (tasks and library calls) that take limits. */
export type LimitStage = "distort" | "eval";

/** The limits of a run (see {@link LIMITS} for each one's meaning and default). */
export interface Limits {
  /** Widest frame a video may have, in pixels (coded width, before rotation metadata). */
  frameWidth: number;
  /** Tallest frame a video may have, in pixels (coded height, before rotation metadata). */
  frameHeight: number;
  /** Most pixels (width x height) in one frame of a video. */
  framePixels: number;
  /** Most frames a video may have (the decoder's count of its video stream). */
  videoFrames: number;
  /** Face boxes one sampled frame may hold (located, from a sidecar, or recorded). */
  facesPerFrame: number;
  /** Side of a face crop (either side), as a multiple of its frame's longer side. */
  cropSide: number;
  /** Faces per inference batch: `--batch`, and a model's fixed batch dimension. */
  batch: number;
  /** Frames sampled per video: `--frames`, a spec's `frames`. */
  frames: number;
  /** Side in pixels of a model's input image: a spec's `input.size`, a face model's input. */
  inputSide: number;
}

/** One limit: its names, default, unit, stages and the reason it exists. */
export interface LimitRecord {
  /** The key of {@link Limits}: the library's `limits.<key>`. */
  readonly key: keyof Limits;
  /** The name on the command line, `--limit <flag>=<value>`. */
  readonly flag: string;
  /** The default. */
  readonly value: number;
  /** What the number counts, plural, for messages (`faces per frame`). */
  readonly unit: string;
  /** Whether the value must be an integer (else it may be fractional: a ratio). */
  readonly integer: boolean;
  /** The stages that hold their input to it (and accept it as `--limit`). */
  readonly stages: readonly LimitStage[];
  /** Why the limit exists, in one line (docs, help). */
  readonly why: string;
}

const BOTH: readonly LimitStage[] = ["distort", "eval"];
const EVAL: readonly LimitStage[] = ["eval"];

/**
 * Every limit, in the order docs/security.md and `--help` list them. The frame limits' defaults:
 * frames up to 4096 pixels on either side and 4096x2160 (8,847,360) pixels, so DCI 4K
 * (4096x2160), UHD (3840x2160) and portrait phone video (2160x3840) pass and 8K (7680x4320) does
 * not; every benchmark set in the field (FaceForensics++, DFDC, Celeb-DF, DeeperForensics) is at
 * most 1920x1080. At the limit a frame is 13 MB as yuv420p and 27 MB as the RGB eval samples,
 * which keeps distort's encoders (about 150 frames in flight per branch) and eval's sampled frames
 * within a few GB. At most 300,000 frames a video (2.8 h at 30 fps): the probe lists every
 * decoded frame (about 300 bytes of memory each) and distort encodes every one.
 */
export const LIMITS: readonly LimitRecord[] = [
  {
    key: "frameWidth",
    flag: "frame-width",
    value: 4096,
    unit: "pixels of frame width",
    integer: true,
    stages: BOTH,
    why: "a few hundred KB of H.264 can hold 8192x8192 frames; decoding, filtering and " +
      "encoding them took distort and eval past 5 GB",
  },
  {
    key: "frameHeight",
    flag: "frame-height",
    value: 4096,
    unit: "pixels of frame height",
    integer: true,
    stages: BOTH,
    why: "as frame-width (4096 on either side lets portrait 2160x3840 video pass)",
  },
  {
    key: "framePixels",
    flag: "frame-pixels",
    value: 4096 * 2160,
    unit: "pixels per frame",
    integer: true,
    stages: BOTH,
    why: "DCI 4K (4096x2160): a frame is 13 MB as yuv420p and 27 MB as RGB; 8K does not pass",
  },
  {
    key: "videoFrames",
    flag: "video-frames",
    value: 300_000,
    unit: "frames in a video",
    integer: true,
    stages: BOTH,
    why: "the probe lists every decoded frame (about 300 bytes each) and distort encodes " +
      "every one; 300,000 is 2.8 h at 30 fps",
  },
  {
    key: "facesPerFrame",
    flag: "faces-per-frame",
    value: 1000,
    unit: "face boxes per frame",
    integer: true,
    stages: EVAL,
    why: 'every box becomes a row, and with faces "all" a crop and an inference',
  },
  {
    key: "cropSide",
    flag: "crop-side",
    value: 4,
    unit: "x the frame's longer side",
    integer: false,
    stages: EVAL,
    why: "resizing a crop costs time in proportion to its area (PIL's filter reads every " +
      "pixel), and the reflect crop is never clipped to the frame",
  },
  {
    key: "batch",
    flag: "batch",
    value: 256,
    unit: "faces per batch",
    integer: true,
    stages: EVAL,
    why: "a batch is one tensor of batch x 3 x height x width floats, several in flight",
  },
  {
    key: "frames",
    flag: "frames",
    value: 256,
    unit: "frames per video",
    integer: true,
    stages: EVAL,
    why: "a video's sampled frames wait in memory, decoded, until its faces are scored",
  },
  {
    key: "inputSide",
    flag: "input-side",
    value: 1024,
    unit: "pixels per side of a model input",
    integer: true,
    stages: EVAL,
    why: "one input item is 3 x height x width floats",
  },
];

/** The default limits. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze(
  Object.fromEntries(LIMITS.map((l) => [l.key, l.value])) as unknown as Limits,
);

/** The record of limit `key`. */
export function limitRecord(key: keyof Limits): LimitRecord {
  return LIMITS.find((l) => l.key === key)!;
}

/** The limits `stage` holds its input to, in {@link LIMITS}' order. */
export function limitsOf(stage: LimitStage): LimitRecord[] {
  return LIMITS.filter((l) => l.stages.includes(stage));
}

function appliesOnlyElsewhere(record: LimitRecord, stage: LimitStage | undefined): string | null {
  if (stage === undefined || record.stages.includes(stage)) return null;
  return `applies to ${record.stages.join(" and ")} only (${stage}'s limits: ` +
    `${limitsOf(stage).map((l) => l.flag).join(", ")})`;
}

/**
 * The limits in force: `overrides` over the defaults. Throws an OptionError (a RangeError) naming
 * the limit for a value that is not a positive number (an integer where the limit counts things),
 * for a key that is no limit, and, given `stage`, for a limit that `stage` does not hold anything to (`batch` in
 * `distort`).
 */
export function resolveLimits(overrides: Partial<Limits> = {}, stage?: LimitStage): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    const record = LIMITS.find((l) => l.key === key);
    if (!record) {
      throw new OptionError(
        `Unknown limit "${key}" (limits: ${LIMITS.map((l) => l.key).join(", ")})`,
      );
    }
    if (value === undefined) continue;
    const elsewhere = appliesOnlyElsewhere(record, stage);
    if (elsewhere) throw new OptionError(`Limit ${record.key} ${elsewhere}`);
    if (!validValue(record, value)) {
      throw new OptionError(
        `Limit ${record.key} must be a positive ${record.integer ? "integer" : "number"}, ` +
          `got ${value}`,
      );
    }
    limits[record.key] = value;
  }
  return limits;
}

/**
 * Parses `--limit name=value` flags (`faces-per-frame=5000`, `crop-side=8`, `frame-width=7680`)
 * into overrides. Throws an OptionError (a RangeError) naming the flag and the valid names for an
 * unknown name, a missing `=` or a value that is not a positive number (integer where the limit counts things),
 * and, given `stage`, for a limit `stage` does not hold anything to (`--limit batch applies to
 * eval only`).
 */
export function parseLimitFlags(
  values: readonly string[],
  stage?: LimitStage,
): Partial<Limits> {
  const overrides: Partial<Limits> = {};
  for (const text of values) {
    const { record, value } = parseLimitFlag(text, stage);
    overrides[record.key] = value;
  }
  return overrides;
}

/**
 * The `--limit` values among `values` that apply to `stage`, as given (`tasks/slurm.ts` passes
 * each stage its own). Throws as {@link parseLimitFlags} (without a stage) for a bad value.
 */
export function limitFlagsFor(values: readonly string[], stage: LimitStage): string[] {
  return values.filter((text) => parseLimitFlag(text).record.stages.includes(stage));
}

function parseLimitFlag(
  text: string,
  stage?: LimitStage,
): { record: LimitRecord; value: number } {
  const names = (stage === undefined ? LIMITS : limitsOf(stage)).map((l) => l.flag).join(", ");
  const at = text.indexOf("=");
  const name = at < 0 ? text : text.slice(0, at);
  const record = LIMITS.find((l) => l.flag === name);
  if (at < 0 || !record) {
    throw new OptionError(`--limit wants name=value with a name of ${names}, got "${text}"`);
  }
  const elsewhere = appliesOnlyElsewhere(record, stage);
  if (elsewhere) throw new OptionError(`--limit ${name} ${elsewhere}`);
  const value = Number(text.slice(at + 1));
  if (text.slice(at + 1).trim() === "" || !validValue(record, value)) {
    throw new OptionError(
      `--limit ${name} must be a positive ${record.integer ? "integer" : "number"}, got ` +
        `"${text.slice(at + 1)}"`,
    );
  }
  return { record, value };
}

function validValue(record: LimitRecord, value: number): boolean {
  return typeof value === "number" && Number.isFinite(value) && value > 0 &&
    (!record.integer || Number.isSafeInteger(value));
}

/** The limits `stage` takes and their defaults, for `--help`: `frame-width (4096), ...`. */
export function limitsHelp(stage: LimitStage): string {
  return limitsOf(stage).map((l) => `${l.flag} (${l.value})`).join(", ");
}

/**
 * The end of a refusal: the limit in force and how to raise it, e.g.
 * `over the limit of 256 frames per video (raise it with --limit frames=N; library:
 * limits.frames; docs/security.md "Limits")`.
 */
export function overLimit(key: keyof Limits, limit: number): string {
  const record = limitRecord(key);
  return `over the limit of ${limit} ${record.unit} (raise it with --limit ${record.flag}=N; ` +
    `library: limits.${record.key}; docs/security.md "Limits")`;
}
