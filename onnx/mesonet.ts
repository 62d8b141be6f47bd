/**
 * MesoNet import: converts the MesoNet authors' published Keras weights (Afchar et al., WIFS
 * 2018; DariusAf/MesoNet, Apache-2.0) into an ONNX model built with dfrobust's own writer.
 *
 * The architectures are records transcribed from the authors' `classifiers.py` (Meso4,
 * MesoInception4). The ONNX model takes `image` [N, 3, 256, 256] (NCHW, RGB, values in [0, 1],
 * i.e. pixel / 255) and returns `real_probability` [N, 1]: the authors' sigmoid output, which is
 * the probability of class 1 = `real` (Keras `flow_from_directory` numbers the class folders
 * alphabetically: `df` = 0, `real` = 1). The fake probability is 1 - output; the dfrobust
 * presets (`detectors/mesonet.ts`) say `invert: true`.
 * @module
 */
import { basename } from "node:path";
import { readKerasWeights } from "./keras_h5.ts";
import type { KerasLayer, KerasTensor } from "./keras_h5.ts";
import { encodeModel, GraphBuilder } from "./writer.ts";
import { MESONET_INPUT_NAME, MESONET_INPUT_SIZE, MESONET_OUTPUT_NAME } from "./mesonet_io.ts";

/** The two MesoNet architectures the authors published weights for. */
export type MesoNetArch = "meso4" | "mesoinception4";

/** All {@link MesoNetArch} values, for CLI validation. */
export const MESONET_ARCHS: readonly MesoNetArch[] = ["meso4", "mesoinception4"];

/** Options of {@link convertMesoNet}. */
export interface ConvertMesoNetOptions {
  arch: MesoNetArch;
  /** File name shown in error messages and written into the model's metadata. */
  source?: string;
}

/** Thrown when the weights do not fit the architecture; the message names the layer. */
export class MesoNetWeightsError extends Error {
  override name = "MesoNetWeightsError";
}

export { MESONET_INPUT_NAME, MESONET_INPUT_SIZE, MESONET_OUTPUT_NAME };

/** Keras' BatchNormalization default epsilon (the .h5 weights file stores no layer config). */
const KERAS_BN_EPSILON = 1e-3;

type Step =
  /** Conv2D, padding 'same', stride 1, ReLU. */
  | { op: "conv"; filters: number; kernel: number }
  /** The authors' InceptionLayer(a, b, c, d): four branches concatenated on channels. */
  | { op: "inception"; a: number; b: number; c: number; d: number }
  | { op: "batchnorm" }
  /** MaxPooling2D(pool_size=(size, size), padding='same'), stride = size. */
  | { op: "maxpool"; size: number }
  /** Flatten (NHWC order), Dropout (identity at inference), Dense. */
  | { op: "dense"; units: number; activation: "leakyrelu0.1" | "sigmoid" };

const TAIL: Step[] = [
  { op: "conv", filters: 16, kernel: 5 },
  { op: "batchnorm" },
  { op: "maxpool", size: 2 },
  { op: "conv", filters: 16, kernel: 5 },
  { op: "batchnorm" },
  { op: "maxpool", size: 4 },
  { op: "dense", units: 16, activation: "leakyrelu0.1" },
  { op: "dense", units: 1, activation: "sigmoid" },
];

/** The layer sequences of `classifiers.py`, as data. */
const ARCHITECTURES: Record<MesoNetArch, Step[]> = {
  meso4: [
    { op: "conv", filters: 8, kernel: 3 },
    { op: "batchnorm" },
    { op: "maxpool", size: 2 },
    { op: "conv", filters: 8, kernel: 5 },
    { op: "batchnorm" },
    { op: "maxpool", size: 2 },
    ...TAIL,
  ],
  mesoinception4: [
    { op: "inception", a: 1, b: 4, c: 4, d: 2 },
    { op: "batchnorm" },
    { op: "maxpool", size: 2 },
    { op: "inception", a: 2, b: 4, c: 4, d: 2 },
    { op: "batchnorm" },
    { op: "maxpool", size: 2 },
    ...TAIL,
  ],
};

/**
 * Converts MesoNet Keras weights (`.h5` bytes) into ONNX model bytes (opset 17, deterministic).
 * Throws `KerasWeightsError` when the bytes are not Keras HDF5 weights, and
 * {@link MesoNetWeightsError} naming the layer when a layer's shape does not fit `arch` (e.g.
 * Meso4 weights converted as MesoInception4) or layers are missing or left over.
 */
