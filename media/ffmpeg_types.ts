/**
 * The shapes of the ffmpeg seam: a backend handle ({@link Ffmpeg}), one job and its result, the
 * build facts recorded in manifests, and what a probe tells about a video. Both backends
 * (`ffmpeg_native.ts`, `ffmpeg_wasm.ts`) implement them; callers get them from `media/ffmpeg.ts`.
 * @module
 */
import type { FrameLimits } from "./frame_limits.ts";

/** Options of {@link Ffmpeg.probe}. */
export interface ProbeOptions {
  /**
   * Limits on the video's frame size and count (`frameWidth`, `frameHeight`, `framePixels`,
   * `videoFrames`), over the defaults of util/limits.ts: a video over them is refused before
   * anything else decodes it. A run's whole `limits` may be given; only these are read.
   */
  limits?: Partial<FrameLimits>;
}

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
  /**
   * With `captureStdout`, memory to capture into: native ffmpeg's pipe is read straight into it
   * (a fresh array of that size costs a page fault per 4 KiB). It is detached afterwards, and
   * {@link FfmpegResult.stdout} is a view of the same memory when the output fits in it (a fresh
   * array otherwise). The wasm backend ignores it.
   */
  stdoutInto?: ArrayBuffer;
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

/**
 * A run of consecutive decoded frames of one size and pixel format (a WebRTC or HLS recording
 * switches sizes mid-stream; most videos have one run).
 */
export interface FrameSegment {
  /** Index of the run's first frame (decoder output order, from 0). */
  start: number;
  /** Displayed width of its frames in pixels (rotation applied). */
  width: number;
  /** Displayed height of its frames in pixels. */
  height: number;
  /** Coded (stored) width before rotation. */
  codedWidth: number;
  /** Coded (stored) height before rotation. */
  codedHeight: number;
  /** Pixel format of its frames, e.g. `yuv420p`. */
  pixFmt: string;
}

/** Facts about a video file from a probe. */
export interface VideoInfo {
  /**
   * Absolute index of "the video stream" in the file (ffprobe's stream `index`): among the video
   * streams that are not attached pictures (cover art), the one with the most decoded frames, the
   * first on a tie. Every job that reads the video maps this stream, never `0:v` or `v:0`
   * (media/video_stream.ts).
   */
  streamIndex: number;
  /**
   * Displayed width in pixels of the first decoded frame (after rotation metadata, as decoded
   * frames come out). Every frame a sampler returns and every distorted copy has this size, also
   * when later frames have another (see {@link VideoInfo.segments}).
   */
  width: number;
  /** Displayed height in pixels of the first decoded frame (after rotation metadata). */
  height: number;
  /**
   * The decoded frames as runs of one size and pixel format, in order: the first starts at 0 and
   * has {@link VideoInfo.width} x {@link VideoInfo.height}; more than one when the size or pixel
   * format changes mid-stream. Their lengths add up to {@link VideoInfo.frameCount}.
   */
  segments: FrameSegment[];
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
  /**
   * The video stream's bitrate in bit/s as the container states it (ffprobe's stream
   * `bit_rate`: for MP4 the track's bytes over its duration); absent when the container states
   * none (Matroska/WebM). Read by `platform-fit` (artifacts/platform_fit.ts).
   */
  bitRate?: number;
  /** The codec profile as ffprobe names it (`High`, `Main`, `Constrained Baseline`); absent when none. */
  profile?: string;
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
   * counts over-count streams cut inside a GOP, so the count is taken from the decoder. Only
   * the accepted containers are opened (media/input_formats.ts: no playlists, concat lists or
   * image sequences), and a video over `options.limits` is refused. The native backend remembers
   * the probe of a file that has not changed since (same real path, limits and file version:
   * media/_probe_memo.ts) for the life of the process, and gives a copy of it again.
   * @throws {FfmpegError} for a missing, unreadable, non-video or zero-frame file, a file that
   *   is not an accepted container, or a video over the frame limits; the message names the file.
   */
  probe(path: string, options?: ProbeOptions): Promise<VideoInfo>;
  /** Releases the backend (terminates the wasm worker). Idempotent. */
  close(): Promise<void>;
}

/** Options of `openFfmpeg` (media/ffmpeg.ts). */
export interface OpenFfmpegOptions {
  /**
   * Stops the handle's work when it aborts (util/interrupt.ts gives one for SIGINT/SIGTERM):
   * native children are killed and their outputs removed, wasm workers are terminated; running
   * and later jobs reject.
   */
  signal?: AbortSignal;
}
