/**
 * The operation catalog: the paper's 12 operations (Lu & Ebrahimi 2023) as families with
 * severity ladders in the style of ImageNet-C and DeeperForensics (five or more graded levels for
 * every parametric family, the paper's setting marked `paper: true`), plus `unaltered`.
 * Adding a level or a family is adding a record here; `docs/operations.md` explains every mapping.
 * @module
 */
import type { Geometry, OpFamily, OpInstance, OpLevel, OpParams } from "./operation.ts";
import { IDENTITY_GEOMETRY } from "./operation.ts";

/**
 * Version of the catalog's mappings. It is part of every copy's content address: bump it when a
 * filter graph, encoder setting or ladder value changes, so old copies are not mistaken for new.
 */
export const CATALOG_VERSION = "1";

/** Seed of the noise filter (`all_seed`), fixed so a copy is reproducible. */
export const NOISE_SEED = 20230417;

function keep(): Geometry {
  return { ...IDENTITY_GEOMETRY };
}

function num(params: OpParams, key: string): number {
  const value = params[key];
  if (typeof value !== "number") throw new Error(`operation parameter "${key}" must be a number`);
  return value;
}

/** Output side for a `num/den` downscale: rounded down to an even number (yuv420p needs it). */
function scaledSide(side: number, numerator: number, denominator: number): number {
  // Same left-to-right double arithmetic as the ffmpeg expression trunc(iw*n/d/2)*2.
  return Math.max(2, Math.trunc(side * numerator / denominator / 2) * 2);
}

function levels(
  family: string,
  rows: readonly [id: string, params: OpParams, paper?: boolean][],
): OpLevel[] {
  return rows.map(([id, params, paper], i) => ({
    severity: i + 1,
    id: id || family,
    params,
    ...(paper ? { paper: true } : {}),
  }));
}

