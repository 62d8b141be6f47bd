/**
 * The eval pipeline: for each copy of a test set, sample frames of every video, locate faces,
 * preprocess them, run the ONNX detector in batches and write one row per (video, frame, face)
 * to the results store, one atomic unit per (run, copy). Decoding and face preparation of the
 * next videos overlap inference of the current batch (a bounded prefetch queue), and a run that
 * was interrupted resumes at the first copy it had not finished.
 *
 * This module orchestrates; each job has its file: finding copies (eval/copies.ts), claiming
 * units (eval/unit_claim.ts), scoring a copy (eval/score_copy.ts: eval/copy_check.ts,
 * eval/prepare_video.ts, eval/score_batch.ts, rows from eval/rows.ts), and the summaries
 * (eval/copy_summary.ts, eval/run_summary.ts). A shard of a run (scale/shard.ts) scores only its
 * videos of each copy into its own part of the unit, and units are finished once all their
 * shard parts are there (eval/unit_shards.ts).
 * @module
 */
import type { DetectorSpec } from "../detectors/spec.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import type { Pairing } from "../metrics/video_set.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import type { LeftOutVideo } from "../store/left_out.ts";
import { appendUnit } from "../store/store.ts";
import { sha256FileCached } from "../util/digest_cache.ts";
import { Progress } from "../util/progress.ts";
import { discoverCopies } from "./copies.ts";
import { type CopySummary, copySummary, countFailures } from "./copy_summary.ts";
import { faceModelFor } from "./face_model.ts";
import { type EvalParts, FACE_MODES, type FaceMode, openEvalParts } from "./parts.ts";
import { recordFromStore } from "./reference_rows.ts";
import { baseRow } from "./rows.ts";
import { evalRunId } from "./run_id.ts";
import { runVideoSummary } from "./run_summary.ts";
import { scoreCopy } from "./score_copy.ts";
import { evalClock, type EvalTimings } from "./timings.ts";
import { claimUnits } from "./unit_claim.ts";
import { checkRunLimits } from "./limit_checks.ts";
import { type Limits, resolveLimits } from "../util/limits.ts";
import { OptionError } from "../util/option_error.ts";
// --- shards (scale/shard.ts, eval/unit_shards.ts, store/shard_parts.ts)
import type { Shard } from "../scale/shard.ts";
import {
  finishUnits,
  type IncompleteUnit,
  incompleteUnits,
  shardCopy,
  storedRunRows,
} from "./unit_shards.ts";

