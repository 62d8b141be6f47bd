/**
 * Detector sessions: an onnxruntime-node session for a {@link DetectorSpec}, checked against the
 * spec when it opens (input layout, size, channels; output width), that turns a batch of
 * preprocessed faces into fake probabilities through the spec's output mapping.
 * @module
 */
import * as ort from "../deps/onnxruntime.ts";
import { type OnnxSession, openOnnxSession } from "../onnx/session.ts";
import type { DetectorSpec, OutputMapping } from "./spec.ts";
import { itemDims, itemLength } from "./preprocess.ts";
import { readRegularFile } from "../util/regular_file.ts";
import { DEFAULT_LIMITS, overLimit } from "../util/limits.ts";
import type { Device } from "./device.ts";

export type { Device } from "./device.ts";

/** Options for {@link openDetector}. */
export interface OpenDetectorOptions {
  /** ONNX model file. */
  modelPath: string;
  /** Default `cpu`. */
  device?: Device;
  /** onnxruntime intra-op threads; default: the number of logical CPUs (at least 1). */
  threads?: number;
  /**
   * Run onnxruntime in a worker thread, so the calling (main) thread stays free while a batch
   * runs: onnxruntime-node's `run` blocks the thread that calls it (onnx/session.ts). Default
   * false. The eval pipeline uses it: decoding and preprocessing overlap inference.
   */
  worker?: boolean;
  /**
   * The largest fixed batch dimension accepted (a model that fixes it runs in chunks of that
   * size, each one tensor); default the `batch` limit of util/limits.ts (256).
   */
  maxBatch?: number;
}

/** Thrown when a model cannot be used with a spec; the message names the model file. */
export class DetectorModelError extends Error {
  override name = "DetectorModelError";
}

/** Options of {@link DetectorSession.score}. */
export interface ScoreOptions {
  /** Move the batch to the session's worker rather than copy it (see `score`). */
  transfer?: boolean;
  /** Gets the batch's array back after the run, to fill again instead of allocating. */
  returned?: (batch: Float32Array) => void;
}

/** An open detector: scores preprocessed batches. Call `release()` when done. */
export interface DetectorSession {
  readonly spec: DetectorSpec;
  readonly modelPath: string;
  /** Name of the image input fed. */
  readonly inputName: string;
  /** Name of the output read (the model's first output). */
  readonly outputName: string;
  /** Batch size the model requires, or null when the batch dimension is free. */
  readonly fixedBatch: number | null;
  /**
   * Scores the first `n` items of `batch` (each {@link itemLength} floats, as written by
   * `preprocessFace`). Returns `n` fake probabilities in [0, 1]; an item whose output holds NaN or
   * infinity scores NaN (record it as `nan_score`, never average it).
   * Throws a RangeError when `batch` holds fewer than `n` items. With `transfer` (a session in a
   * worker), `batch`'s buffer is moved to the worker instead of copied when it holds exactly the
   * `n` items: it reads as empty afterwards. `returned` gets the batch's array back once the model
   * has run (moved back from the worker, else `batch` itself), to be filled again.
   */
  score(batch: Float32Array, n: number, options?: ScoreOptions): Promise<Float64Array>;
  /** Frees the onnxruntime session; safe to call twice. */
  release(): Promise<void>;
}

/**
 * Opens `options.modelPath` for `spec` on onnxruntime-node (graph optimisation `all`).
 * Throws {@link DetectorModelError} naming the file when it is missing, not a regular file (a FIFO
 * or a device is refused before any read) or not a valid model, when
 * its input does not match the spec (rank, layout, channel count, size, element type), when its
 * output cannot carry the spec's mapping, when its fixed batch dimension is over
 * `options.maxBatch` (checked before any batch is allocated), or when `device: "cuda"` is asked
 * for and onnxruntime-node lists no CUDA backend.
 */
export async function openDetector(
  spec: DetectorSpec,
  options: OpenDetectorOptions,
): Promise<DetectorSession> {
  const { modelPath } = options;
  const device = options.device ?? "cpu";
  if (device === "cuda") assertCudaAvailable();
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(modelPath);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new DetectorModelError(
        `Model file "${modelPath}" for detector "${spec.name}" does not exist (give --model <file.onnx>)`,
      );
    }
    throw new DetectorModelError(
      `Cannot read model file "${modelPath}": ${(error as Error).message}`,
    );
  }
  let session: OnnxSession;
  try {
    session = await openOnnxSession(bytes, {
      executionProviders: [device],
      graphOptimizationLevel: "all",
      // Warnings (e.g. initializers listed as inputs in older exports) are noise for users.
      logSeverityLevel: 3,
      intraOpNumThreads: Math.max(
        1,
        Math.floor(options.threads ?? navigator.hardwareConcurrency ?? 1),
      ),
      // Idle intra-op threads sleep instead of spinning: in eval, decoding and preprocessing
      // run beside inference and need those cycles.
      extra: { session: { intra_op: { allow_spinning: "0" } } },
    }, { worker: options.worker });
  } catch (error) {
    const hint = device === "cuda"
      ? ` (onnxruntime-node lists CUDA but its provider library is missing or unusable: ` +
        `see "GPU" in docs/detectors.md)`
      : "";
    throw new DetectorModelError(
      `Cannot load model "${modelPath}" on ${device}: ${(error as Error).message}${hint}`,
    );
  }
  try {
    const checked = checkModel(session, spec, modelPath, options.maxBatch ?? DEFAULT_LIMITS.batch);
    return makeSession(session, spec, modelPath, { ...checked, worker: options.worker === true });
  } catch (error) {
    await session.release();
    throw error;
  }
}