export async function convertMesoNet(
  h5Bytes: Uint8Array,
  options: ConvertMesoNetOptions,
): Promise<Uint8Array> {
  const source = options.source ?? "weights.h5";
  const steps = ARCHITECTURES[options.arch];
  if (!steps) {
    throw new MesoNetWeightsError(
      `Unknown MesoNet architecture "${options.arch}" (use ${MESONET_ARCHS.join(" or ")})`,
    );
  }
  const weights = await readKerasWeights(h5Bytes, { source });
  const layers = new LayerQueues(weights.layers, source, options.arch);
  const g = new GraphBuilder(options.arch);
  let x = g.input(MESONET_INPUT_NAME, ["N", 3, MESONET_INPUT_SIZE, MESONET_INPUT_SIZE]);
  let channels = 3;
  let side = MESONET_INPUT_SIZE;
  let flattened = false;

  const conv = (
    input: string,
    inChannels: number,
    filters: number,
    kernel: number,
    dilation = 1,
  ) => {
    const layer = layers.take("conv", [[kernel, kernel, inChannels, filters], [filters]]);
    const [kernelHwio, bias] = layer.weights;
    const w = g.initializer(
      `${layer.name}.weight`,
      [filters, inChannels, kernel, kernel],
      hwioToOihw(kernelHwio),
    );
    const b = g.initializer(`${layer.name}.bias`, [filters], bias.data);
    // Keras 'same' with stride 1: total padding dilation*(k-1), any odd pixel at the end.
    const total = dilation * (kernel - 1);
    const begin = Math.floor(total / 2);
    const [y] = g.node("Conv", [input, w, b], {
      attributes: {
        kernel_shape: [kernel, kernel],
        dilations: [dilation, dilation],
        strides: [1, 1],
        pads: [begin, begin, total - begin, total - begin],
      },
    });
    return g.node("Relu", [y])[0];
  };

  for (const step of steps) {
    if (step.op === "conv") {
      x = conv(x, channels, step.filters, step.kernel);
      channels = step.filters;
    } else if (step.op === "inception") {
      // Branch order and creation order as in InceptionLayer: 1x1; 1x1->3x3; 1x1->3x3 d2; 1x1->3x3 d3.
      const x1 = conv(x, channels, step.a, 1);
      const x2 = conv(conv(x, channels, step.b, 1), step.b, step.b, 3);
      const x3 = conv(conv(x, channels, step.c, 1), step.c, step.c, 3, 2);
      const x4 = conv(conv(x, channels, step.d, 1), step.d, step.d, 3, 3);
      x = g.node("Concat", [x1, x2, x3, x4], { attributes: { axis: 1 } })[0];
      channels = step.a + step.b + step.c + step.d;
    } else if (step.op === "batchnorm") {
      const layer = layers.take("batchnorm", [[channels], [channels], [channels], [channels]]);
      const byName = new Map(layer.weights.map((t) => [t.name, t.data]));
      const inputs = ["gamma", "beta", "moving_mean", "moving_variance"].map((name) => {
        const data = byName.get(name);
        if (!data) {
          throw new MesoNetWeightsError(
            `"${source}": BatchNormalization layer "${layer.name}" has no "${name}" weight`,
          );
        }
        return g.initializer(`${layer.name}.${name}`, [channels], data);
      });
      x = g.node("BatchNormalization", [x, ...inputs], {
        attributes: { epsilon: KERAS_BN_EPSILON },
      })[0];
    } else if (step.op === "maxpool") {
      if (side % step.size !== 0) {
        // 'same' pooling only pads when the side is not a multiple; MesoNet's sides always are.
        throw new Error(`MesoNet ${options.arch}: pooling ${side} by ${step.size} would pad`);
      }
      x = g.node("MaxPool", [x], {
        attributes: { kernel_shape: [step.size, step.size], strides: [step.size, step.size] },
      })[0];
      side /= step.size;
    } else {
      let inFeatures = channels;
      let kernel: Float32Array;
      let layer: KerasLayer;
      if (!flattened) {
        inFeatures = channels * side * side;
        layer = layers.take("dense", [[inFeatures, step.units], [step.units]]);
        x = g.node("Flatten", [x], { attributes: { axis: 1 } })[0];
        kernel = nhwcRowsToNchw(layer.weights[0].data, side, channels, step.units);
        flattened = true;
      } else {
        layer = layers.take("dense", [[inFeatures, step.units], [step.units]]);
        kernel = layer.weights[0].data;
      }
      const w = g.initializer(`${layer.name}.weight`, [inFeatures, step.units], kernel);
      const b = g.initializer(`${layer.name}.bias`, [step.units], layer.weights[1].data);
      const [y] = g.node("Gemm", [x, w, b]);
      x = step.activation === "sigmoid"
        ? g.node("Sigmoid", [y], { outputs: [MESONET_OUTPUT_NAME] })[0]
        : g.node("LeakyRelu", [y], { attributes: { alpha: 0.1 } })[0];
      channels = step.units;
    }
  }
  layers.assertAllUsed();
  g.output(x, ["N", 1]);
  return encodeModel(g, {
    opset: 17,
    producer: "dfrobust",
    docString: `MesoNet ${options.arch} converted from Keras weights "${basename(source)}" ` +
      `(DariusAf/MesoNet, Apache-2.0). Output = P(real); fake probability = 1 - output.`,
    metadata: {
      "dfrobust.arch": options.arch,
      "dfrobust.source": basename(source),
      "dfrobust.keras_version": weights.kerasVersion ?? "",
      "dfrobust.input":
        `${MESONET_INPUT_NAME} NCHW RGB ${MESONET_INPUT_SIZE}x${MESONET_INPUT_SIZE}, pixel/255`,
      "dfrobust.output": "real_probability: sigmoid P(real) (classes df=0, real=1); fake = 1 - p",
    },
  });
}

