/**
 * Eval at the speed of the model: `deno task eval` end to end (the real CLI, spawned: its start,
 * model hashing and loading, ffmpeg decoding and colour conversion, face location, preprocessing,
 * inference, the store) against raw onnxruntime on the same frames, in one run, on the real
 * backbone: the shared EfficientNet-B4 (fixture `b4`, torchvision, 380x380, random weights)
 * under the `sbi` preset, 24 cuts of the real 640x360 clip x 32 frames, batch 8, 2 intra-op
 * threads. Face mode `full` (the whole frame is the face) against raw B4; face mode `ultraface`
 * against raw UltraFace (fixture `ultraface`, RFB-320) plus raw B4 on the faces it finds.
 *
 * Raw = onnxruntime's `run` alone, on the calling thread, over inputs built beforehand from the
 * very frames eval scores (same session options); warm (one batch first). That is the baseline
 * (one session, both threads); raw is also run as two one-thread sessions in workers, the
 * arrangement eval uses by default, so eval is compared with both. Eval reads a distort
 * copy (`--ops unaltered`: hard links and a manifest whose probes eval reuses), as in the
 * documented workflow. Best of interleaved rounds; CPU = this process's onnxruntime (raw) or the
 * whole CLI process tree (eval: `deno task`, the eval process, ffmpeg).
 *
 * The per-stage table splits eval's CPU per frame: the model's share is the raw runs' CPU per
 * item (two one-thread sessions), what the inference threads spent beyond it is a line of its
 * own, the rest comes from the eval's own timers (`--json` timings, eval/timings.ts) and, for
 * ffmpeg's start / decoding / colour conversion split, from three ffmpeg runs timed here.
 * `DFROBUST_BENCH_ROUNDS` sets the rounds (default 2); `DFROBUST_BENCH_SWEEP=1` adds eval runs
 * with other threads, sessions and prefetch, and the model on one thread (a core left to the
 * pipeline) against raw on one thread; `DFROBUST_BENCH_BEFORE=<checkout>` adds that checkout's
 * `deno task eval` (e.g. the code before a change) to every round.
 * @module
 */
import { join } from "node:path";
import { writeDatasetManifest } from "../dataset/manifest.ts";
import { itemLength, preprocessFaceSync } from "../detectors/preprocess.ts";
import { PRESETS } from "../detectors/presets.ts";
import { openDetector } from "../detectors/session.ts";
import * as ort from "../deps/onnxruntime.ts";
import type { FaceBox } from "../faces/box.ts";
import type { RgbFrame } from "../image/frame.ts";
import { selectFaces } from "../faces/select.ts";
import { openUltraFace, ultraFaceInput } from "../faces/ultraface.ts";
import { cropBox } from "../detectors/preprocess.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { evenlySpacedIndices, sampleFrames } from "../media/frames.ts";
import type { EvalTimings } from "../eval/timings.ts";
import { childrenCpuMs, processCpuMs, threadCpuMs } from "../util/cpu_clock.ts";
import { FIXTURE_SOURCES, FIXTURES, requireFixtures } from "../tests/_fixtures.ts";

const CLIP = join(FIXTURES, "video/short_hamilton_clip.mp4");
const B4 = join(FIXTURES, FIXTURE_SOURCES.b4.dir, FIXTURE_SOURCES.b4.files[0]);
const ULTRAFACE = join(FIXTURES, "ultraface/version-RFB-320.onnx");
const VIDEOS = Number(Deno.env.get("DFROBUST_BENCH_VIDEOS") ?? 24);
const FRAMES = 32;
/** Seconds per cut: 32 samples out of ~120 frames. */
const CUT_SECONDS = 4;
const BATCH = 8;
const THREADS = 2;
const ROUNDS = Number(Deno.env.get("DFROBUST_BENCH_ROUNDS") ?? 2);
const SWEEP = Deno.env.get("DFROBUST_BENCH_SWEEP") === "1";
/** `DFROBUST_BENCH_BEFORE`: a checkout of dfrobust whose `deno task eval` runs too, each round. */
const BEFORE = Deno.env.get("DFROBUST_BENCH_BEFORE");
/** Eval arrangements of the sweep: [threads in all, sessions, prefetch]. */
const SWEEP_ARRANGEMENTS = [[2, 1, 2], [2, 2, 0], [2, 2, 4], [1, 1, 2]];
/** The detector: SBI's preset, whose backbone is this EfficientNet-B4 at 380x380. */
const SPEC = PRESETS.sbi;
const REPO = new URL("..", import.meta.url).pathname;

