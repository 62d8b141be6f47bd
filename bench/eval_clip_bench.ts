/**
 * Clip eval at the speed of the model: `deno task eval` end to end with a clip detector (the real
 * CLI, spawned: start, hashing, loading, decoding every frame of every clip, preprocessing each
 * frame into the clip tensor, inference, the store) against raw onnxruntime on the same clip
 * model and the same clips, in one run. The model is a small 3D CNN built with onnx/writer.ts
 * (random weights; NCTHW [N, 3, 16, 112, 112]: two strided 3x3x3 convolutions, global average
 * pool, one linear unit), the shape of a video detector's input without a real backbone's cost,
 * so the comparison shows what eval spends around the model. 8 generated 640x360 videos of 96
 * frames (testsrc2, H.264), clips of 16 frames with stride 16 (LipForensics' non-overlapping
 * rule; 6 clips a video), face mode `full`, batch 4, 2 threads.
 *
 * Raw = one onnxruntime session on the calling thread, warm, over clip tensors built beforehand
 * from the very frames eval scores (media/clips.ts, detectors/clip_preprocess.ts); and two
 * one-thread sessions in workers, eval's default arrangement. Best of `DFROBUST_BENCH_ROUNDS`
 * (default 2) interleaved rounds.
 * @module
 */
import { join } from "node:path";
import { writeDatasetManifest } from "../dataset/manifest.ts";
import { preprocessClipSync } from "../detectors/clip_preprocess.ts";
import { itemLength } from "../detectors/preprocess.ts";
import { openDetector } from "../detectors/session.ts";
import { type DetectorSpec, validateDetectorSpec } from "../detectors/spec.ts";
import { clipFrames, clipPlan } from "../media/clips.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { sampleFrames } from "../media/frames.ts";
import { encodeModel, GraphBuilder } from "../onnx/writer.ts";
import { childrenCpuMs, processCpuMs } from "../util/cpu_clock.ts";
import { seededRandom } from "../util/prng.ts";

const VIDEOS = Number(Deno.env.get("DFROBUST_BENCH_VIDEOS") ?? 8);
const FRAMES_PER_VIDEO = 96;
const T = 16;
const SIDE = 112;
const BATCH = 4;
const THREADS = 2;
const ROUNDS = Number(Deno.env.get("DFROBUST_BENCH_ROUNDS") ?? 2);
const REPO = new URL("..", import.meta.url).pathname;

/** The clip detector's spec: NCTHW, T = 16, 112x112, ImageNet-like normalisation, a logit. */
const SPEC_JSON = {
  name: "clip3d",
  description: "small 3D CNN with random weights (benchmark clip detector)",
  input: {
    layout: "NCTHW",
    frames: T,
    size: [SIDE, SIDE],
    colour: "RGB",
    scale: "1/255",
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  },
  crop: { kind: "full" },
  output: { kind: "sigmoid" },
  videoRule: "mean",
  clip: { sampling: { kind: "stride", stride: T } },
};

interface Cost {
  wallMs: number;
  cpuMs: number;
}

/** Runs the benchmark and prints clips/s of raw onnxruntime and of `deno task eval`. */
export async function run(): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_clip_bench_" });
  const ffmpeg = await openFfmpeg("native");
  try {
    await Deno.mkdir(join(tmp, "data", "videos"), { recursive: true });
    const entries = [];
    for (let v = 0; v < VIDEOS; v++) {
      const out = join(tmp, "data", "videos", `v${v}.mp4`);
      await ffmpeg.run({
        args: ["-f", "lavfi", "-i", `testsrc2=s=640x360:r=25:d=${FRAMES_PER_VIDEO / 25}`]
          .concat(["-vf", `hue=h=${v * 40}`, "-frames:v", String(FRAMES_PER_VIDEO)])
          .concat(["-c:v", "libx264", "-crf", "20", "-preset", "veryfast", `file:${out}`]),
        inputs: [],
        outputs: [out],
      });
      entries.push({ id: `v${v}`, relativePath: `videos/v${v}.mp4`, label: (v % 2) as 0 | 1 });
    }
    await writeDatasetManifest(join(tmp, "data", "dataset.csv"), entries);
    await cli(["distort", "--manifest", join(tmp, "data", "dataset.csv"), "--ops", "unaltered"]
      .concat(["--out", join(tmp, "copies")]));
    const model = join(tmp, "clip3d.onnx");
    await Deno.writeFile(model, clip3dModel());
    const specPath = join(tmp, "clip3d.json");
    await Deno.writeTextFile(specPath, JSON.stringify(SPEC_JSON));
    const spec = validateDetectorSpec(SPEC_JSON, { source: specPath });

    // The clips eval scores, built once into batches for the raw runs.
    const len = itemLength(spec.input);
    const items: Float32Array[] = [];
    for (const entry of entries) {
      const path = join(tmp, "data", entry.relativePath);
      const plan = clipPlan(FRAMES_PER_VIDEO, T, spec.clip!.sampling, spec.clip!.short);
      const sampled = await sampleFrames(ffmpeg, path, { indices: clipFrames(plan) });
      for (const clip of plan.clips) {
        const item = new Float32Array(len);
        const steps = clip.frames.map((i) => ({
          frame: {
            data: sampled.frames[sampled.indices.indexOf(i)],
            width: sampled.width,
            height: sampled.height,
          },
          crop: { x: 0, y: 0, w: sampled.width, h: sampled.height },
        }));
        preprocessClipSync(steps, spec, item, 0);
        items.push(item);
      }
    }
    const batches: Float32Array[] = [];
    for (let i = 0; i < items.length; i += BATCH) {
      const chunk = items.slice(i, i + BATCH);
      const batch = new Float32Array(chunk.length * len);
      chunk.forEach((item, k) => batch.set(item, k * len));
      batches.push(batch);
    }

    const best: Record<string, Cost> = {};
    const keep = (name: string, cost: Cost) => {
      if (!best[name] || cost.wallMs < best[name].wallMs) best[name] = cost;
    };
    for (let round = 0; round < ROUNDS; round++) {
      keep("raw 1x2", await raw(spec, model, batches, 1));
      keep("raw 2x1", await raw(spec, model, batches, 2));
      keep("eval", await evalCli(tmp, specPath, model));
    }
    const clips = items.length;
    console.log(
      `clip eval: ${VIDEOS} videos x ${clips / VIDEOS} clips of ${T} frames, ` +
        `${SIDE}x${SIDE}, batch ${BATCH}, ${THREADS} threads (best of ${ROUNDS})`,
    );
    console.log("| path | clips/s | wall s | CPU s | vs raw 1x2 |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const [name, cost] of Object.entries(best)) {
      const label = name === "eval"
        ? "`deno task eval` (clip detector)"
        : `raw onnxruntime ${name}`;
      console.log(
        `| ${label} | ${(clips / (cost.wallMs / 1000)).toFixed(1)} | ` +
          `${(cost.wallMs / 1000).toFixed(2)} | ${(cost.cpuMs / 1000).toFixed(2)} | ` +
          `${(best["raw 1x2"].wallMs / cost.wallMs).toFixed(2)}x |`,
      );
    }
  } finally {
    await ffmpeg.close();
    await Deno.remove(tmp, { recursive: true });
  }
}

