/**
 * Everything an eval run checks and opens before it scores anything (eval/evaluate.ts): its
 * settings, refused before any work when they cannot run; its copies; the model's hash; ffmpeg;
 * the detector and face parts; the run id; and the summary it starts from.
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import type { DetectorSpec } from "../detectors/spec.ts";
import { type FaceMinimums, faceMinimumsProblem } from "../faces/minimums.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { sha256FileCached } from "../util/digest_cache.ts";
import { type Limits, resolveLimits } from "../util/limits.ts";
import { OptionError } from "../util/option_error.ts";
import { discoverCopies, type EvalCopy } from "./copies.ts";
import type { EvalSummary, EvaluateOptions } from "./evaluate_types.ts";
import { faceModelFor } from "./face_model.ts";
import { checkRunLimits } from "./limit_checks.ts";
import {
  checkSidecarGiven,
  type EvalParts,
  FACE_MODES,
  type FaceMode,
  openEvalParts,
} from "./parts.ts";
import { baseRow } from "./rows.ts";
import { evalRunId } from "./run_id.ts";
import type { CopyContext, ScoreCopyOptions } from "./score_copy.ts";
import type { EvalClock } from "./timings.ts";

/** An eval run, opened: what it scores with. Close it when done ({@link EvalRun.close}). */
export interface EvalRun {
  spec: DetectorSpec;
  faceMode: FaceMode;
  /** The face minimums the run applies (faces/minimums.ts). */
  minimums: FaceMinimums;
  /** Frames sampled per video. */
  frameCount: number;
  /** Faces per inference batch. */
  batchSize: number;
  limits: Limits;
  trainSet: string;
  /** Every copy under `data`, in order (eval/copies.ts). */
  copies: EvalCopy[];
  modelSha256: string;
  runId: string;
  ffmpeg: Ffmpeg;
  parts: EvalParts;
  /** How every copy is scored (eval/score_copy.ts), but for the progress bar and the clock. */
  scoring: Omit<ScoreCopyOptions, "progress" | "clock">;
  /** True for the copy whose faces are `reference` mode's (scored in its turn, recorded). */
  isReference(copy: EvalCopy): boolean;
  /** Closes the parts, and ffmpeg when the run opened it. */
  close(): Promise<void>;
}

/**
 * Checks `options` and opens the run (module doc), timing hashing and loading on `clock`.
 * @throws as `evaluate` documents, before any work: settings over a limit or invalid, a missing
 * face model, no copy or no unaltered copy for `reference`, an unreadable or unfit model.
 */
