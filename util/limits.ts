/**
 * The documented limits of `eval` (docs/security.md, "Limits"): each input from a dataset, a
 * sidecar, a spec or a model that decides how much memory or CPU a run takes is held to a bound,
 * checked before anything is allocated for it, so a small file cannot ask for gigabytes or
 * minutes without a word. One record per limit: its name on the command line (`--limit
 * name=value`) and in the library (`limits: { name: value }`), its default, unit and reason.
 * @module
 */

/** The limits of an eval run (see {@link LIMITS} for each one's meaning and default). */
export interface Limits {
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

/** One limit: its names, default, unit and the reason it exists. */
export interface LimitRecord {
  /** The key of {@link Limits}. */
  readonly key: keyof Limits;
  /** The name on the command line, `--limit <flag>=<value>`. */
  readonly flag: string;
  /** The default. */
  readonly value: number;
  /** What the number counts, plural, for messages (`faces per frame`). */
  readonly unit: string;
  /** Whether the value may be fractional (a ratio) or must be an integer. */
  readonly integer: boolean;
  /** Why the limit exists, in one line (docs, help). */
  readonly why: string;
}

/** Every limit, in the order docs/security.md lists them. */
export const LIMITS: readonly LimitRecord[] = [
  {
    key: "facesPerFrame",
    flag: "faces-per-frame",
    value: 1000,
    unit: "face boxes per frame",
    integer: true,
    why: 'every box becomes a row, and with faces "all" a crop and an inference',
  },
  {
    key: "cropSide",
    flag: "crop-side",
    value: 4,
    unit: "x the frame's longer side",
    integer: false,
    why: "resizing a crop costs time in proportion to its area (PIL's filter reads every " +
      "pixel), and the reflect crop is never clipped to the frame",
  },
  {
    key: "batch",
    flag: "batch",
    value: 256,
    unit: "faces per batch",
    integer: true,
    why: "a batch is one tensor of batch x 3 x height x width floats, several in flight",
  },
  {
    key: "frames",
    flag: "frames",
    value: 256,
    unit: "frames per video",
    integer: true,
    why: "a video's sampled frames wait in memory, decoded, until its faces are scored",
  },
  {
    key: "inputSide",
    flag: "input-side",
    value: 1024,
    unit: "pixels per side of a model input",
    integer: true,
    why: "one input item is 3 x height x width floats",
  },
];

/** The default limits. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.fromEntries(
  LIMITS.map((l) => [l.key, l.value]),
) as unknown as Limits;

/** The record of limit `key`. */
export function limitRecord(key: keyof Limits): LimitRecord {
  return LIMITS.find((l) => l.key === key)!;
}

/**
 * The limits in force: `overrides` over the defaults. Throws a RangeError naming the limit for a
 * value that is not a positive number (an integer where the limit counts things), and for a key
 * that is no limit.
 */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    const record = LIMITS.find((l) => l.key === key);
    if (!record) {
      throw new RangeError(
        `Unknown limit "${key}" (limits: ${LIMITS.map((l) => l.key).join(", ")})`,
      );
    }
    if (value === undefined) continue;
    if (!validValue(record, value)) {
      throw new RangeError(
        `Limit ${record.key} must be a positive ${record.integer ? "integer" : "number"}, ` +
          `got ${value}`,
      );
    }
    limits[record.key] = value;
  }
  return limits;
}

/**
 * Parses `--limit name=value` flags (`faces-per-frame=5000`, `crop-side=8`) into overrides.
 * Throws a RangeError naming the flag and the valid names for an unknown name, a missing `=` or
 * a value that is not a positive number (integer where the limit counts things).
 */
export function parseLimitFlags(values: readonly string[]): Partial<Limits> {
  const names = LIMITS.map((l) => l.flag).join(", ");
  const overrides: Partial<Limits> = {};
  for (const text of values) {
    const at = text.indexOf("=");
    const name = at < 0 ? text : text.slice(0, at);
    const record = LIMITS.find((l) => l.flag === name);
    if (at < 0 || !record) {
      throw new RangeError(`--limit wants name=value with a name of ${names}, got "${text}"`);
    }
    const value = Number(text.slice(at + 1));
    if (text.slice(at + 1).trim() === "" || !validValue(record, value)) {
      throw new RangeError(
        `--limit ${name} must be a positive ${record.integer ? "integer" : "number"}, got ` +
          `"${text.slice(at + 1)}"`,
      );
    }
    overrides[record.key] = value;
  }
  return overrides;
}

function validValue(record: LimitRecord, value: number): boolean {
  return typeof value === "number" && Number.isFinite(value) && value > 0 &&
    (!record.integer || Number.isInteger(value));
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
