/**
 * Eval throughput vs raw onnxruntime, on the same model and batch size, in one run: `evaluate()`
 * end to end (probe, ffmpeg decoding of 32 evenly spaced frames per video, preprocessing to
 * 380x380, batched inference, rows written to a Parquet store) against `DetectorSession.score`
 * on pre-built tensors; plus eval with the decode/inference overlap switched off. The model is
 * an EfficientNet-B4-sized graph with seeded random weights (bench/_sized_model.ts). Face mode
 * `full` (the whole frame is the face), so the number compares the pipeline around the detector,
 * not UltraFace. Target: eval >= 0.9x raw.
 * @module
 */
import { join } from "node:path";
import { writeDatasetManifest } from "../dataset/manifest.ts";
import { itemLength, preprocessFace } from "../detectors/preprocess.ts";
import { cpuSeconds } from "./_cpu.ts";
import { openDetector } from "../detectors/session.ts";
import { validateDetectorSpec } from "../detectors/spec.ts";
import { evaluate } from "../eval/evaluate.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { sampleFrames } from "../media/frames.ts";
import { buildSizedModel } from "./_sized_model.ts";
import { FIXTURES, requireFixtures } from "../tests/_fixtures.ts";

const CLIP = join(FIXTURES, "video/short_hamilton_clip.mp4");
/** Enough frames that the one-time costs (model load, hashing, first batch) weigh little. */
const VIDEOS = 12;
const FRAMES = 32;
/** Seconds per cut: 32 samples out of ~120 frames. */
const CUT_SECONDS = 4;
const BATCH = 8;
const THREADS = 2;
const ROUNDS = 2;

/** Runs the benchmark and prints a table with the ratio. */
export async function run(): Promise<void> {
  requireFixtures("video", "The eval benchmark");
  const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_bench_" });
  const ffmpeg = await openFfmpeg("native");
  try {
    const model = buildSizedModel({ size: 380, seed: 1 });
    const modelPath = join(tmp, "b4_sized.onnx");
    await Deno.writeFile(modelPath, model.bytes);
    const spec = validateDetectorSpec({
      name: "b4_sized",
      input: {
        layout: "NCHW",
        size: [model.size, model.size],
        colour: "RGB",
        scale: "1/255",
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
      },
      crop: { kind: "full" },
      faces: "largest",
      faceRule: "largest",
      output: { kind: "probability" },
      videoRule: "mean",
      failScore: null,
    }, { source: "bench/eval_bench.ts" });

    // A few cuts of the real 640x360 clip, as a plain dataset.
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
    const csv = join(tmp, "data", "dataset.csv");
    await writeDatasetManifest(csv, entries);
    const total = VIDEOS * FRAMES;

    // Raw: the same session options and batch size on tensors built beforehand from the very
    // frames eval scores, so both paths feed the model the same data.
    const item = itemLength(spec.input);
    const tensors = new Float32Array(item * total);
    let filled = 0;
    for (const entry of entries) {
      const sampled = await sampleFrames(ffmpeg, join(tmp, "data", entry.relativePath), {
        count: FRAMES,
      });
      for (const data of sampled.frames) {
        const frame = { data, width: sampled.width, height: sampled.height };
        await preprocessFace(frame, null, spec, { into: tensors, index: filled++ });
      }
    }
    if (filled !== total) throw new Error(`decoded ${filled} frames, expected ${total}`);
    // One compact array per batch, as eval's own batch buffer (a view into one big array would
    // make onnxruntime-node copy more than the batch).
    const batches: Float32Array[] = [];
    for (let done = 0; done < total; done += BATCH) {
      batches.push(tensors.slice(done * item, Math.min(total, done + BATCH) * item));
    }
    const timeRaw = async () => {
      const session = await openDetector(spec, { modelPath, threads: THREADS });
      // Warm-up: eval's first batch is not excluded either, but a cold session would flatter it.
      await session.score(batches[0], batches[0].length / item);
      const cost = await measure(async () => {
        for (const batch of batches) await session.score(batch, batch.length / item);
      });
      await session.release();
      return cost;
    };

    // Eval end to end: decode + preprocess + inference + store, model load included; once with
    // the prefetch queue (decoding overlaps inference) and once without, to show what it buys.
    const timeEval = (prefetch: number) =>
      measure(async () => {
        const summary = await evaluate({
          spec,
          modelPath,
          data: csv,
          store: join(tmp, `store_${prefetch}`),
          faces: "full",
          frames: FRAMES,
          batch: BATCH,
          threads: THREADS,
          prefetch,
          force: true,
          ffmpeg,
          label: `eval bench (prefetch ${prefetch})`,
        });
        if (summary.facesScored !== total) {
          throw new Error(`eval scored ${summary.facesScored} faces, expected ${total}`);
        }
      });
    // Interleaved rounds, best of each: other load on the machine hits all paths alike.
    const best = { raw: WORST, overlap: WORST, serial: WORST };
    for (let round = 0; round < ROUNDS; round++) {
      best.raw = better(best.raw, await timeRaw());
      best.overlap = better(best.overlap, await timeEval(2));
      best.serial = better(best.serial, await timeEval(0));
    }
    console.log(
      `eval vs raw onnxruntime: EfficientNet-B4-sized graph (${(model.macs / 1e9).toFixed(2)} ` +
        `GMACs at ${model.size}x${model.size}, ${(model.parameters / 1e6).toFixed(1)}M weights), ` +
        `batch ${BATCH}, ${THREADS} threads, ${VIDEOS} videos x ${FRAMES} frames (640x360 H.264), ` +
        `face mode full, best of ${ROUNDS} interleaved rounds; CPU = this process and its ffmpeg ` +
        `children (Linux /proc), steadier than wall time on a shared machine`,
    );
    console.log(
      "| path | frames | wall s | frames/s | ratio to raw | CPU s | CPU ms/frame | CPU ratio |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    const line = (name: string, cost: Cost) => {
      const cpu = Number.isFinite(cost.cpu)
        ? `${cost.cpu.toFixed(2)} | ${(1000 * cost.cpu / total).toFixed(1)} | ` +
          `${(best.raw.cpu / cost.cpu).toFixed(2)}x`
        : "- | - | -";
      console.log(
        `| ${name} | ${total} | ${cost.wall.toFixed(2)} | ${(total / cost.wall).toFixed(2)} | ` +
          `${(best.raw.wall / cost.wall).toFixed(2)}x | ${cpu} |`,
      );
    };
    line("raw onnxruntime (the same frames, pre-built tensors)", best.raw);
    line("eval end to end (model load included)", best.overlap);
    line("eval, no overlap (prefetch 0)", best.serial);
    console.log("target: eval >= 0.90x raw (frames/s)");
  } finally {
    await ffmpeg.close();
    await Deno.remove(tmp, { recursive: true });
  }
}

/** Wall and CPU seconds of one measured path. */
interface Cost {
  wall: number;
  /** User + system CPU of this process and its waited-for children; NaN without /proc. */
  cpu: number;
}

const WORST: Cost = { wall: Infinity, cpu: Infinity };

function better(a: Cost, b: Cost): Cost {
  return { wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu) };
}

async function measure(work: () => Promise<void>): Promise<Cost> {
  const cpu0 = totalCpuSeconds();
  const t0 = performance.now();
  await work();
  return { wall: (performance.now() - t0) / 1000, cpu: totalCpuSeconds() - cpu0 };
}

/** CPU seconds of this process and its ffmpeg children so far. */
function totalCpuSeconds(): number {
  const cpu = cpuSeconds();
  return cpu.self + cpu.children;
}

if (import.meta.main) await run();
