import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeModel, GraphBuilder } from "../onnx/writer.ts";
import { DetectorModelError, mapOutput, openDetector } from "../detectors/session.ts";
import { itemLength } from "../detectors/preprocess.ts";
import type { DetectorSpec } from "../detectors/spec.ts";

/** A spec for 3x4x4 inputs; the tests vary layout and output mapping. */
function tinySpec(overrides: Partial<DetectorSpec> = {}): DetectorSpec {
  return {
    name: "tiny",
    description: "test model",
    sources: [],
    input: {
      layout: "NCHW",
      size: [4, 4],
      colour: "RGB",
      scale: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    crop: { kind: "box" },
    faces: "largest",
    faceRule: "max",
    output: { kind: "sigmoid" },
    videoRule: "mean",
    failScore: null,
    differences: [],
    ...overrides,
  };
}

/**
 * x [N, ...inputDims] -> ReduceMean over all but the batch axis -> [N, 1] -> Log -> y [N, 1].
 * The log of a negative mean is NaN, so one model tests both the value path and NaN passthrough.
 */
function logMeanModel(inputDims: (number | string)[]): Uint8Array {
  const g = new GraphBuilder("log_mean");
  g.input("x", inputDims);
  const [mean] = g.node("ReduceMean", ["x"], { attributes: { axes: [1, 2, 3], keepdims: 1 } });
  const [flat] = g.node("Flatten", [mean], { attributes: { axis: 1 } });
  g.node("Log", [flat], { outputs: ["y"] });
  g.output("y", [inputDims[0], 1]);
  return encodeModel(g, { opset: 17 });
}

/** x [N,3,4,4] -> ReduceMean over H, W -> two logits [N, 2] = (mean R, mean G). */
function twoLogitModel(): Uint8Array {
  const g = new GraphBuilder("two_logits");
  g.input("x", ["N", 3, 4, 4]);
  const [mean] = g.node("ReduceMean", ["x"], { attributes: { axes: [2, 3], keepdims: 0 } });
  const starts = g.initializer("starts", [1], new BigInt64Array([0n]));
  const ends = g.initializer("ends", [1], new BigInt64Array([2n]));
  const axes = g.initializer("axes", [1], new BigInt64Array([1n]));
  g.node("Slice", [mean, starts, ends, axes], { outputs: ["logits"] });
  g.output("logits", ["N", 2]);
  return encodeModel(g, { opset: 17 });
}

async function withModels(
  models: Record<string, Uint8Array>,
  body: (paths: Record<string, string>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const paths: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(models)) {
      paths[name] = join(dir, `${name}.onnx`);
      await Deno.writeFile(paths[name], bytes);
    }
    await body(paths);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A batch of `values.length` items, each filled with one value. */
function batchOf(spec: DetectorSpec, values: number[]): Float32Array {
  const n = itemLength(spec.input);
  const batch = new Float32Array(values.length * n);
  values.forEach((v, i) => batch.fill(v, i * n, (i + 1) * n));
  return batch;
}

Deno.test("score() maps outputs through the spec and passes NaN through", async () => {
  await withModels({ logmean: logMeanModel(["N", 3, 4, 4]) }, async ({ logmean }) => {
    const spec = tinySpec();
    const session = await openDetector(spec, { modelPath: logmean, threads: 1 });
    try {
      assert.equal(session.inputName, "x");
      assert.equal(session.fixedBatch, null);
      // sigmoid(log m) = m / (1 + m); a negative mean gives log -> NaN.
      const scores = await session.score(batchOf(spec, [0.25, 4, -1]), 3);
      assert.ok(Math.abs(scores[0] - 0.2) < 1e-6, `got ${scores[0]}`);
      assert.ok(Math.abs(scores[1] - 0.8) < 1e-6, `got ${scores[1]}`);
      assert.ok(Number.isNaN(scores[2]), "NaN output scores NaN");
      await assert.rejects(session.score(new Float32Array(10), 1), RangeError);
    } finally {
      await session.release();
    }
  });
});

Deno.test("score() applies softmax at fakeIndex, or takes given probabilities, and inverts", async () => {
  await withModels({ two: twoLogitModel() }, async ({ two }) => {
    const n = itemLength(tinySpec().input);
    // Item 0: R plane 1, G plane 0 -> logits (1, 0). Item 1: R 0, G 2 -> logits (0, 2).
    const batch = new Float32Array(2 * n);
    batch.fill(1, 0, 16);
    batch.fill(2, n + 16, n + 32);
    const softmax = await openDetector(tinySpec({ output: { kind: "softmax", fakeIndex: 1 } }), {
      modelPath: two,
    });
    const applied = await openDetector(
      tinySpec({ output: { kind: "softmax", fakeIndex: 0, applied: true, invert: true } }),
      { modelPath: two },
    );
    try {
      const s = await softmax.score(batch, 2);
      assert.ok(Math.abs(s[0] - 1 / (1 + Math.E)) < 1e-6);
      assert.ok(Math.abs(s[1] - Math.exp(2) / (1 + Math.exp(2))) < 1e-6);
      const a = await applied.score(batch, 2);
      assert.deepEqual([...a], [0, 1], "1 - value at index 0");
    } finally {
      await softmax.release();
      await applied.release();
    }
  });
});

Deno.test("a model with a fixed batch of 1 scores larger batches one item at a time", async () => {
  await withModels({ fixed: logMeanModel([1, 3, 4, 4]) }, async ({ fixed }) => {
    const spec = tinySpec();
    const session = await openDetector(spec, { modelPath: fixed });
    try {
      assert.equal(session.fixedBatch, 1);
      const scores = await session.score(batchOf(spec, [1, 3]), 2);
      assert.ok(Math.abs(scores[0] - 0.5) < 1e-6 && Math.abs(scores[1] - 0.75) < 1e-6);
    } finally {
      await session.release();
    }
  });
});

Deno.test("openDetector() rejects models that do not match the spec, naming the file", async (t) => {
  await withModels({
    small: logMeanModel(["N", 3, 8, 8]),
    nhwc: logMeanModel(["N", 4, 4, 3]),
    two: twoLogitModel(),
  }, async (paths) => {
    await t.step("wrong input size: expected vs actual", async () => {
      await assert.rejects(openDetector(tinySpec(), { modelPath: paths.small }), (e: Error) => {
        assert.ok(e instanceof DetectorModelError);
        assert.ok(e.message.includes(paths.small), e.message);
        assert.match(e.message, /has shape \["N", 3, 8, 8\], expected NCHW \["N", 3, 4, 4\]/);
        return true;
      });
    });
    await t.step("NHWC model under an NCHW spec says so", async () => {
      await assert.rejects(
        openDetector(tinySpec(), { modelPath: paths.nhwc }),
        /expected NCHW .*\(the model looks NHWC\)/,
      );
    });
    await t.step("an NHWC spec accepts the NHWC model", async () => {
      const spec = tinySpec();
      const session = await openDetector({ ...spec, input: { ...spec.input, layout: "NHWC" } }, {
        modelPath: paths.nhwc,
      });
      await session.release();
    });
    await t.step("a sigmoid spec on a two-logit output", async () => {
      await assert.rejects(
        openDetector(tinySpec(), { modelPath: paths.two }),
        /a sigmoid output needs 1 value per item, the model gives 2/,
      );
    });
    await t.step("a softmax index past the output", async () => {
      await assert.rejects(
        openDetector(tinySpec({ output: { kind: "softmax", fakeIndex: 2 } }), {
          modelPath: paths.two,
        }),
        /fakeIndex 2 needs at least 3 values/,
      );
    });
    await t.step("an input name the model lacks", async () => {
      const spec = tinySpec();
      await assert.rejects(
        openDetector({ ...spec, input: { ...spec.input, name: "image" } }, {
          modelPath: paths.two,
        }),
        /has no input "image" \(inputs: x\)/,
      );
    });
  });
});

Deno.test("openDetector() names a missing or broken model file", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await t.step("missing", async () => {
      const path = join(dir, "absent.onnx");
      await assert.rejects(
        openDetector(tinySpec(), { modelPath: path }),
        new RegExp(`Model file "${path}" for detector "tiny" does not exist \\(give --model`),
      );
    });
    await t.step("not ONNX", async () => {
      const path = join(dir, "junk.onnx");
      await Deno.writeTextFile(path, "not a model");
      await assert.rejects(
        openDetector(tinySpec(), { modelPath: path }),
        new RegExp(`Cannot load model "${path}" on cpu`),
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openDetector({ worker: true }) scores on its own thread exactly as on the caller's", async (t) => {
  await withModels({
    logmean: logMeanModel(["N", 3, 4, 4]),
    fixed: logMeanModel([1, 3, 4, 4]),
  }, async ({ logmean, fixed }) => {
    const spec = tinySpec();
    for (const [name, path] of [["a free batch", logmean], ["a fixed batch of 1", fixed]]) {
      await t.step(name, async () => {
        const here = await openDetector(spec, { modelPath: path, threads: 1 });
        const there = await openDetector(spec, { modelPath: path, threads: 1, worker: true });
        try {
          assert.deepEqual(
            [there.inputName, there.outputName, there.fixedBatch],
            [here.inputName, here.outputName, here.fixedBatch],
          );
          const batch = batchOf(spec, [0.25, 4, -1, 0.5, 0.75]);
          const expected = await here.score(batch, 5);
          // Two batches in flight at once: each gets its own scores back.
          const [a, b] = await Promise.all([there.score(batch, 5), there.score(batch, 2)]);
          assert.deepEqual(a, expected);
          assert.deepEqual(b, expected.subarray(0, 2));
          // The caller's batch is copied to the worker, not taken.
          assert.equal(batch.length, 5 * itemLength(spec.input));
          // Unless it is given away: then it is moved, and reads as empty afterwards (a model
          // with a fixed batch of 1 gets copies of its items, one at a time).
          const given = batch.slice();
          assert.deepEqual(await there.score(given, 5, { transfer: true }), expected);
          assert.equal(given.length, there.fixedBatch === null ? 0 : batch.length);
          // A part of a larger array is copied even when offered.
          const larger = batch.slice();
          assert.deepEqual(
            await there.score(larger, 2, { transfer: true }),
            expected.subarray(0, 2),
          );
          assert.equal(larger.length, 5 * itemLength(spec.input));
          // A moved batch comes back, whole and unchanged, to be filled again; an array that
          // stayed (a part, or copies for a fixed batch) is handed back as it is.
          for (const [what, n] of [["whole", 5], ["a part", 2]] as const) {
            const sent = batch.slice();
            let back: Float32Array | null = null;
            const scores = await there.score(sent, n, {
              transfer: true,
              returned: (array) => back = array,
            });
            assert.deepEqual(scores, expected.subarray(0, n), what);
            assert.deepEqual(back, batch, what);
            assert.equal(back === sent, n < 5 || there.fixedBatch !== null, what);
            assert.deepEqual(await there.score(back!, n), scores, what);
          }
          let backHere: Float32Array | null = null;
          await here.score(batch, 5, { transfer: true, returned: (array) => backHere = array });
          assert.equal(backHere, batch);
          await assert.rejects(there.score(new Float32Array(10), 1), RangeError);
        } finally {
          await here.release();
          await there.release();
          await there.release();
        }
      });
    }
  });
});

Deno.test("openDetector({ worker: true }) refuses what the caller's thread refuses, in the same words", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const spec = tinySpec();
    const cases: [string, () => Promise<string>][] = [
      ["a missing file", () => Promise.resolve(join(dir, "absent.onnx"))],
      ["a file that is not ONNX", async () => {
        await Deno.writeTextFile(join(dir, "junk.onnx"), "not a model");
        return join(dir, "junk.onnx");
      }],
      ["a model of the wrong input size", async () => {
        await Deno.writeFile(join(dir, "big.onnx"), logMeanModel(["N", 3, 8, 8]));
        return join(dir, "big.onnx");
      }],
    ];
    for (const [name, make] of cases) {
      await t.step(name, async () => {
        const modelPath = await make();
        const here = await openDetector(spec, { modelPath }).then(() => null, (e) => e);
        const there = await openDetector(spec, { modelPath, worker: true }).then(
          () => null,
          (e) => e,
        );
        assert.ok(here instanceof DetectorModelError, String(here));
        assert.ok(there instanceof DetectorModelError, String(there));
        assert.equal(there.message, here.message);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--device cuda either works or fails with a message pointing at the GPU docs", async () => {
  await withModels({ m: logMeanModel(["N", 3, 4, 4]) }, async ({ m }) => {
    try {
      const session = await openDetector(tinySpec(), { modelPath: m, device: "cuda" });
      await session.release();
    } catch (error) {
      assert.ok(error instanceof DetectorModelError, String(error));
      assert.match(error.message, /cuda|CUDA/);
      assert.match(error.message, /docs\/detectors\.md/);
    }
  });
});

Deno.test("mapOutput() turns any non-finite value into NaN", () => {
  assert.ok(Number.isNaN(mapOutput([Infinity, 0], { kind: "softmax", fakeIndex: 1 })));
  assert.ok(Number.isNaN(mapOutput([NaN], { kind: "probability" })));
  assert.equal(mapOutput([0], { kind: "sigmoid" }), 0.5);
  assert.equal(mapOutput([0.3], { kind: "probability", invert: true }), 0.7);
});
