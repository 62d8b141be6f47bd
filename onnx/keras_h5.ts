/**
 * Reads the weights of a Keras model saved as HDF5 (`model.save_weights(...)` or a full
 * `model.save(...)`), with h5wasm working on an in-memory copy of the file: layer names in the
 * file's order and, per layer, its weight tensors (name, shape, float32 data) in Keras' order.
 * @module
 */
import h5wasm from "../deps/h5wasm.ts";

/** One weight tensor of a Keras layer, e.g. a conv kernel (HWIO) or a BatchNorm mean. */
export interface KerasTensor {
  /** Short weight name without layer prefix or `:0`, e.g. `kernel`, `moving_variance`. */
  name: string;
  /** Keras shape, e.g. `[3, 3, 3, 8]` for a 3x3 conv from 3 to 8 channels. */
  shape: number[];
  data: Float32Array;
}

/** One layer of the saved model: its name and weights (empty for pooling, flatten, ...). */
export interface KerasLayer {
  name: string;
  weights: KerasTensor[];
}

/** The weights of a saved Keras model. */
export interface KerasWeights {
  /** `keras_version` attribute, when present. */
  kerasVersion?: string;
  /** `backend` attribute (e.g. `tensorflow`), when present. */
  backend?: string;
  /** Layers in the order of the file's `layer_names` attribute. */
  layers: KerasLayer[];
}

/** Options of {@link readKerasWeights}. */
export interface ReadKerasWeightsOptions {
  /** File name shown in error messages (default `"weights.h5"`). */
  source?: string;
}

/** Thrown when the bytes are not HDF5 or not Keras weights; the message names the file. */
export class KerasWeightsError extends Error {
  override name = "KerasWeightsError";
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

let fileCounter = 0;

/**
 * Reads the layers and weights of a Keras HDF5 file given as bytes. Throws
 * {@link KerasWeightsError} naming the file when it is not HDF5, has no `layer_names`
 * attribute (not a Keras weights file), or holds a non-float32 weight.
 */
export async function readKerasWeights(
  h5Bytes: Uint8Array,
  options: ReadKerasWeightsOptions = {},
): Promise<KerasWeights> {
  const source = options.source ?? "weights.h5";
  // Checked here because HDF5 itself prints a long diagnostic stack before failing.
  if (!hasHdf5Signature(h5Bytes)) {
    throw new KerasWeightsError(`"${source}" is not an HDF5 file (no HDF5 signature)`);
  }
  const Module = await h5wasm.ready;
  const memPath = `/dfrobust_keras_${++fileCounter}.h5`;
  Module.FS.writeFile(memPath, h5Bytes);
  let file: InstanceType<typeof h5wasm.File> | undefined;
  try {
    file = new h5wasm.File(memPath, "r");
    // A full model.save() keeps the weights under /model_weights; save_weights() at the root.
    const rootEntry = file.get("model_weights");
    const root = rootEntry instanceof h5wasm.Group ? rootEntry : file;
    const layerNames = stringList(root.attrs["layer_names"]?.value);
    if (layerNames === undefined) {
      throw new KerasWeightsError(
        `"${source}" is HDF5 but not a Keras weights file (no "layer_names" attribute)`,
      );
    }
    const layers = layerNames.map((layerName) => {
      const group = root.get(layerName);
      if (!(group instanceof h5wasm.Group)) {
        throw new KerasWeightsError(`"${source}": layer "${layerName}" has no weights group`);
      }
      const weightNames = stringList(group.attrs["weight_names"]?.value) ?? [];
      const weights = weightNames.map((weightName) => {
        const dataset = group.get(weightName);
        if (!(dataset instanceof h5wasm.Dataset)) {
          throw new KerasWeightsError(
            `"${source}": weight "${weightName}" of layer "${layerName}" is missing`,
          );
        }
        const value = dataset.value;
        if (!(value instanceof Float32Array)) {
          throw new KerasWeightsError(
            `"${source}": weight "${weightName}" of layer "${layerName}" is ${dataset.dtype}, ` +
              `not float32`,
          );
        }
        return {
          name: shortWeightName(weightName),
          shape: [...(dataset.shape ?? [])],
          data: value,
        };
      });
      return { name: layerName, weights };
    });
    return {
      kerasVersion: scalarString(file.attrs["keras_version"]?.value),
      backend: scalarString(file.attrs["backend"]?.value),
      layers,
    };
  } catch (error) {
    if (error instanceof KerasWeightsError) throw error;
    throw new KerasWeightsError(`Cannot read "${source}" as HDF5: ${(error as Error).message}`);
  } finally {
    file?.close();
    Module.FS.unlink(memPath);
  }
}

function hasHdf5Signature(bytes: Uint8Array): boolean {
  // The superblock may follow a user block of 512, 1024, 2048, ... bytes.
  for (let offset = 0; offset + 8 <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b)) return true;
  }
  return false;
}

/** `conv2d_1/kernel:0` -> `kernel`. */
function shortWeightName(weightName: string): string {
  return weightName.split("/").pop()!.replace(/:\d+$/, "");
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}

function scalarString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
