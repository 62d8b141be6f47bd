/**
 * What an operation did, in words, read off its record: the family's sentence, the level's
 * parameters and the encode (`H.264, CRF 40, libx264 preset medium`). Derived from the instance
 * (ops/catalog.ts) and the encoder arguments distort runs (ops/profile.ts `encoderArgs`), so a
 * new family or level is described without writing anything here; only ffmpeg's own vocabulary
 * (encoder names, rate-control flags) is listed.
 * @module
 */
import type { OpInstance, OpParams } from "./operation.ts";
import { effectiveProfile, type EncodeProfile, encoderArgs } from "./profile.ts";

/** An operation in words, in three parts and as one line. */
export interface OperationWords {
  /** The family's sentence (`OpFamily.description`) or the chain's steps. */
  what: string;
  /** The level's parameters (`strength 10, seed 20230417`, `factor 1/2`); "" when none. */
  params: string;
  /**
   * The encode of the copy (`H.264, CRF 40, libx264 preset medium`; `H.264, CRF 23, libx264
   * preset medium` for a filter under the `paper` profile); `no re-encode` for the source copy.
   */
  encode: string;
  /**
   * One line: `H.264, CRF 40, libx264 preset medium` for an encode-only operation, `noise
   * (strength 10, seed 20230417); then H.264, CRF 23, libx264 preset medium` for a filter.
   */
  line: string;
}

/** The video format each ffmpeg encoder writes. */
const ENCODER_FORMATS: Readonly<Record<string, string>> = {
  libx264: "H.264",
  libx265: "H.265 (HEVC)",
  "libvpx-vp9": "VP9",
  libsvtav1: "AV1",
  mpeg4: "MPEG-4 Part 2",
};

/** Encoders' default speed preset when none is passed (x264's and x265's documented default). */
const DEFAULT_PRESETS: Readonly<Record<string, string>> = { libx264: "medium", libx265: "medium" };

// Encoder arguments in words: flag -> words before the value. Flags not listed (threads, pixel
// format, stream switches, library parameter strings) only pin how the bytes come out.
const FLAG_WORDS: Readonly<Record<string, string>> = {
  "-crf": "CRF",
  "-qp": "QP",
  "-q:v": "quantiser",
  "-b:v": "bitrate",
  "-maxrate": "max rate",
  "-bufsize": "buffer",
  "-profile:v": "profile",
  "-g": "GOP",
  "-bf": "B-frames",
  "-refs": "reference frames",
  "-deadline": "deadline",
  "-cpu-used": "cpu-used",
};

/**
 * The operation `op` in words, as its copy under `profile` was made (default `paper`; the
 * `unaltered` operation is always the source files). Never throws for a catalog instance or a
 * chain.
 *
 * @example
 * ```ts
 * import { getOperation } from "./catalog.ts";
 * import { describeOperation } from "./describe.ts";
 * describeOperation(getOperation("h264_crf40")).line; // "H.264, CRF 40, libx264 preset medium"
 * ```
 */
export function describeOperation(
  op: OpInstance,
  profile: EncodeProfile = "paper",
): OperationWords {
  const steps = "steps" in op.params
    ? (op.params as { steps: { id: string; params: OpParams }[] }).steps
    : null;
  const params = steps
    ? steps.map((s) => `${s.id}${paramWords(s.params) ? ` (${paramWords(s.params)})` : ""}`)
      .join(", then ")
    : paramWords(op.params as OpParams);
  const used = effectiveProfile(op, profile);
  const encode = used === "source" ? "no re-encode" : encodeWords(encoderArgs(op, used));
  const filter = op.filter === null ? null : filterNames(op.filter);
  const what = steps ? `Chain: ${params}.` : op.description;
  const line = used === "source"
    ? "the source videos as they are (no re-encode)"
    : filter === null && !steps
    // The encode is the operation: its parameters are the encoder's arguments.
    ? encode
    : `${steps ? params : `${filter}${params ? ` (${params})` : ""}`}; then ${encode}`;
  return { what, params: steps ? "" : params, encode, line };
}

/** `strength 10, seed 20230417`; a `numerator`/`denominator` pair reads `factor 1/2`. */
function paramWords(params: OpParams): string {
  const entries = Object.entries(params);
  const words: string[] = [];
  if (typeof params.numerator === "number" && typeof params.denominator === "number") {
    words.push(`factor ${params.numerator}/${params.denominator}`);
  }
  for (const [key, value] of entries) {
    if (key === "numerator" || key === "denominator") continue;
    words.push(`${key} ${value}`);
  }
  return words.join(", ");
}

/** The ffmpeg filter names of a graph (`curves, eq`), without their options. */
function filterNames(graph: string): string {
  const names = graph.split(/,(?![^(]*\))/).map((f) => f.split("=")[0].trim()).filter((n) =>
    /^[a-z0-9_]+$/.test(n)
  );
  return [...new Set(names)].join(" + ") || graph;
}

/** `-c:v libx264 -crf 40 ...` -> `H.264, CRF 40, libx264 preset medium`. */
function encodeWords(args: readonly string[]): string {
  const codec = args[args.indexOf("-c:v") + 1] ?? "?";
  const parts = [ENCODER_FORMATS[codec] ?? codec];
  let preset: string | undefined = DEFAULT_PRESETS[codec];
  for (let i = 0; i < args.length - 1; i++) {
    const flag = args[i];
    if (flag === "-preset") preset = args[i + 1];
    else if (flag === "-qp" && args[i + 1] === "0") parts.push("lossless (QP 0)");
    else if (flag === "-b:v" && args[i + 1] === "0") continue; // VP9 constant quality
    else if (FLAG_WORDS[flag] !== undefined) parts.push(`${FLAG_WORDS[flag]} ${args[i + 1]}`);
  }
  parts.push(preset === undefined ? codec : `${codec} preset ${preset}`);
  return parts.join(", ");
}
