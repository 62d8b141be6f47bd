import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { loadDetectorSpec } from "../detectors/load.ts";
import { writeDatasetManifest } from "../dataset/manifest.ts";
import { evaluate, type EvaluateOptions } from "../eval/evaluate.ts";
import { openUltraFace } from "../faces/ultraface.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { encodeModel, GraphBuilder } from "../onnx/writer.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { DEFAULT_LIMITS, LIMITS, parseLimitFlags, resolveLimits } from "../util/limits.ts";
import { skipWithout } from "./_tools.ts";
import { SLOPE, TINY_SIZE, tinyDetector, tinySpec, writeClips } from "./eval_fixtures.ts";

const TASK = new URL("../tasks/eval.ts", import.meta.url).pathname;

/**
 * The store's rows; with `columns`, only those (a row object per row costs: 200,000 rows of every
 * column take seconds to read back, of six columns a tenth of that).
 */
async function readRows(store: string, columns?: (keyof ScoreRow)[]): Promise<ScoreRow[]> {
  const parts = await listParts(store);
  if (parts.length === 0) return [];
  return pl.concat(parts.map((p) => pl.readParquet(p, columns ? { columns } : {})))
    .toRecords() as unknown as ScoreRow[];
}

/** Runs `deno task eval` with `args`, killed after `ms` (a regression fails, never hangs). */
async function runEval(
  args: string[],
  ms: number,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-ffi",
      "--allow-sys",
      "--allow-run=ffmpeg,ffprobe",
      TASK,
      ...args,
    ],
    env: { DFROBUST_QUIET: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(ms),
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: output.code,
    stdout: decode(output.stdout),
    stderr: decode(output.stderr),
    ms: performance.now() - started,
  };
}

/** The tiny mean-intensity detector with its batch dimension fixed at `batch`. */
function fixedBatchDetector(batch: number): Uint8Array {
  const g = new GraphBuilder("tiny_fixed");
  g.input("input", [batch, 3, TINY_SIZE, TINY_SIZE]);
  const [mean] = g.node("ReduceMean", ["input"], { attributes: { axes: [1, 2, 3], keepdims: 0 } });
  g.initializer("shape", [2], new BigInt64Array([-1n, 1n]));
  g.initializer("half", [1], new Float32Array([0.5]));
  g.initializer("slope", [1], new Float32Array([SLOPE]));
  const [column] = g.node("Reshape", [mean, "shape"]);
  const [centred] = g.node("Sub", [column, "half"]);
  g.node("Mul", [centred, "slope"], { outputs: ["logit"] });
  g.output("logit", [batch, 1]);
  return encodeModel(g, { opset: 17 });
}

/** A model shaped like UltraFace (input [1,3,side,side], outputs scores and boxes). */
function ultraFaceShaped(side: number): Uint8Array {
  const g = new GraphBuilder("ultraface_shaped");
  g.input("input", [1, 3, side, side]);
  g.node("ReduceMean", ["input"], {
    attributes: { axes: [2, 3], keepdims: 0 },
    outputs: ["scores"],
  });
  g.node("ReduceMax", ["input"], { attributes: { axes: [2, 3], keepdims: 0 }, outputs: ["boxes"] });
  g.output("scores", [1, 3]);
  g.output("boxes", [1, 3]);
  return encodeModel(g, { opset: 17 });
}

Deno.test("parseLimitFlags() reads name=value and refuses unknown names and bad values", () => {
  assert.deepEqual(parseLimitFlags(["faces-per-frame=5000", "crop-side=2.5", "batch=512"]), {
    facesPerFrame: 5000,
    cropSide: 2.5,
    batch: 512,
  });
  assert.deepEqual(parseLimitFlags([]), {});
  assert.throws(
    () => parseLimitFlags(["faces=5"]),
    /name of frame-width, frame-height, frame-pixels, video-frames, faces-per-frame, crop-side/,
  );
  // eval takes every limit, distort the frame limits only.
  assert.deepEqual(parseLimitFlags(["video-frames=9", "frames=64"], "eval"), {
    videoFrames: 9,
    frames: 64,
  });
  assert.throws(
    () => parseLimitFlags(["crop-side=8"], "distort"),
    /--limit crop-side applies to eval only/,
  );
  assert.throws(() => parseLimitFlags(["frames"]), /name=value/);
  assert.throws(() => parseLimitFlags(["frames=0"]), /positive integer, got "0"/);
  assert.throws(() => parseLimitFlags(["frames=2.5"]), /positive integer/);
  assert.throws(() => parseLimitFlags(["crop-side=-1"]), /positive number/);
  assert.throws(() => parseLimitFlags(["batch="]), /positive integer/);
  assert.deepEqual(resolveLimits({ frames: 300 }), { ...DEFAULT_LIMITS, frames: 300 });
  assert.throws(() => resolveLimits({ frames: Infinity }), /frames must be a positive integer/);
});

