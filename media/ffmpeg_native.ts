/**
 * The native ffmpeg backend: the system's `ffmpeg` and `ffprobe`, spawned with `Deno.Command`
 * and argv arrays (never a shell), so paths with spaces, quotes or unicode pass through as-is.
 * With an AbortSignal, every child still running when it aborts is killed (SIGKILL: its outputs
 * are temporary files that are thrown away anyway), the job's outputs are removed, and the job
 * rejects with the signal's reason; jobs started after the abort reject at once.
 * Use {@link openFfmpeg} from `media/ffmpeg.ts` rather than this file.
 * @module
 */
import { dirname, isAbsolute } from "node:path";
import type {
  Ffmpeg,
  FfmpegBuild,
  FfmpegJob,
  FfmpegResult,
  ProbeOptions,
  VideoInfo,
} from "./ffmpeg_types.ts";
import { FfmpegError } from "./ffmpeg_error.ts";
import { _GLOBAL_ARGS, _jobError, _reasonFromLog, _tail, _x264FromStream } from "./_backend.ts";
import { _probeArgs, _probeLogRefusal, _videoInfoFromProbe } from "./_probe.ts";
import { frameLimits } from "./frame_limits.ts";
import { _probeKey, _recalledProbe, _rememberProbe } from "./_probe_memo.ts";
import { commandOnPath } from "../util/command_on_path.ts";

let available: Promise<boolean> | undefined;
/** What `ffmpeg -hide_banner -version` printed, or null when it does not run (once per process). */
let versionText: Promise<string | null> | undefined;
/** The build facts (once per process: the ffmpeg on PATH does not change under a run). */
let buildFacts: Promise<FfmpegBuild> | undefined;

/**
 * True when native `ffmpeg` and `ffprobe` both are there (checked once per process): each an
 * executable file on PATH, or, where PATH cannot be read, a command that runs (`-version`;
 * ffmpeg's version text is kept for {@link FfmpegBuild}). False, without a permission prompt,
 * when the process may not run them (`--allow-run=ffmpeg,ffprobe` missing).
 */
export function probeNativeAvailable(): Promise<boolean> {
  available ??= Promise.all([
    runsOrOnPath("ffmpeg", async () => await ffmpegVersionText() !== null),
    runsOrOnPath("ffprobe", () => runs("ffprobe")),
  ]).then(([a, b]) => a && b);
  return available;
}

/**
 * True when `command` may be run and is an executable file on PATH (util/command_on_path.ts: no
 * process started); otherwise what `run` says (it starts the command). A broken install found on
 * PATH then fails its first job with an error naming the file, rather than switching backends.
 */
async function runsOrOnPath(command: string, run: () => Promise<boolean>): Promise<boolean> {
  if (await mayRun(command) && commandOnPath(command) === true) return true;
  return await run();
}

/** Options of {@link openNativeFfmpeg}. */
export interface NativeFfmpegOptions {
  /** Kills the handle's running children and refuses new jobs when it aborts. */
  signal?: AbortSignal;
}

/** Opens the native backend (no check that ffmpeg is installed: see {@link probeNativeAvailable}). */
export function openNativeFfmpeg(options: NativeFfmpegOptions = {}): Ffmpeg {
  const signal = options.signal;
  return {
    backend: "native",
    build: () => buildFacts ??= nativeBuild(),
    run: (job) => runJob(job, signal),
    probe: (path, options) => probeFile(path, options, signal),
    close: () => Promise.resolve(),
  };
}

function ffmpegVersionText(): Promise<string | null> {
  versionText ??= (async () => {
    if (!await mayRun("ffmpeg")) return null;
    try {
      const { code, stdout } = await spawn(["ffmpeg", "-hide_banner", "-version"], undefined, true);
      return code === 0 ? new TextDecoder().decode(stdout) : null;
    } catch {
      return null;
    }
  })();
  return versionText;
}

