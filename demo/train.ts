/**
 * Training and checking the bundled demo detector. Frames are seen exactly as `eval` sees them:
 * 32 evenly spaced frames decoded by media/frames.ts, cropped and resized by
 * detectors/preprocess.ts from the face sidecar's boxes. The feature sub-graph runs on
 * onnxruntime (one thread, so its float sums have one order), a logistic head is fitted in
 * float64 with a fixed number of Newton steps, and the head is folded into the model. The same
 * options, ffmpeg build and onnxruntime build give the same model bytes.
 * @module
 */
import * as ort from "../deps/onnxruntime.ts";
import { atomicWriteFile } from "../util/atomic.ts";
import { sha256Hex, stableHash } from "../util/hash.ts";
import { Progress } from "../util/progress.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { sampleFrames } from "../media/frames.ts";
import { itemLength, preprocessFace } from "../detectors/preprocess.ts";
import { openDetector } from "../detectors/session.ts";
import { DEMO } from "../detectors/demo.ts";
import { rocAuc } from "../metrics/roc_auc.ts";
import { readSidecar } from "../faces/sidecar.ts";
import { type DemoDataset, type DemoDatasetOptions, generateDemoDataset } from "./dataset.ts";
import { buildDemoFeatureModel, buildDemoModel, demoFeatureNames } from "./model.ts";
import { fitLogistic, type LogisticFit } from "./logistic.ts";

/** Options of {@link trainDemoModel}. */
export interface TrainDemoOptions {
  /** Folder for the generated training split (reused when already there). */
  dataDir: string;
  /** Training split options (`split` is always `train`). Default: the train defaults. */
  dataset?: Omit<DemoDatasetOptions, "split" | "ffmpeg">;
  /** L2 penalty of the logistic head (on standardised features). Default 1. */
  l2?: number;
  /** Newton steps. Default 25. */
  iterations?: number;
  /** Frames sampled per clip (as eval). Default 32. */
  frames?: number;
  /** ffmpeg to decode (and encode the split) with; opened and closed here when absent. */
  ffmpeg?: Ffmpeg;
}

/** A trained demo model. */
export interface TrainedDemoModel {
  /** The ONNX model bytes. */
  model: Uint8Array;
  /** SHA-256 of `model` (hex). */
  sha256: string;
  /** The fitted head (weights over raw features, standardisation folded in). */
  fit: LogisticFit;
  /** Frames and clips trained on. */
  frames: number;
  videos: number;
  /** Frame-level AUC of the fitted head on its own training frames. */
  trainFrameAuc: number;
}

/** Per-frame inputs of one dataset: preprocessed crops grouped by video. */
interface VideoCrops {
  id: string;
  label: 0 | 1;
  /** `n` crops of {@link itemLength} floats, NCHW, as preprocessFace writes them. */
  batch: Float32Array;
  n: number;
}

/**
 * Decodes `frames` evenly spaced frames of every video of a demo dataset and preprocesses the
 * sidecar face box of each with the `demo` preset, one batch per video, in manifest order.
 * `onVideo` receives each video's crops (so callers can score them without keeping them all).
 * @throws {FfmpegError} when a clip cannot be decoded; Error when a frame has no sidecar box.
 */
async function forEachVideoCrops(
  ffmpeg: Ffmpeg,
  dataset: DemoDataset,
  options: { frames: number; label: string; onVideo: (v: VideoCrops) => Promise<void> },
): Promise<void> {
  const sidecar = await readSidecar(dataset.facesPath);
  const n = itemLength(DEMO.input);
  const progress = new Progress({ total: dataset.entries.length, label: options.label });
  for (const entry of dataset.entries) {
    const sampled = await sampleFrames(ffmpeg, entry.path, { count: options.frames });
    const batch = new Float32Array(sampled.frames.length * n);
    for (let k = 0; k < sampled.frames.length; k++) {
      const index = sampled.indices[k];
      const box = sidecar.videos[entry.id]?.[String(index)]?.[0];
      if (!box) {
        throw new Error(`"${dataset.facesPath}" has no face box for ${entry.id} frame ${index}`);
      }
      await preprocessFace(
        { data: sampled.frames[k], width: sampled.width, height: sampled.height },
        { x: box[0], y: box[1], w: box[2], h: box[3] },
        DEMO,
        { into: batch, index: k },
      );
    }
    await options.onVideo({ id: entry.id, label: entry.label, batch, n: sampled.frames.length });
    progress.tick(1, entry.id);
  }
  progress.done();
}