/** Every family of the catalog, in the paper's Table I order. */
export const FAMILIES: readonly OpFamily[] = [
  {
    id: "unaltered",
    category: "unaltered",
    description: "The source videos as they are (hard link or byte copy, no re-encode).",
    reason: "The paper's baseline column: detectors scored on the original test set.",
    parametric: false,
    levels: levels("unaltered", [["unaltered", {}, true]]),
    filter: () => null,
    geometry: keep,
  },
  {
    id: "h264",
    category: "compression",
    description: "Re-encode with libx264 at a constant rate factor (higher CRF, lower quality).",
    reason: "The paper's C23/C40 are FaceForensics++'s H.264 settings: libx264 -crf 23 / -crf 40.",
    parametric: true,
    levels: levels("h264", [
      ["h264_crf23", { crf: 23 }, true],
      ["h264_crf28", { crf: 28 }],
      ["h264_crf33", { crf: 33 }],
      ["h264_crf40", { crf: 40 }, true],
      ["h264_crf45", { crf: 45 }],
      ["h264_crf51", { crf: 51 }],
    ]),
    filter: () => null,
    crf: (p) => num(p, "crf"),
    geometry: keep,
  },
  {
    id: "lighten",
    category: "brightness",
    description: "Brighten mid-tones with a monotone curve through (0.4, y) on all channels.",
    reason: "The paper's lighten is ffmpeg's curves preset `lighter` = master curve 0/0 0.4/0.5 " +
      "1/1; other levels move the mid point.",
    parametric: true,
    levels: levels("lighten", [
      ["lighten_y45", { x: 0.4, y: 0.45 }],
      ["lighten", { x: 0.4, y: 0.5 }, true],
      ["lighten_y55", { x: 0.4, y: 0.55 }],
      ["lighten_y60", { x: 0.4, y: 0.6 }],
      ["lighten_y65", { x: 0.4, y: 0.65 }],
    ]),
    filter: (p) => `curves=m='0/0 ${num(p, "x")}/${num(p, "y")} 1/1'`,
    geometry: keep,
  },
  {
    id: "darken",
    category: "brightness",
    description: "Darken mid-tones with a monotone curve through (0.5, y) on all channels.",
    reason: "The paper's darken is ffmpeg's curves preset `darker` = master curve 0/0 0.5/0.4 " +
      "1/1; other levels move the mid point.",
    parametric: true,
    levels: levels("darken", [
      ["darken_y45", { x: 0.5, y: 0.45 }],
      ["darken", { x: 0.5, y: 0.4 }, true],
      ["darken_y35", { x: 0.5, y: 0.35 }],
      ["darken_y30", { x: 0.5, y: 0.3 }],
      ["darken_y25", { x: 0.5, y: 0.25 }],
    ]),
    filter: (p) => `curves=m='0/0 ${num(p, "x")}/${num(p, "y")} 1/1'`,
    geometry: keep,
  },
  {
    id: "contrast",
    category: "contrast",
    description: "Scale luma contrast around mid-grey by a fixed factor (eq filter).",
    reason: "The paper raises contrast by a fixed amount; eq=contrast=c is a documented linear " +
      "scale of luma around 0.5, graded by c.",
    parametric: true,
    levels: levels("contrast", [
      ["contrast_c125", { contrast: 1.25 }],
      ["contrast", { contrast: 1.5 }, true],
      ["contrast_c175", { contrast: 1.75 }],
      ["contrast_c200", { contrast: 2 }],
      ["contrast_c250", { contrast: 2.5 }],
    ]),
    filter: (p) => `eq=contrast=${num(p, "contrast")}`,
    geometry: keep,
  },
  {
    id: "noise",
    category: "noise",
    description:
      "Add zero-mean Gaussian noise of constant strength to all planes, new every frame.",
    reason: "ffmpeg's noise filter is Gaussian unless flag u is set (sigma = s/sqrt(3) code " +
      "values); flag t renews it per frame; all_seed fixes it.",
    parametric: true,
    levels: levels("noise", [
      ["noise_s5", { strength: 5, seed: NOISE_SEED }],
      ["noise", { strength: 10, seed: NOISE_SEED }, true],
      ["noise_s15", { strength: 15, seed: NOISE_SEED }],
      ["noise_s20", { strength: 20, seed: NOISE_SEED }],
      ["noise_s30", { strength: 30, seed: NOISE_SEED }],
    ]),
    filter: (p) => `noise=alls=${num(p, "strength")}:allf=t:all_seed=${num(p, "seed")}`,
    geometry: keep,
  },
  {
    id: "hflip",
    category: "flip",
    description: "Mirror every frame left to right.",
    reason: "ffmpeg's hflip is an exact pixel permutation.",
    parametric: false,
    levels: levels("hflip", [["hflip", {}, true]]),
    filter: () => "hflip",
    geometry: () => ({ hflip: true, vflip: false, scale: 1 }),
  },
  {
    id: "vflip",
    category: "flip",
    description: "Mirror every frame top to bottom.",
    reason: "ffmpeg's vflip is an exact pixel permutation.",
    parametric: false,
    levels: levels("vflip", [["vflip", {}, true]]),
    filter: () => "vflip",
    geometry: () => ({ hflip: false, vflip: true, scale: 1 }),
  },
  {
    id: "res",
    category: "resolution",
    description: "Downscale by a factor (bicubic), sizes rounded down to even; no upscale back.",
    reason: "The paper halves and quarters the resolution; scale keeps yuv420p valid with even " +
      "sizes, and detectors see the smaller frames as a viewer would.",
    parametric: true,
    levels: levels("res", [
      ["res_75pct", { numerator: 3, denominator: 4 }],
      ["res_half", { numerator: 1, denominator: 2 }, true],
      ["res_third", { numerator: 1, denominator: 3 }],
      ["res_quarter", { numerator: 1, denominator: 4 }, true],
      ["res_eighth", { numerator: 1, denominator: 8 }],
    ]),
    filter: (p) => {
      const f = `${num(p, "numerator")}/${num(p, "denominator")}`;
      return `scale=w=max(2\\,trunc(iw*${f}/2)*2):h=max(2\\,trunc(ih*${f}/2)*2):flags=bicubic`;
    },
    geometry: (p) => ({
      hflip: false,
      vflip: false,
      scale: num(p, "numerator") / num(p, "denominator"),
    }),
    size: (p, width, height) => ({
      width: scaledSide(width, num(p, "numerator"), num(p, "denominator")),
      height: scaledSide(height, num(p, "numerator"), num(p, "denominator")),
    }),
  },
  {
    id: "grayscale",
    category: "filter",
    description: "Remove colour: chroma planes set to neutral, luma kept.",
    reason: "hue=s=0 zeroes saturation in YUV, so the copy stays 3-plane yuv420p like the others " +
      "and luma is untouched (format=gray would add a range conversion).",
    parametric: false,
    levels: levels("grayscale", [["grayscale", {}, true]]),
    filter: () => "hue=s=0",
    geometry: keep,
  },
  {
    id: "vintage",
    category: "filter",
    description: "Vintage look: ffmpeg's fixed per-channel curves preset.",
    reason: "The paper's vintage filter is ffmpeg's curves preset `vintage` (no strength).",
    parametric: false,
    levels: levels("vintage", [["vintage", {}, true]]),
    filter: () => "curves=preset=vintage",
    geometry: keep,
  },
];

