/**
 * Fixtures for the clip detector suites: an ONNX clip model built with onnx/writer.ts whose one
 * output encodes the frame-number barcode (tests/awkward_fixtures.ts) of each of its T time steps,
 * in order, so a clip's score says exactly which frames it received and in which order; its spec;
 * and a barcode video whose frame rate changes mid-stream.
 * @module
 */
import { join } from "node:path";
import { type DetectorSpec, validateDetectorSpec } from "../detectors/spec.ts";
import type { Ffmpeg } from "../media/ffmpeg.ts";
import { encodeModel, GraphBuilder } from "../onnx/writer.ts";

/** Frames per clip of the barcode clip model: 3 x 8 bits fill a float32's 24-bit mantissa. */
export const CLIP_T = 3;

/** Input size `[height, width]` of each time step: every 10x10 block of a 320x240 frame. */
const STEP: [number, number] = [24, 32];

/**
 * An ONNX clip model [N, C, T, 24, 32] (NCTHW; C = `channels`, 3 or 1 for a grayscale input)
 * -> [N, 1]: for each time step t, the 8-bit barcode v_t (the top two rows, the two middle
 * columns of each of 8 bands, mean > 0.5), then sum_t v_t * 256^(T-1-t) / 2^24: exact in
 * float32, decoded by {@link decodeClipScore}.
 */
export function clipBarcodeModel(channels: 1 | 3 = 3): Uint8Array {
  const g = new GraphBuilder("clip_barcode");
  g.input("input", ["N", channels, CLIP_T, STEP[0], STEP[1]]);
  const int64 = (name: string, values: number[]) =>
    g.initializer(name, [values.length], new BigInt64Array(values.map(BigInt)));
  int64("rows_start", [0]);
  int64("rows_end", [2]);
  int64("rows_axis", [3]);
  int64("bands_shape", [-1, CLIP_T, 8, 4]);
  int64("cols_start", [1]);
  int64("cols_end", [3]);
  int64("cols_axis", [3]);
  int64("steps_shape", [-1, CLIP_T]);
  g.initializer("half", [1], new Float32Array([0.5]));
  g.initializer("bits", [8, 1], new Float32Array(Array.from({ length: 8 }, (_, k) => 2 ** k)));
  g.initializer(
    "places",
    [CLIP_T, 1],
    new Float32Array(Array.from({ length: CLIP_T }, (_, t) => 256 ** (CLIP_T - 1 - t) / 2 ** 24)),
  );
  const [top] = g.node("Slice", ["input", "rows_start", "rows_end", "rows_axis"]);
  // [N, T, 32]: the mean over channels and the two rows.
  const [columns] = g.node("ReduceMean", [top], { attributes: { axes: [1, 3], keepdims: 0 } });
  const [bands] = g.node("Reshape", [columns, "bands_shape"]);
  const [inner] = g.node("Slice", [bands, "cols_start", "cols_end", "cols_axis"]);
  const [means] = g.node("ReduceMean", [inner], { attributes: { axes: [3], keepdims: 0 } });
  const [on] = g.node("Greater", [means, "half"]);
  const [ones] = g.node("Cast", [on], { attributes: { to: 1 } });
  const [values] = g.node("MatMul", [ones, "bits"]);
  const [steps] = g.node("Reshape", [values, "steps_shape"]);
  g.node("MatMul", [steps, "places"], { outputs: ["value"] });
  g.output("value", ["N", 1]);
  return encodeModel(g, { opset: 17 });
}

/** The T barcodes a {@link clipBarcodeModel} score encodes, time step by time step. */
export function decodeClipScore(score: number): number[] {
  const code = Math.round(score * 2 ** 24);
  return Array.from({ length: CLIP_T }, (_, t) => (code >> (8 * (CLIP_T - 1 - t))) & 255);
}

/**
 * The spec of {@link clipBarcodeModel}: NCTHW clips of {@link CLIP_T} frames, [0, 1] RGB, a
 * probability; `overrides` replace top-level fields (`crop`, `clip`, ...).
 */
export function clipBarcodeSpec(overrides: Record<string, unknown> = {}): DetectorSpec {
  return validateDetectorSpec({
    name: "clipcode",
    description: "reads the barcodes of a clip's frames, in order (test clip detector)",
    input: {
      layout: "NCTHW",
      frames: CLIP_T,
      size: STEP,
      colour: "RGB",
      scale: "1/255",
    },
    crop: { kind: "full" },
    faces: "largest",
    faceRule: "largest",
    output: { kind: "probability" },
    videoRule: "mean",
    failScore: null,
    clip: { sampling: { kind: "even", count: 5 }, box: "per-frame" },
    ...overrides,
  }, { source: "tests/clip_fixtures.ts" });
}

/**
 * Writes a 320x240 H.264 video whose frame n carries barcode n (the awkward fixtures' strip),
 * `before` frames at 25 fps then `after` frames at 50 fps, joined without re-encoding (the
 * concat demuxer), so the decoder meets the frame-rate change mid-stream. Returns the path.
 */
export async function writeRateChangeVideo(
  ffmpeg: Ffmpeg,
  dir: string,
  { before, after }: { before: number; after: number },
): Promise<string> {
  const parts: string[] = [];
  for (const [k, [rate, frames, start]] of [[25, before, 0], [50, after, before]].entries()) {
    const part = join(dir, `rate_part${k}.mp4`);
    const lum = `if(lt(Y,H*32/240),if(mod(floor((N+${start})/pow(2,floor(X*8/W))),2),235,16),60)`;
    await ffmpeg.run({
      args: [
        ...[
          "-f",
          "lavfi",
          "-i",
          `color=c=gray:s=320x240:r=${rate},format=yuv420p,geq=lum='${lum}':cb=128:cr=128`,
        ],
        ...["-frames:v", String(frames), "-c:v", "libx264", "-crf", "10", "-g", "12"],
        `file:${part}`,
      ],
      inputs: [],
      outputs: [part],
    });
    parts.push(part);
  }
  const list = join(dir, "rate_parts.txt");
  await Deno.writeTextFile(list, parts.map((p) => `file '${p}'\n`).join(""));
  const path = join(dir, "rate_change.mp4");
  await ffmpeg.run({
    args: ["-f", "concat", "-safe", "0", "-i", `file:${list}`, "-c", "copy", `file:${path}`],
    inputs: [list, ...parts],
    outputs: [path],
  });
  for (const part of [list, ...parts]) await Deno.remove(part);
  return path;
}
