/**
 * An EfficientNet-B4-sized detector graph with seeded random weights, for benchmarks: the
 * B4 layout (width 1.4, depth 1.8, MBConv blocks with squeeze-excitation and swish, 380x380
 * input, 1792-wide head, one sigmoid output) with batch norm folded into conv biases. Inference
 * cost depends on the shapes, not the weight values, so it stands in for a trained B4 detector
 * without shipping one. {@link sizedModelMacs} counts its multiply-accumulates.
 * @module
 */
import { encodeModel, GraphBuilder } from "../onnx/writer.ts";

/** Options for {@link buildSizedModel}. */
export interface SizedModelOptions {
  /** Input side in pixels (default 380, EfficientNet-B4's). */
  size?: number;
  /** PRNG seed for the weights (default 1). */
  seed?: number;
}

/** The built model and its cost. */
export interface SizedModel {
  bytes: Uint8Array;
  /** Input side in pixels. */
  size: number;
  /** Multiply-accumulates per image (convolutions and the classifier). */
  macs: number;
  /** Weight count. */
  parameters: number;
}

// EfficientNet-B0 stages (expand ratio, kernel, stride, output channels, repeats), scaled below
// by B4's width 1.4 and depth 1.8 as in the reference implementation (channels rounded to 8).
const B0_STAGES: readonly [number, number, number, number, number][] = [
  [1, 3, 1, 16, 1],
  [6, 3, 2, 24, 2],
  [6, 5, 2, 40, 2],
  [6, 3, 2, 80, 3],
  [6, 5, 1, 112, 3],
  [6, 5, 2, 192, 4],
  [6, 3, 1, 320, 1],
];
const WIDTH = 1.4;
const DEPTH = 1.8;

function roundChannels(c: number): number {
  const scaled = c * WIDTH;
  let rounded = Math.max(8, Math.floor((scaled + 4) / 8) * 8);
  if (rounded < 0.9 * scaled) rounded += 8;
  return rounded;
}

/** Builds the graph: input `input` [N, 3, size, size], output `score` [N, 1] in (0, 1). */
export function buildSizedModel(options: SizedModelOptions = {}): SizedModel {
  const size = options.size ?? 380;
  let state = (options.seed ?? 1) >>> 0 || 1;
  // xorshift32: deterministic and fast enough for ~19M weights.
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296 - 0.5;
  };
  const g = new GraphBuilder("efficientnet_b4_sized");
  let macs = 0;
  let parameters = 0;
  let side = size;
  const weights = (name: string, dims: number[], fanIn: number) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    // Uniform on [-scale/2, scale/2]: variance 2 / fanIn (He), so activations neither vanish into
    // denormal floats (which would make the cost depend on the data) nor blow up.
    const scale = Math.sqrt(24 / fanIn);
    for (let i = 0; i < n; i++) data[i] = uniform() * scale;
    parameters += n;
    return g.initializer(name, dims, data);
  };
  const conv = (
    x: string,
    cin: number,
    cout: number,
    k: number,
    stride: number,
    group: number,
    tag: string,
  ) => {
    const w = weights(`${tag}_w`, [cout, cin / group, k, k], (cin / group) * k * k);
    const b = weights(`${tag}_b`, [cout], 1e6);
    const out = Math.ceil(side / stride);
    macs += out * out * cout * (cin / group) * k * k;
    side = out;
    const pad = Math.floor(k / 2);
    return g.node("Conv", [x, w, b], {
      attributes: {
        kernel_shape: [k, k],
        strides: [stride, stride],
        pads: [pad, pad, pad, pad],
        group,
      },
    })[0];
  };
  const swish = (x: string) => g.node("Mul", [x, g.node("Sigmoid", [x])[0]])[0];

  g.input("input", ["N", 3, size, size]);
  const stem = roundChannels(32);
  let x = swish(conv("input", 3, stem, 3, 2, 1, "stem"));
  let channels = stem;
  let block = 0;
  for (const [expand, kernel, stride, outBase, repeatsBase] of B0_STAGES) {
    const out = roundChannels(outBase);
    const repeats = Math.ceil(repeatsBase * DEPTH);
    for (let r = 0; r < repeats; r++) {
      const tag = `b${block++}`;
      const input = x;
      const mid = channels * expand;
      let h = x;
      if (expand !== 1) h = swish(conv(h, channels, mid, 1, 1, 1, `${tag}_expand`));
      h = swish(conv(h, mid, mid, kernel, r === 0 ? stride : 1, mid, `${tag}_dw`));
      const squeezed = Math.max(1, Math.floor(channels / 4));
      const keep = side;
      side = 1;
      let se = g.node("GlobalAveragePool", [h])[0];
      se = swish(conv(se, mid, squeezed, 1, 1, 1, `${tag}_se_reduce`));
      se = g.node("Sigmoid", [conv(se, squeezed, mid, 1, 1, 1, `${tag}_se_expand`)])[0];
      side = keep;
      h = g.node("Mul", [h, se])[0];
      h = conv(h, mid, out, 1, 1, 1, `${tag}_project`);
      if (r > 0 && channels === out) h = g.node("Add", [h, input])[0];
      x = h;
      channels = out;
    }
  }
  const head = roundChannels(1280);
  x = swish(conv(x, channels, head, 1, 1, 1, "head"));
  x = g.node("GlobalAveragePool", [x])[0];
  x = g.node("Flatten", [x], { attributes: { axis: 1 } })[0];
  const fcW = weights("fc_w", [head, 1], head);
  const fcB = weights("fc_b", [1], 1e6);
  macs += head;
  const logit = g.node("Gemm", [x, fcW, fcB])[0];
  g.node("Sigmoid", [logit], { outputs: ["score"] });
  g.output("score", ["N", 1]);
  return { bytes: encodeModel(g, { opset: 17 }), size, macs, parameters };
}
