/**
 * The one seam to ffmpeg. Everything in dfrobust that decodes, filters or encodes video goes
 * through an {@link Ffmpeg}: either the system's native `ffmpeg`/`ffprobe` (spawned with argv
 * arrays, never a shell) or ffmpeg.wasm (`@ffmpeg/ffmpeg` + `@ffmpeg/core`, single thread,
 * 4-7x slower, no install needed). Callers write ordinary ffmpeg arguments with absolute host
 * paths and list which of them are inputs and outputs; the wasm backend maps those into its
 * in-memory file system.
 *
 * ```ts ignore
 * const ffmpeg = await openFfmpeg("auto");
 * const info = await ffmpeg.probe("/data/clip.mp4");
 * await ffmpeg.close();
 * ```
 * @module
 */
import { basename } from "node:path";
import { openNativeFfmpeg, probeNativeAvailable } from "./ffmpeg_native.ts";

/** Which ffmpeg to use: `auto` = native when `ffmpeg` and `ffprobe` run, else wasm. */
export type BackendChoice = "auto" | "native" | "wasm";

/** Exact facts about the ffmpeg build in use, recorded in artifact manifests. */
export interface FfmpegBuild {
  backend: "native" | "wasm";
  /** Version string as ffmpeg prints it, e.g. `5.1.9-0+deb12u1`. */
  ffmpegVersion: string;
  /** libx264 build as written into encoded streams, e.g. `core 164 r3095 baee400`; absent when
   * the build has no libx264. */
  libx264?: string;
  /** The `configuration:` line of `ffmpeg -version`. */
  configuration: string;
  /** Versions of the npm packages (wasm backend only), e.g. `@ffmpeg/core@0.12.10`. */
  packages?: string[];
}

/** One ffmpeg invocation. */
export interface FfmpegJob {
  /**
   * ffmpeg arguments after the global ones (`-hide_banner -nostdin -y -loglevel error` are
   * added). Host paths appear verbatim, absolute, optionally with a `file:` prefix; each must
   * also be listed in {@link FfmpegJob.inputs} or {@link FfmpegJob.outputs}.
   */
  args: string[];
  /** Absolute host paths used in `args` as inputs. */
  inputs: string[];
  /**
   * Absolute host paths used in `args` as outputs (the wasm backend copies them back). Missing
   * parent folders are created.
   */
  outputs: string[];
  /** Bytes piped to ffmpeg's stdin (use `pipe:0` in `args`). */
  stdin?: Uint8Array;
  /** Return what ffmpeg writes to `pipe:1` in {@link FfmpegResult.stdout}. */
  captureStdout?: boolean;
  /** The file named in error messages; default: the first input, else the first output. */
  subject?: string;
  /** Verb for error messages (`Cannot <action> "<file>"`); default `process`. */
  action?: string;
}

/** What an ffmpeg run returned. */
export interface FfmpegResult {
  /** Bytes written to `pipe:1` (empty unless `captureStdout`). */
  stdout: Uint8Array;
  /** ffmpeg's log (errors and warnings only, as `-loglevel error`). */
  stderr: string;
  /**
   * The full command with host paths: what native ffmpeg ran, or would run for a wasm job (so
   * manifests record a reproducible command whatever the backend).
   */
  argv: string[];
  /** Wasm only: the arguments as ffmpeg.wasm ran them, with in-memory paths. */
  wasmArgv?: string[];
}

/** Facts about a video file from a probe. */
export interface VideoInfo {
  /** Displayed width in pixels (after rotation metadata, as decoded frames come out). */
  width: number;
  /** Displayed height in pixels (after rotation metadata). */
  height: number;
  /** Frames per second (average frame rate), e.g. 29.97. */
  fps: number;
  /** The frame rate as a fraction, e.g. `2997/100`. */
  fpsFraction: string;
  /**
   * Number of frames a decoder returns for the video stream (ffprobe `-count_frames`, i.e.
   * `nb_read_frames`; not the container's `nb_frames`, not a packet count). The frame
   * numbers `sampleFrames` (media/frames.ts) accepts are `0 .. frameCount - 1`. Always > 0.
   */
  frameCount: number;
  /** Duration in seconds (container duration, else stream duration, else frames / fps). */
  durationSeconds: number;
  /** Video codec name, e.g. `h264`. */
  codec: string;
  /** Pixel format, e.g. `yuv420p`. */
  pixFmt: string;
  /** True when the file has at least one audio stream. */
  hasAudio: boolean;
  /** Rotation metadata in degrees (0, 90, 180, 270); decoders apply it (autorotate). */
  rotation: number;
  /** Coded (stored) width before rotation. */
  codedWidth: number;
  /** Coded (stored) height before rotation. */
  codedHeight: number;
}

