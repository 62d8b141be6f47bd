/**
 * A plain reference forward pass of Meso4 / MesoInception4 straight over the Keras weights:
 * naive loops in float64, NHWC like Keras, layer names fixed per architecture as they appear in
 * the authors' published .h5 files. It shares nothing with the ONNX graph in onnx/mesonet.ts
 * (no layer sorting, no kernel transposes, no Dense row reordering), so agreement between the
 * two checks the conversion.
 * @module
 */
import { type KerasLayer, readKerasWeights } from "../onnx/keras_h5.ts";

/** A feature map in Keras' layout: height x width x channels, float64. */
interface Map3 {
  h: number;
  w: number;
  c: number;
  data: Float64Array;
}

type Weights = (layer: string, weight: string) => Float32Array;

/** Keras' BatchNormalization default epsilon. */
const EPSILON = 1e-3;

/**
 * Loads a MesoNet .h5 and returns a function from an RGB image (256 x 256 x 3, HWC, values in
 * [0, 1]) to the model's sigmoid output (P(real)).
 */
export async function mesonetReference(
  h5Bytes: Uint8Array,
  arch: "meso4" | "mesoinception4",
): Promise<(imageHwc: Float32Array) => number> {
  const { layers } = await readKerasWeights(h5Bytes);
  const byName = new Map<string, KerasLayer>(layers.map((l) => [l.name, l]));
  const weights: Weights = (layer, weight) => {
    const t = byName.get(layer)?.weights.find((w) => w.name === weight);
    if (!t) throw new Error(`reference: no weight ${layer}/${weight}`);
    return t.data;
  };
  return (image) => {
    let x: Map3 = { h: 256, w: 256, c: 3, data: Float64Array.from(image) };
    if (arch === "meso4") {
      x = maxPool(
        batchNorm(conv(x, weights, "conv2d_5", 3, 8), weights, "batch_normalization_5"),
        2,
      );
      x = maxPool(
        batchNorm(conv(x, weights, "conv2d_6", 5, 8), weights, "batch_normalization_6"),
        2,
      );
      x = maxPool(
        batchNorm(conv(x, weights, "conv2d_7", 5, 16), weights, "batch_normalization_7"),
        2,
      );
      x = maxPool(
        batchNorm(conv(x, weights, "conv2d_8", 5, 16), weights, "batch_normalization_8"),
        4,
      );
      return head(x, weights, "dense_3", "dense_4");
    }
    // InceptionLayer(a, b, c, d): conv2d_k numbered in the order classifiers.py creates them.
    const inception = (input: Map3, first: number, a: number, b: number, c: number, d: number) =>
      concat([
        conv(input, weights, `conv2d_${first}`, 1, a),
        conv(
          conv(input, weights, `conv2d_${first + 1}`, 1, b),
          weights,
          `conv2d_${first + 2}`,
          3,
          b,
        ),
        conv(
          conv(input, weights, `conv2d_${first + 3}`, 1, c),
          weights,
          `conv2d_${first + 4}`,
          3,
          c,
          2,
        ),
        conv(
          conv(input, weights, `conv2d_${first + 5}`, 1, d),
          weights,
          `conv2d_${first + 6}`,
          3,
          d,
          3,
        ),
      ]);
    x = maxPool(batchNorm(inception(x, 1, 1, 4, 4, 2), weights, "batch_normalization_1"), 2);
    x = maxPool(batchNorm(inception(x, 8, 2, 4, 4, 2), weights, "batch_normalization_2"), 2);
    x = maxPool(
      batchNorm(conv(x, weights, "conv2d_15", 5, 16), weights, "batch_normalization_3"),
      2,
    );
    x = maxPool(
      batchNorm(conv(x, weights, "conv2d_16", 5, 16), weights, "batch_normalization_4"),
      4,
    );
    return head(x, weights, "dense_1", "dense_2");
  };
}

/** Conv2D, stride 1, padding 'same', ReLU; kernel in Keras HWIO. */
function conv(
  x: Map3,
  weights: Weights,
  layer: string,
  k: number,
  out: number,
  dilation = 1,
): Map3 {
  const kernel = weights(layer, "kernel");
  const bias = weights(layer, "bias");
  const pad = Math.floor((dilation * (k - 1)) / 2);
  const y = new Float64Array(x.h * x.w * out);
  for (let i = 0; i < x.h; i++) {
    for (let j = 0; j < x.w; j++) {
      for (let o = 0; o < out; o++) {
        let sum = bias[o];
        for (let di = 0; di < k; di++) {
          const si = i + di * dilation - pad;
          if (si < 0 || si >= x.h) continue;
          for (let dj = 0; dj < k; dj++) {
            const sj = j + dj * dilation - pad;
            if (sj < 0 || sj >= x.w) continue;
            for (let c = 0; c < x.c; c++) {
              sum += x.data[(si * x.w + sj) * x.c + c] *
                kernel[((di * k + dj) * x.c + c) * out + o];
            }
          }
        }
        y[(i * x.w + j) * out + o] = Math.max(0, sum);
      }
    }
  }
  return { h: x.h, w: x.w, c: out, data: y };
}

function batchNorm(x: Map3, weights: Weights, layer: string): Map3 {
  const gamma = weights(layer, "gamma");
  const beta = weights(layer, "beta");
  const mean = weights(layer, "moving_mean");
  const variance = weights(layer, "moving_variance");
  const y = new Float64Array(x.data.length);
  for (let p = 0; p < x.h * x.w; p++) {
    for (let c = 0; c < x.c; c++) {
      const v = x.data[p * x.c + c];
      y[p * x.c + c] = gamma[c] * (v - mean[c]) / Math.sqrt(variance[c] + EPSILON) + beta[c];
    }
  }
  return { ...x, data: y };
}

function maxPool(x: Map3, size: number): Map3 {
  const h = Math.ceil(x.h / size), w = Math.ceil(x.w / size);
  const y = new Float64Array(h * w * x.c).fill(-Infinity);
  for (let i = 0; i < x.h; i++) {
    for (let j = 0; j < x.w; j++) {
      for (let c = 0; c < x.c; c++) {
        const target = (Math.floor(i / size) * w + Math.floor(j / size)) * x.c + c;
        y[target] = Math.max(y[target], x.data[(i * x.w + j) * x.c + c]);
      }
    }
  }
  return { h, w, c: x.c, data: y };
}

function concat(maps: Map3[]): Map3 {
  const c = maps.reduce((sum, m) => sum + m.c, 0);
  const { h, w } = maps[0];
  const y = new Float64Array(h * w * c);
  for (let p = 0; p < h * w; p++) {
    let offset = 0;
    for (const m of maps) {
      for (let k = 0; k < m.c; k++) y[p * c + offset + k] = m.data[p * m.c + k];
      offset += m.c;
    }
  }
  return { h, w, c, data: y };
}

/** Flatten (NHWC order, as Keras), Dense(16), LeakyReLU(0.1), Dense(1), sigmoid. */
function head(x: Map3, weights: Weights, dense1: string, dense2: string): number {
  const k1 = weights(dense1, "kernel"), b1 = weights(dense1, "bias");
  const k2 = weights(dense2, "kernel"), b2 = weights(dense2, "bias");
  const units = b1.length;
  let logit = b2[0];
  for (let u = 0; u < units; u++) {
    let sum = b1[u];
    for (let f = 0; f < x.data.length; f++) sum += x.data[f] * k1[f * units + u];
    logit += (sum > 0 ? sum : 0.1 * sum) * k2[u];
  }
  return 1 / (1 + Math.exp(-logit));
}
