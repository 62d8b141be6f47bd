/**
 * Helpers for the suites over awkward inputs: the shared `fixtures/awkward/` clips (a stream cut
 * inside a GOP, an odd-sided 4:4:4 clip), their 8-bit frame-number barcodes, an ONNX detector
 * that reads the barcode (so a score in the store says which frame was scored), and generated
 * odd-sided sources in other codecs, pixel formats and containers.
 * @module
 */
import { join } from "node:path";
import { type DetectorSpec, validateDetectorSpec } from "../detectors/spec.ts";
import type { Ffmpeg } from "../media/ffmpeg.ts";
import { encodeModel, GraphBuilder } from "../onnx/writer.ts";
import { FIXTURES } from "./_fixtures.ts";

/** The shared awkward-input fixtures folder. */
export const AWKWARD = join(FIXTURES, "awkward");

/**
 * `numpy.linspace(0, 74, 32).astype(int)`, printed by numpy 1.24 (an independent oracle for the
 * 32 frames sampled from the 75 decodable frames of `b01_headcut.ts`).
 */
export const LINSPACE_75 = [
  0,
  2,
  4,
  7,
  9,
  11,
  14,
  16,
  19,
  21,
  23,
  26,
  28,
  31,
  33,
  35,
  38,
  40,
  42,
  45,
  47,
  50,
  52,
  54,
  57,
  59,
  62,
  64,
  66,
  69,
  71,
  74,
];

/** Options of {@link readBarcode}. */
export interface ReadBarcodeOptions {
  /** The frame was mirrored left to right (band 0 is on the right). */
  hflip?: boolean;
  /** The frame was mirrored top to bottom (the strip is at the bottom). */
  vflip?: boolean;
}

/**
 * Reads the frame number of an awkward fixture frame (rgb24, `width x height`): 8 bands across a
 * strip of 32/240 of the height at the top, band k white when bit k is set. Each band's mean luma
 * over its inner part is compared with mid-grey.
 */
export function readBarcode(
  rgb: Uint8Array,
  width: number,
  height: number,
  options: ReadBarcodeOptions = {},
): number {
  const strip = Math.round(height * 32 / 240);
  const band = width / 8;
  let value = 0;
  for (let k = 0; k < 8; k++) {
    const x0 = Math.ceil(band * k + band * 0.25);
    const x1 = Math.floor(band * (k + 1) - band * 0.25);
    const y0 = Math.ceil(strip * 0.2);
    const y1 = Math.floor(strip * 0.8);
    let sum = 0;
    let n = 0;
    for (let y = y0; y < y1; y++) {
      const row = options.vflip ? height - 1 - y : y;
      for (let x = x0; x < x1; x++) {
        const col = options.hflip ? width - 1 - x : x;
        const at = (row * width + col) * 3;
        sum += 0.299 * rgb[at] + 0.587 * rgb[at + 1] + 0.114 * rgb[at + 2];
        n++;
      }
    }
    if (sum / n > 128) value |= 1 << k;
  }
  return value;
}

/** Input size `[height, width]` of the barcode detector: every 10x10 source block of 320x240. */
const BARCODE_INPUT: [number, number] = [24, 32];

/**
 * An ONNX detector [N,3,24,32] -> [N,1] that reads the barcode of a whole 320x240 fixture frame
 * (resized to 32x24): the top two rows (inside the strip), the two middle columns of each band,
 * mean > 0.5 per band, then sum(bit_k * 2^k) / 255. Its "probability" is frame number / 255.
 */
