/**
 * The bundled demo detector as a preset record: a small ONNX model (`detectors/models/demo.onnx`,
 * built by `demo/model.ts` and trained by `deno task train-demo` on the generated demo
 * training split) that looks for self-blending artefacts with fixed forensic high-pass filters
 * and a logistic head. It exists so `deno task demo` runs end to end with nothing to download;
 * it knows only the synthetic demo data.
 * @module
 */
import type { DetectorSpec } from "./spec.ts";

/** Crop side of the demo detector in pixels: its input is `[N, 3, 128, 128]`. */
export const DEMO_INPUT_SIZE = 128;

/** Name of the demo model's image input. */
export const DEMO_INPUT_NAME = "image";

/** Absolute path of the committed demo model. */
export const DEMO_MODEL_PATH: string = decodeURIComponent(
  new URL("./models/demo.onnx", import.meta.url).pathname,
);

/**
 * The `demo` preset: crop = sidecar box enlarged 1.3x to a square, resized to 128x128, RGB in
 * [0, 1], NCHW; the model outputs the fake probability (Sigmoid inside); video score = mean of
 * the frame scores.
 */
export const DEMO: DetectorSpec = {
  name: "demo",
  description: "dfrobust's bundled demo detector: fixed SRM-like high-pass filters, log residual " +
    "energy in nested face regions at two scales, logistic head; trained on the generated demo " +
    "training split (self-blended synthetic faces). 128x128 RGB [0, 1], 1.3x square crop.",
  sources: [
    {
      repo: "dfrobust",
      file: "demo/model.ts",
      note: "graph: filter bank, region statistics, linear head, Sigmoid",
    },
    {
      repo: "dfrobust",
      file: "demo/train.ts",
      note: "training: demo train split, 32 frames per clip, logistic regression (IRLS, L2)",
    },
  ],
  modelPath: DEMO_MODEL_PATH,
  trainSet: "dfrobust-demo-train",
  input: {
    name: DEMO_INPUT_NAME,
    layout: "NCHW",
    size: [DEMO_INPUT_SIZE, DEMO_INPUT_SIZE],
    colour: "RGB",
    scale: 1 / 255,
    mean: [0, 0, 0],
    std: [1, 1, 1],
    resize: "pil-bilinear",
  },
  crop: { kind: "square", scale: 1.3 },
  faces: "largest",
  faceRule: "max",
  output: { kind: "probability" },
  videoRule: "mean",
  failScore: 0.5,
  frames: 32,
  differences: [],
};
