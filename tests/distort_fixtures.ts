/**
 * Helpers for the distort and ops suites: tiny generated clips (lavfi testsrc2 through the real
 * ffmpeg), decoding to planar yuv420p, dataset manifests in temporary folders, and one clip
 * distorted into copies.
 * @module
 */
import { join } from "node:path";
import type { Ffmpeg } from "../media/ffmpeg.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { type CopyManifest, readCopyManifest } from "../artifacts/copy_manifest.ts";
import { selectOperations } from "../ops/select.ts";

/** Options of {@link makeClip}. */
export interface MakeClipOptions {
  width?: number;
  height?: number;
  frames?: number;
  fps?: number;
  /** Also write a sine audio track (distort must drop it). */
  audio?: boolean;
}

/** Writes a small H.264 yuv420p mp4 of testsrc2 (moving, colourful) at `path`. */
export async function makeClip(ffmpeg: Ffmpeg, path: string, options: MakeClipOptions = {}) {
  const { width = 96, height = 64, frames = 12, fps = 25, audio = false } = options;
  const args = ["-f", "lavfi", "-i", `testsrc2=s=${width}x${height}:r=${fps}`];
  if (audio) args.push("-f", "lavfi", "-i", "sine=f=440:r=8000");
  args.push("-frames:v", String(frames), "-c:v", "libx264", "-crf", "10", "-pix_fmt", "yuv420p");
  if (audio) args.push("-c:a", "aac", "-shortest");
  args.push("-f", "mp4", `file:${path}`);
  await ffmpeg.run({ args, inputs: [], outputs: [path] });
}

/** One decoded frame as yuv420p planes. */
export interface YuvFrame {
  width: number;
  height: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

/** Decodes every frame of `path` to yuv420p (the size must be even). */
export async function decodeYuv(ffmpeg: Ffmpeg, path: string): Promise<YuvFrame[]> {
  const info = await ffmpeg.probe(path);
  const { width, height } = info;
  const { stdout } = await ffmpeg.run({
    args: ["-i", `file:${path}`, "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"],
    inputs: [path],
    outputs: [],
    captureStdout: true,
  });
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  const frameSize = ySize + 2 * cSize;
  const frames: YuvFrame[] = [];
  for (let at = 0; at + frameSize <= stdout.length; at += frameSize) {
    frames.push({
      width,
      height,
      y: stdout.subarray(at, at + ySize),
      u: stdout.subarray(at + ySize, at + ySize + cSize),
      v: stdout.subarray(at + ySize + cSize, at + frameSize),
    });
  }
  return frames;
}

/** Mean of a plane. */
export function mean(plane: Uint8Array): number {
  let sum = 0;
  for (const value of plane) sum += value;
  return sum / plane.length;
}

/** PSNR (dB) between two equally sized byte arrays; Infinity when equal. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10(255 * 255 / mse);
}

/** Writes `manifest.csv` in `dir` with rows `[id, path, label]`; returns its path. */
export async function writeManifest(dir: string, rows: [string, string, 0 | 1][]): Promise<string> {
  const quote = (s: string) =>
    /[",\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  const path = join(dir, "manifest.csv");
  await Deno.writeTextFile(
    path,
    ["id,path,label", ...rows.map((r) => r.map((c) => quote(String(c))).join(","))].join("\n") +
      "\n",
  );
  return path;
}

/** Every file below `dir` (recursively), as paths joined onto `dir`, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...await filesUnder(path));
    else out.push(path);
  }
  return out.sort();
}

/** A finished copy as readers take it: its operation, folder and manifest. */
export interface ClipCopy {
  opId: string;
  dir: string;
  manifest: CopyManifest;
}

/**
 * Distorts the one clip `a.mp4` in `dir` (made here: `clip` options) with `ops` into
 * `<dir>/copies`, native or wasm `ffmpeg`, without copy quality; returns every copy with its
 * manifest, in the order of `ops`.
 */
export async function distortClip(
  ffmpeg: Ffmpeg,
  dir: string,
  ops: string,
  clip: MakeClipOptions,
): Promise<ClipCopy[]> {
  await makeClip(ffmpeg, join(dir, "a.mp4"), clip);
  const csv = await writeManifest(dir, [["a", "a.mp4", 1]]);
  const summary = await distortDataset(csv, {
    out: join(dir, "copies"),
    ops: await selectOperations(ops, { severity: "all" }),
    ffmpeg,
    jobs: 1,
    quality: false,
  });
  return await Promise.all(summary.copies.map(async (c) => ({
    opId: c.opId,
    dir: c.copyDir,
    manifest: (await readCopyManifest(c.copyDir))!,
  })));
}