export function barcodeDetector(): Uint8Array {
  const g = new GraphBuilder("barcode");
  g.input("input", ["N", 3, BARCODE_INPUT[0], BARCODE_INPUT[1]]);
  const int64 = (name: string, values: number[]) =>
    g.initializer(name, [values.length], new BigInt64Array(values.map(BigInt)));
  int64("rows_start", [0]);
  int64("rows_end", [2]);
  int64("rows_axis", [2]);
  int64("bands_shape", [-1, 8, 4]);
  int64("cols_start", [1]);
  int64("cols_end", [3]);
  int64("cols_axis", [2]);
  g.initializer("half", [1], new Float32Array([0.5]));
  g.initializer(
    "weights",
    [8, 1],
    new Float32Array(Array.from({ length: 8 }, (_, k) => 2 ** k / 255)),
  );
  const [top] = g.node("Slice", ["input", "rows_start", "rows_end", "rows_axis"]);
  const [columns] = g.node("ReduceMean", [top], { attributes: { axes: [1, 2], keepdims: 0 } });
  const [bands] = g.node("Reshape", [columns, "bands_shape"]);
  const [inner] = g.node("Slice", [bands, "cols_start", "cols_end", "cols_axis"]);
  const [means] = g.node("ReduceMean", [inner], { attributes: { axes: [2], keepdims: 0 } });
  const [bits] = g.node("Greater", [means, "half"]);
  const [ones] = g.node("Cast", [bits], { attributes: { to: 1 } });
  g.node("MatMul", [ones, "weights"], { outputs: ["value"] });
  g.output("value", ["N", 1]);
  return encodeModel(g, { opset: 17 });
}

/** The spec of {@link barcodeDetector}: the whole frame, [0, 1] RGB, a probability. */
export function barcodeSpec(): DetectorSpec {
  return validateDetectorSpec({
    name: "barcode",
    description: "reads the 8-bit frame-number barcode of the awkward fixtures (test detector)",
    input: {
      layout: "NCHW",
      size: BARCODE_INPUT,
      colour: "RGB",
      scale: "1/255",
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    crop: { kind: "full" },
    faces: "largest",
    faceRule: "largest",
    output: { kind: "probability" },
    videoRule: "mean",
    failScore: null,
  }, { source: "tests/awkward_fixtures.ts" });
}

/** `value` with its 8 bits in reverse order (what the barcode reads as in a mirrored frame). */
export function reverseBits8(value: number): number {
  let out = 0;
  for (let k = 0; k < 8; k++) if (value & (1 << k)) out |= 1 << (7 - k);
  return out;
}

/** A generated source: file name (its extension picks the container), size, pixel format, codec. */
export interface GeneratedSource {
  file: string;
  width: number;
  height: number;
  pixFmt: string;
  /** Encoder arguments, e.g. `["-c:v", "ffv1"]`. */
  codec: string[];
}

/**
 * Odd-sided sources in other codecs, pixel formats and containers (the sizes of real footage
 * that failed before: a 641x215 4:4:4 lip-sync deepfake among them).
 */
export const GENERATED_SOURCES: readonly GeneratedSource[] = [
  { file: "ffv1_444.mkv", width: 321, height: 181, pixFmt: "yuv444p", codec: ["-c:v", "ffv1"] },
  {
    file: "lipsync_444.mp4",
    width: 641,
    height: 215,
    pixFmt: "yuv444p",
    codec: ["-c:v", "libx264", "-crf", "10"],
  },
  {
    file: "x264_422.mov",
    width: 318,
    height: 181,
    pixFmt: "yuv422p",
    codec: ["-c:v", "libx264", "-crf", "10"],
  },
  { file: "ffv1_420.avi", width: 199, height: 99, pixFmt: "yuv420p", codec: ["-c:v", "ffv1"] },
  { file: "png_rgb.mov", width: 155, height: 97, pixFmt: "rgb24", codec: ["-c:v", "png"] },
];

/**
 * Writes `source` with `frames` frames of testsrc2 into `dir`: testsrc2 rounds its size to even
 * numbers, so one more row and column are made and cropped off exactly. Returns the path.
 */
export async function writeGeneratedSource(
  ffmpeg: Ffmpeg,
  dir: string,
  source: GeneratedSource,
  frames = 10,
): Promise<string> {
  const path = join(dir, source.file);
  const { width, height, pixFmt } = source;
  await ffmpeg.run({
    args: [
      ...["-f", "lavfi", "-i", `testsrc2=s=${width + 1}x${height + 1}:r=25`],
      ...["-vf", `format=${pixFmt},crop=${width}:${height}:0:0:exact=1`],
      ...["-frames:v", String(frames), ...source.codec, "-pix_fmt", pixFmt, `file:${path}`],
    ],
    inputs: [],
    outputs: [path],
  });
  return path;
}
