/**
 * Distort throughput: dfrobust's split graph (decode once, `split=N`, N encoders in one ffmpeg)
 * against a naive loop (one ffmpeg per operation, one after another), in the same run on the same
 * clips: a generated 2 s 720p clip (testsrc2 + noise) and the first 120 frames of the shared real
 * clip (640x360; re-encoded at CRF 18 so the bench stays within ~3 minutes on 2 cores). Also the
 * CPU-bound limit and ffmpeg.wasm against native ffmpeg (60 frames, two operations), and each
 * family beyond the paper (codecs, bitrates, enhancement, platform) over its whole ladder on the
 * 60-frame real clip, split graph against the naive loop. `--families a,b` runs only that table,
 * for the families named (`deno task bench distort --families framerate,freeze,jitter`).
 *
 * CPU-bound limit: the naive runs' encoders need C CPU-seconds in total (user + system time of
 * the ffmpeg children, read from `cutime + cstime` in /proc/self/stat, which the kernel adds up
 * for every child that was waited for; clock ticks of 1/100 s, Linux's USER_HZ). No schedule can
 * finish faster than C / cores, so `wall / limit` says how far from perfect use of the machine a
 * run is (1.0 = every core busy all the time).
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_FLAGS } from "./_bench_args.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { splitGraphArgs } from "../artifacts/split_graph.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { selectOperations } from "../ops/select.ts";
import { cpuSeconds } from "./_cpu.ts";
import { FIXTURES, requireFixtures } from "../tests/_fixtures.ts";

const SHARED_CLIP = join(FIXTURES, "video/short_hamilton_clip.mp4");
/** CPU seconds of this process's finished children (the ffmpeg runs) so far. */
function childCpuSeconds(): number {
  return cpuSeconds().children;
}

interface Timing {
  wall: number;
  cpu: number;
}

async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const cpu = childCpuSeconds();
  const start = performance.now();
  await fn();
  return { wall: (performance.now() - start) / 1000, cpu: childCpuSeconds() - cpu };
}

async function naiveLoop(ffmpeg: Ffmpeg, clip: string, dir: string, ops: string): Promise<void> {
  const instances = (await selectOperations(ops)).filter((op) => op.category !== "unaltered");
  const info = await ffmpeg.probe(clip);
  for (const op of instances) {
    const out = join(dir, `${op.id}.mp4`);
    await ffmpeg.run({
      args: splitGraphArgs(clip, [{ op, path: out }], { profile: "paper", info }),
      inputs: [clip],
      outputs: [out],
    });
  }
}

/** The families beyond the paper, each benchmarked over its whole ladder. */
const NEW_FAMILIES = [
  "h265",
  "vp9",
  "av1",
  "mpeg4",
  "bitrate",
  "sharpen",
  "denoise",
  "blur",
  "upscale",
  "gamma",
  "saturation",
  "platform_yt",
  "platform_fb",
  "messenger_like",
  "framerate",
  "freeze",
  "jitter",
];

// Inputs are encoded near-losslessly (CRF 18), like clean test videos.
const CLEAN_H264 = ["-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", "-f", "mp4"];

async function dfrobust(
  ffmpeg: Ffmpeg,
  manifest: string,
  out: string,
  ops: string,
  quality = false,
) {
  // The manifest links to a fixture outside its folder (docs/security.md).
  const summary = await distortDataset(manifest, {
    out,
    ops,
    ffmpeg,
    jobs: 1,
    force: true,
    allowOutsideLinks: true,
    // The tables below time making copies; quality measurement has its own table.
    quality,
  });
  if (summary.failures > 0) throw new Error(`distort failed: ${JSON.stringify(summary.copies)}`);
}

/**
 * Quality measurement (issue 23): distort with it against distort without, on the real clip
 * (paper operations), alternating so that load changes hit both alike; ratios of the summed
 * wall times and of the ffmpeg children's CPU seconds (which other work on the machine does not
 * change).
 */
