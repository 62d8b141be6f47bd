/**
 * The worker side of onnx/session.ts: holds one onnxruntime session and runs it on
 * request, one request at a time, on this worker's thread. Not imported by anything; started as
 * a Web Worker.
 * @module
 */
import * as ort from "../deps/onnxruntime.ts";
import type { WorkerReply, WorkerRequest } from "./session.ts";

let session: ort.InferenceSession | null = null;

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}

async function handle(request: WorkerRequest): Promise<void> {
  if (request.kind === "open") {
    session = await ort.InferenceSession.create(request.model, request.options);
    reply({
      kind: "opened",
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
      inputMetadata: [...session.inputMetadata],
      outputMetadata: [...session.outputMetadata],
    });
    return;
  }
  if (request.kind === "release") {
    await session?.release();
    session = null;
    reply({ kind: "released", id: request.id });
    return;
  }
  if (!session) throw new Error("no session is open");
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(request.feeds)) {
    feeds[name] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
  }
  const out = await session.run(feeds);
  const outputs: Record<
    string,
    { type: ort.Tensor.Type; data: ort.Tensor.DataType; dims: number[] }
  > = {};
  const transfer: Transferable[] = [];
  for (const [name, value] of Object.entries(out)) {
    const tensor = value as ort.Tensor;
    const data = tensor.data as ort.Tensor.DataType;
    outputs[name] = { type: tensor.type, data, dims: [...tensor.dims] };
    const buffer = ArrayBuffer.isView(data) ? data.buffer : null;
    if (buffer instanceof ArrayBuffer && !transfer.includes(buffer)) transfer.push(buffer);
  }
  // Moved feeds go back for the caller to fill again (no fresh allocation there).
  const feedsBack = request.giveBack ? request.feeds : null;
  for (const t of Object.values(feedsBack ?? {})) {
    const buffer = ArrayBuffer.isView(t.data) ? t.data.buffer : null;
    if (buffer instanceof ArrayBuffer && !transfer.includes(buffer)) transfer.push(buffer);
  }
  reply({ kind: "result", id: request.id, outputs, feeds: feedsBack }, transfer);
}

// One request at a time, in order: a run never overlaps another.
let queue: Promise<void> = Promise.resolve();
// A worker's global scope (Deno's default types describe a window).
const scope = self as unknown as { onmessage: (event: MessageEvent<WorkerRequest>) => void };
scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(() => handle(request)).catch((error) => {
    const id = request.kind === "open" ? null : request.id;
    reply({ kind: "error", id, message: (error as Error).message ?? String(error) });
  });
};
