/**
 * The frame limit flags `distort` and `eval` share (`--max-frame-size`, `--max-frame-pixels`,
 * `--max-frames`), read into the `frameLimits` option both library calls take. See
 * docs/security.md, "Frame size and frame count".
 * @module
 */
import { DEFAULT_FRAME_LIMITS, type FrameLimits, parseFrameSize } from "../media/frame_limits.ts";
import { type FlagSpec, integerFlag, type ParsedCommand, UsageError } from "../util/cli.ts";

const { maxWidth, maxHeight, maxPixels, maxFrames } = DEFAULT_FRAME_LIMITS;

/** The flag table entries of the frame limit flags. */
export function frameLimitFlags(): Record<string, FlagSpec> {
  return {
    "max-frame-size": {
      type: "string",
      description: `Refuse videos whose frames are wider or taller than this (default ` +
        `${maxWidth}x${maxHeight}); raise it only for videos you trust (docs/security.md).`,
      valueName: "<WxH>",
    },
    "max-frame-pixels": {
      type: "string",
      description: `Refuse videos whose frames have more pixels than this (default ${maxPixels}` +
        `, DCI 4K 4096x2160).`,
      valueName: "<n>",
    },
    "max-frames": {
      type: "string",
      description: `Refuse videos of more frames than this (default ${maxFrames}).`,
      valueName: "<n>",
    },
  };
}

/** The `frameLimits` option for the library call, from the parsed flags (empty: the defaults). */
export function frameLimitOptions(parsed: ParsedCommand): Partial<FrameLimits> {
  const limits: Partial<FrameLimits> = {};
  const size = parsed.values["max-frame-size"];
  if (typeof size === "string") {
    try {
      Object.assign(limits, parseFrameSize(size));
    } catch (error) {
      throw new UsageError(`--max-frame-size: ${(error as Error).message}`);
    }
  }
  if (parsed.values["max-frame-pixels"] !== undefined) {
    limits.maxPixels = integerFlag(parsed, "max-frame-pixels", maxPixels);
  }
  if (parsed.values["max-frames"] !== undefined) {
    limits.maxFrames = integerFlag(parsed, "max-frames", maxFrames);
  }
  return limits;
}
