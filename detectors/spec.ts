/**
 * Detector specs: everything dfrobust must know to run an ONNX deepfake detector the way its
 * authors ran it — input tensor (name, layout, size, colour order, normalisation), face crop rule,
 * which faces of a frame count, how face and frame scores reduce to a video score, and how the
 * model's output maps to a fake probability. A spec is plain data, loadable from JSON.
 * @module
 */
import type { ResizeMethod } from "../image/resize.ts";
import type { MultiFaceRule } from "../faces/select.ts";
import { FACE_RULES, type FaceRule, VIDEO_RULES, type VideoRule } from "../store/aggregation.ts";
import { checkKeys, type KeySet } from "../util/strict_keys.ts";

/** Memory layout of the model's image input: batch, channels, height, width order. */
export type Layout = "NCHW" | "NHWC";

/** Channel order the model expects (decoded frames are RGB; `BGR` swaps channels 0 and 2). */
export type ColourOrder = "RGB" | "BGR";

/**
 * The model's image input. A pixel value `x` in 0..255 becomes `((x * scale) - mean[c]) / std[c]`
 * for channel `c` (in the model's channel order).
 */
export interface InputSpec {
  /** Input tensor name; absent = the model's first input. */
  name?: string;
  layout: Layout;
  /** Input size `[height, width]` in pixels; the face crop is resized to it. */
  size: [number, number];
  colour: ColourOrder;
  /** Multiplier applied first, e.g. 1/255. Must be finite and non-zero. */
  scale: number;
  /** Per-channel mean subtracted after scaling (model channel order). */
  mean: [number, number, number];
  /** Per-channel divisor applied last (model channel order); each must be non-zero. */
  std: [number, number, number];
  /**
   * How the crop is resized to `size`: `pil-bilinear` (torchvision `Resize` on PIL images;
   * antialiased when shrinking) or `cv2-linear` (`cv2.resize` INTER_LINEAR). Default `pil-bilinear`.
   */
  resize?: ResizeMethod;
}

/** The keys an `input` object may hold; any other is an error (a misspelling). */
export const INPUT_KEYS: KeySet<InputSpec> = {
  name: true,
  layout: true,
  size: true,
  colour: true,
  scale: true,
  mean: true,
  std: true,
  resize: true,
};

/**
 * How a face box becomes the crop fed to the model. Each rule is applied to the box exactly as the
 * locator or sidecar gives it (it may stick out of the frame) and reproduces one upstream
 * function, border handling included (docs/detectors.md, "Crop rules"):
 * - `square`: FaceForensics++ `get_boundingbox`: a square of `scale` x the box's larger side
 *   around the box centre; the corner is clamped at 0 and the side then shrunk to fit the frame.
 * - `margin`: Self-Blended Images `crop_face` (test phase): left/right pushed out by
 *   `fraction` x the box width, top/bottom by `fraction` x its height, each edge clipped.
 * - `radius`: Capsule-Forensics-v2 `extract_face`: a square of half-side
 *   `int(box height x scale / 2)` around the box centre, each edge clipped.
 * - `reflect`: MesoNet `get_image_slice`: a square of side `2 * floor(scale x larger side / 2)`
 *   around the box centre; pixels past the frame are mirrored in (numpy `reflect` padding).
 * - `box`: the box as it is (rounded outwards, clipped).
 * - `full`: the whole frame, ignoring the box's extent.
 */
export type CropRule =
  | { kind: "square"; scale: number }
  | { kind: "margin"; fraction: number }
  | { kind: "radius"; scale: number }
  | { kind: "reflect"; scale: number }
  | { kind: "box" }
  | { kind: "full" };

/** The keys a `crop` object may hold, per kind; any other is an error. */
export const CROP_KEYS: {
  readonly [K in CropRule["kind"]]: KeySet<Extract<CropRule, { kind: K }>>;
} = {
  square: { kind: true, scale: true },
  margin: { kind: true, fraction: true },
  radius: { kind: true, scale: true },
  reflect: { kind: true, scale: true },
  box: { kind: true },
  full: { kind: true },
};

/** The crop rule kinds, in documentation order. */
export const CROP_KINDS: readonly CropRule["kind"][] = [
  "square",
  "margin",
  "radius",
  "reflect",
  "box",
  "full",
];

// How face and frame scores reduce (the aggregation rules) is the store's: one record per rule.
export type { FaceRule, VideoRule } from "../store/aggregation.ts";