export async function qualityTable(native: Ffmpeg, clip: string, dir: string): Promise<void> {
  console.log(
    "\nquality measurement (PSNR/SSIM/bitrate per copy), real 640x360 clip (120 frames), " +
      "paper operations",
  );
  console.log(
    "| repeat | without s | with s | with / without | without CPU s | with CPU s | " +
      "CPU with / without |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  const work = await Deno.makeTempDir({ dir });
  await Deno.symlink(clip, join(work, "clip.mp4"));
  const manifest = join(work, "manifest.csv");
  await Deno.writeTextFile(manifest, "id,path,label\nclip,clip.mp4,0\n");
  const sum = { wall: [0, 0], cpu: [0, 0] };
  const row = (k: string, a: Timing, b: Timing) =>
    console.log(
      `| ${k} | ${a.wall.toFixed(2)} | ${b.wall.toFixed(2)} | ${(b.wall / a.wall).toFixed(2)}x | ` +
        `${a.cpu.toFixed(2)} | ${b.cpu.toFixed(2)} | ${(b.cpu / a.cpu).toFixed(2)}x |`,
    );
  for (let k = 1; k <= 3; k++) {
    const a = await timed(() => dfrobust(native, manifest, join(work, "a"), "paper", false));
    const b = await timed(() => dfrobust(native, manifest, join(work, "b"), "paper", true));
    sum.wall = [sum.wall[0] + a.wall, sum.wall[1] + b.wall];
    sum.cpu = [sum.cpu[0] + a.cpu, sum.cpu[1] + b.cpu];
    row(String(k), a, b);
  }
  row("all", { wall: sum.wall[0], cpu: sum.cpu[0] }, { wall: sum.wall[1], cpu: sum.cpu[1] });
}

/** Runs the benchmark and prints the tables (`--families a,b`: only those families' rows). */
export async function run(args: string[] = []): Promise<void> {
  const { values } = parseArgs({ args, options: BENCH_FLAGS.distort });
  const only = values.families?.split(",").map((f) => f.trim()).filter((f) => f !== "");
  requireFixtures("video", "The distort benchmark");
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_distort_bench_" });
  const native = await openFfmpeg("native");
  const cores = navigator.hardwareConcurrency;
  try {
    const synthetic = join(dir, "synthetic_720p.mp4");
    await native.run({
      args: [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=1280x720:r=25:d=2",
        "-vf",
        "noise=alls=8:allf=t:all_seed=1",
        ...CLEAN_H264,
        `file:${synthetic}`,
      ],
      inputs: [],
      outputs: [synthetic],
    });
    const real = join(dir, "real_120.mp4");
    const realShort = join(dir, "real_60.mp4");
    for (const [path, frames] of [[real, 120], [realShort, 60]] as const) {
      await native.run({
        args: [
          "-i",
          `file:${SHARED_CLIP}`,
          "-frames:v",
          String(frames),
          "-an",
          ...CLEAN_H264,
          `file:${path}`,
        ],
        inputs: [SHARED_CLIP],
        outputs: [path],
      });
    }
    const clips = [
      { name: "720p testsrc2, 50 frames", path: synthetic },
      { name: "real 640x360, 120 frames", path: real },
    ];
    const paper = "paper";
    if (only === undefined) {
      // Other work on the machine inflates wall times but not CPU times: print the load so a
      // reader can tell a busy machine from a slow method.
      // Deno.loadavg() needs only --allow-sys; reading /proc/loadavg needs --allow-all.
      const load = Deno.loadavg()[0].toFixed(2);
      console.log(
        `distort: the paper's 12 operations (profile paper), ${cores} cores (load ${load}), ` +
          `native ffmpeg ${(await native.build()).ffmpegVersion}`,
      );
      console.log(
        "| clip | dfrobust split s | naive loop s | naive / dfrobust | dfrobust CPU s | naive CPU s | " +
          "CPU limit s | dfrobust / limit |",
      );
      console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
      for (const clip of clips) {
        const work = await Deno.makeTempDir({ dir });
        await Deno.symlink(clip.path, join(work, "clip.mp4"));
        const manifest = join(work, "manifest.csv");
        await Deno.writeTextFile(manifest, "id,path,label\nclip,clip.mp4,0\n");
        const naive = await timed(() => naiveLoop(native, clip.path, work, paper));
        const split = await timed(() => dfrobust(native, manifest, join(work, "out"), paper));
        const limit = naive.cpu / cores;
        console.log(
          `| ${clip.name} | ${split.wall.toFixed(1)} | ${naive.wall.toFixed(1)} | ` +
            `${(naive.wall / split.wall).toFixed(2)}x | ${split.cpu.toFixed(1)} | ` +
            `${naive.cpu.toFixed(1)} | ` +
            `${limit.toFixed(1)} | ${(split.wall / limit).toFixed(2)} |`,
        );
      }
      await qualityTable(native, real, dir);
    }

    // The families beyond the paper (docs/operations.md, issue 26): each family's whole ladder
    // on the 60-frame real clip, split graph against the naive loop.
    console.log(
      "\nfamilies beyond the paper, whole ladders, real 640x360 clip (60 frames), profile paper " +
        `(load ${Deno.loadavg()[0].toFixed(2)})`,
    );
    console.log("| family | levels | dfrobust split s | naive loop s | naive / dfrobust |");
    console.log("| --- | --- | --- | --- | --- |");
    for (const family of only ?? NEW_FAMILIES) {
      const work = await Deno.makeTempDir({ dir });
      await Deno.symlink(realShort, join(work, "clip.mp4"));
      const manifest = join(work, "manifest.csv");
      await Deno.writeTextFile(manifest, "id,path,label\nclip,clip.mp4,0\n");
      const levels = (await selectOperations(family)).length;
      const naive = await timed(() => naiveLoop(native, realShort, work, family));
      const split = await timed(() => dfrobust(native, manifest, join(work, "out"), family));
      console.log(
        `| ${family} | ${levels} | ${split.wall.toFixed(1)} | ${naive.wall.toFixed(1)} | ` +
          `${(naive.wall / split.wall).toFixed(2)}x |`,
      );
    }

    if (only !== undefined) return;
    const wasm = await openFfmpeg("wasm");
    try {
      const ops = "hflip,h264_crf40";
      const work = await Deno.makeTempDir({ dir });
      await Deno.symlink(realShort, join(work, "clip.mp4"));
      const manifest = join(work, "manifest.csv");
      await Deno.writeTextFile(manifest, "id,path,label\nclip,clip.mp4,0\n");
      const n = await timed(() => dfrobust(native, manifest, join(work, "native"), ops));
      const w = await timed(() => dfrobust(wasm, manifest, join(work, "wasm"), ops));
      console.log(`\nbackends on the real clip (60 frames), ${ops} (profile paper)`);
      console.log("| backend | wall s | wasm / native |");
      console.log("| --- | --- | --- |");
      console.log(`| native | ${n.wall.toFixed(1)} | 1.00x |`);
      console.log(`| wasm | ${w.wall.toFixed(1)} | ${(w.wall / n.wall).toFixed(2)}x |`);
    } finally {
      await wasm.close();
    }
  } finally {
    await native.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await run();
