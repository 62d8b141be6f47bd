/**
 * The eval pipeline: for each copy of a test set, sample frames of every video, locate faces,
 * preprocess them, run the ONNX detector in batches and write one row per (video, frame, face)
 * to the results store, one atomic unit per (run, copy). Decoding and face preparation of the
 * next videos overlap inference of the current batch (a bounded prefetch queue), and a run that
 * was interrupted resumes at the first copy it had not finished.
 * @module
 */
import type { DatasetEntry } from "../dataset/manifest.ts";
import type { DetectorSpec } from "../detectors/spec.ts";
import type { FaceBox } from "../faces/box.ts";
import type { RgbFrame } from "../faces/frame.ts";
import type { FaceLocator } from "../faces/locator.ts";
import type { FaceSidecar } from "../faces/sidecar.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import type { SampledFrames } from "../media/frames.ts";
import type { ScoreRow } from "../store/schema.ts";
import { appendUnit, type StoreUnit } from "../store/store.ts";
import { sha256FileCached } from "../util/digest_cache.ts";
import { logLine, Progress } from "../util/progress.ts";
import { discoverCopies, type EvalCopy } from "./copies.ts";
import { type EvalParts, FACE_MODES, type FaceMode, openEvalParts, videoAuc } from "./parts.ts";
import { faceModelFor } from "./face_model.ts";
import { prefetchMap } from "./prefetch.ts";
import { evalRunId, evalUnitId } from "./run_id.ts";
import { runVideoSummary } from "./run_summary.ts";
import type { Pairing } from "../metrics/video_set.ts";
import type { LeftOutVideo } from "../store/left_out.ts";
import { checkCopyVideos } from "./copy_check.ts";
import { claimUnits, storedUnitRows } from "./unit_claim.ts";
import { evalClock, type EvalTimings } from "./timings.ts";
import { groupedFrames } from "./frame_groups.ts";

export { FACE_MODES };
export type { EvalTimings, FaceMode };

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /** The detector (a preset or a loaded spec file). */
  spec: DetectorSpec;
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
   * those modes throw a `FaceModelError` saying where to get it, before any work.
   */
  faceModel?: string;
  /** Face sidecar JSON for `sidecar` (schema `dfrobust.faces/1`). */
  sidecar?: string;
  /** Frames sampled per video. Default: the spec's `frames`, else 32. */
  frames?: number;
  /** Faces per inference batch. Default 8. */
  batch?: number;
  /**
   * onnxruntime intra-op threads of the detector (UltraFace runs on one). Default: the logical
   * CPU count.
   */
  threads?: number;
  /** Execution provider. Default `cpu`. */
  device?: "cpu" | "cuda";
  /** Re-score units already in the store (default: skip them, i.e. resume). */
  force?: boolean;
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
   * Time the run's stages (model hashing and loading, decoding, face location, preprocessing,
   * inference, store) into {@link EvalSummary.timings}. Default false.
   */
  timings?: boolean;
}

/** What happened to one copy in a run. */
export interface CopySummary {
  opId: string;
  opCategory: string;
  artifactId: string;
  /** Unit id (the store part name). */
  unitId: string;
  /** True when the unit was already in the store and was skipped (resume). */
  skipped: boolean;
  videos: number;
  /** Rows of the unit (written now, or found in the store when skipped). */
  rows: number;
  /**
   * Rows by status: `ok`, `no_face`, `nan_score` (non-finite output), `bad_score` (output outside
   * [0, 1] for a `probability` spec), `preprocess_error`, `video_error` (the video could not be
   * read, decoded or located, including a decoder that returned fewer frames than its probe
   * counted; one row, frame -1). (`decode_error` is no longer written: frame counts come from
   * the decoder, and a shortfall fails the whole video.)
   */
  statuses: Record<string, number>;
  /** Videos with at least one failure row other than `no_face`. */
  failedVideos: number;
  /**
   * Video-level ROC AUC; null when one class has no scored video. In the run's summary it ranks
   * the run's paired video set (the videos usable in every copy, as Table I by default); in
   * `onCopy`, before the run is complete, this copy's usable videos.
   */
  auc: number | null;
  /** Videos behind `auc` in the run's summary (0 = no video scored). */
  n?: number;
  /** Videos of the copy left out of `auc` in the run's summary (named in `leftOut`). */
  leftOut?: number;
  /** Why `auc` is missing or a caveat, e.g. "no videos scored (...)". */
  note?: string;
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
  /** Failure rows (statuses other than `ok` and `no_face`) in the run's units, stored ones too. */
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
  /** Where the time went, by stage (eval/timings.ts); only with `timings: true`. */
  timings?: EvalTimings;
}

