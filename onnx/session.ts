/**
 * onnxruntime sessions, on the calling thread or on a thread of their own. onnxruntime-node's `InferenceSession.run` runs
 * synchronously on the calling JavaScript thread (its promise only defers the call with
 * `setImmediate`): on the main thread, a 0.7 s batch of EfficientNet-B4 blocks everything else
 * for 0.7 s, ffmpeg's frame pipes included (the decoder stops at a full pipe), so decoding and
 * preprocessing wait for inference instead of overlapping it. {@link openOnnxSession} with
 * `worker: true` runs the session in a Web Worker (its own V8 isolate and event loop;
 * onnxruntime-node loads there too), so the main thread stays free while the model runs. Either
 * way it offers the part of `InferenceSession` that dfrobust uses ({@link OnnxSession}).
 *
 * @module
 */
import * as ort from "../deps/onnxruntime.ts";

/** The part of `ort.InferenceSession` that dfrobust's detectors and face locators use. */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  /**
   * Runs the model on `feeds` (numeric tensors). In a worker, the feeds are copied there, or with
   * `transfer` moved (no copy: the arrays read as empty afterwards) and moved back once the model
   * has run: `returned` gets them, by feed name, before the run resolves (on this thread, the
   * feeds' own arrays), so a caller can fill them again instead of allocating. Rejects with
   * onnxruntime's error message.
   */
  run(feeds: Record<string, ort.Tensor>, options?: RunOptions): Promise<Record<string, ort.Tensor>>;
  /** Frees the session (and ends its worker); safe to call twice. */
  release(): Promise<void>;
}

/** Options of {@link OnnxSession.run}. */
export interface RunOptions {
  /** Move the feeds' arrays to the worker instead of copying them (a session in a worker). */
  transfer?: boolean;
  /** Gets the feeds' arrays back after the run (moved back from the worker when transferred). */
  returned?: (feeds: Record<string, ort.Tensor.DataType>) => void;
}

/** A numeric tensor as it crosses between threads. */
interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}

/** Messages to the worker. */
export type WorkerRequest =
  | { kind: "open"; model: Uint8Array; options: ort.InferenceSession.SessionOptions }
  | { kind: "run"; id: number; feeds: Record<string, WireTensor>; giveBack: boolean }
  | { kind: "release"; id: number };

/** Messages from the worker. */
export type WorkerReply =
  | {
    kind: "opened";
    inputNames: string[];
    outputNames: string[];
    inputMetadata: ort.InferenceSession.ValueMetadata[];
    outputMetadata: ort.InferenceSession.ValueMetadata[];
  }
  | {
    kind: "result";
    id: number;
    outputs: Record<string, WireTensor>;
    /** The feeds, moved back (with `giveBack`). */
    feeds: Record<string, WireTensor> | null;
  }
  | { kind: "released"; id: number }
  | { kind: "error"; id: number | null; message: string };

/** Options of {@link openOnnxSession}. */
export interface OpenOnnxSessionOptions {
  /**
   * Run the session in a worker thread (the main thread stays free while the model runs).
   * Default false: on the calling thread, as onnxruntime-node does.
   */
  worker?: boolean;
}

/**
 * Creates an onnxruntime session for `model` (ONNX bytes) with `options`, on the calling thread
 * or in a worker (`open.worker`; the bytes are moved there: `model` is detached afterwards).
 * Rejects with onnxruntime's message when the model cannot be loaded.
 */
export async function openOnnxSession(
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  open: OpenOnnxSessionOptions = {},
): Promise<OnnxSession> {
  if (open.worker) return await openWorkerSession(model, options);
  const session = await ort.InferenceSession.create(model, options);
  let released = false;
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
    outputMetadata: session.outputMetadata,
    async run(feeds, runOptions = {}) {
      const outputs = await session.run(feeds) as Record<string, ort.Tensor>;
      runOptions.returned?.(dataByName(feeds));
      return outputs;
    },
    async release() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}

async function openWorkerSession(
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
): Promise<OnnxSession> {
  // Workers inherit the process's permissions (read and FFI, which onnxruntime-node needs).
  const worker = new Worker(new URL("./_session_worker.ts", import.meta.url), { type: "module" });
  const waiting = new Map<number | null, { resolve(reply: WorkerReply): void }>();
  let failure: Error | null = null;
  const settleAll = (error: Error) => {
    failure = error;
    for (const [, pending] of waiting) {
      pending.resolve({ kind: "error", id: null, message: error.message });
    }
    waiting.clear();
  };
  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    const id = reply.kind === "opened" ? null : reply.id;
    const pending = waiting.get(id);
    waiting.delete(id);
    pending?.resolve(reply);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    settleAll(new Error(`onnxruntime worker failed: ${event.message}`));
  };
  let nextId = 0;
  const ask = (request: WorkerRequest, transfer: Transferable[] = []): Promise<WorkerReply> => {
    if (failure) return Promise.reject(failure);
    const id = request.kind === "open" ? null : request.id;
    const reply = new Promise<WorkerReply>((resolve) => waiting.set(id, { resolve }));
    worker.postMessage(request, transfer);
    return reply;
  };

  const modelBuffer = model.buffer instanceof ArrayBuffer ? [model.buffer] : [];
  const opened = await ask({ kind: "open", model, options }, modelBuffer);
  if (opened.kind !== "opened") {
    worker.terminate();
    throw new Error(opened.kind === "error" ? opened.message : `unexpected reply ${opened.kind}`);
  }
  let released = false;
  return {
    inputNames: opened.inputNames,
    outputNames: opened.outputNames,
    inputMetadata: opened.inputMetadata,
    outputMetadata: opened.outputMetadata,
    async run(feeds, runOptions = {}) {
      if (released) throw new Error("the onnxruntime session was released");
      const wire: Record<string, WireTensor> = {};
      const transfer: Transferable[] = [];
      for (const [name, tensor] of Object.entries(feeds)) {
        const data = tensor.data as ort.Tensor.DataType;
        if (typeof data === "string" || !ArrayBuffer.isView(data)) {
          throw new TypeError(`feed "${name}": only numeric tensors cross to the worker`);
        }
        wire[name] = { type: tensor.type, data, dims: tensor.dims };
        const buffer = data.buffer;
        if (runOptions.transfer && buffer instanceof ArrayBuffer && !transfer.includes(buffer)) {
          transfer.push(buffer);
        }
      }
      const id = nextId++;
      const giveBack = transfer.length > 0 && runOptions.returned !== undefined;
      const reply = await ask({ kind: "run", id, feeds: wire, giveBack }, transfer);
      if (reply.kind !== "result") {
        throw new Error(reply.kind === "error" ? reply.message : `unexpected reply ${reply.kind}`);
      }
      if (giveBack && reply.feeds) {
        runOptions.returned!(dataByName(reply.feeds));
      }
      const outputs: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(reply.outputs)) {
        outputs[name] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
      }
      return outputs;
    },
    async release() {
      if (released) return;
      released = true;
      try {
        if (!failure) await ask({ kind: "release", id: nextId++ });
      } finally {
        worker.terminate();
      }
    },
  };
}

/** Each tensor's data array, by name. */
function dataByName(
  tensors: Record<string, { data: ort.Tensor.DataType }>,
): Record<string, ort.Tensor.DataType> {
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, t.data]));
}