/** Wall and CPU milliseconds of one measured path. */
interface Cost {
  wallMs: number;
  cpuMs: number;
}

/** One round: each mode's raw and eval runs, next to each other. */
interface Round {
  /** 1-minute load average when the round began. */
  load: number;
  /** Raw B4 as one session with both threads (the baseline), and as two one-thread sessions. */
  full: { raw: Cost; raw2x1: Cost; eval: EvalRun };
  uf: { raw: Cost; eval: EvalRun };
  sweep: Record<string, Cost>;
}

/** One eval run: its cost, and what its `--json` summary said. */
interface EvalRun extends Cost {
  faces: number;
  timings: EvalTimings;
}

/** Runs the benchmark and prints its tables. */
export async function run(): Promise<void> {
  requireFixtures(["video", "b4", "ultraface"], "The eval benchmark");
  const load0 = Deno.loadavg();
  const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_bench_" });
  const ffmpeg = await openFfmpeg("native");
  try {
    // 24 cuts of the real clip as a dataset, and its `unaltered` copy, as eval reads data.
    await Deno.mkdir(join(tmp, "data", "videos"), { recursive: true });
    const entries = [];
    for (let v = 0; v < VIDEOS; v++) {
      const out = join(tmp, "data", "videos", `cut${v}.mp4`);
      await ffmpeg.run({
        args: ["-ss", ((v * 0.45) % 5).toFixed(2), "-i", CLIP, "-t", String(CUT_SECONDS), "-an"]
          .concat(["-c:v", "libx264", "-crf", "20", "-preset", "veryfast", out]),
        inputs: [CLIP],
        outputs: [out],
      });
      entries.push({ id: `cut${v}`, relativePath: `videos/cut${v}.mp4`, label: (v % 2) as 0 | 1 });
    }
    await writeDatasetManifest(join(tmp, "data", "dataset.csv"), entries);
    await cli(["distort", "--manifest", join(tmp, "data", "dataset.csv"), "--ops", "unaltered"]
      .concat(["--out", join(tmp, "copies")]));
    const paths = entries.map((e) => join(tmp, "data", e.relativePath));

    // The frames eval scores, decoded once; the raw inputs built from them.
    const frames: RgbFrame[] = [];
    for (const path of paths) {
      const sampled = await sampleFrames(ffmpeg, path, { count: FRAMES });
      for (const data of sampled.frames) {
        frames.push({ data: data.slice(), width: sampled.width, height: sampled.height });
      }
    }
    const inputs = inputBatches(frames.map((frame) => ({ frame, box: null })));
    const ultraInputs: Float32Array[] = [];
    const inputCpu0 = threadCpuMs();
    for (const frame of frames) ultraInputs.push(ultraFaceInput(frame, [240, 320]));
    const ultraInputMs = threadCpuMs() - inputCpu0;
    // The faces eval scores in ultraface mode: UltraFace's boxes, the preset's face rule.
    const detector = await openUltraFace(ULTRAFACE, { threads: THREADS });
    let faceCount = 0;
    for (const frame of frames) {
      const boxes = (await detector.detect(frame))
        .filter((box) => cropBox(box, frame.width, frame.height, SPEC.crop) !== null);
      faceCount += selectFaces(boxes, SPEC.faces, frame).length;
    }
    await detector.release();
    const ffmpegSplit = await ffmpegStages(paths.slice(0, 4));

    const evalArgs = (mode: "full" | "ultraface", store: string, extra: string[] = []) =>
      ["eval", "--detector", "sbi", "--model", B4, "--data", join(tmp, "copies")]
        .concat(["--store", join(tmp, store), "--faces", mode, "--batch", String(BATCH)])
        .concat(["--threads", String(THREADS), "--force", "--json"])
        .concat(mode === "ultraface" ? ["--face-model", ULTRAFACE] : [], extra);
    const cache = join(tmp, "cache");
    const total = frames.length;
    // Interleaved rounds, the order flipped every other round: load that comes and goes (other
    // people's work on a shared machine) hits raw and eval alike. Each eval run is compared with
    // the raw run next to it.
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const load = Deno.loadavg()[0];
      const pair = async (rawRun: () => Promise<Cost>, evalRun: () => Promise<EvalRun>) => {
        if (round % 2 === 0) {
          const raw = await rawRun();
          return { raw, eval: await evalRun() };
        }
        const evaluated = await evalRun();
        return { raw: await rawRun(), eval: evaluated };
      };
      const fullPair = await pair(
        () => rawB4(inputs),
        () => evalCli(evalArgs("full", "s_full"), cache),
      );
      const full = { ...fullPair, raw2x1: await rawB4(inputs, { sessions: 2 }) };
      const uf = await pair(
        () => rawUltraFace(ultraInputs),
        () => evalCli(evalArgs("ultraface", "s_uf"), cache),
      );
      const sweep: Record<string, Cost> = {};
      if (SWEEP) {
        // Other arrangements of eval (threads in all, sessions, prefetch), and the model on one
        // core with the other core left to the work around it (raw on one thread beside it).
        for (const [threads, sessions, prefetch] of SWEEP_ARRANGEMENTS) {
          const args = evalArgs("full", "s_sweep", ["--prefetch", String(prefetch)])
            .concat(["--sessions", String(sessions)]);
          args[args.indexOf("--threads") + 1] = String(threads);
          sweep[`eval: ${threads} thread(s) in ${sessions} session(s), prefetch ${prefetch}`] =
            await evalCli(args, cache);
        }
        sweep["raw: 1 thread"] = await rawB4(inputs, { threads: 1 });
      }
      if (BEFORE) {
        // Another checkout's eval (e.g. the code before a change) on the same copy, same flags.
        sweep[`eval full, ${BEFORE}`] = await evalCli(evalArgs("full", "s_before"), cache, BEFORE);
      }
      rounds.push({ load, full, uf, sweep });
    }
    const load1 = Deno.loadavg();

    for (const round of rounds) {
      if (round.full.eval.faces !== total) {
        throw new Error(`eval (full) scored ${round.full.eval.faces} faces, expected ${total}`);
      }
    }
    // Raw for ultraface mode: UltraFace on every frame, plus B4 on the faces eval scored (B4's
    // cost does not depend on the pixels: per item as on the full frames of the same round).
    const rawUf = (round: Round, b4: Cost = round.full.raw): Cost => {
      const perItem = (cost: number) => cost / total * round.uf.eval.faces;
      return {
        wallMs: round.uf.raw.wallMs + perItem(b4.wallMs),
        cpuMs: round.uf.raw.cpuMs + perItem(b4.cpuMs),
      };
    };
    const rawUf2x1 = (round: Round) => rawUf(round, round.full.raw2x1);
    const fps = (cost: Cost) => 1000 * total / cost.wallMs;
    console.log(
      `eval end to end vs raw onnxruntime: EfficientNet-B4 (torchvision, 380x380, random ` +
        `weights), preset sbi, batch ${BATCH}, ${THREADS} threads, ${VIDEOS} videos x ${FRAMES} ` +
        `frames (640x360 H.264, ${CUT_SECONDS} s cuts), ${ROUNDS} interleaved rounds; load ` +
        `average ${fmtLoad(load0)} before, ${fmtLoad(load1)} after ` +
        `(${navigator.hardwareConcurrency} CPUs)`,
    );
    console.log(
      "\nraw B4 = one session with both threads (the baseline); raw B4 2x1 = two one-thread " +
        "sessions, the arrangement eval uses by default (eval/parts.ts defaultSessions)",
    );
    console.log(
      "\n| round | load (1 min) | raw B4 frames/s | raw B4 2x1 | eval full frames/s | ratio | " +
        "ratio to 2x1 | raw UltraFace + B4 frames/s | eval ultraface frames/s | ratio |",
    );
    console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    const ratio = (raw: Cost, cost: Cost) => `${(raw.wallMs / cost.wallMs).toFixed(2)}x`;
    rounds.forEach((round, i) => {
      const uf = rawUf(round);
      console.log(
        `| ${i + 1} | ${round.load.toFixed(1)} | ${fps(round.full.raw).toFixed(2)} | ` +
          `${fps(round.full.raw2x1).toFixed(2)} | ${fps(round.full.eval).toFixed(2)} | ` +
          `${ratio(round.full.raw, round.full.eval)} | ` +
          `${ratio(round.full.raw2x1, round.full.eval)} | ` +
          `${fps(uf).toFixed(2)} | ${fps(round.uf.eval).toFixed(2)} | ` +
          `${ratio(uf, round.uf.eval)} |`,
      );
    });
    const best = <T extends Cost>(costs: T[]) =>
      costs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    };
    const bestRawB4 = best(rounds.map((r) => r.full.raw));
    const bestEvalFull = best(rounds.map((r) => r.full.eval));
    const bestRawB4x2 = best(rounds.map((r) => r.full.raw2x1));
    const bestRawUf = best(rounds.map((r) => rawUf(r)));
    const bestRawUf2x1 = best(rounds.map(rawUf2x1));
    const bestEvalUf = best(rounds.map((r) => r.uf.eval));
    const faces = rounds[0].uf.eval.faces;
    console.log(
      "\n| path | frames | faces | best wall s | frames/s | ratio to raw (best of each) | " +
        "median ratio of the rounds | ratio to raw 2x1 (best of each) | CPU ms/frame |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    const line = (
      name: string,
      n: number,
      cost: Cost,
      raws: { raw: Cost; medianRatio: number | null; raw2x1: Cost | null },
    ) =>
      console.log(
        `| ${name} | ${total} | ${n} | ${(cost.wallMs / 1000).toFixed(2)} | ` +
          `${fps(cost).toFixed(2)} | ${ratio(raws.raw, cost)} | ` +
          `${raws.medianRatio === null ? "" : `${raws.medianRatio.toFixed(2)}x`} | ` +
          `${raws.raw2x1 === null ? "" : ratio(raws.raw2x1, cost)} | ` +
          `${(cost.cpuMs / total).toFixed(1)} |`,
      );
    const alone = (raw: Cost) => ({ raw, medianRatio: null, raw2x1: null });
    line("raw onnxruntime, B4 (one session, 2 threads)", total, bestRawB4, alone(bestRawB4));
    line("raw onnxruntime, B4 (two sessions, 1 thread each)", total, bestRawB4x2, alone(bestRawB4));
    line("`deno task eval --faces full`", total, bestEvalFull, {
      raw: bestRawB4,
      medianRatio: median(rounds.map((r) => r.full.raw.wallMs / r.full.eval.wallMs)),
      raw2x1: bestRawB4x2,
    });
    line("raw onnxruntime, UltraFace + B4 on its faces", faces, bestRawUf, alone(bestRawUf));
    line("`deno task eval --faces ultraface`", faces, bestEvalUf, {
      raw: bestRawUf,
      medianRatio: median(rounds.map((r) => rawUf(r).wallMs / r.uf.eval.wallMs)),
      raw2x1: bestRawUf2x1,
    });
    for (const name of Object.keys(rounds[0].sweep)) {
      const cost = best(rounds.map((r) => r.sweep[name]));
      line(name, total, cost, alone(bestRawB4));
    }
    if (SWEEP) {
      // The model on one core, the work around it on the other: eval against raw on one thread.
      const own = best(rounds.map((r) => r.sweep["eval: 1 thread(s) in 1 session(s), prefetch 2"]));
      const raw1 = best(rounds.map((r) => r.sweep["raw: 1 thread"]));
      console.log(
        `\nthe model on one thread, a core left to the work around it: eval ` +
          `${fps(own).toFixed(2)} frames/s, raw ${fps(raw1).toFixed(2)}, ${ratio(raw1, own)}`,
      );
    }
    if (faceCount !== faces) console.log(`(faces found beforehand: ${faceCount})`);
    console.log("target: eval >= 0.95x raw (frames/s)");

    // The stage table reads the least contended eval run of each mode (least CPU per frame).
    const calm = <T extends Cost>(costs: T[]) =>
      costs.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
    const calmFull = calm(rounds.map((r) => r.full.eval));
    const calmUf = calm(rounds.map((r) => r.uf.eval));
    // Raw B4 in eval's own arrangement (two one-thread sessions): the model's CPU per item.
    const calmRaw = calm(rounds.map((r) => r.full.raw2x1));
    const calmUfRaw = calm(rounds.map((r) => r.uf.raw));
    const a = stageCpu(calmFull, { total, b4PerItem: calmRaw.cpuMs / total, ffmpegSplit });
    const b = stageCpu(calmUf, {
      total,
      b4PerItem: calmRaw.cpuMs / total,
      ffmpegSplit,
      ultraface: { modelMs: calmUfRaw.cpuMs / total, inputMs: ultraInputMs / total },
    });
    console.log(
      `\nCPU ms per frame by stage, in the least contended eval run of each mode (${a.basis})`,
    );
    console.log("| stage | full | ultraface |");
    console.log("| --- | ---: | ---: |");
    for (const [stage, value] of Object.entries(a.stages)) {
      console.log(`| ${stage} | ${value.toFixed(2)} | ${b.stages[stage].toFixed(2)} |`);
    }
    console.log(
      `raw CPU ms per item in the same rounds: B4 ${(calmRaw.cpuMs / total).toFixed(1)} ` +
        `(two one-thread sessions; ${
          (calm(rounds.map((r) => r.full.raw)).cpuMs / total).toFixed(1)
        } ` +
        `as one two-thread session), ` +
        `UltraFace ${(calmUfRaw.cpuMs / total).toFixed(1)} per frame`,
    );
    console.log(
      "wall ms per frame the model waited for prepared videos (pipeline starved): " +
        `full ${(calmFull.timings.stages.wait.wallMs / total).toFixed(1)}, ` +
        `ultraface ${(calmUf.timings.stages.wait.wallMs / total).toFixed(1)}`,
    );
    console.log(
      `ffmpeg per video (${FRAMES} of ~${CUT_SECONDS * 30} frames, timed here): process start ` +
        `${ffmpegSplit.startMs.toFixed(0)} ms, decoding ${ffmpegSplit.decodeMs.toFixed(0)} ms, ` +
        `colour conversion ${ffmpegSplit.convertMs.toFixed(0)} ms CPU`,
    );
  } finally {
    await ffmpeg.close();
    await Deno.remove(tmp, { recursive: true });
  }
}

