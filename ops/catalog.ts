/**
 * The operation catalog: the paper's 12 operations (Lu & Ebrahimi 2023) as families with
 * severity ladders in the style of ImageNet-C and DeeperForensics (five or more graded levels for
 * every parametric family, the paper's setting marked `paper: true`), plus `unaltered`.
 * Each family is one record in its own file (`ops/noise.ts`, `ops/h264.ts`, ...); adding a level
 * is editing that record, adding a family is a new file listed in {@link FAMILIES}.
 * `docs/operations.md` explains every mapping.
 * @module
 */
import { didYouMean } from "../util/did_you_mean.ts";
import { OptionError } from "../util/option_error.ts";
import { CONTRAST } from "./contrast.ts";
import { DARKEN } from "./darken.ts";
import { HFLIP, VFLIP } from "./flip.ts";
import { GRAYSCALE } from "./grayscale.ts";
import { H264 } from "./h264.ts";
import { LIGHTEN } from "./lighten.ts";
import { NOISE } from "./noise.ts";
import type { OpFamily, OpInstance, OpLevel } from "./operation.ts";
import { operationFrameGeometry } from "./geometry.ts";
import { RESOLUTION } from "./resolution.ts";
import { UNALTERED } from "./unaltered.ts";
import { VINTAGE } from "./vintage.ts";
import { H265 } from "./h265.ts";
import { VP9 } from "./vp9.ts";
import { AV1 } from "./av1.ts";
import { MPEG4 } from "./mpeg4.ts";
import { BITRATE } from "./bitrate.ts";
import { SHARPEN } from "./sharpen.ts";
import { DENOISE } from "./denoise.ts";
import { BLUR } from "./blur.ts";
import { UPSCALE } from "./upscale.ts";
import { GAMMA } from "./gamma.ts";
import { SATURATION } from "./saturation.ts";
import { MESSENGER_LIKE, PLATFORM_FB, PLATFORM_YT } from "./platform.ts";
import { FRAMERATE } from "./framerate.ts";
import { FREEZE } from "./freeze.ts";
import { JITTER } from "./jitter.ts";
import { type SourceTiming, timeFilter } from "./time_map.ts";
import { levelLabel } from "./level_label.ts";

/**
 * Version of the catalog's mappings. It is part of every copy's content address: bump it when a
 * filter graph, encoder setting or ladder value changes, so old copies are not mistaken for new.
 * 2: odd-sided sources get an even-sided crop instead of failing, and frame counts (validation)
 * are the decoder's, so copies that failed under 1 are made anew.
 */
export const CATALOG_VERSION = "2";

export { NOISE_SEED } from "./noise.ts";

/**
 * Every family of the catalog: the paper's in its Table I order, then other codecs and bitrate
 * targets, enhancement, platform-like and time operations.
 */
export const FAMILIES: readonly OpFamily[] = [
  UNALTERED,
  H264,
  LIGHTEN,
  DARKEN,
  CONTRAST,
  NOISE,
  HFLIP,
  VFLIP,
  RESOLUTION,
  GRAYSCALE,
  VINTAGE,
  H265,
  VP9,
  AV1,
  MPEG4,
  BITRATE,
  SHARPEN,
  DENOISE,
  BLUR,
  UPSCALE,
  GAMMA,
  SATURATION,
  PLATFORM_YT,
  PLATFORM_FB,
  MESSENGER_LIKE,
  FRAMERATE,
  FREEZE,
  JITTER,
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
  const sizedFilter = family.sizedFilter;
  const time = family.time?.(level.params);
  const geometry = family.geometry(level.params);
  const expectedSize = size
    ? (width: number, height: number) => size(level.params, width, height)
    : (width: number, height: number) => ({ width, height });
  return {
    id: level.id,
    family: family.id,
    category: family.category,
    severity: family.parametric ? level.severity : null,
    params: { ...level.params },
    filter: family.filter(level.params),
    ...(family.sizedFilter
      ? { filterFor: (width: number, height: number) => sizedFilter!(level.params, width, height) }
      : {}),
    // A time operation's filter needs the source's frame count and rate (ops/time_map.ts).
    ...(time
      ? {
        time,
        filterFor: (_width: number, _height: number, timing?: SourceTiming) => {
          if (!timing) throw new Error(`operation "${level.id}" needs the source's frame count`);
          return timeFilter(time, timing);
        },
      }
      : {}),
    ...(family.crf ? { crf: family.crf(level.params) } : {}),
    ...(family.encoder ? { encoder: family.encoder(level.params) } : {}),
    paper: level.paper === true,
    label: levelLabel(family, level),
    geometry,
    description: family.description,
    expectedSize,
    frameGeometry: (width, height) => {
      const out = expectedSize(width, height);
      return operationFrameGeometry(geometry, width, height, out.width, out.height);
    },
  };
}

