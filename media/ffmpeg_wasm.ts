/**
 * The ffmpeg.wasm backend: `@ffmpeg/ffmpeg` 0.12 driving `@ffmpeg/core` (ffmpeg 5.1 compiled to
 * WebAssembly, single thread) in a module worker. No install needed beyond the npm packages, but
 * 4-7x slower than native ffmpeg and every input is held in memory (wasm heap at most 2 GiB).
 * Use {@link openFfmpeg} from `media/ffmpeg.ts` rather than this file.
 *
 * How the packages are found: `@ffmpeg/ffmpeg`'s `node` export is an empty module that throws,
 * and Deno resolves npm packages with the `node` condition. The seam (deps/ffmpeg_wasm.ts) makes
 * Deno install both packages and gives their file URLs; the real browser build is then imported
 * by file URL, and the core is handed over as file URLs.
 * @module
 */
import { FFMPEG_WASM_URLS } from "../deps/ffmpeg_wasm.ts";
import { basename, isAbsolute } from "node:path";
import { atomicWriteFile } from "../util/atomic.ts";
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
import { frameLimits, oversizeFromLog } from "./frame_limits.ts";
import { refusedFormatFromLog } from "./input_formats.ts";

/** The parts of `@ffmpeg/ffmpeg`'s FFmpeg class this backend uses. */
interface WasmFfmpeg {
  on(event: "log", callback: (event: { type: string; message: string }) => void): void;
  load(config: { coreURL: string; wasmURL: string }): Promise<boolean>;
  exec(args: string[]): Promise<number>;
  ffprobe(args: string[]): Promise<number>;
  writeFile(path: string, data: Uint8Array): Promise<boolean>;
  readFile(path: string): Promise<Uint8Array | string>;
  deleteFile(path: string): Promise<boolean>;
  createDir(path: string): Promise<boolean>;
  deleteDir(path: string): Promise<boolean>;
  terminate(): void;
}

const moduleUrl = FFMPEG_WASM_URLS.module;
const coreUrl = FFMPEG_WASM_URLS.core;
const wasmUrl = FFMPEG_WASM_URLS.wasm;

/**
 * Loads ffmpeg.wasm and returns a backend over `instances` module workers (default: one per
 * core, at most 4), each running one job at a time: ffmpeg.wasm is single-threaded, so a pool is
 * how it uses more than one core. Loading takes about 0.3 s per instance. Close it to stop the
 * workers, or the process stays alive.
 * @throws {Error} when the npm packages' files cannot be found.
 */
export async function openWasmFfmpeg(instances = defaultInstances()): Promise<Ffmpeg> {
  for (const url of [moduleUrl, coreUrl, wasmUrl]) {
    try {
      await Deno.stat(url);
    } catch (cause) {
      throw new Error(
        `ffmpeg.wasm is not installed: ${url.pathname} is missing. Reinstall the npm packages ` +
          `(${FFMPEG_WASM_URLS.versions.join(", ")}) or use native ffmpeg.`,
        { cause },
      );
    }
  }
  const backends = await Promise.all(
    Array.from({ length: Math.max(1, instances) }, async () => {
      const log: string[] = [];
      return new WasmBackend(await loadInstance(log), log);
    }),
  );
  return backends.length === 1 ? backends[0] : new WasmPool(backends);
}

function defaultInstances(): number {
  return Math.min(4, Math.max(1, navigator.hardwareConcurrency ?? 1));
}

/** Several single-instance backends behind one handle: each job goes to the least busy one. */
class WasmPool implements Ffmpeg {
  readonly backend = "wasm" as const;
  #members: { backend: WasmBackend; pending: number }[];

  constructor(backends: WasmBackend[]) {
    this.#members = backends.map((backend) => ({ backend, pending: 0 }));
  }

  build(): Promise<FfmpegBuild> {
    return this.#members[0].backend.build();
  }

  run(job: FfmpegJob): Promise<FfmpegResult> {
    return this.#dispatch((backend) => backend.run(job));
  }

  probe(path: string, options?: ProbeOptions): Promise<VideoInfo> {
    return this.#dispatch((backend) => backend.probe(path, options));
  }

