/**
 * The demo detector's ONNX graph: fixed forensic high-pass filters (SRM-like kernels on luma and
 * on colour differences) as one Conv with constant weights, the mean absolute and mean squared
 * residual inside three nested regions of the face crop at two scales, their logarithms as
 * features, then a linear head and a Sigmoid. The features are computed by the graph itself, so
 * training runs the same graph without its head ({@link buildDemoFeatureModel}) and only the
 * head's weights are learned.
 * @module
 */
import { encodeModel, GraphBuilder } from "../onnx/writer.ts";
import { DEMO_INPUT_NAME, DEMO_INPUT_SIZE } from "../detectors/demo.ts";

/** Options shared by the demo model builders. */
export interface DemoGraphOptions {
  /** Crop side in pixels (input is `[N, 3, size, size]`, RGB in [0, 1]). Default 128. */
  size?: number;
}

/** A linear head over the features: `logit = sum(weights[j] * feature[j]) + bias`. */
export interface LinearHead {
  weights: Float64Array | number[];
  bias: number;
}

/** Options of {@link buildDemoModel}. */
export interface DemoModelOptions extends DemoGraphOptions {
  /** `metadata_props` written into the model (sorted by key). */
  metadata?: Record<string, string>;
}

const LUMA = [0.299, 0.587, 0.114];

/** A fixed filter: a 5x5 kernel applied to a weighted sum of the RGB channels. */
interface FilterRecord {
  name: string;
  /** Channel weights: the kernel runs on `r*w0 + g*w1 + b*w2`. */
  channels: number[];
  /** 5x5 kernel, row-major (smaller kernels are zero-padded to 5x5). */
  kernel: number[];
}

const LAPLACIAN = pad3([0, 1, 0, 1, -4, 1, 0, 1, 0]);
const SECOND_H = pad3([0, 0, 0, 1, -2, 1, 0, 0, 0]);
const SECOND_V = pad3([0, 1, 0, 0, -2, 0, 0, 1, 0]);
const DIAGONAL = pad3([1, 0, -1, 0, 0, 0, -1, 0, 1]).map((v) => v / 2);
// deno-fmt-ignore
const SRM_KV = [
  -1, 2, -2, 2, -1,
  2, -6, 8, -6, 2,
  -2, 8, -12, 8, -2,
  2, -6, 8, -6, 2,
  -1, 2, -2, 2, -1,
].map((v) => v / 12);
const GRAD_H = pad3([0, 0, 0, 0, -1, 1, 0, 0, 0]);
const GRAD_V = pad3([0, 0, 0, 0, -1, 0, 0, 1, 0]);

/**
 * The filter bank, as data: high-pass residuals (Laplacian, second differences, SRM's 5x5 KV)
 * carry the sharpness and noise the self-blend changes; first differences give the texture
 * contrast they are compared with; Laplacians of R-G and B-G see colour seams at the blend edge.
 */
const FILTERS: readonly FilterRecord[] = [
  { name: "lap", channels: LUMA, kernel: LAPLACIAN },
  { name: "d2h", channels: LUMA, kernel: SECOND_H },
  { name: "d2v", channels: LUMA, kernel: SECOND_V },
  { name: "diag", channels: LUMA, kernel: DIAGONAL },
  { name: "srmkv", channels: LUMA, kernel: SRM_KV },
  { name: "gradh", channels: LUMA, kernel: GRAD_H },
  { name: "gradv", channels: LUMA, kernel: GRAD_V },
  { name: "lap_rg", channels: [1, -1, 0], kernel: LAPLACIAN },
  { name: "lap_bg", channels: [0, -1, 1], kernel: LAPLACIAN },
];

/**
 * Nested square regions of the crop, as fractions of its side: the face's centre, the face with
 * its outline (where the blend boundary lies), and the whole crop with background.
 */
const REGIONS: readonly { name: string; from: number; to: number }[] = [
  { name: "centre", from: 0.3, to: 0.7 },
  { name: "face", from: 0.12, to: 0.88 },
  { name: "crop", from: 0, to: 1 },
];

const SCALES = [1, 2] as const;
const STATS = ["abs", "sq"] as const;
const EPSILON = 1e-6;

function pad3(k: number[]): number[] {
  const out = new Array<number>(25).fill(0);
  for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) out[(y + 1) * 5 + x + 1] = k[y * 3 + x];
  return out;
}

/** The feature names, in the order of the feature vector (scale, statistic, region, filter). */
export function demoFeatureNames(): string[] {
  const names: string[] = [];
  for (const scale of SCALES) {
    for (const stat of STATS) {
      for (const region of REGIONS) {
        for (const f of FILTERS) names.push(`s${scale}_${stat}_${region.name}_${f.name}`);
      }
    }
  }
  return names;
}