/** Compact batches of preprocessed items, as eval's batch buffer (one array per batch). */
function inputBatches(items: { frame: RgbFrame; box: FaceBox | null }[]): Float32Array[] {
  const len = itemLength(SPEC.input);
  const batches: Float32Array[] = [];
  for (let start = 0; start < items.length; start += BATCH) {
    const chunk = items.slice(start, start + BATCH);
    const batch = new Float32Array(chunk.length * len);
    chunk.forEach(({ frame, box }, i) => {
      // Face mode full: the whole frame is the crop, whatever the preset's rule.
      const spec = box === null ? { ...SPEC, crop: { kind: "full" as const } } : SPEC;
      preprocessFaceSync(frame, box, spec, { into: batch, index: i });
    });
    batches.push(batch);
  }
  return batches;
}

/**
 * Raw B4, sessions warm: one session with `threads` on this thread (`run` over the batches, as
 * plain onnxruntime), or `sessions` one-thread sessions in workers taking the batches in turn
 * (each batch copied there, as eval's are).
 */
async function rawB4(
  batches: Float32Array[],
  { threads = THREADS, sessions = 1 }: { threads?: number; sessions?: number } = {},
): Promise<Cost> {
  const len = itemLength(SPEC.input);
  const opened = await Promise.all(
    Array.from({ length: sessions }, () =>
      openDetector(SPEC, {
        modelPath: B4,
        threads: sessions === 1 ? threads : Math.max(1, Math.floor(threads / sessions)),
        worker: sessions > 1,
      })),
  );
  try {
    await Promise.all(opened.map((s) => s.score(batches[0], batches[0].length / len)));
    let next = 0;
    return await measure(async () => {
      await Promise.all(opened.map(async (session) => {
        while (next < batches.length) {
          const batch = batches[next++];
          await session.score(batch, batch.length / len);
        }
      }));
    });
  } finally {
    await Promise.all(opened.map((s) => s.release()));
  }
}