/**
 * Trains the demo detector: generates (or reuses) the training split in `options.dataDir`,
 * extracts the graph's own features from 32 frames per clip, fits the logistic head and returns
 * the full model. Deterministic: no clock or randomness enters the bytes.
 */
export async function trainDemoModel(options: TrainDemoOptions): Promise<TrainedDemoModel> {
  const ffmpeg = options.ffmpeg ?? await openFfmpeg("auto");
  try {
    const dataset = await generateDemoDataset(options.dataDir, {
      ...options.dataset,
      split: "train",
      ffmpeg,
    });
    const frames = options.frames ?? DEMO.frames ?? 32;
    const session = await ort.InferenceSession.create(buildDemoFeatureModel(), {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      // One thread: the reductions then add in one fixed order, so features repeat bit for bit.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
    const rows: Float32Array[] = [];
    const labels: number[] = [];
    const [size] = DEMO.input.size;
    const nf = demoFeatureNames().length;
    try {
      await forEachVideoCrops(ffmpeg, dataset, {
        frames,
        label: "demo features",
        onVideo: async (video) => {
          const input = new ort.Tensor("float32", video.batch, [video.n, 3, size, size]);
          const out = await session.run({ [DEMO.input.name ?? "image"]: input });
          const data = out.features.data as Float32Array;
          for (let k = 0; k < video.n; k++) {
            rows.push(data.slice(k * nf, (k + 1) * nf));
            labels.push(video.label);
          }
        },
      });
    } finally {
      await session.release();
    }
    const fit = fitLogistic(rows, labels, { l2: options.l2, iterations: options.iterations });
    const trainScores = rows.map((row) => {
      let z = fit.bias;
      for (let j = 0; j < nf; j++) z += fit.weights[j] * row[j];
      return z;
    });
    const settings = {
      dataset: { ...options.dataset, split: "train" },
      datasetHash: dataset.optionsHash,
      frames,
      l2: options.l2 ?? 1,
      iterations: options.iterations ?? 25,
    };
    const model = buildDemoModel(fit, {
      metadata: {
        "dfrobust.detector": "demo",
        "dfrobust.training": JSON.stringify(settings),
        "dfrobust.training_hash": stableHash(settings),
      },
    });
    return {
      model,
      sha256: sha256Hex(model),
      fit,
      frames: rows.length,
      videos: dataset.entries.length,
      trainFrameAuc: rocAuc(labels, trainScores),
    };
  } finally {
    if (!options.ffmpeg) await ffmpeg.close();
  }
}

/** Options of {@link scoreDemoDataset}. */
export interface ScoreDemoOptions {
  /** Frames per clip. Default 32. */
  frames?: number;
  /** ffmpeg to decode with; opened and closed here when absent. */
  ffmpeg?: Ffmpeg;
}

/** Video-level scores of a demo dataset and their AUC. */
export interface DemoScores {
  videos: { id: string; label: 0 | 1; score: number }[];
  /** Video-level ROC AUC (video score = mean of frame probabilities). */
  auc: number;
}

/**
 * Scores every video of a demo dataset with the model at `modelPath` through the `demo` preset
 * (the detector session eval uses), video score = mean of its frames, and returns the AUC.
 * A quick check for training and tests; `deno task eval` is the full pipeline.
 */
export async function scoreDemoDataset(
  modelPath: string,
  dataset: DemoDataset,
  options: ScoreDemoOptions = {},
): Promise<DemoScores> {
  const ffmpeg = options.ffmpeg ?? await openFfmpeg("auto");
  const detector = await openDetector(DEMO, { modelPath });
  try {
    const videos: DemoScores["videos"] = [];
    await forEachVideoCrops(ffmpeg, dataset, {
      frames: options.frames ?? DEMO.frames ?? 32,
      label: "demo scores",
      onVideo: async (video) => {
        const scores = await detector.score(video.batch, video.n);
        let sum = 0;
        for (const s of scores) sum += s;
        videos.push({ id: video.id, label: video.label, score: sum / video.n });
      },
    });
    return {
      videos,
      auc: rocAuc(videos.map((v) => v.label), videos.map((v) => v.score)),
    };
  } finally {
    await detector.release();
    if (!options.ffmpeg) await ffmpeg.close();
  }
}

/** Writes a trained model atomically to `path` (the committed model: detectors/models/demo.onnx). */
export async function writeDemoModel(path: string, trained: TrainedDemoModel): Promise<void> {
  await atomicWriteFile(path, trained.model);
}
