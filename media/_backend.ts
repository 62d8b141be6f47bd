/**
 * What the two ffmpeg backends share (internal; not re-exported from mod.ts): the global
 * arguments every job gets, the short reason and the tail taken from ffmpeg's log, the error for
 * a failed job, and the x264 build read from an encoded stream.
 * @module
 */
import type { FfmpegJob } from "./ffmpeg_types.ts";
import { FfmpegError } from "./ffmpeg_error.ts";
import { formatRefusal, refusedFormatFromLog } from "./input_formats.ts";
import { oversizeFromLog } from "./frame_limits.ts";

/** The global arguments every job gets. */
export const _GLOBAL_ARGS: readonly string[] = [
  "-hide_banner",
  "-nostdin",
  "-y",
  "-loglevel",
  "error",
];

/**
 * A short reason from ffmpeg's log: the first one or two distinct messages, with the
 * `[demuxer @ 0x...]` prefixes, the file path and wasm's `Aborted()` noise removed.
 */
export function _reasonFromLog(log: string, paths: string[]): string {
  const seen = new Set<string>();
  for (const raw of log.split(/\r?\n/)) {
    let line = raw.replace(/^(\[[^\]]*@ 0x[0-9a-f]+\]\s*)+/i, "").trim();
    if (line === "" || line === "Aborted()" || DEBUG_NOISE.test(line)) continue;
    for (const path of paths) {
      for (const prefix of [`file:${path}: `, `${path}: `]) {
        if (line.startsWith(prefix)) line = line.slice(prefix.length);
      }
    }
    if (line.startsWith("Conversion failed")) continue;
    seen.add(line);
    if (seen.size === 2) break;
  }
  return [...seen].join("; ");
}

// Debug-level lines ffmpeg.wasm sometimes logs whatever -loglevel says; never a reason.
const DEBUG_NOISE =
  /^(Splitting the commandline|Reading option|Applying option|Parsing a group|Successfully parsed|Finished splitting|Opening an input file|Opening '|Setting default whitelist|FFprobe: Cleanup|Probing |Format .* probed|Statistics:|type:'|AVIndex )/;

/** The last `lines` non-empty lines of a log, without wasm's `Aborted()` noise. */
export function _tail(log: string, lines = 12): string {
  return log.split(/\r?\n/).filter((line) => line.trim() !== "" && line.trim() !== "Aborted()")
    .slice(-lines).join("\n");
}

/**
 * Builds the error for a failed job: names the subject and gives ffmpeg's reason, in words for
 * an input refused by the container allow-list or a frame its decoder may not allocate
 * (media/input_formats.ts, media/frame_limits.ts: the file changed since its probe, or its
 * recorded probe is wrong).
 */
export function _jobError(job: FfmpegJob, exitCode: number, log: string): FfmpegError {
  const subject = job.subject ?? job.inputs[0] ?? job.outputs[0] ?? "(ffmpeg job)";
  const refused = refusedFormatFromLog(log);
  const oversize = oversizeFromLog(log);
  const reason = refused
    ? formatRefusal(refused)
    : oversize
    ? `a frame of ${oversize.width}x${oversize.height} is larger than its probe found (the ` +
      `file changed since it was probed, or its recorded probe is wrong); probe it again`
    : _reasonFromLog(log, [...job.inputs, ...job.outputs]);
  return new FfmpegError(
    subject,
    `ffmpeg exited with code ${exitCode}${reason ? ` (${reason})` : ""}`,
    { exitCode, stderrTail: _tail(log), action: job.action },
  );
}

/** The `core N rXXXX hash` part of x264's SEI string in an encoded stream. */
export function _x264FromStream(bytes: Uint8Array): string | undefined {
  const text = new TextDecoder("latin1").decode(bytes);
  return /x264 - (core \d+(?: r\d+ [0-9a-f]+)?)/.exec(text)?.[1];
}