/** The paper's operation ids, Table I order, `unaltered` first. */
export const PAPER_OP_IDS: readonly string[] = FAMILIES.flatMap((f) =>
  f.levels.filter((l) => l.paper).map((l) => l.id)
);

/** Every instance id of the catalog (all ladder levels), family order. */
export const ALL_OP_IDS: readonly string[] = FAMILIES.flatMap((f) => f.levels.map((l) => l.id));

/** The family with id `familyId`, or undefined. */
export function findFamily(familyId: string): OpFamily | undefined {
  return FAMILIES.find((f) => f.id === familyId);
}

/** Builds the instance for one level of a family. */
export function instanceOf(family: OpFamily, level: OpLevel): OpInstance {
  const size = family.size;
  return {
    id: level.id,
    family: family.id,
    category: family.category,
    severity: family.parametric ? level.severity : null,
    params: { ...level.params },
    filter: family.filter(level.params),
    ...(family.crf ? { crf: family.crf(level.params) } : {}),
    paper: level.paper === true,
    geometry: family.geometry(level.params),
    description: family.description,
    expectedSize: size
      ? (width, height) => size(level.params, width, height)
      : (width, height) => ({ width, height }),
  };
}

/** Thrown for an operation id the catalog does not know; the message lists the valid ids. */
export class UnknownOperationError extends Error {
  override name = "UnknownOperationError";
}

/**
 * The instance with id `opId` (`h264_crf40`, `noise_s5`, `unaltered`, ...).
 * Throws {@link UnknownOperationError} listing every valid id when there is none.
 */
export function getOperation(opId: string): OpInstance {
  for (const family of FAMILIES) {
    const level = family.levels.find((l) => l.id === opId);
    if (level) return instanceOf(family, level);
  }
  throw new UnknownOperationError(
    `Unknown operation "${opId}". Valid ids: ${ALL_OP_IDS.join(", ")}; families (with ` +
      `--severity): ${FAMILIES.filter((f) => f.parametric).map((f) => f.id).join(", ")}; ` +
      `sets: paper, all; chains: chain:<name>=<id>+<id>... or chain:<spec.json>.`,
  );
}

/** The family that holds instance `opId`, or undefined. */
export function familyOfInstance(opId: string): OpFamily | undefined {
  return FAMILIES.find((f) => f.levels.some((l) => l.id === opId));
}
