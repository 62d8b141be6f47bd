/**
 * The error every ffmpeg failure becomes, whatever the backend: it names the file and ffmpeg's
 * reason. Callers get it from `media/ffmpeg.ts`.
 * @module
 */

/** Fields of an {@link FfmpegError}. */
export interface FfmpegErrorOptions {
  /** Exit code of ffmpeg/ffprobe; null when it did not run or the file was refused earlier. */
  exitCode?: number | null;
  /** The end of ffmpeg's log. */
  stderrTail?: string;
  /** Verb for the message (`decode`, `encode`, `probe`, ...). Default `process`. */
  action?: string;
  cause?: unknown;
}

/**
 * ffmpeg could not handle a file. The message names the file and the reason, e.g.
 * `Cannot decode "clips/a b.mp4": ffmpeg exited with code 1 (moov atom not found)`.
 */
export class FfmpegError extends Error {
  override name = "FfmpegError";
  /** The file the failure is about, as the caller named it. */
  readonly file: string;
  /** ffmpeg's exit code; null when ffmpeg did not run or exited 0 but the result was unusable. */
  readonly exitCode: number | null;
  /** The last lines of ffmpeg's log. */
  readonly stderrTail: string;

  /** `reason` is the short explanation shown in the message. */
  constructor(file: string, reason: string, options: FfmpegErrorOptions = {}) {
    super(`Cannot ${options.action ?? "process"} "${file}": ${reason}`, { cause: options.cause });
    this.file = file;
    this.exitCode = options.exitCode ?? null;
    this.stderrTail = options.stderrTail ?? "";
  }
}