/** A face waiting for (or done with) inference; `row` gets the score. */
interface PendingFace {
  row: ScoreRow;
  tensor: Float32Array;
}

/** One video, decoded, located and preprocessed, waiting for inference. */
interface PreparedVideo {
  video: DatasetEntry;
  rows: ScoreRow[];
  faces: PendingFace[];
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
 * @throws when the face mode needs an UltraFace model and none is given (`FaceModelError`,
 * saying where to get one), when the model cannot be loaded or does not fit the spec (before any
 * work), when `--data` holds no copy, or when the store cannot be written.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalSummary> {
  const started = performance.now();
  const clock = evalClock(options.timings === true);
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
  const copies = await discoverCopies(options.data);
  if (faceMode === "reference" && copies[0].op.id !== "unaltered") {
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
      device: options.device,
      batch: batchSize,
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
  };
  const totalVideos = copies.reduce((n, c) => n + c.videos.length, 0);
  const progress = new Progress({
    total: totalVideos,
    label: options.label ?? `eval ${spec.name}`,
  });
  try {
    // Each unit is claimed under its lock (eval/unit_claim.ts): units another live run scores
    // come last, waited for and read back, so two runs on one store never score one unit twice.
    const claims = claimUnits(copies, {
      store: options.store,
      detector: spec.name,
      runId,
      signal: options.signal,
      waitInPlace: (copy) => faceMode === "reference" && copy.op.id === "unaltered",
    });
    for await (const claimed of claims) {
      await using _unitLock = claimed.lock;
      const copy = claimed.copy;
      if (options.signal?.aborted) {
        summary.aborted = true;
        break;
      }
      const unitId = evalUnitId(runId, copy.artifactId);
      const unit: StoreUnit = { detector: spec.name, opId: copy.op.id, unitId };
      const needReference = faceMode === "reference" && copy.op.id === "unaltered";
      // Done: a whole part, written after the copy was last made (else scored again).
      const stored = options.force ? null : await storedUnitRows(options.store, { unit, copy });
      if (stored) {
        if (needReference) recordFromStore(stored, parts.recording);
        summary.copies.push({ ...copySummary(copy, { unitId, rows: stored }), skipped: true });
        options.onCopy?.(summary.copies.at(-1)!);
        progress.tick(copy.videos.length, `${copy.op.id} (already stored)`);
        continue;
      }
      // Videos whose file no longer matches the copy manifest are named, not scored.
      const checked = await checkCopyVideos(copy);
      const base = baseRow(copy, {
        runId,
        spec,
        trainSet,
        modelSha256,
        faceMode,
      });
      const context: VideoContext = {
        copy,
        base,
        parts,
        // Videos decoded a few per ffmpeg process (eval/frame_groups.ts).
        frames: groupedFrames(ffmpeg, checked.videos, { count: frameCount, probes: copy.probes }),
        faceMode,
        locator: parts.locatorFor(copy),
      };
      const rows: ScoreRow[] = copy.failedVideos.map((failed) => {
        logLine(`warning: ${failed.error}`);
        return row(context, {
          video: failed,
          frame_index: -1,
          status: "video_error",
          error: failed.error,
        });
      });
      rows.push(...checked.damaged.map((damaged) => row(context, damaged)));
      progress.tick(checked.damaged.length);
      const queue: PendingFace[] = [];
      const flush = async (all: boolean) => {
        while (queue.length >= batchSize || (all && queue.length > 0)) {
          const batch = queue.splice(0, batchSize);
          const scores = await parts.score(batch.map((f) => f.tensor));
          batch.forEach((face, i) => setScore(face.row, scores[i]));
          summary.facesScored += batch.length;
        }
      };
      const prepared = prefetchMap(checked.videos, (video) => prepareVideo(video, context), {
        depth: options.prefetch ?? 2,
      });
      let stopped = false;
      for await (const video of clock.iterate("wait", prepared)) {
        // Stopping mid-copy writes nothing for it: the rerun scores the whole copy again.
        if (options.signal?.aborted) {
          stopped = true;
          break;
        }
        rows.push(...video.rows);
        queue.push(...video.faces);
        await flush(false);
        progress.tick(1, `${copy.op.id} ${video.video.id}`);
      }
      if (stopped) {
        summary.aborted = true;
        break;
      }
      await flush(true);
      const createdAt = new Date().toISOString();
      for (const row of rows) row.created_at = createdAt;
      await clock.wait("store", () => appendUnit(options.store, unit, rows), "process");
      summary.copies.push(copySummary(copy, { unitId, rows }));
      options.onCopy?.(summary.copies.at(-1)!);
    }
    // Stopped while waiting for a unit another run holds: the claims ended early.
    if (options.signal?.aborted && summary.copies.length < copies.length) summary.aborted = true;
  } finally {
    progress.done();
    await parts.close();
    if (!options.ffmpeg) await ffmpeg.close();
  }
  summary.failures = summary.copies.reduce(
    (n, c) =>
      n + Object.entries(c.statuses).reduce(
        (m, [status, count]) => m + (status === "ok" || status === "no_face" ? 0 : count),
        0,
      ),
    0,
  );
  Object.assign(summary, await runVideoSummary(options.store, spec.name, summary.copies));
  summary.seconds = (performance.now() - started) / 1000;
  const timings = clock.report();
  if (timings) summary.timings = timings;
  return summary;
}

/** The run-level fields every row of a copy shares. */
interface RunFields {
  runId: string;
  spec: DetectorSpec;
  trainSet: string;
  modelSha256: string;
  faceMode: FaceMode;
}

function baseRow(copy: EvalCopy, run: RunFields): Omit<
  ScoreRow,
  | "video_id"
  | "label"
  | "method"
  | "frame_index"
  | "face_index"
  | "box_x"
  | "box_y"
  | "box_w"
  | "box_h"
  | "crop_x"
  | "crop_y"
  | "crop_w"
  | "crop_h"
  | "score"
  | "status"
  | "error"
> {
  return {
    run_id: run.runId,
    detector: run.spec.name,
    train_set: run.trainSet,
    model_sha256: run.modelSha256,
    op_id: copy.op.id,
    op_family: copy.op.family,
    op_category: copy.op.category,
    severity: copy.op.severity,
    profile: copy.profile,
    artifact_id: copy.artifactId,
    face_mode: run.faceMode,
    face_rule: run.spec.faceRule,
    video_rule: run.spec.videoRule,
    fail_score: run.spec.failScore,
    created_at: "",
  };
}

interface VideoContext {
  copy: EvalCopy;
  base: ReturnType<typeof baseRow>;
  parts: EvalParts;
  /** The sampled frames of one of the copy's videos. */
  frames: (video: DatasetEntry) => Promise<SampledFrames>;
  faceMode: FaceMode;
  locator: FaceLocator;
}

/** The fields of one row: which video, and what differs from a face-less failure row. */
type RowFields = Partial<ScoreRow> & Pick<ScoreRow, "frame_index" | "status"> & {
  video: Pick<DatasetEntry, "id" | "label" | "method">;
};

function row(context: VideoContext, { video, ...fields }: RowFields): ScoreRow {
  return {
    ...context.base,
    video_id: video.id,
    label: video.label,
    method: video.method ?? null,
    face_index: -1,
    box_x: null,
    box_y: null,
    box_w: null,
    box_h: null,
    crop_x: null,
    crop_y: null,
    crop_w: null,
    crop_h: null,
    score: null,
    error: null,
    ...fields,
  };
}

/**
 * Decodes, locates and preprocesses one video. Never rejects: failures become rows (a video
 * that cannot be decoded is one `video_error` row, with the message on stderr).
 */
async function prepareVideo(video: DatasetEntry, context: VideoContext): Promise<PreparedVideo> {
  const prepared: PreparedVideo = { video, rows: [], faces: [] };
  const videoError = (error: unknown) => {
    const message = errorMessage(error, video.path);
    logLine(`warning: ${message}`);
    prepared.rows = [
      row(context, {
        video,
        frame_index: -1,
        status: "video_error",
        error: message,
      }),
    ];
    prepared.faces = [];
    return prepared;
  };
  let sampled;
  try {
    sampled = await context.frames(video);
  } catch (error) {
    return videoError(error);
  }
  // A short video repeats indices (numpy's linspace); each frame is scored once. sampleFrames
  // returns every requested frame or throws (a video_error naming the file).
  const indices = [...new Set(sampled.indices)];
  const frames: RgbFrame[] = indices.map((index) => ({
    data: sampled.frames[sampled.indices.indexOf(index)],
    width: sampled.width,
    height: sampled.height,
  }));
  let located: FaceBox[][];
  try {
    // Boxes as the locator gives them, in the copy's pixels: not clipped, not yet selected.
    located = await context.locator.locate(video.id, frames, indices);
  } catch (error) {
    return videoError(error);
  }
  for (let k = 0; k < indices.length; k++) {
    const frameIndex = indices[k];
    const frame = frames[k];
    // The crop rule is applied to each box as located; a box that gives no crop (no pixel of it
    // in the frame) is no face, never a crop of negative size.
    const inFrame = located[k].filter((box) => context.parts.cropOf(frame, box) !== null);
    const chosen = context.parts.selectFaces(inFrame, frame);
    if (chosen.length === 0) {
      const outside = located[k].length;
      prepared.rows.push(row(context, {
        video,
        frame_index: frameIndex,
        status: "no_face",
        error: outside === 0
          ? null
          : `${outside === 1 ? "the face box lies" : `all ${outside} face boxes lie`} ` +
            `outside the ${frame.width}x${frame.height} frame`,
      }));
      continue;
    }
    for (let i = 0; i < chosen.length; i++) {
      const box = chosen[i];
      const crop = context.parts.cropOf(frame, box)!;
      const faceRow = row(context, {
        video,
        frame_index: frameIndex,
        face_index: i,
        box_x: box.x,
        box_y: box.y,
        box_w: box.w,
        box_h: box.h,
        crop_x: crop.x,
        crop_y: crop.y,
        crop_w: crop.w,
        crop_h: crop.h,
        status: "pending",
      });
      try {
        const tensor = await context.parts.preprocess(frame, box, crop);
        prepared.rows.push(faceRow);
        prepared.faces.push({ row: faceRow, tensor });
      } catch (error) {
        const message = errorMessage(error, video.path);
        logLine(`warning: frame ${frameIndex} face ${i} of ${message}`);
        prepared.rows.push({ ...faceRow, status: "preprocess_error", error: message });
      }
    }
  }
  return prepared;
}

/**
 * Fills the `reference` recording from the unaltered copy's stored rows (resumed run). The stored
 * boxes are the faces the detector scored, not every face located; the face order ranks mapped
 * boxes by their recorded (source) box, so the other copies score the same faces as in an
 * uninterrupted run. A video that failed on the unaltered copy stays
 * unrecorded, as in a live run.
 */
function recordFromStore(rows: readonly ScoreRow[], recording: FaceSidecar): void {
  for (const row of rows) {
    if (row.status === "video_error") continue;
    const video = recording.videos[row.video_id] ?? (recording.videos[row.video_id] = {});
    if (row.face_index < 0 || row.box_x === null) continue;
    const key = String(row.frame_index);
    const boxes = video[key] ?? (video[key] = []);
    boxes[row.face_index] = [row.box_x, row.box_y!, row.box_w!, row.box_h!, 1];
  }
}

function setScore(target: ScoreRow, score: number): void {
  if (score >= 0 && score <= 1) {
    target.score = score;
    target.status = "ok";
  } else if (Number.isFinite(score)) {
    // A "probability" output outside [0, 1] means a spec that does not fit the model.
    target.status = "bad_score";
    target.error = `detector output ${score} is not a probability in [0, 1] for video ` +
      `"${target.video_id}" frame ${target.frame_index} face ${target.face_index}`;
  } else {
    target.status = "nan_score";
    target.error = `detector output is ${score} for video "${target.video_id}" frame ` +
      `${target.frame_index} face ${target.face_index}`;
  }
}

function copySummary(
  copy: EvalCopy,
  { unitId, rows }: { unitId: string; rows: readonly ScoreRow[] },
): CopySummary {
  const statuses: Record<string, number> = {};
  const failed = new Set<string>();
  for (const r of rows) {
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status !== "ok" && r.status !== "no_face") failed.add(r.video_id);
  }
  return {
    opId: copy.op.id,
    opCategory: copy.op.category,
    artifactId: copy.artifactId,
    unitId,
    skipped: false,
    videos: copy.videos.length + copy.failedVideos.length,
    rows: rows.length,
    statuses,
    failedVideos: failed.size,
    auc: videoAuc(rows),
  };
}

function errorMessage(error: unknown, path: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.includes(path) ? message : `"${path}": ${message}`;
}