/**
 * Throws {@link DetectorModelError} unless onnxruntime-node lists a CUDA backend. Under Deno the
 * package's install script, which fetches the CUDA provider, does not run.
 */
export function assertCudaAvailable(): void {
  const backends = ort.listSupportedBackends().map((b) => b.name);
  if (!backends.includes("cuda")) {
    throw new DetectorModelError(
      `--device cuda: onnxruntime-node has no CUDA backend here (available: ${
        backends.join(", ")
      }). Its CUDA provider is downloaded by the package's install script, which Deno does not ` +
        `run; see "GPU" in docs/detectors.md.`,
    );
  }
}

interface CheckedModel {
  inputName: string;
  outputName: string;
  fixedBatch: number | null;
}

function checkModel(
  session: OnnxSession,
  spec: DetectorSpec,
  modelPath: string,
  maxBatch: number,
): CheckedModel {
  const where = `Model "${modelPath}" (detector "${spec.name}")`;
  const inputName = spec.input.name ?? session.inputNames[0];
  const input = session.inputMetadata.find((m) => m.name === inputName);
  if (!input) {
    throw new DetectorModelError(
      `${where} has no input "${inputName}" (inputs: ${session.inputNames.join(", ")})`,
    );
  }
  const expected: (string | number)[] = ["N", ...itemDims(spec.input)];
  const describeShape = (dims: readonly (number | string)[]) =>
    `[${dims.map((d) => typeof d === "string" ? `"${d}"` : d).join(", ")}]`;
  const expectedText = `${spec.input.layout} ${describeShape(expected)}`;
  let fixedBatch: number | null = null;
  if (input.isTensor) {
    if (input.type !== "float32") {
      throw new DetectorModelError(
        `${where}: input "${inputName}" is ${input.type}, expected float32`,
      );
    }
    const shape = input.shape;
    if (shape.length > 0) {
      if (shape.length !== expected.length) {
        throw new DetectorModelError(
          `${where}: input "${inputName}" has shape ${
            describeShape(shape)
          }, expected ${expectedText}`,
        );
      }
      for (let axis = 1; axis < expected.length; axis++) {
        const dim = shape[axis];
        if (typeof dim === "number" && dim > 0 && dim !== expected[axis]) {
          const hint = spec.input.layout === "NCHW" && shape[3] === 3
            ? " (the model looks NHWC)"
            : spec.input.layout === "NHWC" && shape[1] === 3
            ? " (the model looks NCHW)"
            : "";
          throw new DetectorModelError(
            `${where}: input "${inputName}" has shape ${
              describeShape(shape)
            }, expected ${expectedText}${hint}`,
          );
        }
      }
      if (typeof shape[0] === "number" && shape[0] > 0) fixedBatch = shape[0];
      // Each chunk of a fixed batch is one tensor of that many items, padded: refused before one
      // is allocated.
      if (fixedBatch !== null && fixedBatch > maxBatch) {
        const gib = fixedBatch * itemLength(spec.input) * 4 / 2 ** 30;
        throw new DetectorModelError(
          `${where}: input "${inputName}" has a fixed batch of ${fixedBatch} (${
            gib.toFixed(1)
          } GiB per batch), ${overLimit("batch", maxBatch)}`,
        );
      }
    }
  }
  const outputName = session.outputNames[0];
  const output = session.outputMetadata[0];
  if (output?.isTensor && output.shape.length > 0) {
    const last = output.shape[output.shape.length - 1];
    const problem = outputProblem(spec.output, output.shape.length, last);
    if (problem) {
      throw new DetectorModelError(
        `${where}: output "${outputName}" has shape ${describeShape(output.shape)}; ${problem}`,
      );
    }
  }
  return { inputName, outputName, fixedBatch };
}