type LayerKind = "conv" | "batchnorm" | "dense";

/**
 * The file's weighted layers by kind, each in creation order. Keras numbers layer names by
 * creation (`conv2d_1`, `conv2d_2`, ...), while `layer_names` is in graph order, which for the
 * inception branches differs from the order the code creates them in.
 */
class LayerQueues {
  readonly #queues: Record<LayerKind, KerasLayer[]> = { conv: [], batchnorm: [], dense: [] };
  readonly #source: string;
  readonly #arch: string;

  constructor(layers: KerasLayer[], source: string, arch: string) {
    this.#source = source;
    this.#arch = arch;
    for (const layer of layers) {
      const kind = layerKind(layer);
      if (kind) this.#queues[kind].push(layer);
    }
    for (const queue of Object.values(this.#queues)) {
      queue.sort((a, b) => nameNumber(a.name) - nameNumber(b.name));
    }
  }

  /** Takes the next layer of `kind` and checks its weight shapes. */
  take(kind: LayerKind, shapes: number[][]): KerasLayer {
    const layer = this.#queues[kind].shift();
    if (!layer) {
      throw new MesoNetWeightsError(
        `"${this.#source}" has too few ${kind} layers for ${this.#arch}: is it the other architecture?`,
      );
    }
    const actual = layer.weights.map((t) => t.shape);
    const fits = actual.length === shapes.length &&
      shapes.every((shape, i) => sameShape(actual[i], shape));
    if (!fits) {
      throw new MesoNetWeightsError(
        `"${this.#source}": layer "${layer.name}" has weights ${formatShapes(actual)}, ` +
          `but ${this.#arch} needs ${formatShapes(shapes)} there: is it the other architecture?`,
      );
    }
    return layer;
  }

  assertAllUsed(): void {
    for (const queue of Object.values(this.#queues)) {
      if (queue.length > 0) {
        throw new MesoNetWeightsError(
          `"${this.#source}": layer "${queue[0].name}" (and ${queue.length - 1} more) ` +
            `is not part of ${this.#arch}: is it the other architecture?`,
        );
      }
    }
  }
}

function layerKind(layer: KerasLayer): LayerKind | undefined {
  const names = layer.weights.map((t) => t.name);
  if (names.includes("moving_mean")) return "batchnorm";
  const kernel = layer.weights.find((t) => t.name === "kernel");
  if (kernel?.shape.length === 4) return "conv";
  if (kernel?.shape.length === 2) return "dense";
  return undefined;
}

/** `conv2d_12` -> 12; a name without a number (Keras' first layer of a kind) sorts first. */
function nameNumber(name: string): number {
  const m = /_(\d+)$/.exec(name);
  return m ? Number(m[1]) : -1;
}

function sameShape(a: number[] | undefined, b: number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

function formatShapes(shapes: number[][]): string {
  return shapes.map((s) => `[${s.join(", ")}]`).join(" ");
}

/** Keras conv kernel [kh, kw, in, out] -> ONNX [out, in, kh, kw]. */
function hwioToOihw(kernel: KerasTensor): Float32Array {
  const [kh, kw, cin, cout] = kernel.shape;
  const out = new Float32Array(kernel.data.length);
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + h) * kw + w] = kernel.data[((h * kw + w) * cin + i) * cout + o];
        }
      }
    }
  }
  return out;
}

/**
 * Reorders the rows of the first Dense kernel: Keras flattened an NHWC map (row = (h*W + w)*C
 * + c), the ONNX graph flattens NCHW (row = c*H*W + h*W + w). Moving the rows avoids a
 * Transpose before Flatten.
 */
function nhwcRowsToNchw(
  kernel: Float32Array,
  side: number,
  channels: number,
  units: number,
): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let h = 0; h < side; h++) {
    for (let w = 0; w < side; w++) {
      for (let c = 0; c < channels; c++) {
        const from = ((h * side + w) * channels + c) * units;
        const to = ((c * side + h) * side + w) * units;
        out.set(kernel.subarray(from, from + units), to);
      }
    }
  }
  return out;
}