  async close(): Promise<void> {
    await Promise.all(this.#members.map((m) => m.backend.close()));
  }

  async #dispatch<T>(task: (backend: WasmBackend) => Promise<T>): Promise<T> {
    const member = this.#members.reduce((a, b) => (b.pending < a.pending ? b : a));
    member.pending++;
    try {
      return await task(member.backend);
    } finally {
      member.pending--;
    }
  }
}

/** A loaded ffmpeg.wasm instance whose log lines are appended to `log`. */
async function loadInstance(log: string[]): Promise<WasmFfmpeg> {
  const { FFmpeg } = await import(moduleUrl.href) as { FFmpeg: new () => WasmFfmpeg };
  const instance = new FFmpeg();
  instance.on("log", ({ message }) => log.push(message));
  await instance.load({ coreURL: coreUrl.href, wasmURL: wasmUrl.href });
  return instance;
}

let jobCounter = 0;

/**
 * Jobs one instance runs before it is replaced by a fresh one. ffmpeg.wasm's heap does not
 * shrink between runs and fragments: after a few dozen encodes in one instance it fails with
 * "memory access out of bounds". A reload costs about 0.3 s.
 */
const JOBS_PER_INSTANCE = 12;

class WasmBackend implements Ffmpeg {
  readonly backend = "wasm" as const;
  #instance: WasmFfmpeg | undefined;
  #log: string[];
  #queue: Promise<unknown> = Promise.resolve();
  #build: Promise<FfmpegBuild> | undefined;
  #jobsOnInstance = 0;

  constructor(instance: WasmFfmpeg, log: string[]) {
    this.#instance = instance;
    this.#log = log;
  }

  build(): Promise<FfmpegBuild> {
    this.#build ??= this.#serial(() => this.#readBuild());
    return this.#build;
  }

  run(job: FfmpegJob): Promise<FfmpegResult> {
    return this.#serial(() => this.#onFreshEnoughInstance(() => this.#run(job)));
  }

  probe(path: string, options?: ProbeOptions): Promise<VideoInfo> {
    return this.#serial(() => this.#onFreshEnoughInstance(() => this.#probe(path, options)));
  }

  /**
   * Runs a job, recycling the instance every {@link JOBS_PER_INSTANCE} jobs; when the wasm
   * module itself crashes (anything but an ffmpeg error), the instance is replaced and the job
   * tried once more on the fresh one.
   */
  async #onFreshEnoughInstance<T>(task: () => Promise<T>): Promise<T> {
    if (this.#jobsOnInstance >= JOBS_PER_INSTANCE) await this.#reload();
    this.#jobsOnInstance++;
    try {
      return await task();
    } catch (error) {
      if (error instanceof FfmpegError || !this.#instance) throw error;
      await this.#reload();
      this.#jobsOnInstance++;
      return await task();
    }
  }

  async #reload(): Promise<void> {
    this.#ffmpeg().terminate();
    this.#instance = undefined;
    this.#instance = await loadInstance(this.#log);
    this.#jobsOnInstance = 0;
  }

  close(): Promise<void> {
    this.#instance?.terminate();
    this.#instance = undefined;
    return Promise.resolve();
  }

