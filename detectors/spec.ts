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
import { type KeySet, unknownKeyMessages } from "../util/strict_keys.ts";
import type { ClipSampling, ShortVideoRule } from "../media/clips.ts";

/**
 * Memory layout of the model's input. A frame detector: `NCHW` or `NHWC` (batch, channels,
 * height, width). A clip detector (`input.frames` T): `NCTHW` (channels, then time: PyTorch video
 * models, FTCN), `NTCHW` (time, then channels), or `grid`: the T frames as thumbnails of one
 * `NCHW` image, `input.grid` = [rows, cols], time step t at row floor(t / cols), column t % cols
 * (TALL's thumbnail layout).
 */
export type Layout = "NCHW" | "NHWC" | "NCTHW" | "NTCHW" | "grid";

/** The layouts of a clip detector (an input with a time axis or a thumbnail grid). */
export const CLIP_LAYOUTS: readonly Layout[] = ["NCTHW", "NTCHW", "grid"];

/**
 * Channels the model expects: `RGB` (decoded frames are RGB), `BGR` (channels 0 and 2 swapped),
 * or `L`, one grayscale channel, PIL's `Image.convert("L")` of the resized RGB crop: ITU-R 601-2
 * luma in 16-bit fixed point, `(R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16` (Pillow
 * `libImaging/Convert.c`, `rgb2l`), as LipForensics reads its mouth crops. `L` is for clip
 * layouts only ({@link CLIP_LAYOUTS}).
 */
export type ColourOrder = "RGB" | "BGR" | "L";

/** The number of channels of an input: 1 for colour `L`, else 3. */
export function inputChannels(input: Pick<InputSpec, "colour">): 1 | 3 {
  return input.colour === "L" ? 1 : 3;
}

/**
 * The model's image input. A pixel value `x` in 0..255 becomes `((x * scale) - mean[c]) / std[c]`
 * for channel `c` (in the model's channel order; for colour `L`, `x` is the pixel's luma and `c`
 * is 0).
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
  /**
   * Per-channel mean subtracted after scaling (model channel order): 3 numbers, 1 for colour `L`.
   */
  mean: number[];
  /** Per-channel divisor applied last (model channel order, as `mean`); each must be non-zero. */
  std: number[];
  /**
   * How the crop is resized to `size`: `pil-bilinear` (torchvision `Resize` on PIL images;
   * antialiased when shrinking) or `cv2-linear` (`cv2.resize` INTER_LINEAR). Default `pil-bilinear`.
   */
  resize?: ResizeMethod;
  /**
   * Frames per clip (T) of a clip detector (a {@link CLIP_LAYOUTS} layout; required there); absent
   * for a frame detector (T = 1).
   */
  frames?: number;
  /**
   * `grid` layout only: thumbnails per column and per row, `[rows, cols]`, rows x cols = T; each
   * thumbnail is `size[0] / rows` x `size[1] / cols` pixels (both must divide exactly).
   */
  grid?: [number, number];
}

/**
 * How a clip's face box is chosen, frame by frame (docs/detectors.md, "Clip detectors"):
 * - `per-frame`: each frame's own box and crop (LipForensics crops each frame's mouth).
 * - `first`: the clip's first frame's box for every frame of the clip.
 * - `union`: one box around all of the clip's boxes (FTCN `FasterCropAlignXRay` crops every frame
 *   of a clip from the union of the frames' boxes, one alignment for the clip).
 * - `smoothed`: each frame's box is the mean (x, y, w, h, score) of the boxes of `clip.window`
 *   frames from it onwards, the window moved back to end at the clip's last frame where it would
 *   pass it, the whole clip when the clip is shorter (LipForensics `preprocessing/crop_mouths.py`
 *   smooths its alignment landmarks so: frame i uses the mean of frames i..i+11, the last 11
 *   frames the last window's).
 * Faces are linked across a clip's frames by their rank in the face order (face 0 = each frame's
 * first face), not tracked.
 */
export type ClipBoxRule = "per-frame" | "first" | "union" | "smoothed";

/** The clip rules of a clip detector. */
export interface ClipSpec {
  /** Where clips start (media/clips.ts); default `{kind: "stride", stride: T}` (LipForensics). */
  sampling: ClipSampling;
  /** How a clip's face box is chosen; default `per-frame`. */
  box: ClipBoxRule;
  /** Frames per moving average of the `smoothed` box rule (only there); default 12 (LipForensics). */
  window?: number;
  /** A video shorter than one clip; default `leave-out`. */
  short: ShortVideoRule;
}

