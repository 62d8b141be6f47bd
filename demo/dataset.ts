/**
 * The generated demo dataset: short synthetic clips of a moving, textured face-like subject
 * ("real") and the same footage with the face region self-blended ("fake": an altered copy of
 * the face blended back through a soft elliptical mask, the artefact SBI-style detectors look
 * for). Everything is a deterministic function of a seed, so `deno task demo` needs no download.
 * Writes `videos/*.mp4` (H.264 through media/encode.ts), `dataset.csv` and a face sidecar
 * `faces.json` with the face box of every frame.
 * @module
 */
import { join } from "node:path";
import { atomicWriteJson, exists } from "../util/atomic.ts";
import { stableHash } from "../util/hash.ts";
import { logLine, Progress } from "../util/progress.ts";
import { encodeFrames } from "../media/encode.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import {
  type DatasetEntry,
  readDatasetManifest,
  writeDatasetManifest,
} from "../dataset/manifest.ts";
import {
  _blendRecipe,
  _deriveSeed,
  _faceBox,
  _makeScene,
  _renderFrame,
  _selfBlend,
  type ClipScene,
} from "./_synth.ts";

/** Which split to generate: the test split (default seed) or the training split (its own seed). */
export type DemoSplit = "test" | "train";

/** Options of {@link generateDemoDataset}. Defaults depend on `split`. */
export interface DemoDatasetOptions {
  /** `test` (default) or `train`; written in the manifest's `split` column. */
  split?: DemoSplit;
  /** Seed of the split. Default 20230 for test, 71100 for train. */
  seed?: number;
  /** Real clips. Default 24 (test) or 64 (train). */
  reals?: number;
  /** Fake clips (each the self-blended twin of the real clip with the same number; at most
   * `reals`). Default equal to `reals`. */
  fakes?: number;
  /** Frames per clip. Default 64 (test) or 32 (train). */
  frames?: number;
  /** Frame width and height in pixels (even). Default 256. */
  size?: number;
  /** Frames per second. Default 25. */
  fps?: number;
  /** x264 CRF of the clips. Default 18. */
  crf?: number;
  /** ffmpeg to encode with; opened (auto backend) and closed here when absent. */
  ffmpeg?: Ffmpeg;
}

/** What {@link generateDemoDataset} produced (or found). */
export interface DemoDataset {
  /** The output folder. */
  dir: string;
  /** `dataset.csv` path. */
  manifestPath: string;
  /** `faces.json` path (schema `dfrobust.faces/1`). */
  facesPath: string;
  /** The manifest's entries. */
  entries: DatasetEntry[];
  /** Fingerprint of the generation options (and generator version). */
  optionsHash: string;
  /** True when an existing dataset with the same options was reused. */
  reused: boolean;
}

/** Bumped whenever synthesis changes, so old datasets are regenerated rather than reused. */
export const DEMO_GENERATOR_VERSION = 1;

/** The stamp file that marks a finished dataset and records its options. */
const STAMP = ".demo-dataset.json";

type Resolved = Required<Omit<DemoDatasetOptions, "ffmpeg">>;

/** Fills the split's defaults; throws a RangeError for impossible counts or sizes. */
export function resolveDemoOptions(options: DemoDatasetOptions = {}): Resolved {
  const split = options.split ?? "test";
  if (split !== "test" && split !== "train") {
    throw new RangeError(`Demo dataset split must be "test" or "train", got "${split}"`);
  }
  const train = split === "train";
  const reals = options.reals ?? (train ? 64 : 24);
  const resolved: Resolved = {
    split,
    seed: options.seed ?? (train ? 71100 : 20230),
    reals,
    fakes: options.fakes ?? reals,
    frames: options.frames ?? (train ? 32 : 64),
    size: options.size ?? 256,
    fps: options.fps ?? 25,
    crf: options.crf ?? 18,
  };
  for (const key of ["reals", "frames", "size", "fps"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`Demo dataset option ${key} must be a positive integer`);
    }
  }
  if (!Number.isInteger(resolved.fakes) || resolved.fakes < 0 || resolved.fakes > reals) {
    throw new RangeError(`Demo dataset option fakes must be an integer in [0, reals=${reals}]`);
  }
  if (resolved.size % 2 !== 0 || resolved.size < 64) {
    throw new RangeError(`Demo dataset option size must be even and at least 64`);
  }
  return resolved;
}

function pad(i: number): string {
  return String(i).padStart(3, "0");
}

/** A real clip, its self-blended twin (when asked for) and the face box of every frame. */
export interface DemoPair {
  /** rgb24 frames, `size * size * 3` bytes each. */
  real: Uint8Array[];
  /** The real frames with the face self-blended; null unless `fake` was asked for. */
  fake: Uint8Array[] | null;
  /** Face box `[x, y, w, h]` (integer pixels, inside the frame) per frame. */
  boxes: [number, number, number, number][];
}

/** Options of {@link renderDemoPair}. */
export interface RenderDemoPairOptions {
  /** Seed of the self-blend recipe (blur/sharpen/resample, colour shift, mask). */
  blendSeed: number;
  /** Also render the self-blended twin. */
  fake: boolean;
  frames: number;
  /** Frame width and height in pixels. */
  size: number;
}

/**
 * Renders one demo scene: the real clip and, when `fake`, its twin with every frame's face
 * self-blended (same footage, same boxes). Pure and deterministic in its seeds.
 */