/**
 * How the model's output row becomes a fake probability in [0, 1]:
 * - `sigmoid`: the output is one logit; probability = 1 / (1 + e^-x).
 * - `probability`: the output is already a probability (one value).
 * - `softmax`: the output holds one logit per class; probability = softmax[fakeIndex].
 *   Set `applied: true` when the model already ends in a softmax (the values are taken as they are).
 * With `invert: true` the mapped value is P(real) and dfrobust reports 1 - value.
 */
export type OutputMapping =
  | { kind: "sigmoid"; invert?: boolean }
  | { kind: "probability"; invert?: boolean }
  | { kind: "softmax"; fakeIndex: number; applied?: boolean; invert?: boolean };

/** The keys an `output` object may hold, per kind; any other is an error. */
export const OUTPUT_KEYS: {
  readonly [K in OutputMapping["kind"]]: KeySet<Extract<OutputMapping, { kind: K }>>;
} = {
  sigmoid: { kind: true, invert: true },
  probability: { kind: true, invert: true },
  softmax: { kind: true, fakeIndex: true, applied: true, invert: true },
};

/** Where a fact of the spec comes from: an upstream repository and a file in it. */
export interface SourceCitation {
  /** `owner/name` on GitHub. */
  repo: string;
  /** Path of the file inside the repository. */
  file: string;
  /** What this file tells (optional). */
  note?: string;
}

/** The keys of a `sources` entry. */
export const SOURCE_KEYS: KeySet<SourceCitation> = { repo: true, file: true, note: true };

/** One place where dfrobust's spec departs from the upstream pipeline, and why. */
export interface SpecDifference {
  what: string;
  why: string;
}

/** The keys of a `differences` entry. */
export const DIFFERENCE_KEYS: KeySet<SpecDifference> = { what: true, why: true };

/** A detector: model input, face handling, output mapping and aggregation. Plain data. */
export interface DetectorSpec {
  /** Short name used in the results store (`detector` column), e.g. `sbi`. */
  name: string;
  description: string;
  /** Upstream code the facts come from. */
  sources: SourceCitation[];
  /** ONNX model path; optional (the `--model` flag gives it). Relative to the spec file. */
  modelPath?: string;
  /** What the published weights were trained on (e.g. `FF++c23`), when known. */
  trainSet?: string;
  input: InputSpec;
  crop: CropRule;
  faces: MultiFaceRule;
  faceRule: FaceRule;
  output: OutputMapping;
  videoRule: VideoRule;
  /** Video score when no face is found in the whole video; null = the video is left out. */
  failScore: number | null;
  /** Frames sampled per video (evenly spaced); dfrobust's default is 32. */
  frames?: number;
  /** Where this spec departs from upstream and why. */
  differences: SpecDifference[];
}

/** The keys a spec may hold at its top level; any other is an error (a misspelling). */
export const DETECTOR_SPEC_KEYS: KeySet<DetectorSpec> = {
  name: true,
  description: true,
  sources: true,
  modelPath: true,
  trainSet: true,
  input: true,
  crop: true,
  faces: true,
  faceRule: true,
  output: true,
  videoRule: true,
  failScore: true,
  frames: true,
  differences: true,
};

/** Thrown for an invalid spec; the message names the file (or preset) and the field. */
export class DetectorSpecError extends Error {
  override name = "DetectorSpecError";
}

/** Options for {@link validateDetectorSpec}. */
export interface ValidateDetectorSpecOptions {
  /** File or preset name shown in error messages. Default `"spec"`. */
  source?: string;
}

/**
 * Checks that `value` is a well-formed {@link DetectorSpec} and returns it as one (a copy with
 * defaults filled: `sources`/`differences` empty, `faceRule` max, `videoRule` mean,
 * `failScore` null). Fractions such as `"1/255"` are accepted for `input.scale` and crop numbers.
 * Every object is strict: a key its schema does not declare ({@link DETECTOR_SPEC_KEYS},
 * {@link INPUT_KEYS}, {@link CROP_KEYS} and {@link OUTPUT_KEYS} for the kind given,
 * {@link SOURCE_KEYS}, {@link DIFFERENCE_KEYS}) is an error naming the key's path and the nearest
 * valid key. Only `failScore` may be null; any other field given as null is an error.
 * Throws {@link DetectorSpecError} naming the source and the first bad field or key.
 */