/** Raw UltraFace: one `run` per frame on inputs built beforehand (its models take batch 1). */
async function rawUltraFace(inputs: Float32Array[]): Promise<Cost> {
  const session = await ort.InferenceSession.create(await Deno.readFile(ULTRAFACE), {
    graphOptimizationLevel: "all",
    // As eval runs it (eval/parts.ts): one thread is as fast as two and spends less CPU.
    intraOpNumThreads: 1,
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  try {
    const feed = (input: Float32Array) => ({
      [session.inputNames[0]]: new ort.Tensor("float32", input, [1, 3, 240, 320]),
    });
    await session.run(feed(inputs[0]));
    return await measure(async () => {
      for (const input of inputs) await session.run(feed(input));
    });
  } finally {
    await session.release();
  }
}

async function measure(work: () => Promise<void>): Promise<Cost> {
  const cpu = processCpuMs();
  const wall = performance.now();
  await work();
  return { wallMs: performance.now() - wall, cpuMs: processCpuMs() - cpu };
}

/** Spawns `deno task eval ...` and reads its `--json` summary; CPU of the whole process tree. */
async function evalCli(args: string[], cacheDir: string, repo = REPO): Promise<EvalRun> {
  const cpu = childrenCpuMs();
  const wall = performance.now();
  const stdout = await cli(args, { DFROBUST_CACHE_DIR: cacheDir }, repo);
  const wallMs = performance.now() - wall;
  const cpuMs = childrenCpuMs() - cpu;
  const summary = JSON.parse(stdout.slice(stdout.indexOf("{")));
  return { wallMs, cpuMs, faces: summary.facesScored, timings: summary.timings };
}

/** Runs `deno task <args>` in `repo`; resolves to its stdout, throws on failure. */
async function cli(
  args: string[],
  env: Record<string, string> = {},
  repo = REPO,
): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: repo,
    env: { DFROBUST_QUIET: "1", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno task ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** ffmpeg's CPU per video: process start, decoding to the last sampled frame, RGB conversion. */
interface FfmpegSplit {
  startMs: number;
  decodeMs: number;
  convertMs: number;
}

/**
 * Times (children CPU) ffmpeg three ways on `paths`, one after another: `-version` (the process
 * start: loading and linking its libraries), decoding the sampled frames to nothing, and eval's
 * own decoding to rgb24 (`sampleFrames`).
 */
async function ffmpegStages(paths: string[]): Promise<FfmpegSplit> {
  const timed = async (work: () => Promise<unknown>) => {
    const cpu = childrenCpuMs();
    for (let i = 0; i < 2; i++) await work();
    return (childrenCpuMs() - cpu) / 2 / paths.length;
  };
  const version = () =>
    Promise.all(paths.map(() => new Deno.Command("ffmpeg", { args: ["-version"] }).output()));
  const ffmpeg = await openFfmpeg("native");
  try {
    const infos = await Promise.all(paths.map((p) => ffmpeg.probe(p)));
    const decodeOnly = async () => {
      for (const [k, path] of paths.entries()) {
        const indices = evenlySpacedIndices(infos[k].frameCount, FRAMES);
        await ffmpeg.run({
          args: ["-i", `file:${path}`, "-map", "0:v:0", "-an", "-sn", "-dn", "-vf"]
            .concat([`select=${indices.map((i) => `eq(n\\,${i})`).join("+")}`])
            .concat(["-fps_mode", "passthrough", "-frames:v", String(FRAMES), "-f", "null", "-"]),
          inputs: [path],
          outputs: [],
        });
      }
    };
    const sample = async () => {
      for (const [k, path] of paths.entries()) {
        await sampleFrames(ffmpeg, path, { count: FRAMES, info: infos[k] });
      }
    };
    const start = await timed(version);
    const decoded = await timed(decodeOnly);
    const sampled = await timed(sample);
    return { startMs: start, decodeMs: decoded - start, convertMs: sampled - decoded };
  } finally {
    await ffmpeg.close();
  }
}

/**
 * CPU ms per frame by stage, for one eval run. The models' own share (B4, UltraFace) is the raw
 * runs' CPU per item in the same arrangement; what every thread but the main one spent beyond it
 * in the eval run (inference slowed by sharing its cores with decoding and preprocessing, and
 * the runtime's helper threads: V8's garbage collector, Deno's I/O) is its own line. The rest
 * comes from eval's timers and, for ffmpeg's start / decoding / colour conversion split, from
 * three ffmpeg runs timed here.
 */
function stageCpu(
  run: EvalRun,
  context: {
    total: number;
    b4PerItem: number;
    ffmpegSplit: FfmpegSplit;
    ultraface?: { modelMs: number; inputMs: number };
  },
): { basis: string; stages: Record<string, number> } {
  const t = run.timings;
  const n = context.total;
  const per = (ms: number | null) => (ms ?? 0) / n;
  const total = run.cpuMs / n;
  const split = context.ffmpegSplit;
  // One start per ffmpeg process (grouped decoding runs fewer); the rest split as timed here.
  const starts = Math.min(per(t.ffmpegCpuMs), per(t.stages.decode.calls * split.startMs));
  const work = per(t.ffmpegCpuMs) - starts;
  const share = (part: number) => work * part / (split.decodeMs + split.convertMs);
  const ufInput = context.ultraface?.inputMs ?? 0;
  const main = per(t.mainThreadCpuMs);
  const models = context.b4PerItem * run.faces / n + (context.ultraface?.modelMs ?? 0);
  // Every thread but the main one, less the model load and the store (which run alone).
  const offMain = per(t.processCpuMs) - main - per(t.stages.load.cpuMs) -
    per(t.stages.store.cpuMs);
  const stages: Record<string, number> = {
    "CLI start and exit (deno task, runtime, modules)": (run.cpuMs - (t.processCpuMs ?? 0) -
      (t.ffmpegCpuMs ?? 0)) / n,
    "model hash": per(t.stages.hash.cpuMs),
    "model load (sessions, workers)": per(t.stages.load.cpuMs),
    "ffmpeg process start": starts,
    "decode": share(split.decodeMs),
    "colour conversion (YUV to RGB)": share(split.convertMs),
    "crop, resize, normalise": per(t.stages.preprocess.cpuMs),
    "face location: UltraFace input (resize, normalise)": ufInput,
    "store": per(t.stages.store.cpuMs),
    // Main-thread work not timed above: reading ffmpeg's pipes, rows, batches, glue.
    "other main-thread work (pipes, rows, batches)": main - per(t.stages.preprocess.cpuMs) -
      ufInput - per(t.stages.hash.cpuMs),
    "inference beyond raw (cores shared with the pipeline) and runtime helper threads": offMain -
      models,
  };
  const outside = Object.values(stages).reduce((x, y) => x + y, 0);
  stages["models: B4 (+ UltraFace) as raw"] = models;
  stages["total"] = total;
  stages["outside the models (total less the models as raw)"] = total - models;
  // What a core must do per frame when the model runs elsewhere (a GPU): all but the slowdown.
  const pipeline = outside - stages[
    "inference beyond raw (cores shared with the pipeline) and runtime helper threads"
  ];
  stages["the work around the model (less the line above)"] = pipeline;
  stages["frames/s per core for the work around the model"] = 1000 / pipeline;
  // All JavaScript runs on one thread: its CPU per frame bounds the pipeline on any machine.
  stages["main thread alone (JavaScript)"] = main;
  stages["frames/s the main thread allows"] = 1000 / main;
  return {
    basis: "models = raw CPU per item in eval's arrangement; the rest from eval's own timers",
    stages,
  };
}

function fmtLoad(load: number[]): string {
  return load.map((x) => x.toFixed(2)).join(" ");
}

if (import.meta.main) await run();