export function renderDemoPair(sceneSeed: number, options: RenderDemoPairOptions): DemoPair {
  const scene: ClipScene = _makeScene(sceneSeed, {
    width: options.size,
    height: options.size,
    frames: options.frames,
  });
  const recipe = options.fake ? _blendRecipe(options.blendSeed) : null;
  const real: Uint8Array[] = [];
  const fake: Uint8Array[] = [];
  const boxes: [number, number, number, number][] = [];
  for (let f = 0; f < options.frames; f++) {
    const frame = _renderFrame(scene, f);
    real.push(frame);
    if (recipe) fake.push(_selfBlend(frame, { scene, f, recipe }));
    boxes.push(_faceBox(scene, f));
  }
  return { real, fake: recipe ? fake : null, boxes };
}

/**
 * Generates the demo dataset into `outDir` (created when missing): `videos/<id>.mp4`,
 * `dataset.csv` (split `test`/`train`, method `selfblend` for fakes) and `faces.json`.
 * Re-running with the same options reuses a finished dataset (a stamp file records the options
 * hash); different options regenerate it. Deterministic: the same options give the same frames,
 * and with the same ffmpeg build the same files.
 * @throws {RangeError} for bad options; {@link FfmpegError} when encoding fails.
 */
export async function generateDemoDataset(
  outDir: string,
  options: DemoDatasetOptions = {},
): Promise<DemoDataset> {
  const o = resolveDemoOptions(options);
  const optionsHash = stableHash({ generator: DEMO_GENERATOR_VERSION, ...o });
  const manifestPath = join(outDir, "dataset.csv");
  const facesPath = join(outDir, "faces.json");
  const stampPath = join(outDir, STAMP);
  const result = { dir: outDir, manifestPath, facesPath, optionsHash };
  if (await isFinished(stampPath, optionsHash, [manifestPath, facesPath])) {
    const entries = await readDatasetManifest(manifestPath);
    if (await allExist(entries.map((e) => e.path))) {
      return { ...result, entries, reused: true };
    }
  }
  await Deno.remove(stampPath).catch(() => {});
  await Deno.mkdir(join(outDir, "videos"), { recursive: true });
  const ffmpeg = options.ffmpeg ?? await openFfmpeg("auto");
  const progress = new Progress({ total: o.reals + o.fakes, label: `demo ${o.split}` });
  const videos: Record<string, Record<string, [number, number, number, number][]>> = {};
  const rows: Pick<DatasetEntry, "id" | "relativePath" | "label" | "split" | "method">[] = [];
  try {
    // One encode runs while the next clip is synthesised (ffmpeg is a separate process).
    let pending: Promise<void> = Promise.resolve();
    const encode = async (id: string, frames: Uint8Array[]) => {
      await pending;
      pending = encodeFrames(ffmpeg, join(outDir, `videos/${id}.mp4`), frames, {
        width: o.size,
        height: o.size,
        fps: o.fps,
        crf: o.crf,
        // Small synthetic clips: veryfast is ~1.5x quicker than medium at this size.
        preset: "veryfast",
      }).then(() => progress.tick(1, id));
    };
    for (let i = 0; i < o.reals; i++) {
      const pair = renderDemoPair(_deriveSeed(o.seed, 2 * i), {
        blendSeed: _deriveSeed(o.seed, 2 * i + 1),
        fake: i < o.fakes,
        frames: o.frames,
        size: o.size,
      });
      const boxes: Record<string, [number, number, number, number][]> = {};
      pair.boxes.forEach((box, f) => boxes[String(f)] = [box]);
      const realId = `real_${pad(i)}`;
      await encode(realId, pair.real);
      videos[realId] = boxes;
      rows.push({ id: realId, relativePath: `videos/${realId}.mp4`, label: 0, split: o.split });
      if (pair.fake) {
        const fakeId = `fake_${pad(i)}`;
        await encode(fakeId, pair.fake);
        videos[fakeId] = boxes;
        rows.push({
          id: fakeId,
          relativePath: `videos/${fakeId}.mp4`,
          label: 1,
          split: o.split,
          method: "selfblend",
        });
      }
    }
    await pending;
  } finally {
    if (!options.ffmpeg) await ffmpeg.close();
  }
  progress.done();
  await writeDatasetManifest(manifestPath, rows);
  await atomicWriteJson(facesPath, { schema: "dfrobust.faces/1", videos });
  await atomicWriteJson(stampPath, { optionsHash, options: o });
  logLine(`demo ${o.split}: ${rows.length} clips in ${outDir}`);
  const entries = await readDatasetManifest(manifestPath);
  return { ...result, entries, reused: false };
}

/**
 * The options a finished or half-made dataset in `outDir` was generated with (its stamp file), or
 * null when the folder holds none. Lets a caller that keeps results beside the dataset (the demo's
 * copies and store) refuse to mix them with a dataset made with other options.
 */
export async function recordedDemoOptions(
  outDir: string,
): Promise<Required<Omit<DemoDatasetOptions, "ffmpeg">> | null> {
  try {
    const stamp = JSON.parse(await Deno.readTextFile(join(outDir, STAMP)));
    return stamp.options ?? null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return null;
    throw error;
  }
}

async function isFinished(stampPath: string, hash: string, files: string[]): Promise<boolean> {
  try {
    const stamp = JSON.parse(await Deno.readTextFile(stampPath));
    return stamp.optionsHash === hash && await allExist(files);
  } catch {
    return false;
  }
}

async function allExist(paths: string[]): Promise<boolean> {
  for (const path of paths) if (!await exists(path)) return false;
  return true;
}