function outputProblem(
  mapping: OutputMapping,
  rank: number,
  last: number | string,
): string | null {
  if (typeof last !== "number" || last <= 0) return null;
  const width = rank === 1 ? 1 : last;
  if (mapping.kind === "softmax" && width <= mapping.fakeIndex) {
    return `a softmax with fakeIndex ${mapping.fakeIndex} needs at least ${
      mapping.fakeIndex + 1
    } values per item`;
  }
  if (mapping.kind !== "softmax" && width !== 1) {
    return `a ${mapping.kind} output needs 1 value per item, the model gives ${width}`;
  }
  return null;
}

function makeSession(
  session: OnnxSession,
  spec: DetectorSpec,
  modelPath: string,
  checked: CheckedModel & { worker: boolean },
): DetectorSession {
  const dims = itemDims(spec.input);
  const len = itemLength(spec.input);
  let released = false;
  async function runChunk(
    data: Float32Array,
    count: number,
    owned: boolean,
    returned?: (data: Float32Array) => void,
  ): Promise<Float32Array> {
    // To a worker, a copy of the batch is moved rather than the caller's array cloned: one copy
    // instead of two, and no fresh allocation on the worker's side (a third of the CPU). An array
    // the caller gave away (`owned`) is moved as it is.
    const input = checked.worker && !owned ? data.slice() : data;
    const tensor = new ort.Tensor("float32", input, [count, ...dims]);
    let out: Record<string, ort.Tensor>;
    try {
      out = await session.run({ [checked.inputName]: tensor }, {
        transfer: checked.worker,
        // The caller's array, moved there, comes back to be filled again.
        returned: owned && returned
          ? (feeds) => returned(feeds[checked.inputName] as Float32Array)
          : undefined,
      });
    } catch (error) {
      throw new DetectorModelError(
        `Model "${modelPath}" failed on a batch of ${count}: ${(error as Error).message}`,
      );
    }
    const value = out[checked.outputName] as ort.Tensor;
    return value.data as Float32Array;
  }
  return {
    spec,
    modelPath,
    inputName: checked.inputName,
    outputName: checked.outputName,
    fixedBatch: checked.fixedBatch,
    async score(batch, n, options = {}) {
      if (!Number.isInteger(n) || n < 0 || batch.length < n * len) {
        throw new RangeError(
          `score: batch of ${batch.length} floats does not hold ${n} items of ${len}`,
        );
      }
      const scores = new Float64Array(n);
      // The caller's array for `returned`: moved back from the worker when it went there whole.
      let given = batch;
      if (n === 0) {
        options.returned?.(given);
        return scores;
      }
      const chunk = checked.fixedBatch ?? n;
      // A model with a fixed batch size gets full chunks; the last one is zero-padded.
      const pad = checked.fixedBatch !== null ? new Float32Array(chunk * len) : null;
      for (let start = 0; start < n; start += chunk) {
        const count = Math.min(chunk, n - start);
        let data = start === 0 && count * len === batch.length
          ? batch
          : batch.subarray(start * len, (start + count) * len);
        if (pad && count < chunk) {
          pad.fill(0);
          pad.set(data);
          data = pad;
        }
        // Moved as it is only when it is the caller's whole array, given away.
        const whole = options.transfer === true && data === batch && pad === null &&
          batch.byteOffset === 0 && batch.byteLength === batch.buffer.byteLength;
        const out = await runChunk(data, pad ? chunk : count, whole, (array) => given = array);
        const width = out.length / (pad ? chunk : count);
        if (!Number.isInteger(width) || width < 1) {
          throw new DetectorModelError(
            `Model "${modelPath}" gave ${out.length} output values for ${count} items`,
          );
        }
        const problem = outputProblem(spec.output, 2, width);
        if (problem) throw new DetectorModelError(`Model "${modelPath}": ${problem}`);
        for (let i = 0; i < count; i++) {
          scores[start + i] = mapOutput(out.subarray(i * width, (i + 1) * width), spec.output);
        }
      }
      options.returned?.(given);
      return scores;
    },
    async release() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}

/**
 * Maps one item's output values to a fake probability with `mapping` (sigmoid, probability, or
 * softmax at `fakeIndex`, then `invert`). Any NaN or infinite value in `row` gives NaN.
 */
export function mapOutput(row: ArrayLike<number>, mapping: OutputMapping): number {
  for (let i = 0; i < row.length; i++) if (!Number.isFinite(row[i])) return NaN;
  let p: number;
  if (mapping.kind === "sigmoid") {
    p = 1 / (1 + Math.exp(-row[0]));
  } else if (mapping.kind === "probability") {
    p = row[0];
  } else if (mapping.applied) {
    p = row[mapping.fakeIndex];
  } else {
    let max = -Infinity;
    for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
    let sum = 0;
    for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
    p = Math.exp(row[mapping.fakeIndex] - max) / sum;
  }
  return mapping.invert ? 1 - p : p;
}
