/**
 * Encode profiles: how a copy's videos are encoded, explicit and recorded in every manifest.
 * - `paper`: filter operations are re-encoded with libx264 CRF 23 in yuv420p (FF++ "c23"-like);
 *   compression operations use their own CRF.
 * - `lossless`: filter operations are encoded with libx264 `-qp 0` in yuv420p, so decoded frames
 *   are exactly the filter's output (both native ffmpeg and ffmpeg.wasm ship libx264);
 *   compression operations still use their own CRF (the encode is the operation).
 * - `source`: the `unaltered` copy, the source files as they are.
 * Audio is always dropped (`-an`): detectors look at frames only.
 *
 * yuv420p needs even sides: when an operation's output would have an odd side (a 333x187 source
 * through a flip or a colour filter), the source's last column and/or row is cropped first
 * ({@link encodedFrameGeometry}).
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import {
  composeFrameGeometry,
  cropFrameGeometry,
  evenCrop,
  type FrameGeometry,
  identityFrameGeometry,
} from "./geometry.ts";
import type { OpInstance } from "./operation.ts";
import { OptionError } from "../util/option_error.ts";

/** Encode profile names. */
export type EncodeProfile = "paper" | "lossless" | "source";

/** A profile a user can ask for (`source` is implied for `unaltered`). */
export type RequestedProfile = Exclude<EncodeProfile, "source">;

/** Profiles a user can ask for, in the order messages list them. */
export const PROFILES: readonly RequestedProfile[] = ["paper", "lossless"];

/** Thrown for a profile name that is not one of {@link PROFILES}; the message lists them. */
export class UnknownProfileError extends OptionError {
  override name = "UnknownProfileError";
}

/**
 * The profile asked for by `name`, checked against {@link PROFILES} (the one check of a profile
 * name: distort's `--profile` and the library's `profile` option both come here).
 * @throws {UnknownProfileError} for any other name, e.g. `Unknown profile "fast": use paper or
 *   lossless`.
 * @example
 * ```ts
 * import { parseProfile } from "./profile.ts";
 * parseProfile("lossless"); // "lossless"
 * ```
 */
export function parseProfile(name: string): RequestedProfile {
  const profile = PROFILES.find((p) => p === name);
  if (profile === undefined) {
    throw new UnknownProfileError(
      `Unknown profile "${name}": use ${PROFILES.join(" or ")}` + didYouMeanSuffix(name, PROFILES),
    );
  }
  return profile;
}

/** CRF the `paper` profile re-encodes filter operations with. */
export const PAPER_CRF = 23;

/** x264 threads per encoder, fixed so the output bytes do not depend on the machine. */
export const X264_THREADS = 4;

/**
 * Why this ffmpeg build cannot make `op`'s copies, or null when it can: the encoder `op` imposes
 * needs a library the build was not configured with (`--enable-libsvtav1` is not in
 * ffmpeg.wasm's `@ffmpeg/core` 0.12.10). `configuration` is the build's `configuration:` line.
 */
export function missingEncoder(op: OpInstance, configuration: string): string | null {
  const library = op.encoder?.library;
  if (!library || configuration.split(/\s+/).includes(library)) return null;
  return `this ffmpeg build has no ${op.encoder!.codec} encoder (its configuration lacks ` +
    `${library}); run distort with native ffmpeg built with it (--backend native; Debian's ` +
    `ffmpeg has it)`;
}

/**
 * How x264 encodes with a bitrate and VBV (bitrate and platform operations) stay byte-identical:
 * one thread. With frame or sliced threads its rate control sees timing-dependent state
 * (measured on Debian ffmpeg 5.1: three runs of `-threads 4`, three different files; CRF
 * encodes with `-threads 4` do not vary).
 */
export const VBV_DETERMINISM = "x264 -threads 1 pinned (VBV rate control with threads varies " +
  "from run to run)";

/** The profile a copy of `op` actually gets when `requested` is asked for. */
export function effectiveProfile(op: OpInstance, requested: EncodeProfile): EncodeProfile {
  return op.category === "unaltered" ? "source" : requested;
}

/**
 * Output encoder arguments (after the filter graph and `-map`) for `op` under `profile`:
 * video codec, rate control, pixel format, no audio. An operation with an `encoder` (codecs,
 * bitrates, platforms) gets that encoder under either profile; one whose encode depends on the
 * input size (`encoderFor`: a platform record) gets the one for `size` (the input's size after
 * any even-sided crop), its template without one. Throws for the `source` profile (no encode).
 */
export function encoderArgs(
  op: OpInstance,
  profile: EncodeProfile,
  size?: { width: number; height: number },
): string[] {
  if (profile === "source") throw new Error(`operation "${op.id}" is copied, not encoded`);
  const tail = ["-pix_fmt", "yuv420p", "-an", "-sn", "-dn"];
  // The operation is its own encode (another codec, a bitrate, a platform): its arguments pin
  // its threads (OpEncoder.determinism), whatever the profile.
  const encoder = op.encoderFor && size ? op.encoderFor(size.width, size.height) : op.encoder;
  if (encoder) return ["-c:v", encoder.codec, ...encoder.args, ...tail];
  const rate = op.crf !== undefined
    ? ["-crf", String(op.crf)]
    : profile === "lossless"
    ? ["-qp", "0"]
    : ["-crf", String(PAPER_CRF)];
  // A fixed thread count: x264's bitstream depends on it, and a copy must not depend on the
  // machine's core count (ffmpeg.wasm's x264 is single-threaded whatever is asked).
  return [
    "-c:v",
    "libx264",
    ...rate,
    "-threads",
    String(X264_THREADS),
    ...tail,
  ];
}

/**
 * The exact geometry of the copy of a `width x height` source that `op` makes under `profile`.
 * `source` keeps the file (identity). The encoded profiles write yuv420p, which needs even sides:
 * when the operation's output would have an odd side, the source's last column (odd width)
 * and/or last row (odd height) is cropped before the operation, so the picture is not resampled
 * and source coordinates keep their values; the crop is part of the returned geometry
 * (`crop`, recorded per video in the copy manifest). Operations that make even sides themselves
 * (resolution) get no crop. The result can still be odd only for an operation whose output is odd
 * from an even input (none in the catalog); the caller refuses that.
 * @throws {RangeError} for a size that is not a positive integer, or a 1-pixel side that needs
 *   cropping.
 */
export function encodedFrameGeometry(
  op: OpInstance,
  width: number,
  height: number,
  profile: EncodeProfile,
): FrameGeometry {
  if (profile === "source") return identityFrameGeometry(width, height);
  const plain = op.frameGeometry(width, height);
  if (plain.width % 2 === 0 && plain.height % 2 === 0) return plain;
  const crop = evenCrop(width, height);
  if (crop === null) return plain;
  return composeFrameGeometry(
    cropFrameGeometry(width, height, crop),
    op.frameGeometry(crop.width, crop.height),
  );
}
