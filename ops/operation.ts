/**
 * The shapes of the operation catalog: a *family* (`h264`, `noise`, ...) with a severity ladder,
 * and an *instance* (`h264_crf40`, `noise`, `noise_s5`, ...): one family at one level, with the
 * ffmpeg filter graph and encoder setting it stands for and the geometry it applies.
 * @module
 */
import type { FrameGeometry, Geometry } from "./geometry.ts";

/** Paper categories (Lu & Ebrahimi 2023, Table I), plus `unaltered` and `chain`. */
export type OpCategory =
  | "unaltered"
  | "compression"
  | "brightness"
  | "contrast"
  | "noise"
  | "flip"
  | "resolution"
  | "filter"
  | "chain";

/** Plain parameter values of one ladder level (numbers and strings only, so they hash stably). */
export type OpParams = Record<string, number | string>;

/** One rung of a family's severity ladder. */
export interface OpLevel {
  /** Ladder level, 1 = mildest. */
  severity: number;
  /** The instance id for this level (`h264_crf40`, `noise_s5`). */
  id: string;
  params: OpParams;
  /** True for the level the paper uses. */
  paper?: boolean;
  /**
   * Column name in the paper's Table I (`CRF 40`, `1/2`, `H-flip`); given for the paper's
   * levels. Other levels are named by their id.
   */
  label?: string;
}

/** A family of operations: data plus the functions from a level's params to ffmpeg. */
export interface OpFamily {
  id: string;
  category: Exclude<OpCategory, "chain">;
  /** What the operation does to a video, in one sentence. */
  description: string;
  /** Why this ffmpeg mapping stands for the paper's operation, in one line. */
  reason: string;
  /** False for families with one fixed setting (flips, grayscale, vintage, unaltered). */
  parametric: boolean;
  /** The severity ladder (one level for non-parametric families). */
  levels: readonly OpLevel[];
  /** The ffmpeg filter graph fragment for `params`; `null` for none (the encode is the op). */
  filter: (params: OpParams) => string | null;
  /** The libx264 CRF the operation itself imposes (compression); undefined for filters. */
  crf?: (params: OpParams) => number;
  /** The geometry the operation applies. */
  geometry: (params: OpParams) => Geometry;
  /** Output size for a `width x height` source; undefined means unchanged. */
  size?: (params: OpParams, width: number, height: number) => { width: number; height: number };
}

/** A resolved operation: a family at one level, or a chain of them. */
export interface OpInstance {
  /** Stable op id (`h264_crf40`, `noise`, `unaltered`, or a chain's name). */
  id: string;
  /** Ladder family id, `chain` for chains. */
  family: string;
  category: OpCategory;
  /** Ladder level; null for non-parametric families, unaltered and chains. */
  severity: number | null;
  /** Exact parameters (for a chain: its steps with their params). */
  params: OpParams | { steps: { id: string; params: OpParams }[] };
  /** ffmpeg filter graph (comma-joined filters), null when there is none. */
  filter: string | null;
  /** The libx264 CRF the operation itself imposes, when it is (or ends in) a compression. */
  crf?: number;
  /** True for the paper's 12 settings and `unaltered`. */
  paper: boolean;
  /**
   * The operation's column name in Table I: the paper's (`CRF 40`, `1/2`) for its levels, the
   * op id for other ladder levels and chains.
   */
  label: string;
  geometry: Geometry;
  description: string;
  /** Output size for a `width x height` source (even numbers for resolution operations). */
  expectedSize: (width: number, height: number) => { width: number; height: number };
  /**
   * The exact geometry for a `width x height` source: output size and the per-axis mapping of
   * source coordinates, from each step's real input and output sizes (for a chain: its steps
   * composed one after the other). No even-sided crop: distort adds it where an encoder needs it.
   * @throws {RangeError} for a size that is not a positive integer.
   */
  frameGeometry: (width: number, height: number) => FrameGeometry;
}
