/**
 * Time maps: which source frame each frame of a copy shows. Frame-rate reduction, freeze and
 * temporal jitter are one rule, a periodic pattern ({@link TimePattern}): the source's frames are
 * taken in blocks of `period`, and position `i` of every block shows the block's frame `map[i]`
 * (the same frame again for a freeze, another order for jitter) or is dropped (`-1`, frame-rate
 * reduction). The rule is plain data, so the copy's frames follow from the pattern and the
 * source's decoded frame count alone ({@link timeMapOf}): recorded per video in the copy manifest
 * (`videos[].time`) and read wherever a source frame's face boxes are mapped to a copy frame.
 *
 * ffmpeg runs the same rule ({@link timeFilter}): `tpad` repeats the last frame so the last,
 * partial block is whole (`shuffleframes` drops a partial block), `shuffleframes` applies the
 * pattern, and `trim` keeps the copy's frame count. A source frame past the end (a partial last
 * block whose pattern points beyond it) is the last frame, as `tpad` made it. A pattern that drops
 * frames is retimed to a constant rate of `fps x kept / period` (`settb`, `setpts`, `fps`), so the
 * copy lasts as long as its source and ffprobe reports the lower rate; one that drops none keeps
 * every position's source timestamp.
 * @module
 */

/**
 * A periodic frame pattern: in every block of `period` source frames, copy position `i` shows
 * block frame `map[i]` (0-based, `< period`), or nothing when `map[i]` is `-1`.
 */
export interface TimePattern {
  /** Block length in frames, >= 1. */
  period: number;
  /** One entry per block position: the block frame it shows, or -1 to drop the position. */
  map: readonly number[];
}

/**
 * The time map of one video of a copy: the pattern and the source's decoded frame count, from
 * which every copy frame's source frame follows ({@link sourceFrameOf}). Recorded per video in
 * copy manifests (`videos[].time`); absent for operations that keep every frame in place.
 */
export interface TimeMap extends TimePattern {
  /** Frames the source decodes to (`VideoInfo.frameCount`). */
  sourceFrames: number;
  /** Frames the copy decodes to: the kept positions before `sourceFrames`. */
  frames: number;
}

/** A source's timing, as its probe gives it. */
export interface SourceTiming {
  /** Decoded frame count (`VideoInfo.frameCount`), >= 1. */
  frames: number;
  /** Frame rate as a fraction (`VideoInfo.fpsFraction`, `30000/1001`). */
  fpsFraction: string;
}

/** The timing of a probed source (`VideoInfo`'s decoded frame count and rate). */
export function timingOf(info: { frameCount: number; fpsFraction: string }): SourceTiming {
  return { frames: info.frameCount, fpsFraction: info.fpsFraction };
}

/**
 * Checks a pattern: a positive integer period, one entry per position, every entry -1 or a
 * block frame, at least one position kept.
 * @throws {RangeError} naming what is wrong.
 */
export function checkTimePattern(pattern: TimePattern): void {
  const { period, map } = pattern;
  if (!Number.isInteger(period) || period < 1 || map.length !== period) {
    throw new RangeError(
      `time pattern: period ${period} needs ${period} entries, got ${map.length}`,
    );
  }
  if (!map.every((m) => Number.isInteger(m) && m >= -1 && m < period)) {
    throw new RangeError(`time pattern: entries must be -1 or 0..${period - 1}: ${map.join(" ")}`);
  }
  if (!map.some((m) => m >= 0)) throw new RangeError("time pattern: keeps no frame");
}

/** The positions of a block that are kept (not -1), in order. */
function keptPositions(pattern: TimePattern): number[] {
  return pattern.map.flatMap((m, i) => (m >= 0 ? [i] : []));
}

/** True when the pattern drops positions (the copy has fewer frames than its source). */
export function dropsFrames(pattern: TimePattern): boolean {
  return pattern.map.includes(-1);
}

/**
 * The time map of a copy of a source that decodes to `sourceFrames` frames.
 * @throws {RangeError} for a bad pattern or a frame count that is not a positive integer.
 */
export function timeMapOf(pattern: TimePattern, sourceFrames: number): TimeMap {
  checkTimePattern(pattern);
  if (!Number.isInteger(sourceFrames) || sourceFrames < 1) {
    throw new RangeError(`time map: source frame count must be >= 1, got ${sourceFrames}`);
  }
  const kept = keptPositions(pattern);
  const whole = Math.floor(sourceFrames / pattern.period);
  const rest = sourceFrames - whole * pattern.period;
  const frames = whole * kept.length + kept.filter((i) => i < rest).length;
  return { period: pattern.period, map: [...pattern.map], sourceFrames, frames };
}