  /** One job at a time: the instance has one file system and one log. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task, task);
    this.#queue = next.catch(() => {});
    return next;
  }

  #ffmpeg(): WasmFfmpeg {
    if (!this.#instance) throw new Error("This ffmpeg.wasm backend was closed.");
    return this.#instance;
  }

  async #run(job: FfmpegJob): Promise<FfmpegResult> {
    const ffmpeg = this.#ffmpeg();
    const dir = `/job${++jobCounter}`;
    const written: string[] = [];
    await ffmpeg.createDir(dir);
    try {
      await refuseOversized(job);
      const mapping = new Map<string, string>();
      for (const [k, input] of job.inputs.entries()) {
        const memPath = memfsName(dir, k, input);
        await ffmpeg.writeFile(memPath, await readInput(input, job));
        written.push(memPath);
        mapping.set(input, memPath);
      }
      const outputs = job.outputs.map((output, k) => {
        if (!isAbsolute(output)) {
          throw new Error(`ffmpeg job paths must be absolute, got "${output}"`);
        }
        const memPath = memfsName(dir, job.inputs.length + k, output);
        mapping.set(output, memPath);
        return memPath;
      });
      if (job.stdin) {
        // writeFile detaches (transfers) the array it is given: hand over a copy.
        await ffmpeg.writeFile(`${dir}/stdin`, job.stdin.slice());
        written.push(`${dir}/stdin`);
      }
      const stdoutPath = `${dir}/stdout`;
      const args = job.args.map((arg) => {
        const bare = arg.startsWith("file:") ? arg.slice(5) : arg;
        if (mapping.has(bare)) return mapping.get(bare)!;
        if (arg === "pipe:0" && job.stdin) return `${dir}/stdin`;
        if ((arg === "pipe:1" || arg === "pipe:") && job.captureStdout) return stdoutPath;
        return arg;
      });
      const wasmArgv = ["ffmpeg", ..._GLOBAL_ARGS, ...args];
      this.#log.length = 0;
      const code = await ffmpeg.exec(wasmArgv.slice(1)).catch((error: unknown) => {
        // ffmpeg.wasm throws (rather than returns) when a decoder refuses a frame for
        // -max_pixels: that is ffmpeg's error like any other exit code (a crash is not, and is
        // retried on a fresh instance). The instance is replaced before its next job.
        this.#jobsOnInstance = JOBS_PER_INSTANCE;
        const log = this.#log.join("\n");
        if (oversizeFromLog(log) || refusedFormatFromLog(log)) return 1;
        throw error;
      });
      // Speak of the caller's files, not of the in-memory copies.
      let stderr = this.#log.filter((line) => line !== "Aborted()").join("\n");
      for (const [host, memPath] of mapping) stderr = stderr.replaceAll(memPath, host);
      const produced = [...outputs, ...(job.captureStdout ? [stdoutPath] : [])];
      written.push(...produced);
      if (code !== 0) throw _jobError(job, code, stderr);
      for (const [k, output] of job.outputs.entries()) {
        const data = await readMem(ffmpeg, outputs[k]);
        if (!data) throw _jobError(job, code, `${stderr}\nffmpeg.wasm wrote no output file`);
        await atomicWriteFile(output, data);
      }
      const stdout = job.captureStdout
        ? await readMem(ffmpeg, stdoutPath) ?? new Uint8Array()
        : new Uint8Array();
      return { stdout, stderr, argv: ["ffmpeg", ..._GLOBAL_ARGS, ...job.args], wasmArgv };
    } finally {
      await cleanUp(ffmpeg, dir, written);
    }
  }

  async #probe(path: string, options: ProbeOptions = {}): Promise<VideoInfo> {
    const ffmpeg = this.#ffmpeg();
    const limits = frameLimits(options.limits);
    const stat = await Deno.stat(path).catch((cause) => {
      throw new FfmpegError(
        path,
        cause instanceof Deno.errors.NotFound ? "no such file" : String(cause),
        { action: "probe", cause },
      );
    });
    if (!stat.isFile) throw new FfmpegError(path, "not a regular file", { action: "probe" });
    const data = await Deno.readFile(path);
    const dir = `/probe${++jobCounter}`;
    const input = memfsName(dir, 0, path);
    const report = `${dir}/probe.json`;
    await ffmpeg.createDir(dir);
    try {
      await ffmpeg.writeFile(input, data);
      this.#log.length = 0;
      // ffprobe under wasm returns -1 even on success: judge by the JSON it wrote and its log.
      let thrown: unknown = null;
      try {
        await ffmpeg.ffprobe([..._probeArgs(input, limits), "-o", report]);
      } catch (error) {
        // ffprobe.wasm throws (rather than returns) when a decoder refuses a frame for
        // -max_pixels: its log says why. The instance is replaced before its next job.
        thrown = error;
        this.#jobsOnInstance = JOBS_PER_INSTANCE;
      }
      // Speak of the caller's file, not of the in-memory copy.
      const log = this.#log.filter((line) => line !== "Aborted()").join("\n")
        .replaceAll(input, path);
      const refusal = _probeLogRefusal(path, log, limits);
      if (refusal) throw refusal;
      if (thrown !== null) throw thrown;
      const json = await readMem(ffmpeg, report);
      const text = json ? new TextDecoder().decode(json) : "";
      const streams = text ? (JSON.parse(text).streams ?? []) : [];
      if (streams.length === 0 && log.trim() !== "") {
        const reason = _reasonFromLog(log, [path]);
        throw new FfmpegError(path, `ffprobe (wasm) failed (${reason})`, {
          stderrTail: _tail(log),
          action: "probe",
        });
      }
      return _videoInfoFromProbe(path, text || "{}", limits);
    } finally {
      await cleanUp(ffmpeg, dir, [input, report]);
    }
  }

  async #readBuild(): Promise<FfmpegBuild> {
    const ffmpeg = this.#ffmpeg();
    // `-version` leaves an instance logging at debug level from then on (every later job
    // floods the log), so it runs on a throwaway instance.
    const versionLog: string[] = [];
    const scratch = await loadInstance(versionLog);
    try {
      await scratch.exec(["-hide_banner", "-version"]);
    } finally {
      scratch.terminate();
    }
    const text = versionLog.join("\n");
    const version = /ffmpeg version (\S+)/.exec(text)?.[1] ?? "unknown";
    const configuration = /configuration: (.*)/.exec(text)?.[1]?.trim() ?? "";
    let libx264: string | undefined;
    if (configuration.includes("--enable-libx264")) {
      const dir = `/build${++jobCounter}`;
      await ffmpeg.createDir(dir);
      const files = [`${dir}/black.rgb`, `${dir}/probe.h264`];
      await ffmpeg.writeFile(files[0], new Uint8Array(16 * 16 * 3));
      const code = await ffmpeg.exec([
        ..._GLOBAL_ARGS,
        ...["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "16x16", "-i", files[0]],
        ...["-c:v", "libx264", "-f", "h264", files[1]],
      ]);
      const stream = code === 0 ? await readMem(ffmpeg, files[1]) : undefined;
      libx264 = stream ? _x264FromStream(stream) : undefined;
      await cleanUp(ffmpeg, dir, files);
    }
    return {
      backend: "wasm",
      ffmpegVersion: version,
      libx264,
      configuration,
      packages: [...FFMPEG_WASM_URLS.versions],
    };
  }
}

/** Inputs over this many bytes in total do not fit ffmpeg.wasm's 2 GiB heap with room to work. */
const MAX_INPUT_BYTES = 1.5 * 2 ** 30;

async function refuseOversized(job: FfmpegJob): Promise<void> {
  let total = job.stdin?.length ?? 0;
  for (const input of job.inputs) total += await Deno.stat(input).then((s) => s.size, () => 0);
  if (total > MAX_INPUT_BYTES) {
    throw new FfmpegError(
      job.subject ?? job.inputs[0] ?? "(stdin)",
      `${(total / 2 ** 30).toFixed(2)} GiB of input does not fit ffmpeg.wasm's 2 GiB memory; ` +
        `install native ffmpeg for files this large`,
      { action: job.action },
    );
  }
}

async function readInput(path: string, job: FfmpegJob): Promise<Uint8Array> {
  if (!isAbsolute(path)) throw new Error(`ffmpeg job paths must be absolute, got "${path}"`);
  try {
    return await Deno.readFile(path);
  } catch (cause) {
    const reason = cause instanceof Deno.errors.NotFound ? "no such file" : String(cause);
    throw new FfmpegError(job.subject ?? path, reason, { action: job.action, cause });
  }
}

async function readMem(ffmpeg: WasmFfmpeg, path: string): Promise<Uint8Array | undefined> {
  try {
    const data = await ffmpeg.readFile(path);
    return typeof data === "string" ? new TextEncoder().encode(data) : data;
  } catch {
    return undefined;
  }
}

async function cleanUp(ffmpeg: WasmFfmpeg, dir: string, files: string[]): Promise<void> {
  // Free the in-memory copies: the wasm heap is capped at 2 GiB for the whole session.
  for (const file of files) await ffmpeg.deleteFile(file).catch(() => {});
  await ffmpeg.deleteDir(dir).catch(() => {});
}

/** The name ffmpeg.wasm gives a host file inside its memory file system (keeps the extension,
 * which ffmpeg uses to pick a muxer). */
function memfsName(dir: string, index: number, hostPath: string): string {
  const name = basename(hostPath);
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot).replace(/[^A-Za-z0-9.]/g, "") : "";
  return `${dir}/${index}${ext}`;
}