/** A handle on one ffmpeg backend. Close it when done (the wasm backend holds a worker). */
export interface Ffmpeg {
  readonly backend: "native" | "wasm";
  /** Version and configuration of this ffmpeg (cached after the first call). */
  build(): Promise<FfmpegBuild>;
  /**
   * Runs one ffmpeg job. Jobs on one wasm instance run one at a time.
   * @throws {FfmpegError} when ffmpeg exits non-zero, naming the job's subject file.
   */
  run(job: FfmpegJob): Promise<FfmpegResult>;
  /**
   * Probes a video: size, frame rate, and the frame count a decoder returns. Decodes the whole
   * file once (ffprobe `-count_frames`, on both backends): container frame counts and packet
   * counts over-count streams cut inside a GOP, so the count is taken from the decoder.
   * @throws {FfmpegError} for a missing, unreadable, non-video or zero-frame file.
   */
  probe(path: string): Promise<VideoInfo>;
  /** Releases the backend (terminates the wasm worker). Idempotent. */
  close(): Promise<void>;
}

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

/** Options of {@link openFfmpeg}. */
export interface OpenFfmpegOptions {
  /**
   * Stops the handle's work when it aborts (util/interrupt.ts gives one for SIGINT/SIGTERM):
   * native children are killed and their outputs removed, wasm workers are terminated; running
   * and later jobs reject.
   */
  signal?: AbortSignal;
}

/**
 * Opens an ffmpeg backend. `auto` (the default) picks native when `ffmpeg` and `ffprobe` run,
 * else wasm (loaded once, about 0.3 s; reused for every job of the handle).
 * @throws {Error} when `native` is asked for but cannot run, or for an unknown choice.
 */
export async function openFfmpeg(
  choice: BackendChoice = "auto",
  options: OpenFfmpegOptions = {},
): Promise<Ffmpeg> {
  if (choice !== "auto" && choice !== "native" && choice !== "wasm") {
    throw new Error(`Unknown ffmpeg backend "${choice}": use auto, native or wasm.`);
  }
  if (choice !== "wasm" && await nativeFfmpegAvailable()) return openNativeFfmpeg(options);
  if (choice === "native") {
    throw new Error(
      "Native ffmpeg was asked for but `ffmpeg`/`ffprobe` do not run (not installed, or no " +
        "--allow-run=ffmpeg,ffprobe): install ffmpeg (e.g. apt-get install ffmpeg) or use wasm.",
    );
  }
  // Loaded on demand: most runs use native ffmpeg and need not load the wasm packages.
  const { openWasmFfmpeg } = await import("./ffmpeg_wasm.ts");
  const wasm = await openWasmFfmpeg();
  // Terminating the workers rejects the jobs in flight; ffmpeg.wasm writes host files only
  // after a job succeeds, so nothing half-written is left.
  options.signal?.addEventListener("abort", () => void wasm.close(), { once: true });
  return wasm;
}

/** True when the native `ffmpeg` and `ffprobe` commands run (checked once per process). */
export function nativeFfmpegAvailable(): Promise<boolean> {
  return probeNativeAvailable();
}

// ---- internal helpers shared by the two backends (not re-exported from mod.ts)

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

/** Builds the error for a failed job: names the subject and gives ffmpeg's reason. */
export function _jobError(job: FfmpegJob, exitCode: number, log: string): FfmpegError {
  const subject = job.subject ?? job.inputs[0] ?? job.outputs[0] ?? "(ffmpeg job)";
  const reason = _reasonFromLog(log, [...job.inputs, ...job.outputs]);
  return new FfmpegError(
    subject,
    `ffmpeg exited with code ${exitCode}${reason ? ` (${reason})` : ""}`,
    { exitCode, stderrTail: _tail(log), action: job.action },
  );
}