/**
 * The source frame that copy frame `index` shows (both 0-based, decoder order).
 * @throws {RangeError} for an index outside `0 .. time.frames - 1`.
 */
export function sourceFrameOf(time: TimeMap, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= time.frames) {
    throw new RangeError(`time map: copy frame ${index} is outside 0..${time.frames - 1}`);
  }
  const kept = keptPositions(time);
  const block = Math.floor(index / kept.length);
  const position = kept[index % kept.length];
  return Math.min(time.sourceFrames - 1, block * time.period + time.map[position]);
}

/**
 * True when `value` is a {@link TimeMap} whose pattern is valid and whose counts agree with it
 * (the check a copy manifest's `videos[].time` gets).
 */
export function isTimeMap(value: unknown): value is TimeMap {
  const v = value as Partial<TimeMap> | null;
  if (typeof v !== "object" || v === null || !Array.isArray(v.map)) return false;
  if (typeof v.period !== "number" || typeof v.sourceFrames !== "number") return false;
  try {
    return timeMapOf({ period: v.period, map: v.map }, v.sourceFrames).frames === v.frames;
  } catch {
    return false;
  }
}

/** Every copy frame's source frame, in copy order (length `time.frames`). */
export function sourceFrames(time: TimeMap): number[] {
  return Array.from({ length: time.frames }, (_, i) => sourceFrameOf(time, i));
}

/** Numerator and denominator of a fraction string (`30000/1001`, `25`); null when not positive. */
function fraction(text: string): [number, number] | null {
  const [n, d = "1"] = text.split("/");
  const num = Number(n);
  const den = Number(d);
  if (!Number.isInteger(num) || !Number.isInteger(den) || num <= 0 || den <= 0) return null;
  return [num, den];
}

/**
 * The copy's frame rate as a fraction: the source's, times kept / period when the pattern drops
 * frames (the copy is retimed to that constant rate).
 * @throws {RangeError} when the pattern drops frames and the source's rate is unknown.
 */
export function copyFpsFraction(pattern: TimePattern, fpsFraction: string): string {
  if (!dropsFrames(pattern)) return fpsFraction;
  const rate = fraction(fpsFraction);
  if (rate === null) {
    throw new RangeError(
      `the source's frame rate is unknown (${fpsFraction}), so a lower rate cannot be set`,
    );
  }
  const kept = keptPositions(pattern).length;
  const num = rate[0] * kept;
  const den = rate[1] * pattern.period;
  const g = gcd(num, den);
  return `${num / g}/${den / g}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** `shuffleframes`' mapping of a pattern (`|`-separated, -1 drops). */
function shuffleMapping(pattern: TimePattern): string {
  return pattern.map.join("|");
}

/**
 * The size-free template of a pattern's filter (hashed into a copy's id): the real filter needs
 * the source's frame count and rate ({@link timeFilter}).
 */
export function timeFilterTemplate(pattern: TimePattern): string {
  checkTimePattern(pattern);
  const retime = dropsFrames(pattern)
    ? ",settb=expr=1/(<copy fps>),setpts=N,fps=fps=<copy fps>"
    : "";
  return `tpad=stop=${pattern.period - 1}:stop_mode=clone,` +
    `shuffleframes=mapping=${shuffleMapping(pattern)},trim=end_frame=<copy frames>${retime}`;
}

/**
 * The ffmpeg filter that makes a copy of a source with `timing` by `pattern`: its frame `j` is
 * source frame `sourceFrameOf(timeMapOf(pattern, timing.frames), j)`.
 * @throws {RangeError} for a bad pattern or timing (an unknown rate where frames are dropped).
 */
export function timeFilter(pattern: TimePattern, timing: SourceTiming): string {
  const time = timeMapOf(pattern, timing.frames);
  const fps = copyFpsFraction(pattern, timing.fpsFraction);
  const retime = dropsFrames(pattern) ? `,settb=expr=1/(${fps}),setpts=N,fps=fps=${fps}` : "";
  return frameMapFilter(time) + retime;
}

/**
 * The filter that puts a source's frames in a copy's frame order (frame `j` out is source frame
 * `sourceFrameOf(time, j)`), without retiming: what {@link timeFilter} does to the frames, also
 * the reference of a time copy's PSNR/SSIM (ops/quality_reference.ts).
 */
export function frameMapFilter(time: TimeMap): string {
  return `tpad=stop=${time.period - 1}:stop_mode=clone,` +
    `shuffleframes=mapping=${shuffleMapping(time)},trim=end_frame=${time.frames}`;
}