/** The keys of a `clip` object. */
export const CLIP_KEYS: KeySet<ClipSpec> = { sampling: true, box: true, window: true, short: true };

/** The `smoothed` box rule's default window: LipForensics' `--window-margin` 12. */
export const SMOOTHING_WINDOW = 12;

/** Every clip sampling kind, a record each (media/clips.ts). */
export const CLIP_SAMPLINGS: {
  readonly [K in ClipSampling["kind"]]: SpecKind<Extract<ClipSampling, { kind: K }>>;
} = {
  stride: {
    keys: { kind: true, stride: true, max: true },
    read: (raw, f, field) => ({
      kind: "stride",
      stride: f.count(raw.stride, `${field}.stride`),
      ...(raw.max !== undefined ? { max: f.count(raw.max, `${field}.max`) } : {}),
    }),
  },
  even: {
    keys: { kind: true, count: true },
    read: (raw, f, field) => ({ kind: "even", count: f.count(raw.count, `${field}.count`) }),
  },
};

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
  frames: true,
  grid: true,
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

/**
 * One kind of a `kind`-tagged spec object (a crop rule, an output mapping): the keys its object
 * may hold (any other is an error) and how its parameters are read.
 */
export interface SpecKind<T> {
  keys: KeySet<T>;
  /**
   * `T` from the kind's object, its keys already checked; `field` is the object's path (`crop`).
   * Throws {@link DetectorSpecError} naming the first bad field.
   */
  read(raw: Record<string, unknown>, fields: SpecFields, field: string): T;
}

/** A crop rule kind whose one parameter is a `scale` > 0. */
function scaled<K extends "square" | "radius" | "reflect">(
  kind: K,
): SpecKind<{ kind: K; scale: number }> {
  return {
    keys: { kind: true, scale: true },
    read: (raw, f, field) => ({ kind, scale: f.above(raw.scale, `${field}.scale`, 0) }),
  };
}

/** Every crop rule kind, a record each, in documentation order. */
export const CROP_RULES: {
  readonly [K in CropRule["kind"]]: SpecKind<Extract<CropRule, { kind: K }>>;
} = {
  square: scaled("square"),
  margin: {
    keys: { kind: true, fraction: true },
    read: (raw, f, field) => ({
      kind: "margin",
      fraction: f.atLeast(raw.fraction, `${field}.fraction`, 0),
    }),
  },
  radius: scaled("radius"),
  reflect: scaled("reflect"),
  box: { keys: { kind: true }, read: () => ({ kind: "box" }) },
  full: { keys: { kind: true }, read: () => ({ kind: "full" }) },
};

/** The crop rule kinds, in documentation order. */
export const CROP_KINDS: readonly CropRule["kind"][] = Object.keys(
  CROP_RULES,
) as CropRule["kind"][];

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

/**
 * Every output mapping kind, a record each. `invert`, which every kind takes, is read by
 * {@link validateDetectorSpec} before the kind's own parameters.
 */
export const OUTPUT_MAPPINGS: {
  readonly [K in OutputMapping["kind"]]: SpecKind<Extract<OutputMapping, { kind: K }>>;
} = {
  sigmoid: { keys: { kind: true, invert: true }, read: () => ({ kind: "sigmoid" }) },
  probability: { keys: { kind: true, invert: true }, read: () => ({ kind: "probability" }) },
  softmax: {
    keys: { kind: true, fakeIndex: true, applied: true, invert: true },
    read: (raw, f, field) => {
      const fakeIndex = f.index(raw.fakeIndex, `${field}.fakeIndex`);
      const applied = f.flag(raw.applied, `${field}.applied`);
      return { kind: "softmax", fakeIndex, ...(applied !== undefined ? { applied } : {}) };
    },
  },
};