/**
 * Arguments for ffprobe (or wasm's ffprobe) that print what {@link _videoInfoFromProbe} reads.
 * `-count_frames` decodes every stream once and reports `nb_read_frames`, the frames a decoder
 * returns: a stream cut inside a GOP (frames before the first key frame reference a picture
 * that is not there) or with edit-list discards has fewer frames than packets, and the
 * container's `nb_frames` and a packet count over-count it. The cost is one full decode of the
 * file per probe (about as long as decoding it for sampling; audio streams are decoded too, which
 * is cheap next to video).
 */
export function _probeArgs(input: string): string[] {
  return [
    "-hide_banner",
    "-loglevel",
    "error",
    "-count_frames",
    "-show_streams",
    "-show_format",
    "-of",
    "json",
    input,
  ];
}

interface ProbeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  coded_width?: number;
  coded_height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  nb_read_frames?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
  disposition?: { attached_pic?: number };
}

/**
 * Turns ffprobe's JSON (from {@link _probeArgs}) into a {@link VideoInfo}; the frame count is the
 * video stream's `nb_read_frames`.
 * @throws {FfmpegError} (action `probe`) when there is no video stream, or the decoder returns
 *   no frame of it.
 */
export function _videoInfoFromProbe(file: string, json: string): VideoInfo {
  let parsed: {
    streams?: ProbeStream[];
    format?: { duration?: string };
  };
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new FfmpegError(file, "ffprobe printed no readable JSON", { action: "probe", cause });
  }
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  if (!video || !video.width || !video.height) {
    throw new FfmpegError(file, "no video stream in the file", { action: "probe" });
  }
  const fpsFraction =
    [video.avg_frame_rate, video.r_frame_rate].find((f) => fractionValue(f) > 0) ??
      "0/1";
  const fps = fractionValue(fpsFraction);
  const duration = positive(parsed.format?.duration) ?? positive(video.duration);
  // The frames a decoder returns; never the container's nb_frames or a packet count. ffprobe
  // leaves nb_read_frames out when it read none.
  const counted = positive(video.nb_read_frames);
  if (!counted) {
    throw new FfmpegError(file, "the video stream has no frames a decoder returns", {
      action: "probe",
    });
  }
  const rotation = rotationOf(video);
  const swap = rotation === 90 || rotation === 270;
  return {
    width: swap ? video.height : video.width,
    height: swap ? video.width : video.height,
    fps,
    fpsFraction,
    frameCount: counted,
    durationSeconds: duration ?? (fps > 0 ? counted / fps : 0),
    codec: video.codec_name ?? "unknown",
    pixFmt: video.pix_fmt ?? "unknown",
    hasAudio: streams.some((s) => s.codec_type === "audio"),
    rotation,
    codedWidth: video.width,
    codedHeight: video.height,
  };
}

/** The name ffmpeg.wasm gives a host file inside its memory file system (keeps the extension,
 * which ffmpeg uses to pick a muxer). */
export function _memfsName(dir: string, index: number, hostPath: string): string {
  const name = basename(hostPath);
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot).replace(/[^A-Za-z0-9.]/g, "") : "";
  return `${dir}/${index}${ext}`;
}

/** The `core N rXXXX hash` part of x264's SEI string in an encoded stream. */
export function _x264FromStream(bytes: Uint8Array): string | undefined {
  const text = new TextDecoder("latin1").decode(bytes);
  return /x264 - (core \d+(?: r\d+ [0-9a-f]+)?)/.exec(text)?.[1];
}

function fractionValue(fraction: string | undefined): number {
  if (!fraction) return 0;
  const [num, den] = fraction.split("/").map(Number);
  const value = den === undefined ? num : num / den;
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function rotationOf(stream: ProbeStream): number {
  // ffmpeg 5.x reports rotation as display-matrix side data (counter-clockwise, negative for
  // a clockwise "rotate" tag); older files may only carry the tag.
  const side = stream.side_data_list?.find((d) => typeof d.rotation === "number")?.rotation;
  const degrees = side !== undefined ? -side : Number(stream.tags?.rotate ?? 0);
  return ((Math.round(degrees / 90) * 90) % 360 + 360) % 360;
}