/**
 * Adds the feature sub-graph to `g` and returns the name of its `[N, F]` output, F =
 * `demoFeatureNames().length`: log(mean + 1e-6) of |residual| and residual^2 per filter, region
 * and scale.
 */
function addFeatures(g: GraphBuilder, size: number): string {
  const nf = FILTERS.length;
  const weights = new Float32Array(nf * 3 * 25);
  FILTERS.forEach((f, o) => {
    for (let c = 0; c < 3; c++) {
      for (let k = 0; k < 25; k++) weights[(o * 3 + c) * 25 + k] = f.channels[c] * f.kernel[k];
    }
  });
  g.initializer("filters", [nf, 3, 5, 5], weights);
  g.initializer("epsilon", [1], new Float32Array([EPSILON]));
  const parts: string[] = [];
  for (const scale of SCALES) {
    let image = DEMO_INPUT_NAME;
    if (scale > 1) {
      [image] = g.node("AveragePool", [image], {
        attributes: { kernel_shape: [scale, scale], strides: [scale, scale] },
        outputs: [`image_s${scale}`],
      });
    }
    const side = Math.floor(size / scale);
    const [residual] = g.node("Conv", [image, "filters"], {
      attributes: { kernel_shape: [5, 5], pads: [2, 2, 2, 2] },
      outputs: [`residual_s${scale}`],
    });
    const [abs] = g.node("Abs", [residual], { outputs: [`abs_s${scale}`] });
    const [sq] = g.node("Mul", [residual, residual], { outputs: [`sq_s${scale}`] });
    for (const [stat, source] of [["abs", abs], ["sq", sq]] as const) {
      for (const region of REGIONS) {
        let input = source;
        if (region.from > 0 || region.to < 1) {
          const a = Math.round(region.from * side);
          const b = Math.round(region.to * side);
          const name = `s${scale}_${stat}_${region.name}`;
          g.initializer(`${name}_starts`, [2], new BigInt64Array([BigInt(a), BigInt(a)]));
          g.initializer(`${name}_ends`, [2], new BigInt64Array([BigInt(b), BigInt(b)]));
          g.initializer(`${name}_axes`, [2], new BigInt64Array([2n, 3n]));
          [input] = g.node(
            "Slice",
            [source, `${name}_starts`, `${name}_ends`, `${name}_axes`],
            { outputs: [`${name}_slice`] },
          );
        }
        const [mean] = g.node("ReduceMean", [input], {
          attributes: { axes: [2, 3], keepdims: 0 },
          outputs: [`s${scale}_${stat}_${region.name}_mean`],
        });
        parts.push(mean);
      }
    }
  }
  const [concat] = g.node("Concat", parts, { attributes: { axis: 1 }, outputs: ["raw_stats"] });
  const [shifted] = g.node("Add", [concat, "epsilon"], { outputs: ["raw_stats_eps"] });
  const [features] = g.node("Log", [shifted], { outputs: ["features"] });
  return features;
}

/**
 * Builds the feature-only model (no head): input `image` `[N, 3, S, S]`, output `features`
 * `[N, F]`. Training runs it to get the features the full model computes.
 */
export function buildDemoFeatureModel(options: DemoGraphOptions = {}): Uint8Array {
  const size = options.size ?? DEMO_INPUT_SIZE;
  const g = new GraphBuilder("dfrobust_demo_features");
  g.input(DEMO_INPUT_NAME, ["N", 3, size, size]);
  const features = addFeatures(g, size);
  g.output(features, ["N", demoFeatureNames().length]);
  return encodeModel(g, { opset: 17 });
}

/**
 * Builds the full demo detector: the feature graph, `logit = features . weights + bias`, then a
 * Sigmoid; output `prob` `[N, 1]` is the fake probability. Throws when the head's length is not
 * the number of features. Equal heads and options give equal bytes.
 */
export function buildDemoModel(head: LinearHead, options: DemoModelOptions = {}): Uint8Array {
  const size = options.size ?? DEMO_INPUT_SIZE;
  const nf = demoFeatureNames().length;
  if (head.weights.length !== nf) {
    throw new Error(
      `Demo model head has ${head.weights.length} weights, the graph has ${nf} features`,
    );
  }
  const g = new GraphBuilder("dfrobust_demo");
  g.input(DEMO_INPUT_NAME, ["N", 3, size, size]);
  const features = addFeatures(g, size);
  g.initializer("head_weights", [nf, 1], Float32Array.from(head.weights));
  g.initializer("head_bias", [1], new Float32Array([head.bias]));
  const [product] = g.node("MatMul", [features, "head_weights"], { outputs: ["head_product"] });
  const [logit] = g.node("Add", [product, "head_bias"], { outputs: ["logit"] });
  g.node("Sigmoid", [logit], { outputs: ["prob"] });
  g.output("prob", ["N", 1]);
  return encodeModel(g, { opset: 17, metadata: options.metadata });
}
