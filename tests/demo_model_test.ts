import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "../deps/onnxruntime.ts";
import { buildDemoFeatureModel, buildDemoModel, demoFeatureNames } from "../demo/model.ts";
import { fitLogistic } from "../demo/logistic.ts";
import { scoreDemoDataset, trainDemoModel } from "../demo/train.ts";
import { generateDemoDataset } from "../demo/dataset.ts";
import { seededRandom } from "../util/prng.ts";
import { DEMO, DEMO_INPUT_SIZE, DEMO_MODEL_PATH } from "../detectors/demo.ts";
import { openDetector } from "../detectors/session.ts";
import { itemLength } from "../detectors/preprocess.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { runJson, skipWithout } from "./_tools.ts";

const S = DEMO_INPUT_SIZE;

/** A batch of smooth-plus-texture images in [0, 1], NCHW. */
function textured(n: number, seed: number): Float32Array {
  const rng = seededRandom(seed);
  const data = new Float32Array(n * 3 * S * S);
  for (let i = 0; i < data.length; i++) {
    const p = i % (S * S);
    const smooth = 0.5 + 0.2 * Math.sin(p / S / 9) * Math.cos((p % S) / 13);
    data[i] = Math.min(1, Math.max(0, smooth + 0.08 * (rng() - 0.5)));
  }
  return data;
}

/** 3x3 box blur of every plane of an NCHW batch (edges repeated). */
function blurred(batch: Float32Array): Float32Array {
  const out = new Float32Array(batch.length);
  for (let plane = 0; plane < batch.length / (S * S); plane++) {
    const o = plane * S * S;
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        let sum = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = Math.min(S - 1, Math.max(0, y + dy));
            const xx = Math.min(S - 1, Math.max(0, x + dx));
            sum += batch[o + yy * S + xx];
          }
        }
        out[o + y * S + x] = sum / 9;
      }
    }
  }
  return out;
}

async function run(model: Uint8Array, batch: Float32Array, n: number) {
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 3 });
  try {
    const out = await session.run({ image: new ort.Tensor("float32", batch, [n, 3, S, S]) });
    return out[session.outputNames[0]];
  } finally {
    await session.release();
  }
}

Deno.test("the demo feature graph gives one finite log statistic per named feature", async () => {
  const nf = demoFeatureNames().length;
  assert.equal(new Set(demoFeatureNames()).size, nf);
  const out = await run(buildDemoFeatureModel(), textured(2, 1), 2);
  assert.deepEqual(out.dims, [2, nf]);
  assert.ok((out.data as Float32Array).every(Number.isFinite));
});

Deno.test("blurring a crop lowers its high-pass features and keeps its gradients' order", async () => {
  const names = demoFeatureNames();
  const sharp = textured(1, 2);
  const a = (await run(buildDemoFeatureModel(), sharp, 1)).data as Float32Array;
  const b = (await run(buildDemoFeatureModel(), blurred(sharp), 1)).data as Float32Array;
  for (const name of ["s1_abs_crop_lap", "s1_sq_centre_srmkv", "s1_abs_face_d2h"]) {
    const j = names.indexOf(name);
    assert.ok(j >= 0, name);
    assert.ok(b[j] < a[j] - 0.5, `${name}: ${a[j]} -> ${b[j]}`);
  }
});

Deno.test("buildDemoModel() outputs [N, 1] probabilities and equal heads give equal bytes", async () => {
  const nf = demoFeatureNames().length;
  const rng = seededRandom(9);
  const head = { weights: Array.from({ length: nf }, () => rng() - 0.5), bias: 0.3 };
  const model = buildDemoModel(head);
  assert.deepEqual(buildDemoModel(head), model);
  const out = await run(model, textured(3, 3), 3);
  assert.deepEqual(out.dims, [3, 1]);
  const probs = out.data as Float32Array;
  assert.ok(probs.every((p) => p >= 0 && p <= 1), `${probs}`);
  // The head is exactly the linear map of the features.
  const features = (await run(buildDemoFeatureModel(), textured(3, 3), 3)).data as Float32Array;
  for (let i = 0; i < 3; i++) {
    let z = head.bias;
    for (let j = 0; j < nf; j++) z += head.weights[j] * features[i * nf + j];
    assert.ok(Math.abs(1 / (1 + Math.exp(-z)) - probs[i]) < 1e-4);
  }
  assert.notDeepEqual(buildDemoModel({ ...head, bias: 0.4 }), model);
});

Deno.test("buildDemoModel() refuses a head whose length is not the feature count", () => {
  assert.throws(() => buildDemoModel({ weights: [1, 2], bias: 0 }), /2 weights/);
});

/** Two overlapping Gaussian classes in `d` dimensions with unequal feature scales. */
function toyData(n: number, d: number, seed: number): { rows: number[][]; labels: number[] } {
  const rng = seededRandom(seed);
  const normal = () =>
    Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 2;
    rows.push(
      Array.from({ length: d }, (_, j) => (j + 1) * (normal() + (j < 2 ? y * 1.2 : 0)) + j),
    );
    labels.push(y);
  }
  return { rows, labels };
}