/**
 * Thrown for an operation id the catalog does not know; the message lists the valid ids. An
 * {@link OptionError}: exit 2 in a task.
 */
export class UnknownOperationError extends OptionError {
  override name = "UnknownOperationError";
}

/**
 * The instance with id `opId` (`h264_crf40`, `noise_s5`, `unaltered`, ...).
 * Throws {@link UnknownOperationError} listing every valid id when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getOperation } from "./catalog.ts";
 * const noise = getOperation("noise_s5");
 * assert.equal(noise.filter, "noise=alls=5:allf=t:all_seed=20230417");
 * assert.equal(noise.severity, 1);
 * assert.deepEqual(getOperation("res_half").expectedSize(640, 360), { width: 320, height: 180 });
 * ```
 */
export function getOperation(opId: string): OpInstance {
  for (const family of FAMILIES) {
    const level = family.levels.find((l) => l.id === opId);
    if (level) return instanceOf(family, level);
  }
  throw unknownOperationError(opId);
}

/**
 * The {@link UnknownOperationError} for `item`, an `--ops` entry or chain step that names no
 * operation (`where`, e.g. ` in --ops`, is put after the quoted name). The message leads with
 * the hint: the nearest ids or families (`framrate` -> `framerate`); for a known family with an
 * unknown level (`h264_crf99`) that family's levels; for a chain without its own `chain:`
 * prefix (`a=x+y`, `x+y`) that each chain needs one. Then the families and sets, not every id.
 */
export function unknownOperationError(item: string, where = ""): UnknownOperationError {
  const family = FAMILIES.find((f) => item.startsWith(`${f.id}_`) && f.levels.length > 1);
  const hint = item.includes("+") || /^[^/\\]*=/.test(item)
    ? `each chain needs its own "chain:" prefix, e.g. chain:${
      item.includes("=") ? "" : "<name>="
    }${item}; chains are separated by ` +
      `commas and their steps joined by "+"`
    : family !== undefined
    ? `family "${family.id}" has levels ${family.levels.map((l) => l.id).join(", ")}` +
      (family.parametric
        ? ` (or give "${family.id}" with --severity 1..${family.levels.length})`
        : "")
    : didYouMean(item, [...ALL_OP_IDS, ...FAMILIES.map((f) => f.id), "paper", "all"]);
  return new UnknownOperationError(
    `Unknown operation "${item}"${where}${hint === "" ? "" : ` (${hint})`}. Give operation ids, ` +
      `families (${FAMILIES.map((f) => f.id).join(", ")}; a family means its paper level(s), ` +
      `with --severity its levels), sets (paper, all), chains (chain:<name>=<id>+<id>... or ` +
      `chain:<spec.json>) or platform records (platform:<record.json>); docs/operations.md ` +
      `lists every id.`,
  );
}

/**
 * The Table I column name of an operation id: the paper's (`h264_crf40` -> `CRF 40`, `res_half`
 * -> `1/2`) for its levels, one derived from the record for other levels (`h264_crf33` -> `CRF
 * 33`, `framerate_1of2` -> `Framerate 1/2 frames`; ops/level_label.ts); any other id (chains,
 * unknown ids) is its own name. Never throws.
 */
export function opLabel(opId: string): string {
  for (const family of FAMILIES) {
    const level = family.levels.find((l) => l.id === opId);
    if (level) return levelLabel(family, level);
  }
  return opId;
}

/** The family that holds instance `opId`, or undefined. */
export function familyOfInstance(opId: string): OpFamily | undefined {
  return FAMILIES.find((f) => f.levels.some((l) => l.id === opId));
}
