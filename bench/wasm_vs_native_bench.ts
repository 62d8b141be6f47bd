/**
 * The media seam's two backends side by side, in the same run on the same inputs: opening the
 * backend, probing the shared real clip (640x360, 275 frames), sampling its 32 evenly spaced
 * frames (one ffmpeg run), and encoding 60 frames of 640x360 to H.264 (CRF 23, preset medium).
 * Each figure is the median of three runs after one warm-up run. Native times include process
 * start-up (about 0.1-0.2 s for Debian's ffmpeg, which loads many shared libraries); the wasm
 * instance is loaded once and reused, so short jobs can be faster under wasm.
 * @module
 */
import { join } from "node:path";
import { type Ffmpeg, nativeFfmpegAvailable, openFfmpeg } from "../media/ffmpeg.ts";
import { encodeFrames } from "../media/encode.ts";
import { sampleFrames } from "../media/frames.ts";
import { FIXTURES, requireFixtures } from "../tests/_fixtures.ts";

const CLIP = join(FIXTURES, "video/short_hamilton_clip.mp4");
const REPEATS = 3;

async function median(task: () => Promise<unknown>): Promise<number> {
  await task();
  const seconds: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await task();
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

async function measure(ffmpeg: Ffmpeg, dir: string): Promise<Record<string, number>> {
  const sampled = await sampleFrames(ffmpeg, CLIP, { count: 60 });
  const out = join(dir, `${ffmpeg.backend}.mp4`);
  return {
    "probe (count packets)": await median(() => ffmpeg.probe(CLIP)),
    "sample 32 frames": await median(() => sampleFrames(ffmpeg, CLIP)),
    "encode 60 frames, CRF 23": await median(() =>
      encodeFrames(ffmpeg, out, sampled.frames, { width: 640, height: 360, fps: 30, crf: 23 })
    ),
  };
}

/** Prints a table of seconds per task for native ffmpeg and ffmpeg.wasm, with their ratio. */
export async function run(): Promise<void> {
  requireFixtures("video", "The wasm vs native benchmark");
  if (!await nativeFfmpegAvailable()) {
    console.log("wasm_vs_native: native ffmpeg is not installed; nothing to compare against.");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_bench_media_" });
  try {
    const openNative = await median(async () => (await openFfmpeg("native")).close());
    const openWasm = await median(async () => (await openFfmpeg("wasm")).close());
    const native = await openFfmpeg("native");
    const wasm = await openFfmpeg("wasm");
    let rows: [string, number, number][];
    try {
      const n = await measure(native, dir);
      const w = await measure(wasm, dir);
      rows = [
        ["open backend", openNative, openWasm],
        ...Object.keys(n).map((k) => [k, n[k], w[k]] as [string, number, number]),
      ];
    } finally {
      await wasm.close();
      await native.close();
    }
    console.log("media backends on the shared clip (seconds, median of 3)");
    console.log("| task | native s | wasm s | wasm / native |");
    console.log("| --- | --- | --- | --- |");
    for (const [task, n, w] of rows) {
      // Opening native ffmpeg spawns nothing (it takes microseconds): no meaningful ratio.
      const ratio = n >= 0.001 ? `${(w / n).toFixed(1)}x` : "n/a";
      console.log(`| ${task} | ${n.toFixed(3)} | ${w.toFixed(3)} | ${ratio} |`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await run();
