/**
 * The shapes of the operation catalog: a *family* (`h264`, `noise`, ...) with a severity ladder,
 * and an *instance* (`h264_crf40`, `noise`, `noise_s5`, ...): one family at one level, with the
 * ffmpeg filter graph and encoder setting it stands for and the geometry it applies.
 * @module
 */
import type { FrameGeometry, Geometry } from "./geometry.ts";
import type { SourceTiming, TimePattern } from "./time_map.ts";

/**
 * Paper categories (Lu & Ebrahimi 2023, Table I), plus `unaltered`, `chain`, `enhancement`
 * (sharpening, denoising, blur, gamma, saturation: what phone apps apply) and `platform` (named
 * approximations of a platform's re-encode) and `time` (frame-rate reduction, freeze, jitter: which
 * source frame each copy frame shows). Other codecs and bitrate targets are `compression`.
 */
export type OpCategory =
  | "unaltered"
  | "compression"
  | "brightness"
  | "contrast"
  | "noise"
  | "flip"
  | "resolution"
  | "filter"
  | "enhancement"
  | "platform"
  | "time"
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
   * levels. Other levels get one derived from the record (ops/level_label.ts).
   */
  label?: string;
}

/**
 * The encode an operation imposes when it is not libx264 at a CRF (other codecs, bitrate targets,
 * platform encodes): the encoder and its arguments, recorded in the copy manifest and hashed into
 * the copy's id. Output pixel format (yuv420p), `-an` and the mp4 container are the profile's.
 */
export interface OpEncoder {
  /** ffmpeg encoder name: `libx265`, `libvpx-vp9`, `libsvtav1`, `mpeg4`, `libx264`. */
  codec: string;
  /**
   * Arguments after `-c:v <codec>`: rate control (CRF, `-b:v 0`, bitrate and VBV), speed preset
   * and the pinned thread settings that make the bytes the same on every rerun.
   */
  args: string[];
  /**
   * The `--enable-...` flag of ffmpeg's `configuration:` line that provides the encoder (for a
   * build check before anything runs); null for ffmpeg's own encoders (`mpeg4`).
   */
  library: string | null;
  /** How the output is made byte-identical on rerun, in one line (recorded in the manifest). */
  determinism: string;
}

/** A family's severity axis: `{ title: "CRF (libx264)", value: (p) => p.crf }`. */
export interface SeverityUnit {
  /** Axis title with the unit (`Scale factor (output side / input side)`). */
  title: string;
  /** A level's value on the axis, from its parameters. */
  value: (params: OpParams) => number;
}

/** A family of operations: data plus the functions from a level's params to ffmpeg. */
export interface OpFamily {
  id: string;
  /**
   * Short display name for column labels (`YouTube-like`); absent: derived from the id
   * (ops/level_label.ts).
   */
  name?: string;
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
  /** Another encode the operation imposes (codecs, bitrates, platforms); undefined otherwise. */
  encoder?: (params: OpParams) => OpEncoder;
  /**
   * Where the mapping comes from (a paper, a standard, a measurement, a vendor's document); for
   * approximations it says so. Absent for the paper's families (docs/operations.md cites them).
   */
  source?: string;
  /**
   * The severity axis of the ladder: what a level's number is, with its unit. Absent:
   * ops/severity_scale.ts takes the one parameter that varies along the ladder, by its name.
   */
  unit?: SeverityUnit;
  /** The geometry the operation applies. */
  geometry: (params: OpParams) => Geometry;
  /** Output size for a `width x height` source; undefined means unchanged. */
  size?: (params: OpParams, width: number, height: number) => { width: number; height: number };
  /**
   * The filter for a `width x height` input when it depends on the size (upscaling back to the
   * source's size); `filter` is then the size-free template hashed into the copy's id.
   */
  sizedFilter?: (params: OpParams, width: number, height: number) => string;
  /**
   * For operations on time (frame rate, freeze, jitter): the frame pattern of `params`
   * (ops/time_map.ts); the filter is the pattern's, and the copy's frames follow from it.
   */
  time?: (params: OpParams) => TimePattern;
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
  /**
   * ffmpeg filter graph (comma-joined filters), null when there is none. For an operation whose
   * filter depends on the input size this is its template; the graph run is `filterFor`'s.
   */
  filter: string | null;
  /**
   * The filter graph run on a `width x height` input (after any even-sided crop) of a source with
   * `timing`: `filter`, except for operations that need the size (`upscale`) or the source's
   * frame count and rate (time operations). Absent means `filter`.
   * @throws {Error} when a time operation is not given `timing`.
   */
  filterFor?: (width: number, height: number, timing?: SourceTiming) => string | null;
  /**
   * The frame pattern of a time operation (or of a chain's one time step): which source frame
   * each copy frame shows (ops/time_map.ts). Absent: frame i of the copy is frame i of the source.
   */
  time?: TimePattern;
  /** The libx264 CRF the operation itself imposes, when it is (or ends in) a compression. */
  crf?: number;
  /**
   * Another encode the operation imposes (it is, or a chain ends in, a codec, bitrate or
   * platform step); never together with `crf`.
   */
  encoder?: OpEncoder;
  /**
   * The encode for a `width x height` input when it depends on the size (a platform record's
   * CRF is its target resolution's: ops/platform_record.ts); `encoder` is then the size-free
   * template hashed into the copy's id. Absent means `encoder`.
   */
  encoderFor?: (width: number, height: number) => OpEncoder;
  /** True for the paper's 12 settings and `unaltered`. */
  paper: boolean;
  /**
   * The operation's column name in Table I: the paper's (`CRF 40`, `1/2`) for its levels, one
   * derived from the record for other ladder levels (`CRF 33`, `H265 CRF 28`; ops/level_label.ts),
   * the name for chains.
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
