/**
 * Holding an eval run to its limits (util/limits.ts, docs/security.md "Limits"): the run's
 * settings before any work (frames per video, faces per batch, the detector's input size), and
 * each sampled frame's faces before any is cropped (boxes per frame, crop size). Internal to
 * `eval/`.
 * @module
 */
import type { DetectorSpec } from "../detectors/spec.ts";
import type { CropBox } from "../image/resize.ts";
import { type Limits, overLimit } from "../util/limits.ts";

/** What {@link checkRunLimits} checks. */
export interface RunSettings {
  /** The detector spec. */
  spec: DetectorSpec;
  /** How messages name the spec: its file or preset name (default: the spec's name). */
  specSource?: string;
  /** Frames per video asked for (`--frames`); absent: the spec's, else 32. */
  frames?: number;
  /** Faces per batch (`--batch`). */
  batch: number;
}

/**
 * Throws an Error naming the spec (or the flag) when the run's settings are over `limits`:
 * frames per video (a spec's `frames` or `--frames`), faces per batch (`--batch`), the
 * detector's input size (a spec's `input.size`). Called before anything is opened or allocated.
 */
export function checkRunLimits(settings: RunSettings, limits: Limits): void {
  const { spec } = settings;
  const where = `Detector spec "${settings.specSource ?? spec.name}"`;
  const frames = settings.frames ?? spec.frames;
  if (frames !== undefined && frames > limits.frames) {
    const from = settings.frames !== undefined
      ? `--frames ${frames}`
      : `${where}: frames ${frames}`;
    throw new RangeError(`${from} is ${overLimit("frames", limits.frames)}`);
  }
  if (settings.batch > limits.batch) {
    throw new RangeError(`--batch ${settings.batch} is ${overLimit("batch", limits.batch)}`);
  }
  const [h, w] = spec.input.size;
  if (Math.max(h, w) > limits.inputSide) {
    throw new RangeError(
      `${where}: input.size [${h}, ${w}] is ${overLimit("inputSide", limits.inputSide)}`,
    );
  }
}

/** A sampled frame's size, in pixels. */
interface FrameSize {
  width: number;
  height: number;
}

/**
 * Why the faces of one frame are over `limits`, or null: more boxes than `facesPerFrame`, or a
 * crop (either side) longer than `cropSide` x the frame's longer side. `boxes` counts the boxes
 * located in the frame; `crops` are the crops of the faces to be scored. `from` names where the
 * boxes came from (`face sidecar "faces.json"`). The message names the frame; the caller adds
 * the video.
 */
export function frameLimitProblem(
  frameIndex: number,
  frame: FrameSize,
  boxes: number,
  crops: readonly CropBox[],
  limits: Limits,
  from: string,
): string | null {
  if (boxes > limits.facesPerFrame) {
    return `frame ${frameIndex} has ${boxes} face boxes (from ${from}), ` +
      overLimit("facesPerFrame", limits.facesPerFrame);
  }
  const longer = Math.max(frame.width, frame.height);
  const maxSide = limits.cropSide * longer;
  const big = crops.find((crop) => crop.w > maxSide || crop.h > maxSide);
  if (big !== undefined) {
    return `frame ${frameIndex}: a face box (from ${from}) gives a ${big.w}x${big.h} crop in ` +
      `the ${frame.width}x${frame.height} frame, ${big.w > big.h ? big.w : big.h} pixels a ` +
      `side, ${overLimit("cropSide", limits.cropSide)}`;
  }
  return null;
}
