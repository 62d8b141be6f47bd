/**
 * Eval throughput vs raw onnxruntime, on the same model and batch size, in one run: `evaluate()`
 * end to end (ffmpeg decoding of 16 evenly spaced frames per video, preprocessing to 380x380,
 * batched inference, rows written to a Parquet store) against `DetectorSession.score` on
 * pre-built tensors; plus eval with the decode/inference overlap switched off. The model is an EfficientNet-B4-sized graph with seeded random weights
 * (bench/_sized_model.ts). Face mode `full` (the whole frame is the face) so that the number
 * compares the pipeline around the detector, not UltraFace. Target: eval >= 0.9x raw.
 * @module
 */
import { join } from "node:path";
import { writeDatasetManifest } from "../dataset/manifest.ts";
import { openDetector } from "../detectors/session.ts";
import { validateDetectorSpec } from "../detectors/spec.ts";
import { evaluate } from "../eval/evaluate.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { buildSizedModel } from "./_sized_model.ts";

const CLIP = new URL("../../shared/fixtures/video/short_hamilton_clip.mp4", import.meta.url)
  .pathname;
const VIDEOS = 3;
const FRAMES = 16;
const BATCH = 8;
const THREADS = 2;
const ROUNDS = 2;

/** Runs the benchmark and prints a table with the ratio. */
export async function run(): Promise<void> {
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

    // A few 2-second cuts of the real 640x360 clip, as a plain dataset.
    await Deno.mkdir(join(tmp, "data", "videos"), { recursive: true });
    const entries = [];
    for (let v = 0; v < VIDEOS; v++) {
      const out = join(tmp, "data", "videos", `cut${v}.mp4`);
      await ffmpeg.run({
        args: ["-ss", String(v * 2), "-i", CLIP, "-t", "2", "-an", "-c:v", "libx264", "-crf", "20"]
          .concat(["-preset", "veryfast", out]),
        inputs: [CLIP],
        outputs: [out],
      });
      entries.push({ id: `cut${v}`, relativePath: `videos/cut${v}.mp4`, label: (v % 2) as 0 | 1 });
    }
    const csv = join(tmp, "data", "dataset.csv");
    await writeDatasetManifest(csv, entries);
    const total = VIDEOS * FRAMES;

    // Raw: the same session options and batch size on tensors built beforehand.
    const item = 3 * model.size * model.size;
    const batch = new Float32Array(item * BATCH);
    for (let i = 0; i < batch.length; i++) batch[i] = ((i * 2654435761) % 1000) / 500 - 1;
    const timeRaw = async () => {
      const start = performance.now();
      const session = await openDetector(spec, { modelPath, threads: THREADS });
      const open = (performance.now() - start) / 1000;
      await session.score(batch, BATCH); // warm-up: eval's first batch is not excluded either
      const t0 = performance.now();
      for (let done = 0; done < total; done += BATCH) {
        await session.score(batch, Math.min(BATCH, total - done));
      }
      const seconds = (performance.now() - t0) / 1000;
      await session.release();
      return { open, seconds };
    };

    // Eval end to end: decode + preprocess + inference + store, model load included; once with
    // the prefetch queue (decoding overlaps inference) and once without, to show what it buys.
    const timeEval = async (prefetch: number) => {
      const start = performance.now();
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
      return (performance.now() - start) / 1000;
    };
    // Interleaved rounds, best of each: other load on the machine hits all paths alike.
    let rawSeconds = Infinity;
    let openSeconds = Infinity;
    let evalSeconds = Infinity;
    let serialSeconds = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      const raw = await timeRaw();
      rawSeconds = Math.min(rawSeconds, raw.seconds);
      openSeconds = Math.min(openSeconds, raw.open);
      evalSeconds = Math.min(evalSeconds, await timeEval(2));
      serialSeconds = Math.min(serialSeconds, await timeEval(0));
    }
    const rawFps = total / rawSeconds;
    const evalFps = total / evalSeconds;
    const evalSteadyFps = total / Math.max(1e-9, evalSeconds - openSeconds);
    console.log(
      `eval vs raw onnxruntime: EfficientNet-B4-sized graph (${(model.macs / 1e9).toFixed(2)} ` +
        `GMACs at ${model.size}x${model.size}, ${(model.parameters / 1e6).toFixed(1)}M weights), ` +
        `batch ${BATCH}, ${THREADS} threads, ${VIDEOS} videos x ${FRAMES} frames (640x360 H.264), ` +
        `face mode full, best of ${ROUNDS} interleaved rounds`,
    );
    console.log("| path | frames | seconds | frames/s | ratio to raw |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    const line = (name: string, seconds: number, fps: number) =>
      console.log(
        `| ${name} | ${total} | ${seconds.toFixed(2)} | ${fps.toFixed(2)} | ` +
          `${(fps / rawFps).toFixed(2)}x |`,
      );
    line("raw onnxruntime (pre-built tensors, warm session)", rawSeconds, rawFps);
    line("eval end to end (incl. model load)", evalSeconds, evalFps);
    line("eval without the model load", evalSeconds - openSeconds, evalSteadyFps);
    line("eval, no overlap (prefetch 0, incl. model load)", serialSeconds, total / serialSeconds);
    console.log(`model load: ${openSeconds.toFixed(2)} s; target: eval >= 0.90x raw`);
  } finally {
    await ffmpeg.close();
    await Deno.remove(tmp, { recursive: true });
  }
}

if (import.meta.main) await run();
