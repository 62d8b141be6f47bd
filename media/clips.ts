/**
 * Clip sampling: which runs of consecutive decoded frames a clip detector sees. A clip is `T`
 * consecutive frames of the decoder's count (the same frame numbers as media/frames.ts: the n-th
 * frame the decoder returns); a rule places K clips in a video of N frames. One module owns the
 * rule; the spec names it (detectors/spec.ts `clip.sampling`), eval decodes the clips' frames once
 * (media/frames.ts, `select` on the frame number) and docs/detectors.md ("Clip detectors") cites
 * the upstream scripts each rule follows.
 * @module
 */
import { evenlySpacedIndices } from "./frames.ts";

/**
 * Where a video's clips start:
 * - `stride`: at frames 0, `stride`, 2 x `stride`, ... while a whole clip fits (start + T <= N),
 *   at most `max` clips (all when absent). `stride` = T gives non-overlapping clips (LipForensics
 *   `evaluate.py`: `ConsecutiveClipSampler`, clip k = frames 25k..25k+24); `stride` 1 every window
 *   (FTCN `test_on_raw_video.py`).
 * - `even`: `count` starts evenly spaced over [0, N - T], as numpy's
 *   `linspace(0, N - T, count).astype(int)` (the frame rule of media/frames.ts applied to starts);
 *   a start that repeats (N - T + 1 < count) is one clip.
 */
export type ClipSampling =
  | { kind: "stride"; stride: number; max?: number }
  | { kind: "even"; count: number };

/**
 * What a video shorter than one clip (N < T) gives:
 * - `leave-out`: no clip; the video is left out with reason `short_video` (LipForensics:
 *   `num_clips = num_frames // frames_per_clip` is 0).
 * - `reflect`: one clip of frames 0..N-1 continued by reflection (N-2, ..., 1, 0, 1, ...) up to
 *   T frames (FTCN pads a short track by mirrored indices).
 * Never a shorter clip: a model always receives T frames, and which ones is recorded.
 */
export type ShortVideoRule = "leave-out" | "reflect";

/** One clip: the frame numbers the model receives, in time order. */
export interface ClipWindow {
  /** First frame index of the clip. */
  start: number;
  /** Last frame index of the clip's run (start + T - 1, or N - 1 for a reflected short clip). */
  end: number;
  /** The T frame indices, time step by time step (consecutive; reflected for a short video). */
  frames: number[];
}

/** The clip plan of one video. */
export interface ClipPlan {
  clips: ClipWindow[];
  /** Why the video has no clip (shorter than one clip, `leave-out`); null otherwise. */
  short: string | null;
}

/**
 * The clips of a video of `frameCount` decoded frames, `length` (T) frames each, placed by
 * `sampling`; a video shorter than one clip follows `short`. Pure.
 * @example
 * ```ts
 * import { clipPlan } from "./clips.ts";
 * import assert from "node:assert/strict";
 * const plan = clipPlan(10, 4, { kind: "stride", stride: 4 });
 * assert.deepEqual(plan.clips.map((c) => c.frames), [[0, 1, 2, 3], [4, 5, 6, 7]]);
 * assert.deepEqual(clipPlan(3, 5, { kind: "even", count: 2 }, "reflect").clips[0].frames, [0, 1, 2, 1, 0]);
 * ```
 * @throws {RangeError} for a frame count, length, stride, max or count that is not a positive
 * integer (max may be absent).
 */
export function clipPlan(
  frameCount: number,
  length: number,
  sampling: ClipSampling,
  short: ShortVideoRule = "leave-out",
): ClipPlan {
  for (const [name, value] of [["frameCount", frameCount], ["length", length]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`clipPlan: ${name} must be a positive integer, got ${value}`);
    }
  }
  if (frameCount < length) {
    if (short === "reflect") {
      return {
        clips: [{ start: 0, end: frameCount - 1, frames: reflected(frameCount, length) }],
        short: null,
      };
    }
    return {
      clips: [],
      short: `the video has ${frameCount} decoded frame${frameCount === 1 ? "" : "s"}, fewer ` +
        `than the ${length} of one clip`,
    };
  }
  const window = (start: number): ClipWindow => ({
    start,
    end: start + length - 1,
    frames: Array.from({ length }, (_, t) => start + t),
  });
  const last = frameCount - length;
  if (sampling.kind === "even") {
    positive(sampling.count, "count");
    const starts = [...new Set(evenlySpacedIndices(last + 1, sampling.count))];
    return { clips: starts.map(window), short: null };
  }
  positive(sampling.stride, "stride");
  if (sampling.max !== undefined) positive(sampling.max, "max");
  const clips: ClipWindow[] = [];
  for (let start = 0; start <= last; start += sampling.stride) {
    if (sampling.max !== undefined && clips.length >= sampling.max) break;
    clips.push(window(start));
  }
  return { clips, short: null };
}

/** Every distinct frame index of `plan`'s clips, ascending: the frames to decode. */
export function clipFrames(plan: ClipPlan): number[] {
  return [...new Set(plan.clips.flatMap((c) => c.frames))].sort((a, b) => a - b);
}

/** 0..n-1 continued by reflection about its ends (numpy `reflect`) up to `length` indices. */
function reflected(n: number, length: number): number[] {
  const out: number[] = [];
  const period = Math.max(1, 2 * (n - 1));
  for (let t = 0; t < length; t++) {
    const p = t % period;
    out.push(n === 1 ? 0 : p < n ? p : period - p);
  }
  return out;
}

function positive(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`clipPlan: ${name} must be a positive integer, got ${value}`);
  }
}