/** The output mapping kinds. */
export const OUTPUT_KINDS: readonly OutputMapping["kind"][] = Object.keys(
  OUTPUT_MAPPINGS,
) as OutputMapping["kind"][];

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
  /** Frames sampled per video (evenly spaced); dfrobust's default is 32. Frame detectors only. */
  frames?: number;
  /** A clip detector's clip rules (with defaults filled); absent for a frame detector. */
  clip?: ClipSpec;
  /**
   * Minimum face-locator confidence in [0, 1) the upstream pipeline keeps a face above (e.g.
   * SBI's RetinaFace `predict_jsons` keeps `scores > 0.7`); absent = upstream has none
   * (faces/minimums.ts). The eval flag `--min-face-score` overrides it; the run records the value
   * used in every row.
   */
  minFaceScore?: number;
  /**
   * Minimum face size in pixels (shorter box side) the upstream pipeline keeps; absent = none.
   * The eval flag `--min-face-size` overrides it.
   */
  minFaceSize?: number;
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
  clip: true,
  minFaceScore: true,
  minFaceSize: true,
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
 * {@link INPUT_KEYS}, the `keys` of the {@link CROP_RULES} and {@link OUTPUT_MAPPINGS} record of
 * the kind given, {@link SOURCE_KEYS}, {@link DIFFERENCE_KEYS}) is an error naming the key's path
 * and the nearest valid key. Only `failScore` may be null; any other field given as null is an
 * error. Throws one {@link DetectorSpecError} naming the source and every unknown key and every
 * top-level field with a problem (the first problem within a field), each with its hint; with
 * several, the message is `Detector spec "x" has N problems:` and one `  - ...` line each.
 */