Deno.test("docs/security.md's table lists every limit of the registry with its stages and default", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/security.md", import.meta.url));
  const rows = doc.split("\n").filter((line) => /^\| `[a-z-]+` \(`[A-Za-z]+`\)/.test(line));
  assert.deepEqual(
    rows.map((row) => row.split("`")[1]),
    LIMITS.map((l) => l.flag),
    "one row per limit, in the registry's order",
  );
  for (const [i, limit] of LIMITS.entries()) {
    const cells = rows[i].split("|").map((cell) => cell.trim());
    assert.equal(cells[1], `\`${limit.flag}\` (\`${limit.key}\`)`);
    assert.equal(cells[2], limit.stages.join(", "), limit.flag);
    assert.equal(cells[3].split(" ")[0], String(limit.value), limit.flag);
  }
});

Deno.test({
  name: "eval refuses boxes, specs and models over its limits by name, and overrides raise them",
  ignore: skipWithout("ffmpeg", "eval limits"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_limits_" });
    const ffmpeg: Ffmpeg = await openFfmpeg("native");
    try {
      const ids = ["ok", "big5", "big8", "crowd", "mid"];
      const csv = await writeClips(
        ffmpeg,
        join(tmp, "data"),
        ids.map((id, i) => ({ id, label: (i % 2) as 0 | 1, grey: 60 + 30 * i })),
      );
      const model = join(tmp, "tiny.onnx");
      await Deno.writeFile(model, tinyDetector("mean"));
      // MesoNet's crop: never clipped, the pixels past the frame mirrored in.
      const spec = tinySpec({ crop: { kind: "reflect", scale: 1 }, faces: "all" });
      const specPath = join(tmp, "reflect.json");
      await Deno.writeTextFile(specPath, JSON.stringify(spec));
      const crowd = Array.from(
        { length: 100_000 },
        (_, i) => [i % 40, Math.floor(i / 40) % 28, 4, 4],
      );
      const boxes: Record<string, number[][]> = {
        ok: [[10, 5, 20, 20]],
        // 1e5 and 1e8 pixels a side: the reflect crop is as large (48x32 frames).
        big5: [[0, 0, 1e5, 1e5]],
        big8: [[-5e7, -5e7, 1e8, 1e8]],
        crowd,
        mid: [[0, 0, 500, 500]],
      };
      const sidecarPath = join(tmp, "faces.json");
      await Deno.writeTextFile(
        sidecarPath,
        JSON.stringify({
          schema: "dfrobust.faces/1",
          // Frames 0 and 5 are the two sampled of six.
          videos: Object.fromEntries(
            ids.map((id) => [id, { "0": boxes[id], "5": boxes[id] }]),
          ),
        }),
      );

      await t.step(
        "huge boxes and a crowded frame are video_error rows naming the sidecar and video, fast",
        async () => {
          const store = join(tmp, "store_default");
          const run = await runEval([
            "--detector",
            specPath,
            "--model",
            model,
            "--data",
            csv,
            "--store",
            store,
            "--faces",
            "sidecar",
            "--sidecar",
            sidecarPath,
            "--frames",
            "2",
            "--json",
          ], 120_000);
          assert.equal(run.code, 0, run.stderr);
          const rows = await readRows(store);
          const of = (id: string) => rows.filter((r) => r.video_id === id);
          assert.deepEqual(of("ok").map((r) => r.status), ["ok", "ok"]);
          for (
            const [id, limit] of [
              ["big5", "crop-side"],
              ["big8", "crop-side"],
              ["mid", "crop-side"],
              ["crowd", "faces-per-frame"],
            ]
          ) {
            const [row, ...rest] = of(id);
            assert.equal(rest.length, 0, id);
            assert.equal(row.status, "video_error", id);
            assert.ok(row.error!.includes(`videos/${id}.mp4`), row.error!);
            assert.ok(row.error!.includes(`face sidecar "${sidecarPath}"`), row.error!);
            assert.ok(row.error!.includes(`--limit ${limit}=N`), row.error!);
          }
          assert.match(
            of("crowd")[0].error!,
            /frame 0 has 100000 face boxes .* over the limit of 1000 face boxes per frame/,
          );
          assert.match(of("big8")[0].error!, /100000000x100000000 crop in the 48x32 frame/);
          const summary = JSON.parse(run.stdout);
          assert.equal(summary.failures, 4);
        },
      );

      await t.step(
        "raised limits score the 500-pixel box and 100,000 faces in each of two frames",
        async () => {
          const dataset = join(tmp, "data", "two.csv");
          await writeDatasetManifest(dataset, [
            { id: "mid", relativePath: "videos/mid.mp4", label: 0, method: "real" },
            { id: "crowd", relativePath: "videos/crowd.mp4", label: 1, method: "Synthetic" },
          ]);
          const store = join(tmp, "store_raised");
          const summary = await evaluate({
            spec,
            specSource: specPath,
            modelPath: model,
            data: dataset,
            store,
            faces: "sidecar",
            sidecar: sidecarPath,
            // 200,000 rows of one video: more than a spread into push() takes (about 125,000).
            frames: 2,
            batch: 256,
            threads: 1,
            ffmpeg,
            limits: { cropSide: 20, facesPerFrame: 100_000 },
          });
          assert.equal(summary.failures, 0);
          // The 500-pixel box lies mostly outside the frame: a warning row, then its face.
          // The columns checked below: 200,000 rows of every column are seconds to read back.
          const checked: (keyof ScoreRow)[] = [
            "video_id",
            "status",
            "frame_index",
            "face_index",
            "crop_x",
            "crop_w",
          ];
          const rows = (await readRows(store, checked)).filter((r) => r.status !== "warning");
          const mid = rows.filter((r) => r.video_id === "mid");
          assert.deepEqual(mid.map((r) => [r.status, r.crop_x, r.crop_w]), [
            ["ok", 0, 500],
            ["ok", 0, 500],
          ]);
          const crowdRows = rows.filter((r) => r.video_id === "crowd");
          assert.equal(crowdRows.length, 200_000);
          assert.ok(crowdRows.every((r) => r.status === "ok"));
          assert.equal(
            new Set(crowdRows.map((r) => `${r.frame_index} ${r.face_index}`)).size,
            200_000,
          );
        },
      );

      const base: EvaluateOptions = {
        spec: tinySpec({ crop: { kind: "full" } }),
        modelPath: model,
        data: csv,
        store: join(tmp, "store_unused"),
        faces: "full",
        frames: 2,
        threads: 1,
        ffmpeg,
      };

      await t.step(
        "a model with a fixed batch of 100,000 is refused before any work, by name",
        async () => {
          const huge = join(tmp, "fixed_100000.onnx");
          await Deno.writeFile(huge, fixedBatchDetector(100_000));
          const store = join(tmp, "store_fixed");
          const before = Deno.memoryUsage().rss;
          await assert.rejects(
            () => evaluate({ ...base, modelPath: huge, store }),
            (error: Error) => {
              assert.ok(error.message.includes(`Model "${huge}"`), error.message);
              assert.match(
                error.message,
                /fixed batch of 100000 \(.* GiB per batch\), over the limit of 256 faces per batch/,
              );
              assert.match(error.message, /--limit batch=N/);
              return true;
            },
          );
          // Nothing was allocated for it (a batch would be 100,000 x 768 floats = 293 MiB).
          assert.ok(Deno.memoryUsage().rss - before < 200 * 2 ** 20);
          assert.deepEqual(await listParts(store).catch(() => []), []);
          // A fixed batch the raised limit allows runs in chunks of it.
          const fixed = join(tmp, "fixed_300.onnx");
          await Deno.writeFile(fixed, fixedBatchDetector(300));
          await assert.rejects(
            () => evaluate({ ...base, modelPath: fixed, store }),
            /fixed batch of 300/,
          );
          const summary = await evaluate({
            ...base,
            modelPath: fixed,
            store,
            limits: { batch: 300 },
          });
          assert.equal(summary.failures, 0);
          assert.equal((await readRows(store)).filter((r) => r.status === "ok").length, 10);
          // --batch is held to the same limit.
          await assert.rejects(
            () => evaluate({ ...base, batch: 100_000, store: join(tmp, "store_batch") }),
            /--batch 100000 is over the limit of 256 faces per batch \(raise it with --limit batch=N/,
          );
        },
      );

      await t.step(
        "a spec with frames 1e8 or a huge input is refused, naming the spec file",
        async () => {
          const path = join(tmp, "frames.json");
          await Deno.writeTextFile(path, JSON.stringify({ ...tinySpec(), frames: 1e8 }));
          const loaded = await loadDetectorSpec(path);
          const { frames: _frames, ...noFrames } = base;
          const store = join(tmp, "store_frames");
          await assert.rejects(
            () => evaluate({ ...noFrames, spec: loaded, specSource: path, store }),
            (error: Error) => {
              assert.ok(
                error.message.startsWith(`Detector spec "${path}": frames 100000000 is over`),
              );
              assert.match(
                error.message,
                /limit of 256 frames per video \(raise it with --limit frames=N/,
              );
              return true;
            },
          );
          await assert.rejects(
            () => evaluate({ ...base, frames: 1e8, store }),
            /--frames 100000000 is over the limit of 256 frames per video/,
          );
          // Raised: 300 frames of a 6-frame clip sample each frame (linspace repeats indices).
          const summary = await evaluate({
            ...noFrames,
            spec: { ...loaded, frames: 300 },
            store,
            limits: { frames: 300 },
          });
          assert.equal(summary.failures, 0);
          assert.equal((await readRows(store)).filter((r) => r.status === "ok").length, 5 * 6);
          const big = join(tmp, "input.json");
          await Deno.writeTextFile(
            big,
            JSON.stringify({ ...tinySpec(), input: { ...tinySpec().input, size: [20000, 20000] } }),
          );
          await assert.rejects(
            async () =>
              evaluate({ ...base, spec: await loadDetectorSpec(big), specSource: big, store }),
            new RegExp(
              `Detector spec "${big}": input.size \\[20000, 20000\\] is over the limit of 1024`,
            ),
          );
        },
      );

      await t.step(
        "the CLI names the spec file, and --limit raises the limit or is a usage error",
        async () => {
          const path = join(tmp, "frames_cli.json");
          await Deno.writeTextFile(path, JSON.stringify({ ...tinySpec(), frames: 1e8 }));
          const args = ["--detector", path, "--model", model, "--data", csv, "--faces", "full"];
          const refused = await runEval([...args, "--store", join(tmp, "store_cli")], 60_000);
          assert.equal(refused.code, 1);
          assert.ok(
            refused.stderr.includes(`Detector spec "${path}": frames 100000000`),
            refused.stderr,
          );
          assert.match(refused.stderr, /--limit frames=N/);
          const usage = await runEval([
            ...args,
            "--store",
            join(tmp, "store_cli"),
            "--limit",
            "fames=3",
          ], 60_000);
          assert.equal(usage.code, 2);
          assert.match(
            usage.stderr,
            /--limit wants name=value with a name of frame-width, .*faces-per-frame/,
          );
          const raised = await runEval([
            ...args,
            "--store",
            join(tmp, "store_cli"),
            "--frames",
            "300",
            "--limit",
            "frames=300",
            "--limit",
            "batch=300",
          ], 60_000);
          assert.equal(raised.code, 0, raised.stderr);
        },
      );
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("openUltraFace() refuses a face model whose input is over the input-side limit", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "dfrobust_face_limit_" });
  try {
    const path = join(tmp, "wide.onnx");
    await Deno.writeFile(path, ultraFaceShaped(2000));
    await assert.rejects(
      () => openUltraFace(path),
      new RegExp(`Face model "${path}" has an input of 2000x2000 pixels, over the limit of 1024`),
    );
    const opened = await openUltraFace(path, { maxInputSide: 2000 });
    assert.deepEqual(opened.inputSize, [2000, 2000]);
    await opened.release();
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
