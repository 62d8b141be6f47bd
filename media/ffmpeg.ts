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
import { openNativeFfmpeg, probeNativeAvailable } from "./ffmpeg_native.ts";
import type { Ffmpeg, OpenFfmpegOptions } from "./ffmpeg_types.ts";

export type {
  Ffmpeg,
  FfmpegBuild,
  FfmpegJob,
  FfmpegResult,
  FrameSegment,
  OpenFfmpegOptions,
  ProbeOptions,
  VideoInfo,
} from "./ffmpeg_types.ts";
export { FfmpegError, type FfmpegErrorOptions } from "./ffmpeg_error.ts";

/** Which ffmpeg to use: `auto` = native when `ffmpeg` and `ffprobe` run, else wasm. */
export type BackendChoice = "auto" | "native" | "wasm";

/** Every {@link BackendChoice}, `auto` first (what `--backend` takes). */
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "native", "wasm"];

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