export function validateDetectorSpec(
  value: unknown,
  options: ValidateDetectorSpecOptions = {},
): DetectorSpec {
  const source = options.source ?? "spec";
  const problems: string[] = [];
  const f = specFields(source, problems);
  const root = f.object(value, "(root)", DETECTOR_SPEC_KEYS);
  // Each top-level field is read on its own: a bad one is noted and the rest still checked, so
  // one error names every problem of the spec (a misspelt key anywhere never stops the others).
  const take = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof DetectorSpecError)) throw error;
      problems.push(error.message);
      return undefined as T;
    }
  };
  const name = take(() => {
    const name = f.str(root.name, "name");
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
      f.fail("name", `must use letters, digits, "_", "." or "-"`);
    }
    return name;
  });
  const input = take(() => readInput(root.input, f));
  const crop = take(() => f.kindOf<CropRule>(root.crop, "crop", CROP_RULES));
  const output = take(() => readOutput(root.output, f));
  const failScore = take(() => {
    const n = root.failScore === undefined || root.failScore === null
      ? null
      : f.num(root.failScore, "failScore");
    if (n !== null && (n < 0 || n > 1)) f.fail("failScore", "must be in [0, 1]");
    return n;
  });
  const frames = take(() => root.frames === undefined ? undefined : f.count(root.frames, "frames"));
  const clip = input === undefined ? undefined : take(() => readClip(root.clip, input, f));
  take(() =>
    clip && frames !== undefined && f.fail(
      "frames",
      "is for frame detectors: a clip detector's frames are its clips (clip.sampling)",
    )
  );
  const minFaceScore = take(() => {
    const n = root.minFaceScore === undefined
      ? undefined
      : f.num(root.minFaceScore, "minFaceScore");
    if (n !== undefined && !(n >= 0 && n < 1)) f.fail("minFaceScore", "must be in [0, 1)");
    return n;
  });
  const minFaceSize = take(() => {
    const n = root.minFaceSize === undefined ? undefined : f.num(root.minFaceSize, "minFaceSize");
    if (n !== undefined && !(n >= 0)) f.fail("minFaceSize", "must be a number of pixels >= 0");
    return n;
  });
  const sources = take(() =>
    f.list(root.sources, "sources", (o, at) => ({
      repo: f.str(o.repo, `${at}.repo`),
      file: f.str(o.file, `${at}.file`),
      ...(o.note !== undefined ? { note: f.str(o.note, `${at}.note`) } : {}),
    }), SOURCE_KEYS)
  );
  const differences = take(() =>
    f.list(root.differences, "differences", (o, at) => ({
      what: f.str(o.what, `${at}.what`),
      why: f.str(o.why, `${at}.why`),
    }), DIFFERENCE_KEYS)
  );
  const description = take(() =>
    root.description === undefined
      ? ""
      : typeof root.description === "string"
      ? root.description
      : f.fail("description", `must be a string, got ${describe(root.description)}`)
  );
  const modelPath = take(() =>
    root.modelPath === undefined ? undefined : f.str(root.modelPath, "modelPath")
  );
  const trainSet = take(() =>
    root.trainSet === undefined ? undefined : f.str(root.trainSet, "trainSet")
  );
  const faces = take(() =>
    f.oneOf(f.given(root.faces, "faces", "largest"), "faces", MULTI_FACE_RULES)
  );
  const faceRule = take(() =>
    f.oneOf(f.given(root.faceRule, "faceRule", "max"), "faceRule", FACE_RULES)
  );
  const videoRule = take(() =>
    f.oneOf(f.given(root.videoRule, "videoRule", "mean"), "videoRule", VIDEO_RULES)
  );
  if (problems.length === 1) throw new DetectorSpecError(problems[0]);
  if (problems.length > 1) {
    throw new DetectorSpecError(
      `Detector spec "${source}" has ${problems.length} problems:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
  return {
    name,
    description,
    sources,
    ...(modelPath !== undefined ? { modelPath } : {}),
    ...(trainSet !== undefined ? { trainSet } : {}),
    input,
    crop,
    faces,
    faceRule,
    output,
    videoRule,
    failScore,
    ...(frames !== undefined ? { frames } : {}),
    ...(clip ? { clip } : {}),
    ...(minFaceScore !== undefined ? { minFaceScore } : {}),
    ...(minFaceSize !== undefined ? { minFaceSize } : {}),
    differences,
  };
}

const MULTI_FACE_RULES: readonly MultiFaceRule[] = ["largest", "all", "all-above-half-largest"];

function readInput(value: unknown, f: SpecFields): InputSpec {
  const raw = f.object(value, "input", INPUT_KEYS);
  if (!Array.isArray(raw.size) || raw.size.length !== 2) {
    f.fail("input.size", `must be [height, width], got ${describe(raw.size)}`);
  }
  const size = (raw.size as unknown[]).map((v, i) => f.count(v, `input.size[${i}]`)) as [
    number,
    number,
  ];
  const scale = f.num(f.given(raw.scale, "input.scale", 1), "input.scale");
  if (scale === 0) f.fail("input.scale", "must not be 0");
  const layout = f.oneOf(
    raw.layout,
    "input.layout",
    ["NCHW", "NHWC", "NCTHW", "NTCHW", "grid"] as const,
  );
  const isClip = CLIP_LAYOUTS.includes(layout);
  const colour = f.oneOf(raw.colour, "input.colour", ["RGB", "BGR", "L"] as const);
  if (colour === "L" && !isClip) {
    f.fail(
      "input.colour",
      `"L" (one grayscale channel) needs a clip layout (${CLIP_LAYOUTS.join(", ")}), ` +
        `not "${layout}"`,
    );
  }
  const channels = inputChannels({ colour });
  const perChannel = (v: unknown, field: string, fallback: number): number[] => {
    const values = f.given(v, field, Array(channels).fill(fallback));
    if (!Array.isArray(values) || values.length !== channels) {
      f.fail(
        field,
        `must be an array of ${channels} number${channels === 1 ? "" : "s"} (one per channel ` +
          `of colour "${colour}"), got ${describe(values)}`,
      );
    }
    return (values as unknown[]).map((x, i) => f.num(x, `${field}[${i}]`));
  };
  const std = perChannel(raw.std, "input.std", 1);
  std.forEach((s, i) => s === 0 && f.fail(`input.std[${i}]`, "must not be 0"));
  if (isClip && raw.frames === undefined) {
    f.fail("input.frames", `must be given for the clip layout "${layout}" (frames per clip)`);
  }
  if (!isClip && raw.frames !== undefined) {
    f.fail("input.frames", `needs a clip layout (${CLIP_LAYOUTS.join(", ")}), not "${layout}"`);
  }
  const frames = raw.frames === undefined ? undefined : f.count(raw.frames, "input.frames");
  if (layout !== "grid" && raw.grid !== undefined) f.fail("input.grid", `needs layout "grid"`);
  let grid: [number, number] | undefined;
  if (layout === "grid") {
    if (!Array.isArray(raw.grid) || raw.grid.length !== 2) {
      f.fail("input.grid", `must be [rows, cols] for layout "grid", got ${describe(raw.grid)}`);
    }
    grid = (raw.grid as unknown[]).map((v, i) => f.count(v, `input.grid[${i}]`)) as [
      number,
      number,
    ];
    if (grid[0] * grid[1] !== frames) {
      f.fail("input.grid", `must hold input.frames (${frames}) thumbnails, got ${grid.join("x")}`);
    }
    if (size[0] % grid[0] !== 0 || size[1] % grid[1] !== 0) {
      f.fail("input.grid", `must divide input.size ${size.join("x")} exactly`);
    }
  }
  return {
    ...(raw.name !== undefined ? { name: f.str(raw.name, "input.name") } : {}),
    layout,
    size,
    colour,
    scale,
    mean: perChannel(raw.mean, "input.mean", 0),
    std,
    ...(raw.resize !== undefined
      ? { resize: f.oneOf(raw.resize, "input.resize", ["pil-bilinear", "cv2-linear"] as const) }
      : {}),
    ...(frames !== undefined ? { frames } : {}),
    ...(grid ? { grid } : {}),
  };
}

/** The clip rules of a clip detector (defaults filled); undefined for a frame detector. */
function readClip(value: unknown, input: InputSpec, f: SpecFields): ClipSpec | undefined {
  if (input.frames === undefined) {
    if (value !== undefined) f.fail("clip", `needs a clip input (input.frames and a clip layout)`);
    return undefined;
  }
  const raw = value === undefined ? {} : f.object(value, "clip", CLIP_KEYS);
  const box = f.oneOf(f.given(raw.box, "clip.box", "per-frame"), "clip.box", CLIP_BOX_RULES);
  if (box !== "smoothed" && raw.window !== undefined) {
    f.fail("clip.window", `is the "smoothed" box rule's window, not "${box}"'s`);
  }
  return {
    sampling: raw.sampling === undefined
      ? { kind: "stride", stride: input.frames }
      : f.kindOf<ClipSampling>(raw.sampling, "clip.sampling", CLIP_SAMPLINGS),
    box,
    ...(box === "smoothed"
      ? { window: f.count(f.given(raw.window, "clip.window", SMOOTHING_WINDOW), "clip.window") }
      : {}),
    short: f.oneOf(f.given(raw.short, "clip.short", "leave-out"), "clip.short", SHORT_RULES),
  };
}

/** The clip box rules. */
export const CLIP_BOX_RULES: readonly ClipBoxRule[] = ["per-frame", "first", "union", "smoothed"];
const SHORT_RULES: readonly ShortVideoRule[] = ["leave-out", "reflect"];

function readOutput(value: unknown, f: SpecFields): OutputMapping {
  const raw = f.kindObject(value, "output", OUTPUT_MAPPINGS);
  const kind = f.oneOf(raw.kind, "output.kind", OUTPUT_KINDS);
  const invert = f.flag(raw.invert, "output.invert");
  const output: OutputMapping = OUTPUT_MAPPINGS[kind].read(raw, f, "output");
  if (invert !== undefined) output.invert = invert;
  return output;
}

/**
 * Readers of a spec's fields: each returns the checked value or throws
 * {@link DetectorSpecError} naming the spec's source and the field.
 */
export interface SpecFields {
  fail(field: string, message: string): never;
  /** An object whose keys are all in `allowed`; `context` names a kind in the message. */
  object(
    v: unknown,
    field: string,
    allowed: Readonly<Record<string, true>>,
    context?: string,
  ): Record<string, unknown>;
  /**
   * An object whose `kind` picks its keys from `kinds`; without a known kind, the keys of any kind
   * are allowed (the error is then the kind, not a key).
   */
  kindObject(
    v: unknown,
    field: string,
    kinds: Readonly<Record<string, { keys: Readonly<Record<string, true>> }>>,
  ): Record<string, unknown>;
  /** A `kind`-tagged object read by the record of its kind. */
  kindOf<T>(v: unknown, field: string, kinds: Readonly<Record<string, SpecKind<T>>>): T;
  /** `v`, or `fallback` when it is absent; null is not absence. */
  given(v: unknown, field: string, fallback: unknown): unknown;
  str(v: unknown, field: string): string;
  /** A finite number; a string may hold one or a fraction (`"1/255"`). */
  num(v: unknown, field: string): number;
  /** A number > `bound`. */
  above(v: unknown, field: string, bound: number): number;
  /** A number >= `bound`. */
  atLeast(v: unknown, field: string, bound: number): number;
  /** An integer >= 0. */
  index(v: unknown, field: string): number;
  /** An integer >= 1. */
  count(v: unknown, field: string): number;
  /** `true`, `false` or absent (undefined). */
  flag(v: unknown, field: string): boolean | undefined;
  oneOf<T extends string>(v: unknown, field: string, allowed: readonly T[]): T;
  triple(v: unknown, field: string): [number, number, number];
  /** An array (default empty) of objects with `keys`, each read by `read`. */
  list<T>(
    v: unknown,
    field: string,
    read: (o: Record<string, unknown>, at: string) => T,
    keys: Readonly<Record<string, true>>,
  ): T[];
}

/** The {@link SpecFields} of one spec; `source` (a file or preset) is named in every error. */
function specFields(source: string, problems: string[]): SpecFields {
  const f: SpecFields = {
    fail(field, message) {
      throw new DetectorSpecError(`Detector spec "${source}": field "${field}" ${message}`);
    },
    object(v, field, allowed, context) {
      if (v === null || typeof v !== "object" || Array.isArray(v)) {
        return f.fail(field, `must be an object, got ${describe(v)}`);
      }
      const record = v as Record<string, unknown>;
      // Unknown keys are noted, not thrown: the known ones are still read and checked.
      problems.push(...unknownKeyMessages(record, allowed, {
        what: "detector spec",
        source,
        path: field === "(root)" ? "" : field,
        context,
      }));
      return record;
    },
    kindObject(v, field, kinds) {
      const kind = (v as Record<string, unknown> | null)?.kind;
      if (typeof kind === "string" && Object.hasOwn(kinds, kind)) {
        return f.object(v, field, kinds[kind].keys, `for ${field} kind "${kind}"`);
      }
      return f.object(v, field, Object.assign({}, ...Object.values(kinds).map((k) => k.keys)));
    },
    kindOf(v, field, kinds) {
      const raw = f.kindObject(v, field, kinds);
      const kind = f.oneOf(raw.kind, `${field}.kind`, Object.keys(kinds));
      return kinds[kind].read(raw, f, field);
    },
    given: (v, field, fallback) =>
      v === undefined ? fallback : v === null ? f.fail(field, `must not be null`) : v,
    str: (v, field) =>
      typeof v === "string" && v !== ""
        ? v
        : f.fail(field, `must be a non-empty string, got ${describe(v)}`),
    num(v, field) {
      const n = typeof v === "string" ? parseFraction(v) : v;
      return typeof n === "number" && Number.isFinite(n)
        ? n
        : f.fail(field, `must be a finite number, got ${describe(v)}`);
    },
    above(v, field, bound) {
      const n = f.num(v, field);
      return n > bound ? n : f.fail(field, `must be > ${bound}`);
    },
    atLeast(v, field, bound) {
      const n = f.num(v, field);
      return n >= bound ? n : f.fail(field, `must be >= ${bound}`);
    },
    index(v, field) {
      const n = f.num(v, field);
      return Number.isInteger(n) && n >= 0 ? n : f.fail(field, "must be an integer >= 0");
    },
    count(v, field) {
      const n = f.num(v, field);
      return Number.isInteger(n) && n >= 1 ? n : f.fail(field, "must be a positive integer");
    },
    flag(v, field) {
      if (v === undefined || v === true || v === false) return v;
      return f.fail(field, "must be true or false");
    },
    oneOf: <T extends string>(v: unknown, field: string, allowed: readonly T[]): T =>
      allowed.includes(v as T) ? v as T : f.fail(
        field,
        `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(v)}`,
      ),
    triple(v, field) {
      if (!Array.isArray(v) || v.length !== 3) f.fail(field, `must be an array of 3 numbers`);
      const a = v as unknown[];
      return [f.num(a[0], `${field}[0]`), f.num(a[1], `${field}[1]`), f.num(a[2], `${field}[2]`)];
    },
    list(v, field, read, keys) {
      const items = f.given(v, field, []);
      if (!Array.isArray(items)) f.fail(field, "must be an array");
      return (items as unknown[]).map((item, i) =>
        read(f.object(item, `${field}[${i}]`, keys), `${field}[${i}]`)
      );
    },
  };
  return f;
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