/** Whether this process may run `command`, asked without a prompt. */
async function mayRun(command: string): Promise<boolean> {
  // Without run permission, Deno would prompt on a terminal: treat the command as absent instead.
  const permission = await Deno.permissions.query({ name: "run", command });
  return permission.state === "granted";
}

async function runs(command: string): Promise<boolean> {
  if (!await mayRun(command)) return false;
  try {
    const { success } = await new Deno.Command(command, {
      args: ["-version"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

async function runJob(job: FfmpegJob, signal?: AbortSignal): Promise<FfmpegResult> {
  signal?.throwIfAborted();
  for (const path of [...job.inputs, ...job.outputs]) {
    if (!isAbsolute(path)) {
      // A relative path could start with "-" and be read as an option.
      throw new Error(`ffmpeg job paths must be absolute, got "${path}"`);
    }
  }
  // As the wasm backend does when it copies outputs back: a missing folder is created.
  for (const output of job.outputs) await Deno.mkdir(dirname(output), { recursive: true });
  const argv = ["ffmpeg", ..._GLOBAL_ARGS, ...job.args];
  let spawned: Spawned;
  try {
    const capture = job.captureStdout ? job.stdoutInto ?? true : false;
    spawned = await spawn(argv, job.stdin, capture, signal);
  } catch (error) {
    // Killed on abort: what it wrote is half a file.
    if (signal?.aborted) {
      for (const output of job.outputs) await Deno.remove(output).catch(() => {});
    }
    throw error;
  }
  const { code, stdout, stderr } = spawned;
  if (code !== 0) throw _jobError(job, code, stderr);
  return { stdout, stderr, argv };
}

async function probeFile(
  path: string,
  options: ProbeOptions = {},
  signal?: AbortSignal,
): Promise<VideoInfo> {
  signal?.throwIfAborted();
  const limits = frameLimits(options.limits);
  const absolute = await Deno.realPath(path).catch((cause) => {
    throw new FfmpegError(
      path,
      cause instanceof Deno.errors.NotFound ? "no such file" : String(cause),
      {
        action: "probe",
        cause,
      },
    );
  });
  // Taken before the stat: a file that had settled then gets a later ctime from any later write.
  const startedAt = Date.now();
  const stat = await Deno.stat(absolute);
  if (!stat.isFile) throw new FfmpegError(path, "not a regular file", { action: "probe" });
  const key = _probeKey(absolute, stat, limits);
  const recalled = key === null ? undefined : _recalledProbe(key);
  if (recalled !== undefined) return recalled;
  // The file: prefix stops ffprobe reading a ':' in the name as a protocol separator.
  const { code, stdout, stderr } = await spawn(
    ["ffprobe", ..._probeArgs(`file:${absolute}`, limits)],
    undefined,
    true,
    signal,
  );
  // A refused format or an oversized frame, also when ffprobe went on and exited 0.
  const refusal = _probeLogRefusal(path, stderr, limits);
  if (refusal) throw refusal;
  if (code !== 0) {
    const reason = _reasonFromLog(stderr, [absolute]);
    throw new FfmpegError(path, `ffprobe exited with code ${code}${reason ? ` (${reason})` : ""}`, {
      exitCode: code,
      stderrTail: _tail(stderr),
      action: "probe",
    });
  }
  const info = _videoInfoFromProbe(path, new TextDecoder().decode(stdout), limits);
  if (key !== null) {
    const after = await Deno.stat(absolute).then((s) => _probeKey(absolute, s, limits), () => null);
    _rememberProbe(key, stat, startedAt, after, info);
  }
  return info;
}

async function nativeBuild(): Promise<FfmpegBuild> {
  const text = await ffmpegVersionText();
  if (text === null) {
    // Not cached: a later call tries again.
    buildFacts = undefined;
    versionText = undefined;
    throw new Error("ffmpeg -version does not run");
  }
  const version = /ffmpeg version (\S+)/.exec(text)?.[1] ?? "unknown";
  const configuration = /configuration: (.*)/.exec(text)?.[1]?.trim() ?? "";
  const libx264 = configuration.includes("--enable-libx264") ? await x264Build() : undefined;
  return { backend: "native", ffmpegVersion: version, libx264, configuration };
}

/** Encodes one tiny frame and reads the x264 version from the SEI it writes into the stream. */
async function x264Build(): Promise<string | undefined> {
  const { code, stdout } = await spawn(
    [
      "ffmpeg",
      ..._GLOBAL_ARGS,
      "-f",
      "lavfi",
      "-i",
      "color=black:s=16x16:d=0.04",
      "-frames:v",
      "1",
      "-c:v",
      "libx264",
      "-f",
      "h264",
      "pipe:1",
    ],
    undefined,
    true,
  );
  if (code !== 0) return undefined;
  return _x264FromStream(stdout);
}

interface Spawned {
  code: number;
  stdout: Uint8Array;
  stderr: string;
}

/**
 * Runs one child to its end; with `signal`, kills it on abort and rejects with the reason.
 * `captureStdout` as an ArrayBuffer: stdout is read into that memory (see `FfmpegJob.stdoutInto`).
 */
async function spawn(
  argv: string[],
  stdin: Uint8Array | undefined,
  captureStdout: boolean | ArrayBuffer,
  signal?: AbortSignal,
): Promise<Spawned> {
  signal?.throwIfAborted();
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: stdin ? "piped" : "null",
    stdout: captureStdout ? "piped" : "null",
    stderr: "piped",
  }).spawn();
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // It has exited already.
    }
  };
  signal?.addEventListener("abort", kill, { once: true });
  // Feed stdin while the output is drained, or a large frame stream would deadlock on full pipes.
  const feeding = stdin ? feed(child.stdin, stdin) : Promise.resolve();
  let output: { code: number; stdout: Uint8Array; stderr: Uint8Array };
  try {
    if (captureStdout instanceof ArrayBuffer) {
      const [status, stdout, stderr] = await Promise.all([
        child.status,
        readInto(child.stdout, captureStdout),
        new Response(child.stderr).bytes(),
        feeding,
      ]);
      output = { code: status.code, stdout, stderr };
    } else {
      [output] = await Promise.all([child.output(), feeding]);
    }
  } finally {
    signal?.removeEventListener("abort", kill);
  }
  signal?.throwIfAborted();
  return {
    code: output.code,
    stdout: captureStdout ? output.stdout : new Uint8Array(),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/**
 * Reads `stream` to its end into `into`'s memory (which is detached: the bytes come back as a
 * view of the same memory), then, if more comes than it holds, into a fresh array.
 */
async function readInto(
  stream: ReadableStream<Uint8Array>,
  into: ArrayBuffer,
): Promise<Uint8Array> {
  const reader = stream.getReader({ mode: "byob" });
  let buffer = into;
  let length = 0;
  const more: Uint8Array[] = [];
  try {
    while (length < buffer.byteLength) {
      const { value, done } = await reader.read(
        new Uint8Array(buffer, length, buffer.byteLength - length),
      );
      // The memory moves with each read: the view that comes back holds it (also when done).
      if (value) buffer = value.buffer as ArrayBuffer;
      if (done) return new Uint8Array(buffer, 0, length);
      length += value!.byteLength;
    }
    while (true) {
      const { value, done } = await reader.read(new Uint8Array(1 << 16));
      if (done) break;
      more.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (more.length === 0) return new Uint8Array(buffer, 0, length);
  const whole = new Uint8Array(length + more.reduce((n, chunk) => n + chunk.byteLength, 0));
  whole.set(new Uint8Array(buffer, 0, length));
  let offset = length;
  for (const chunk of more) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

async function feed(stream: WritableStream<Uint8Array>, data: Uint8Array): Promise<void> {
  const writer = stream.getWriter();
  try {
    await writer.write(data);
    await writer.close();
  } catch {
    // ffmpeg closed its stdin early (it failed, or needed fewer frames): its exit code says why.
  }
}