export function validateDetectorSpec(
  value: unknown,
  options: ValidateDetectorSpecOptions = {},
): DetectorSpec {
  const source = options.source ?? "spec";
  const fail = (field: string, message: string): never => {
    throw new DetectorSpecError(`Detector spec "${source}": field "${field}" ${message}`);
  };
  // An object whose keys are all in `allowed` (path "" = the root); `context` names the kind.
  const obj = (
    v: unknown,
    field: string,
    allowed: Readonly<Record<string, true>>,
    context?: string,
  ): Record<string, unknown> => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      return fail(field, `must be an object, got ${describe(v)}`);
    }
    const record = v as Record<string, unknown>;
    checkKeys(record, allowed, {
      what: "detector spec",
      source,
      path: field === "(root)" ? "" : field,
      context,
      error: (message) => new DetectorSpecError(message),
    });
    return record;
  };
  // An object whose `kind` picks its keys from `keysByKind`.
  const kindObject = (
    v: unknown,
    field: string,
    keysByKind: Readonly<Record<string, Readonly<Record<string, true>>>>,
  ): Record<string, unknown> => {
    const kind = (v as Record<string, unknown> | null)?.kind;
    if (typeof kind === "string" && Object.hasOwn(keysByKind, kind)) {
      return obj(v, field, keysByKind[kind], `for ${field} kind "${kind}"`);
    }
    return obj(v, field, Object.assign({}, ...Object.values(keysByKind)));
  };
  // A field's value, or `fallback` when it is absent; null is not absence.
  const given = (v: unknown, field: string, fallback: unknown): unknown =>
    v === undefined ? fallback : v === null ? fail(field, `must not be null`) : v;
  const str = (v: unknown, field: string): string =>
    typeof v === "string" && v !== ""
      ? v
      : fail(field, `must be a non-empty string, got ${describe(v)}`);
  const num = (v: unknown, field: string): number => {
    const n = typeof v === "string" ? parseFraction(v) : v;
    return typeof n === "number" && Number.isFinite(n)
      ? n
      : fail(field, `must be a finite number, got ${describe(v)}`);
  };
  const oneOf = <T extends string>(v: unknown, field: string, allowed: readonly T[]): T =>
    allowed.includes(v as T) ? v as T : fail(
      field,
      `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(v)}`,
    );
  const triple = (v: unknown, field: string): [number, number, number] => {
    if (!Array.isArray(v) || v.length !== 3) fail(field, `must be an array of 3 numbers`);
    const a = v as unknown[];
    return [num(a[0], `${field}[0]`), num(a[1], `${field}[1]`), num(a[2], `${field}[2]`)];
  };

  const root = obj(value, "(root)", DETECTOR_SPEC_KEYS);
  const name = str(root.name, "name");
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) fail("name", `must use letters, digits, "_", "." or "-"`);

  const inputRaw = obj(root.input, "input", INPUT_KEYS);
  const sizeRaw = inputRaw.size;
  if (!Array.isArray(sizeRaw) || sizeRaw.length !== 2) {
    fail("input.size", `must be [height, width], got ${describe(sizeRaw)}`);
  }
  const size = (sizeRaw as unknown[]).map((v, i) => {
    const n = num(v, `input.size[${i}]`);
    return Number.isInteger(n) && n > 0
      ? n
      : fail(`input.size[${i}]`, `must be a positive integer`);
  }) as [number, number];
  const scale = num(given(inputRaw.scale, "input.scale", 1), "input.scale");
  if (scale === 0) fail("input.scale", "must not be 0");
  const std = triple(given(inputRaw.std, "input.std", [1, 1, 1]), "input.std");
  std.forEach((s, i) => s === 0 && fail(`input.std[${i}]`, "must not be 0"));
  const input: InputSpec = {
    ...(inputRaw.name !== undefined ? { name: str(inputRaw.name, "input.name") } : {}),
    layout: oneOf(inputRaw.layout, "input.layout", ["NCHW", "NHWC"] as const),
    size,
    colour: oneOf(inputRaw.colour, "input.colour", ["RGB", "BGR"] as const),
    scale,
    mean: triple(given(inputRaw.mean, "input.mean", [0, 0, 0]), "input.mean"),
    std,
    ...(inputRaw.resize !== undefined
      ? {
        resize: oneOf(inputRaw.resize, "input.resize", ["pil-bilinear", "cv2-linear"] as const),
      }
      : {}),
  };

  // The keys of the kind given; without a valid kind, the keys of any kind (a misspelt "kind").
  const cropRaw = kindObject(root.crop, "crop", CROP_KEYS);
  const cropKind = oneOf(cropRaw.kind, "crop.kind", CROP_KINDS);
  let crop: CropRule;
  if (cropKind === "square" || cropKind === "radius" || cropKind === "reflect") {
    const s = num(cropRaw.scale, "crop.scale");
    if (s <= 0) fail("crop.scale", "must be > 0");
    crop = { kind: cropKind, scale: s };
  } else if (cropKind === "margin") {
    const f = num(cropRaw.fraction, "crop.fraction");
    if (f < 0) fail("crop.fraction", "must be >= 0");
    crop = { kind: "margin", fraction: f };
  } else {
    crop = { kind: cropKind };
  }

  const outRaw = kindObject(root.output, "output", OUTPUT_KEYS);
  const outKind = oneOf(outRaw.kind, "output.kind", ["sigmoid", "probability", "softmax"] as const);
  const invert = outRaw.invert === undefined
    ? undefined
    : outRaw.invert === true
    ? true
    : outRaw.invert === false
    ? false
    : fail("output.invert", "must be true or false");
  let output: OutputMapping;
  if (outKind === "softmax") {
    const k = num(outRaw.fakeIndex, "output.fakeIndex");
    if (!Number.isInteger(k) || k < 0) fail("output.fakeIndex", "must be an integer >= 0");
    const applied = outRaw.applied === undefined
      ? undefined
      : outRaw.applied === true
      ? true
      : outRaw.applied === false
      ? false
      : fail("output.applied", "must be true or false");
    output = { kind: "softmax", fakeIndex: k, ...(applied !== undefined ? { applied } : {}) };
  } else {
    output = { kind: outKind };
  }
  if (invert !== undefined) output.invert = invert;

  const failScore = root.failScore === undefined || root.failScore === null
    ? null
    : num(root.failScore, "failScore");
  if (failScore !== null && (failScore < 0 || failScore > 1)) {
    fail("failScore", "must be in [0, 1]");
  }
  let frames: number | undefined;
  if (root.frames !== undefined) {
    frames = num(root.frames, "frames");
    if (!Number.isInteger(frames) || frames < 1) fail("frames", "must be a positive integer");
  }

  const sourcesRaw = given(root.sources, "sources", []);
  if (!Array.isArray(sourcesRaw)) fail("sources", "must be an array");
  const sources = (sourcesRaw as unknown[]).map((s, i) => {
    const o = obj(s, `sources[${i}]`, SOURCE_KEYS);
    return {
      repo: str(o.repo, `sources[${i}].repo`),
      file: str(o.file, `sources[${i}].file`),
      ...(o.note !== undefined ? { note: str(o.note, `sources[${i}].note`) } : {}),
    };
  });
  const diffRaw = given(root.differences, "differences", []);
  if (!Array.isArray(diffRaw)) fail("differences", "must be an array");
  const differences = (diffRaw as unknown[]).map((d, i) => {
    const o = obj(d, `differences[${i}]`, DIFFERENCE_KEYS);
    return {
      what: str(o.what, `differences[${i}].what`),
      why: str(o.why, `differences[${i}].why`),
    };
  });

  return {
    name,
    description: root.description === undefined
      ? ""
      : typeof root.description === "string"
      ? root.description
      : fail("description", `must be a string, got ${describe(root.description)}`),
    sources,
    ...(root.modelPath !== undefined ? { modelPath: str(root.modelPath, "modelPath") } : {}),
    ...(root.trainSet !== undefined ? { trainSet: str(root.trainSet, "trainSet") } : {}),
    input,
    crop,
    faces: oneOf(
      given(root.faces, "faces", "largest"),
      "faces",
      [
        "largest",
        "all",
        "all-above-half-largest",
      ] as const,
    ),
    faceRule: oneOf(given(root.faceRule, "faceRule", "max"), "faceRule", FACE_RULES),
    output,
    videoRule: oneOf(given(root.videoRule, "videoRule", "mean"), "videoRule", VIDEO_RULES),
    failScore,
    ...(frames !== undefined ? { frames } : {}),
    differences,
  };
}

function parseFraction(text: string): number {
  const m = /^\s*(-?[\d.]+)\s*(?:\/\s*([\d.]+))?\s*$/.exec(text);
  if (!m) return NaN;
  return m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? text.slice(0, 37) + "..." : text;
}