export async function openEvalRun(options: EvaluateOptions, clock: EvalClock): Promise<EvalRun> {
  if ((options.shard || options.finish) && options.force) {
    throw new OptionError(
      "force cannot be combined with a shard or finish: remove the parts first",
    );
  }
  if (options.shard && options.finish) throw new OptionError("finish is not done by one shard");
  const spec = options.spec;
  if (spec.clip && options.frames !== undefined) {
    // A clip detector's frames are its clips' (spec.clip.sampling); a frame count would be ignored.
    throw new OptionError(
      `frames does not apply to the clip detector "${spec.name}": its clips are set by its ` +
        `spec's clip.sampling (docs/detectors.md, "Clip detectors")`,
    );
  }
  const faceMode: FaceMode = options.faces ?? "ultraface";
  if (!FACE_MODES.includes(faceMode)) {
    throw new OptionError(
      `Unknown face mode "${faceMode}" (use ${FACE_MODES.join(", ")})` +
        didYouMeanSuffix(faceMode, FACE_MODES),
    );
  }
  checkSidecarGiven(faceMode, options.sidecar);
  const frameCount = options.frames ?? spec.frames ?? 32;
  // The flags' minimums, else the spec's (upstream's where the preset has them), else none.
  const minimums: FaceMinimums = {
    score: options.minFaceScore === undefined ? spec.minFaceScore ?? null : options.minFaceScore,
    size: options.minFaceSize === undefined ? spec.minFaceSize ?? null : options.minFaceSize,
  };
  const minimumsProblem = faceMinimumsProblem(minimums);
  if (minimumsProblem !== null) throw new OptionError(minimumsProblem);
  const batchSize = options.batch ?? 8;
  if (!Number.isInteger(frameCount) || frameCount < 1) {
    throw new OptionError(`frames must be a positive integer, got ${frameCount}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new OptionError(`batch must be a positive integer, got ${batchSize}`);
  }
  // Before any work: a spec, flag or model over a limit would take unbounded memory or time.
  const limits = resolveLimits(options.limits, "eval");
  checkRunLimits({
    spec,
    specSource: options.specSource,
    frames: options.frames,
    batch: batchSize,
  }, limits);
  // After the options, before any work: a missing face model is a setup error with a known fix.
  const faceModel = faceModelFor(faceMode, options.faceModel, options.env);
  const copies = await discoverCopies(options.data, {
    allowOutsideLinks: options.allowOutsideLinks,
  });
  if (faceMode === "reference" && copies[0].op.id !== UNALTERED_ID) {
    throw new Error(
      `Face mode "reference" needs the unaltered copy (its faces are the reference), but ` +
        `"${options.data}" has none: distort with the unaltered copy, or use --faces ultraface`,
    );
  }
  // Hashed once per file version: a rerun with the same model file reads a small cache instead.
  const hashed = clock.start("hash", "process");
  const modelSha256 = await sha256FileCached(options.modelPath).catch((error) => {
    throw new Error(`Cannot read model "${options.modelPath}": ${(error as Error).message}`);
  });
  hashed();
  const ffmpeg = clock.ffmpeg(
    options.ffmpeg ?? await openFfmpeg("auto", { signal: options.signal }),
  );
  let parts: EvalParts;
  try {
    // Opening the parts checks the model against the spec (input shape, output) before any work.
    const loaded = clock.start("load", "process");
    parts = await openEvalParts({
      spec,
      modelPath: options.modelPath,
      faceMode,
      faceModel,
      env: options.env,
      sidecar: options.sidecar,
      threads: options.threads,
      sessions: options.sessions,
      device: options.device,
      batch: batchSize,
      limits,
    });
    loaded();
    parts = clock.parts(parts);
  } catch (error) {
    if (!options.ffmpeg) await ffmpeg.close();
    throw error;
  }
  const runId = evalRunId({
    spec,
    modelSha256,
    faceMode,
    frames: frameCount,
    faceModelSha256: parts.faceModelSha256,
    sidecarSha256: parts.sidecarSha256,
    minimums,
  });
  return {
    spec,
    faceMode,
    minimums,
    frameCount,
    batchSize,
    limits,
    trainSet: options.trainSet ?? spec.trainSet ?? "unknown",
    copies,
    modelSha256,
    runId,
    ffmpeg,
    parts,
    scoring: {
      batchSize,
      prefetch: options.prefetch,
      signal: options.signal,
      allowOutsideLinks: options.allowOutsideLinks,
      limits,
    },
    isReference: (copy) => faceMode === "reference" && copy.op.id === UNALTERED_ID,
    close: async () => {
      await parts.close();
      if (!options.ffmpeg) await ffmpeg.close();
    },
  };
}

/** The summary `run` starts from: no copy yet, nothing scored, nothing left out. */
export function emptySummary(run: EvalRun, options: EvaluateOptions): EvalSummary {
  return {
    runId: run.runId,
    detector: run.spec.name,
    trainSet: run.trainSet,
    modelSha256: run.modelSha256,
    faceMode: run.faceMode,
    frames: run.frameCount,
    copies: [],
    failures: 0,
    facesScored: 0,
    faceMinimums: run.minimums,
    facesDropped: 0,
    seconds: 0,
    aborted: false,
    pairing: "paired",
    leftOut: [],
    notes: [],
    warnings: [],
    ...(options.shard ? { shard: options.shard } : {}),
    incomplete: [],
  };
}

/** What scoring `copy` in `run` needs (eval/score_copy.ts): its rows' common columns, the parts. */
export function copyContext(run: EvalRun, copy: EvalCopy): CopyContext {
  const { runId, spec, trainSet, modelSha256, faceMode, parts, minimums } = run;
  return {
    copy,
    base: baseRow(copy, {
      runId,
      spec,
      trainSet,
      modelSha256,
      faceMode,
      faceModelSha256: parts.faceModelSha256 ?? parts.sidecarSha256,
      minimums,
    }),
    minimums,
    parts,
    ffmpeg: run.ffmpeg,
    frameCount: run.frameCount,
    locator: parts.locatorFor(copy),
  };
}
