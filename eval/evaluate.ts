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
import { evenlySpacedIndices, sampleFrames } from "../media/frames.ts";
import type { ScoreRow } from "../store/schema.ts";
import { appendUnit, type StoreUnit } from "../store/store.ts";
import { sha256File } from "../util/hash.ts";
import { logLine, Progress } from "../util/progress.ts";
import { discoverCopies, type EvalCopy } from "./copies.ts";
import { type EvalParts, FACE_MODES, type FaceMode, openEvalParts, videoAuc } from "./parts.ts";
import { prefetchMap } from "./prefetch.ts";
import { evalRunId, evalUnitId } from "./run_id.ts";
import { checkCopyVideos } from "./copy_check.ts";
import { claimUnits, storedUnitRows } from "./unit_claim.ts";

export { FACE_MODES };
export type { FaceMode };

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
   * UltraFace ONNX model for `ultraface`/`reference`; default `version-RFB-320.onnx` from the
   * shared fixtures beside the repository (`DEFAULT_FACE_MODEL` in eval/parts.ts).
   */
  faceModel?: string;
  /** Face sidecar JSON for `sidecar` (schema `dfrobust.faces/1`). */
  sidecar?: string;
  /** Frames sampled per video. Default: the spec's `frames`, else 32. */
  frames?: number;
  /** Faces per inference batch. Default 8. */
  batch?: number;
  /** onnxruntime intra-op threads (detector and UltraFace). Default: the logical CPU count. */
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
   * [0, 1] for a `probability` spec), `decode_error` (a sampled frame did not decode),
   * `preprocess_error`, `video_error` (the video could not be read or located; one row, frame -1).
   */
  statuses: Record<string, number>;
  /** Videos with at least one failure row other than `no_face`. */
  failedVideos: number;
  /** Video-level ROC AUC; null when one class has no scored video. */
  auc: number | null;
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
 * @throws when the model cannot be loaded or does not fit the spec (before any work), when
 * `--data` holds no copy, or when the store cannot be written.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalSummary> {
  const started = performance.now();
  const spec = options.spec;
  const faceMode: FaceMode = options.faces ?? "ultraface";
  if (!FACE_MODES.includes(faceMode)) {
    throw new Error(`Unknown face mode "${faceMode}" (use ${FACE_MODES.join(", ")})`);
  }
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
  const modelSha256 = await sha256File(options.modelPath).catch((error) => {
    throw new Error(`Cannot read model "${options.modelPath}": ${(error as Error).message}`);
  });
  const ffmpeg = options.ffmpeg ?? await openFfmpeg("auto", { signal: options.signal });
  let parts: EvalParts;
  try {
    // Opening the parts checks the model against the spec (input shape, output) before any work.
    parts = await openEvalParts({
      spec,
      modelPath: options.modelPath,
      faceMode,
      faceModel: options.faceModel,
      sidecar: options.sidecar,
      threads: options.threads,
      device: options.device,
      batch: batchSize,
    });
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
        ffmpeg,
        frameCount,
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
      // Videos whose file no longer matches the copy manifest are named, not scored.
      const checked = await checkCopyVideos(copy);
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
      for await (const video of prepared) {
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
      await appendUnit(options.store, unit, rows);
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
  summary.seconds = (performance.now() - started) / 1000;
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
  ffmpeg: Ffmpeg;
  frameCount: number;
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
    sampled = await sampleFrames(context.ffmpeg, video.path, {
      count: context.frameCount,
      info: context.copy.probes?.get(video.id),
    });
  } catch (error) {
    return videoError(error);
  }
  for (const warning of sampled.warnings) logLine(`warning: ${warning}`);
  // A short video repeats indices (numpy's linspace); each frame is scored once.
  const wanted = [...new Set(evenlySpacedIndices(sampled.info.frameCount, context.frameCount))];
  const indices = [...new Set(sampled.indices)];
  const frames: RgbFrame[] = indices.map((index) => ({
    data: sampled.frames[sampled.indices.indexOf(index)],
    width: sampled.width,
    height: sampled.height,
  }));
  let located: FaceBox[][];
  try {
    located = await locateFaces(context, { videoId: video.id, frames, indices });
  } catch (error) {
    return videoError(error);
  }
  const position = new Map(indices.map((index, k) => [index, k]));
  for (const frameIndex of wanted) {
    const k = position.get(frameIndex);
    if (k === undefined) {
      prepared.rows.push(row(context, {
        video,
        frame_index: frameIndex,
        status: "decode_error",
        error: `Cannot decode "${video.path}": frame ${frameIndex} could not be decoded`,
      }));
      continue;
    }
    const chosen = context.parts.selectFaces(located[k]);
    if (chosen.length === 0) {
      prepared.rows.push(row(context, {
        video,
        frame_index: frameIndex,
        status: "no_face",
      }));
      continue;
    }
    for (let i = 0; i < chosen.length; i++) {
      const box = chosen[i];
      const faceRow = row(context, {
        video,
        frame_index: frameIndex,
        face_index: i,
        box_x: box.x,
        box_y: box.y,
        box_w: box.w,
        box_h: box.h,
        status: "pending",
      });
      try {
        const tensor = await context.parts.preprocess(frames[k], box);
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

/** Boxes per frame in the copy's pixels, clipped to the frame (not yet selected). */
async function locateFaces(
  context: VideoContext,
  { videoId, frames, indices }: { videoId: string; frames: RgbFrame[]; indices: number[] },
): Promise<FaceBox[][]> {
  const boxes = await context.locator.locate(videoId, frames, indices);
  return boxes.map((list, k) =>
    list
      .map((b) => clipBox(b, frames[k].width, frames[k].height))
      .filter((b): b is FaceBox => b !== null)
  );
}

/** Clips a box to the frame; null when nothing of it is inside. */
function clipBox(box: FaceBox, width: number, height: number): FaceBox | null {
  const x1 = Math.max(0, box.x);
  const y1 = Math.max(0, box.y);
  const x2 = Math.min(width, box.x + box.w);
  const y2 = Math.min(height, box.y + box.h);
  if (!(x2 > x1 && y2 > y1)) return null;
  return { ...box, x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}

/**
 * Fills the `reference` recording from the unaltered copy's stored rows (resumed run). The stored
 * boxes are the faces the detector scored, not every face located; selecting after mapping
 * gives the same faces (flips and scaling keep the area order), so the other copies score the
 * same faces as in an uninterrupted run. A video that failed on the unaltered copy stays
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