export { FACE_MODES };
export type { CopySummary, EvalTimings, FaceMode };

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /** The detector (a preset or a loaded spec file). */
  spec: DetectorSpec;
  /** How messages name the spec: its file or preset name (`--detector`). Default its name. */
  specSource?: string;
  /** ONNX model file. */
  modelPath: string;
  /** A distort output folder or a plain dataset `.csv` (see `discoverCopies`). */
  data: string;
  /** Results store folder. */
  store: string;
  /** Training-set label for the store (`train_set`); default the spec's `trainSet`, else `unknown`. */
  trainSet?: string;
  /** Face localisation. Default `ultraface`. */
  faces?: FaceMode;
  /**
   * UltraFace ONNX model (`version-RFB-320.onnx`) for `ultraface`/`reference`; default the file
   * named by the `DFROBUST_FACE_MODEL` environment variable. None is bundled: without either,
   * those modes throw a `FaceModelMissingError` saying where to get it, before any work.
   */
  faceModel?: string;
  /** Face sidecar JSON for `sidecar` (schema `dfrobust.faces/1`). */
  sidecar?: string;
  /** Frames sampled per video. Default: the spec's `frames`, else 32. */
  frames?: number;
  /** Faces per inference batch. Default 8. */
  batch?: number;
  /**
   * Overrides of the run's limits (util/limits.ts; docs/security.md "Limits"): a video's frame
   * width, height and pixels and its frame count (checked at its probe, or against the probe its
   * copy's manifest records, before it is decoded), frames sampled per video, faces per batch
   * (and a model's fixed batch), the detector's input side, face boxes per frame, crop side
   * relative to the frame. A spec, model or flag over a limit is refused before any work; a
   * video over one (its frames, or a frame's faces) is a `video_error` row naming it and the
   * limit. Raise the frame limits only for videos you trust.
   */
  limits?: Partial<Limits>;
  /**
   * onnxruntime intra-op threads of the detector (UltraFace runs on one). Default: the logical
   * CPU count.
   */
  threads?: number;
  /**
   * Detector sessions, each scoring its own batch with `threads / sessions` intra-op threads
   * (inter-batch parallelism). Default: two on the CPU, one on CUDA (eval/parts.ts
   * `defaultSessions`, measured in docs/benchmarks.md).
   */
  sessions?: number;
  /** Execution provider. Default `cpu`. */
  device?: "cpu" | "cuda";
  /** Re-score units already in the store (default: skip them, i.e. resume). */
  force?: boolean;
  /**
   * Read videos whose links lead outside their dataset's (or copy's) folder. Default false: such
   * a video is a `video_error` row naming the link and where it leads; FIFOs and devices are
   * refused whatever this says (dataset/video_file.ts, docs/security.md).
   */
  allowOutsideLinks?: boolean;
  /** Videos decoded and prepared ahead of the one being scored. Default 2; 0 = no overlap. */
  prefetch?: number;
  /** An open ffmpeg backend to use (default: native when installed, else wasm; closed after). */
  ffmpeg?: Ffmpeg;
  /**
   * Stops the run when aborted (checked between videos; when eval opens ffmpeg itself, a running
   * decoder is killed too): finished copies stay written, the copy in progress is dropped, and a
   * rerun resumes with it.
   */
  signal?: AbortSignal;
  /** Called after each copy (scored or skipped), e.g. to stop a run from outside. */
  onCopy?: (copy: CopySummary) => void;
  /** Progress label; default `eval <detector>`. */
  label?: string;
  /**
   * Score only this shard's videos of every copy (scale/shard.ts) into the shard's own part of
   * each unit (store/shard_parts.ts); when its share is done, merge every unit whose shard parts
   * are all there into its whole part (eval/unit_shards.ts). Not with `force`.
   */
  shard?: Shard;
  /**
   * Score nothing: merge every unit's complete set of shard parts into its whole part, and list
   * the units that still miss parts in the summary's `incomplete`. Not with `shard` or `force`.
   */
  finish?: boolean;
  /**
   * Time the run's stages (model hashing and loading, decoding, face location, preprocessing,
   * inference, store) into {@link EvalSummary.timings}. Default false.
   */
  timings?: boolean;
}

/** The outcome of {@link evaluate}. */
export interface EvalSummary {
  runId: string;
  detector: string;
  trainSet: string;
  modelSha256: string;
  faceMode: FaceMode;
  frames: number;
  copies: CopySummary[];
  /**
   * Failure rows (statuses other than `ok` and `no_face`: `isFailureStatus`) in the run's units,
   * stored ones too.
   */
  failures: number;
  /** Faces scored by the detector in this run. */
  facesScored: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** True when the run stopped early on `signal`. */
  aborted: boolean;
  /** Which videos the copies' AUCs rank: `paired` (the same videos in every copy). */
  pairing: Pairing;
  /** Every video left out of a copy's AUC, with its reason (store/left_out.ts). */
  leftOut: LeftOutVideo[];
  /** Sentences naming what the AUCs leave out: the run, videos, copies with no video scored. */
  notes: string[];
  /**
   * Warnings recorded with the run's rows, each once (store/warnings.ts: e.g. face sidecar
   * boxes that lie mostly outside a video's displayed frame); they change no score.
   */
  warnings: string[];
  /** The shard this run scored, when it was one (its copies' rows and AUCs are its share's). */
  shard?: Shard;
  /** Units that still miss shard parts (shards and `finish` only; named in `notes` too). */
  incomplete: IncompleteUnit[];
  /** Where the time went, by stage (eval/timings.ts); only with `timings: true`. */
  timings?: EvalTimings;
}