/** A small 3D CNN [N, 3, T, 112, 112] -> [N, 1] with seeded random weights. */
function clip3dModel(): Uint8Array {
  const random = seededRandom(27);
  const weights = (n: number, scale: number) =>
    Float32Array.from({ length: n }, () => (random() - 0.5) * scale);
  const g = new GraphBuilder("clip3d");
  g.input("input", ["N", 3, T, SIDE, SIDE]);
  g.initializer("w1", [16, 3, 3, 3, 3], weights(16 * 3 * 27, 0.2));
  g.initializer("w2", [32, 16, 3, 3, 3], weights(32 * 16 * 27, 0.05));
  g.initializer("fc", [32, 1], weights(32, 0.5));
  const conv = { kernel_shape: [3, 3, 3], strides: [2, 2, 2], pads: [1, 1, 1, 1, 1, 1] };
  const [c1] = g.node("Conv", ["input", "w1"], { attributes: conv });
  const [r1] = g.node("Relu", [c1]);
  const [c2] = g.node("Conv", [r1, "w2"], { attributes: conv });
  const [r2] = g.node("Relu", [c2]);
  const [pooled] = g.node("GlobalAveragePool", [r2]);
  const [flat] = g.node("Flatten", [pooled]);
  g.node("MatMul", [flat, "fc"], { outputs: ["logit"] });
  g.output("logit", ["N", 1]);
  return encodeModel(g, { opset: 17 });
}

/** Raw onnxruntime over the batches: `sessions` sessions sharing {@link THREADS}, warm. */
async function raw(
  spec: DetectorSpec,
  model: string,
  batches: Float32Array[],
  sessions: number,
): Promise<Cost> {
  const len = itemLength(spec.input);
  const opened = await Promise.all(
    Array.from({ length: sessions }, () =>
      openDetector(spec, {
        modelPath: model,
        threads: Math.max(1, Math.floor(THREADS / sessions)),
        worker: sessions > 1,
      })),
  );
  try {
    await Promise.all(opened.map((s) => s.score(batches[0], batches[0].length / len)));
    let next = 0;
    const cpu = processCpuMs();
    const wall = performance.now();
    await Promise.all(opened.map(async (session) => {
      while (next < batches.length) {
        const batch = batches[next++];
        await session.score(batch, batch.length / len);
      }
    }));
    return { wallMs: performance.now() - wall, cpuMs: processCpuMs() - cpu };
  } finally {
    await Promise.all(opened.map((s) => s.release()));
  }
}

/** `deno task eval` with the clip detector over the unaltered copy; CPU of the process tree. */
async function evalCli(tmp: string, spec: string, model: string): Promise<Cost> {
  const cpu = childrenCpuMs();
  const wall = performance.now();
  await cli(
    ["eval", "--detector", spec, "--model", model, "--data", join(tmp, "copies")]
      .concat(["--store", join(tmp, "store"), "--faces", "full", "--batch", String(BATCH)])
      .concat(["--threads", String(THREADS), "--force", "--json"]),
    { DFROBUST_CACHE_DIR: join(tmp, "cache") },
  );
  return { wallMs: performance.now() - wall, cpuMs: childrenCpuMs() - cpu };
}

/** Runs `deno task <args>` in the repository; resolves to its stdout, throws on failure. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: REPO,
    env: { DFROBUST_QUIET: "1", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno task ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}
