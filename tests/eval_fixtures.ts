/**
 * Fixtures for the eval suites: flat-colour clips encoded losslessly with real ffmpeg, copy
 * folders laid out as `distort` writes them, and tiny ONNX detectors built with onnx/writer.ts
 * whose scores follow from the pixels (mean intensity through a sigmoid), so the expected score
 * of every row can be computed.
 * @module
 */
import { join } from "node:path";
import { type DetectorSpec, validateDetectorSpec } from "../detectors/spec.ts";
import { writeDatasetManifest } from "../dataset/manifest.ts";
import { encodeFrames } from "../media/encode.ts";
import type { Ffmpeg } from "../media/ffmpeg.ts";
import { encodeModel, GraphBuilder } from "../onnx/writer.ts";
import { COPY_SCHEMA } from "../artifacts/copy_manifest.ts";

/** Input side of the tiny detectors. */
export const TINY_SIZE = 16;
/** Slope of the tiny detector's logit: logit = SLOPE * (mean intensity in [0, 1] - 0.5). */
export const SLOPE = 8;

/** The score the mean-intensity detector gives a flat frame of grey level `grey` (0..255). */
export function expectedScore(grey: number): number {
  return 1 / (1 + Math.exp(-SLOPE * (grey / 255 - 0.5)));
}

/**
 * An ONNX detector [N,3,16,16] -> [N,1]: `mean` gives the logit SLOPE * (mean - 0.5); `log`
 * gives log(mean - 0.5), NaN for frames darker than mid grey (for the nan_score case).
 * `inputSize` changes the declared input side (for the wrong-shape case).
 */
export function tinyDetector(kind: "mean" | "log", inputSize = TINY_SIZE): Uint8Array {
  const g = new GraphBuilder(`tiny_${kind}`);
  g.input("input", ["N", 3, inputSize, inputSize]);
  const [mean] = g.node("ReduceMean", ["input"], { attributes: { axes: [1, 2, 3], keepdims: 0 } });
  g.initializer("shape", [2], new BigInt64Array([-1n, 1n]));
  g.initializer("half", [1], new Float32Array([0.5]));
  g.initializer("slope", [1], new Float32Array([SLOPE]));
  const [column] = g.node("Reshape", [mean, "shape"]);
  const [centred] = g.node("Sub", [column, "half"]);
  if (kind === "mean") g.node("Mul", [centred, "slope"], { outputs: ["logit"] });
  else g.node("Log", [centred], { outputs: ["logit"] });
  g.output("logit", ["N", 1]);
  return encodeModel(g, { opset: 17 });
}

/** The spec of the tiny detectors: whole-frame crop, [0, 1] RGB input, one logit. */
export function tinySpec(overrides: Record<string, unknown> = {}): DetectorSpec {
  return validateDetectorSpec({
    name: "tiny",
    description: "mean intensity -> sigmoid (test detector)",
    input: {
      layout: "NCHW",
      size: [TINY_SIZE, TINY_SIZE],
      colour: "RGB",
      scale: "1/255",
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    crop: { kind: "full" },
    faces: "largest",
    faceRule: "largest",
    output: { kind: "sigmoid" },
    videoRule: "mean",
    failScore: null,
    ...overrides,
  }, { source: "tests/_eval_fixtures.ts" });
}

/** One test video: id, label and its flat grey level. */
export interface ClipSpec {
  id: string;
  label: 0 | 1;
  grey: number;
}

/** Frame size and length of the test clips. */
export const CLIP = { width: 48, height: 32, frames: 6 };

/**
 * Encodes each clip (flat grey, lossless, so decoding gives the grey level back exactly) under
 * `dir/videos/` and writes `dir/dataset.csv`. A clip with `corrupt: true` is garbage bytes.
 */
export async function writeClips(
  ffmpeg: Ffmpeg,
  dir: string,
  clips: readonly (ClipSpec & { corrupt?: boolean })[],
): Promise<string> {
  await Deno.mkdir(join(dir, "videos"), { recursive: true });
  for (const clip of clips) {
    const path = join(dir, "videos", `${clip.id}.mp4`);
    if (clip.corrupt) {
      await Deno.writeFile(path, new TextEncoder().encode("this is not a video\n".repeat(50)));
      continue;
    }
    const frame = new Uint8Array(CLIP.width * CLIP.height * 3).fill(clip.grey);
    const frames = Array.from({ length: CLIP.frames }, () => frame);
    await encodeFrames(ffmpeg, path, frames, {
      width: CLIP.width,
      height: CLIP.height,
      fps: 25,
      lossless: true,
    });
  }
  const csv = join(dir, "dataset.csv");
  await writeDatasetManifest(
    csv,
    clips.map((c) => ({
      id: c.id,
      relativePath: `videos/${c.id}.mp4`,
      label: c.label,
      method: c.label ? "Synthetic" : "real",
    })),
  );
  return csv;
}

/** Writes a copy folder `<root>/<opId>/<artifactId>/` with a `dfrobust.copy/1` manifest. */
export async function writeCopy(
  ffmpeg: Ffmpeg,
  root: string,
  copy: { opId: string; family: string; category: string; artifactId: string; severity?: number },
  clips: readonly (ClipSpec & { corrupt?: boolean })[],
): Promise<string> {
  const dir = join(root, copy.opId, copy.artifactId);
  await writeClips(ffmpeg, dir, clips);
  await Deno.writeTextFile(
    join(dir, "manifest.json"),
    JSON.stringify({
      schema: COPY_SCHEMA,
      artifactId: copy.artifactId,
      op: {
        id: copy.opId,
        family: copy.family,
        category: copy.category,
        severity: copy.severity ?? null,
        params: {},
      },
      profile: "lossless",
      geometry: { hflip: false, vflip: false, scale: 1 },
      videos: clips.map((c) => ({ id: c.id, label: c.label, status: "ok" })),
    }),
  );
  return dir;
}