/**
 * Runs a detector over every copy under `options.data` and stores per-face scores. A corrupt or
 * missing video becomes a `video_error` row (message on stderr naming the file) and the run goes
 * on; a frame without a face becomes a `no_face` row; a non-finite model output a `nan_score`
 * row. Each copy is written atomically when done, so an interrupted run resumes without
 * duplicates. Each copy is scored under its unit's lock, so a second run on the same store
 * scores the other copies and then reads this one back; a video whose file no longer matches
 * its copy manifest becomes a `damaged_video` row instead of scores (eval/copy_check.ts); a
 * stored part that does not read back whole is scored again (eval/unit_claim.ts).
 * @throws when the run's frames, batch or the spec's input size is over its limit (`limits`,
 * naming the spec or flag and how to raise it), before any work;
 * when the face mode needs an UltraFace model and none is given (`FaceModelMissingError`,
 * saying where to get one), when the model cannot be loaded or does not fit the spec (before any
 * work), when `--data` holds no copy, when the store cannot be written, or when `shard` or
 * `finish` comes with `force` (or both are given: an `OptionError`, exit 2 in a task).
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalSummary> {
  const started = performance.now();
  const clock = evalClock(options.timings === true);
  if ((options.shard || options.finish) && options.force) {
    throw new OptionError(
      "force cannot be combined with a shard or finish: remove the parts first",
    );
  }
  if (options.shard && options.finish) throw new OptionError("finish is not done by one shard");
  const spec = options.spec;
  const faceMode: FaceMode = options.faces ?? "ultraface";
  if (!FACE_MODES.includes(faceMode)) {
    throw new Error(`Unknown face mode "${faceMode}" (use ${FACE_MODES.join(", ")})`);
  }
  // Before any work: a missing face model is a setup error with a known fix.
  const faceModel = faceModelFor(faceMode, options.faceModel);
  const frameCount = options.frames ?? spec.frames ?? 32;
  const batchSize = options.batch ?? 8;
  if (!Number.isInteger(frameCount) || frameCount < 1) {
    throw new RangeError(`frames must be a positive integer, got ${frameCount}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batch must be a positive integer, got ${batchSize}`);
  }
  // Before any work: a spec, flag or model over a limit would take unbounded memory or time.
  const limits = resolveLimits(options.limits, "eval");
  checkRunLimits({
    spec,
    specSource: options.specSource,
    frames: options.frames,
    batch: batchSize,
  }, limits);
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
  const trainSet = options.trainSet ?? spec.trainSet ?? "unknown";
  const runId = evalRunId({
    spec,
    modelSha256,
    faceMode,
    frames: frameCount,
    faceModelSha256: parts.faceModelSha256,
    sidecarSha256: parts.sidecarSha256,
  });
  const summary: EvalSummary = {
    runId,
    detector: spec.name,
    trainSet,
    modelSha256,
    faceMode,
    frames: frameCount,
    copies: [],
    failures: 0,
    facesScored: 0,
    seconds: 0,
    aborted: false,
    pairing: "paired",
    leftOut: [],
    notes: [],
    warnings: [],
    ...(options.shard ? { shard: options.shard } : {}),
    incomplete: [],
  };
  const totalVideos = copies.reduce(
    (n, c) => n + (options.finish ? 0 : shardCopy(c, options.shard).videos.length),
    0,
  );
  const progress = new Progress({
    total: totalVideos,
    label: options.label ?? `eval ${spec.name}`,
  });
  try {
    // Each unit is claimed under its lock (eval/unit_claim.ts): units another live run scores
    // come last, waited for and read back, so two runs on one store never score one unit twice.
    const claims = claimUnits(options.finish ? [] : copies, {
      store: options.store,
      detector: spec.name,
      runId,
      signal: options.signal,
      waitInPlace: (copy) => faceMode === "reference" && copy.op.id === UNALTERED_ID,
      shard: options.shard,
    });
    for await (const claimed of claims) {
      await using _unitLock = claimed.lock;
      // --- shards: a shard sees only its videos of the copy.
      const copy = shardCopy(claimed.copy, options.shard);
      if (options.signal?.aborted) {
        summary.aborted = true;
        break;
      }
      const needReference = faceMode === "reference" && copy.op.id === UNALTERED_ID;
      // Done: a whole part, written after the copy was last made (else scored again); a shard's
      // own part, or unfinished shard parts merged (eval/unit_shards.ts). --- shards: `unit` is
      // the part this run writes (a shard's own part of the unit, or the whole).
      const { part: unit, rows: stored } = await storedRunRows(options.store, {
        unit: claimed.unit,
        copy,
        shard: options.shard,
        force: options.force,
      });
      const unitId = unit.unitId;
      if (stored) {
        if (needReference) recordFromStore(stored, parts.recording);
        summary.copies.push({ ...copySummary(copy, { unitId, rows: stored }), skipped: true });
        options.onCopy?.(summary.copies.at(-1)!);
        progress.tick(copy.videos.length, `${copy.op.id} (already stored)`);
        continue;
      }
      const scored = await scoreCopy({
        copy,
        base: baseRow(copy, { runId, spec, trainSet, modelSha256, faceMode }),
        parts,
        ffmpeg,
        frameCount,
        locator: parts.locatorFor(copy),
      }, {
        batchSize,
        prefetch: options.prefetch,
        signal: options.signal,
        progress,
        clock,
        allowOutsideLinks: options.allowOutsideLinks,
        limits,
      });
      summary.facesScored += scored.facesScored;
      if (scored.stopped) {
        summary.aborted = true;
        break;
      }
      const rows = scored.rows;
      const createdAt = new Date().toISOString();
      for (const row of rows) row.created_at = createdAt;
      await clock.wait("store", () => appendUnit(options.store, unit, rows), "process");
      summary.copies.push(copySummary(copy, { unitId, rows }));
      options.onCopy?.(summary.copies.at(-1)!);
    }
    // Stopped while waiting for a unit another run holds: the claims ended early.
    if (options.signal?.aborted && summary.copies.length < copies.length) summary.aborted = true;
    if (options.finish) {
      // --- shards: merge each unit's shard parts into its whole part; score nothing.
      const units = await finishUnits(copies, {
        store: options.store,
        detector: spec.name,
        runId,
        signal: options.signal,
      });
      summary.incomplete = incompleteUnits(units);
      for (const { copy, unitId, found } of units) {
        if (found.kind === "incomplete") continue;
        summary.copies.push({ ...copySummary(copy, { unitId, rows: found.rows }), skipped: true });
      }
    }
  } finally {
    progress.done();
    await parts.close();
    if (!options.ffmpeg) await ffmpeg.close();
  }
  summary.failures = countFailures(summary.copies);
  Object.assign(summary, await runVideoSummary(options.store, spec.name, summary.copies));
  if (options.shard && !summary.aborted) {
    // --- shards: the last shard to end merges the units (its summary keeps its share's AUCs).
    summary.incomplete = incompleteUnits(
      await finishUnits(copies, {
        store: options.store,
        detector: spec.name,
        runId,
        signal: options.signal,
      }),
    );
  }
  if (options.finish) {
    for (const u of summary.incomplete) {
      summary.notes.push(`unit ${u.opId}/${u.unitId} is incomplete: ${u.reason}.`);
    }
  }
  summary.seconds = (performance.now() - started) / 1000;
  const timings = clock.report();
  if (timings) summary.timings = timings;
  return summary;
}