Deno.test("fitLogistic() folds standardisation into weights over the raw features", () => {
  const { rows, labels } = toyData(200, 4, 1);
  const fit = fitLogistic(rows, labels, { l2: 0.5 });
  assert.equal(fit.weights.length, 4);
  assert.ok(fit.weights[0] > 0 && fit.weights[1] > 0, `${fit.weights}`);
  assert.ok(Math.abs(fit.weights[3]) < Math.abs(fit.weights[0]));
  assert.deepEqual(fitLogistic(rows, labels, { l2: 0.5 }), fit);
  assert.ok(fit.loss > 0 && fit.loss < Math.log(2));
});

Deno.test("fitLogistic() refuses empty or ragged data", async (t) => {
  await t.step("no rows", () => assert.throws(() => fitLogistic([], []), /0 rows/));
  await t.step("ragged rows", () => assert.throws(() => fitLogistic([[1, 2], [1]], [0, 1])));
  await t.step("fewer labels", () => assert.throws(() => fitLogistic([[1], [2]], [0])));
});

Deno.test({
  name: "fitLogistic() matches scikit-learn's L2 logistic regression on standardised features",
  ignore: skipWithout("python-sklearn", "demo logistic vs scikit-learn"),
  async fn() {
    const { rows, labels } = toyData(300, 5, 4);
    const l2 = 2;
    const fit = fitLogistic(rows, labels, { l2 });
    const script = `
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
d = json.load(sys.stdin)
X = np.array(d["rows"]); y = np.array(d["labels"])
Z = (X - X.mean(0)) / X.std(0)
m = LogisticRegression(C=1.0 / d["l2"], solver="newton-cg", tol=1e-12, max_iter=10000).fit(Z, y)
print(json.dumps({"coef": m.coef_[0].tolist(), "intercept": float(m.intercept_[0])}))
`;
    const sk = await runJson<{ coef: number[]; intercept: number }>(
      "scikit-learn",
      "/usr/bin/python3",
      ["-c", script],
      { rows, labels, l2 },
    );
    for (let j = 0; j < 5; j++) {
      const standardised = fit.weights[j] * fit.std[j];
      assert.ok(
        Math.abs(standardised - sk.coef[j]) < 1e-6,
        `w${j}: ${standardised} vs ${sk.coef[j]}`,
      );
    }
    let intercept = fit.bias;
    for (let j = 0; j < 5; j++) intercept += fit.weights[j] * fit.mean[j];
    assert.ok(Math.abs(intercept - sk.intercept) < 1e-6, `${intercept} vs ${sk.intercept}`);
  },
});

Deno.test("the committed demo model opens as the demo preset and scores in [0, 1]", async () => {
  const detector = await openDetector(DEMO, { modelPath: DEMO_MODEL_PATH, threads: 1 });
  try {
    assert.equal(detector.inputName, "image");
    const n = 4;
    const batch = textured(n, 5);
    assert.equal(batch.length, n * itemLength(DEMO.input));
    const scores = await detector.score(batch, n);
    assert.equal(scores.length, n);
    assert.ok(scores.every((s) => s >= 0 && s <= 1), `${scores}`);
  } finally {
    await detector.release();
  }
  const size = (await Deno.stat(DEMO_MODEL_PATH)).size;
  assert.ok(size < 1_000_000, `${size} bytes`);
});

Deno.test({
  name: "trainDemoModel() rebuilds the same bytes from a regenerated small training split",
  ignore: skipWithout("ffmpeg", "demo model retraining"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_demo_train_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      // Reduced config: the full `deno task train-demo` (128 clips) takes about a minute.
      const dataset = { reals: 6, frames: 8, size: 160, seed: 99 };
      const first = await trainDemoModel({ dataDir: join(dir, "a"), dataset, frames: 8, ffmpeg });
      const second = await trainDemoModel({ dataDir: join(dir, "b"), dataset, frames: 8, ffmpeg });
      assert.equal(first.videos, 12);
      assert.equal(first.frames, 96);
      assert.equal(second.sha256, first.sha256);
      assert.deepEqual(second.model, first.model);
      const other = await trainDemoModel({
        dataDir: join(dir, "c"),
        dataset: { ...dataset, seed: 100 },
        frames: 8,
        ffmpeg,
      });
      assert.notEqual(other.sha256, first.sha256);
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "the committed demo model separates a freshly generated test split (AUC >= 0.9)",
  ignore: skipWithout("ffmpeg", "demo model accuracy"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_demo_auc_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      // A seed neither the committed training split nor the default test split uses.
      const dataset = await generateDemoDataset(dir, { reals: 10, frames: 16, seed: 4242, ffmpeg });
      const scored = await scoreDemoDataset(DEMO_MODEL_PATH, dataset, { frames: 16, ffmpeg });
      assert.equal(scored.videos.length, 20);
      assert.ok(scored.auc >= 0.9, `AUC ${scored.auc}`);
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
