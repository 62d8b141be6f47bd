/**
 * The parts an eval run plugs together, opened once per run: the detector session, the face
 * locator of the chosen face mode, preprocessing into the detector's input and the multi-face
 * selection. Internal to `eval/` (not re-exported from mod.ts).
 * @module
 */
import { type DetectorSession, openDetector } from "../detectors/session.ts";
import type { ClipSpec, DetectorSpec } from "../detectors/spec.ts";
import { type ClipStep, preprocessClipSync } from "../detectors/clip_preprocess.ts";
import { cropBox, itemLength, preprocessFaceSync } from "../detectors/preprocess.ts";
import type { CropBox } from "../image/resize.ts";
import type { FaceBox } from "../faces/box.ts";
import type { RgbFrame } from "../image/frame.ts";
import { type FaceLocator, type FaceMode, fullFrameLocator } from "../faces/locator.ts";
import { selectFaces } from "../faces/select.ts";
import { openUltraFace } from "../faces/ultraface.ts";
import { faceModelFor } from "./face_model.ts";
import { type FaceSidecar, readSidecar, sidecarLocator } from "../faces/sidecar.ts";
import { sidecarFitWarning } from "../faces/sidecar_fit.ts";
import type { DatasetEntry } from "../dataset/manifest.ts";
import { logLine } from "../util/progress.ts";
import { newRecording, recordingLocator, referenceLocator } from "../faces/reference.ts";
import type { EvalCopy } from "./copies.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { sha256File } from "../util/hash.ts";
import { assertRegularFile } from "../util/regular_file.ts";
import { resourcePool } from "../util/concurrency.ts";
import { frameGeometryAt, type VideoGeometry } from "../ops/geometry.ts";
import { DEFAULT_LIMITS, type Limits } from "../util/limits.ts";
import { OptionError } from "../util/option_error.ts";
import type { EnvLookup } from "../util/env_lookup.ts";

export type { FaceMode };
export { FACE_MODES } from "../faces/locator.ts";

/** Options for {@link openEvalParts}. */
export interface OpenEvalPartsOptions {
  spec: DetectorSpec;
  modelPath: string;
  faceMode: FaceMode;
  /** UltraFace model; default {@link faceModelFor}'s (`DFROBUST_FACE_MODEL`). */
  faceModel?: string;
  /** Reads `DFROBUST_FACE_MODEL`; default this process's environment. */
  env?: EnvLookup;
  sidecar?: string;
  /** onnxruntime intra-op threads in all, shared out among the detector sessions. */
  threads?: number;
  device?: "cpu" | "cuda";
  /**
   * Detector sessions, each scoring its own batch (inter-batch parallelism) with
   * `threads / sessions` intra-op threads (the remainder to the first). Default
   * {@link defaultSessions}.
   */
  sessions?: number;
  /** Faces per batch. */
  batch: number;
  /**
   * The run's limits (util/limits.ts): a model's fixed batch and a face model's input side are
   * held to them when opened, each frame's boxes and crops when prepared. Default the defaults.
   */
  limits?: Limits;
}

/**
 * Detector sessions by default: on the CPU two (each with half the intra-op threads, scoring its
 * own batch), or one with a single thread; on CUDA one. Two one-thread sessions score more
 * frames/s than one two-thread session, raw and end to end (docs/benchmarks.md "Arrangements"):
 * a thread of one session that decoding or preprocessing delays does not hold the other session
 * up, as it holds up its sibling thread in one session's parallel layers.
 */
export function defaultSessions(device: "cpu" | "cuda", threads: number): number {
  return device === "cuda" ? 1 : Math.min(2, Math.max(1, Math.floor(threads)));
}

/** The opened parts of one run. */
export interface EvalParts {
  /** SHA-256 of the face model when the mode runs one. */
  faceModelSha256?: string;
  /** SHA-256 of the sidecar file in `sidecar` mode. */
  sidecarSha256?: string;
  /**
   * The boxes found on the unaltered copy (`reference` mode), in its pixels; filled while the
   * unaltered copy is scored, or from its stored rows on a resumed run.
   */
  recording: FaceSidecar;
  /**
   * The locator for one copy: UltraFace for `ultraface`; the whole frame for `full`; the
   * sidecar's boxes mapped through each video's exact geometry (else the copy's nominal one) for
   * `sidecar`; for `reference`, UltraFace (recording its boxes) on the unaltered copy and the
   * recorded boxes mapped the same way on the others.
   */
  locatorFor(copy: EvalCopy): FaceLocator;
  /**
   * The crop the detector's crop rule takes for `box` in `frame`, in the frame's pixels; null
   * when the box gives none (no pixel of it inside the frame): that box is no face. In the
   * `full` face mode the frame is the face crop already (pre-cropped face videos): the crop is
   * the whole frame, whatever the rule.
   */
  cropOf(frame: RgbFrame, box: FaceBox): CropBox | null;
  /**
   * A warning about `video`'s face boxes in `copy` that changes no score, or null: in `sidecar`
   * mode, when its sidecar boxes lie mostly outside the source's displayed frame
   * (faces/sidecar_fit.ts; the source size from the video's exact `geometry`, a box of a later
   * run of another size first scaled from that run's size to the first run's, else the decoded
   * `width` x `height` over the copy's nominal scale). Logged on stderr once per video; the
   * caller records it as a `warning` row.
   */
  faceWarning(
    copy: EvalCopy,
    video: DatasetEntry,
    frames: { width: number; height: number; geometry: VideoGeometry | null },
  ): string | null;
  /** The faces of `frame` the detector scores, in the face order (the spec's `faces` rule). */
  selectFaces(boxes: FaceBox[], frame: RgbFrame): FaceBox[];
  /** Floats per input item: 3 x height x width of the detector's input. */
  itemLength: number;
  /**
   * Preprocesses `crop` (from {@link EvalParts.cropOf}) of `frame` into item `index` of `batch`
   * (detectors/preprocess.ts). Throws a RangeError when it cannot (the item is then partly
   * written).
   */
  preprocess(
    frame: RgbFrame,
    box: FaceBox,
    crop: CropBox,
    batch: Float32Array,
    index: number,
  ): void;
  /**
   * Fake probabilities for the first `n` items of `batch` (NaN where the model gave a non-finite
   * value). A batch of exactly `n` items is moved to the session's worker (it reads as empty
   * afterwards); `returned` gets its array back once the model has run, to be filled again. Up
   * to {@link EvalParts.parallel} calls are in flight at once; more wait.
   */
  score(
    batch: Float32Array,
    n: number,
    returned?: (batch: Float32Array) => void,
  ): Promise<number[]>;
  /**
   * A clip detector's clip rules and frames per clip (T); null for a frame detector, whose items
   * are one face of one frame.
   */
  clip: (ClipSpec & { frames: number }) | null;
  /**
   * Preprocesses a clip's T steps (frame and crop each, in time order) into item `index` of
   * `batch` (detectors/clip_preprocess.ts). Throws a RangeError when it cannot.
   */
  preprocessClip(steps: readonly ClipStep[], batch: Float32Array, index: number): void;
  /** Batches in flight at once: one per detector session. */
  parallel: number;
  /** The run's limits (util/limits.ts). */
  limits: Limits;
  /**
   * Where `copy`'s face boxes come from, for messages: `face sidecar "faces.json"`, `UltraFace
   * "version-RFB-320.onnx"`, `the whole frame`, or the unaltered copy's recorded boxes.
   */
  boxSource(copy: EvalCopy): string;
  close(): Promise<void>;
}

/**
 * Throws an {@link OptionError} (exit 2 in a task) when face mode `sidecar` comes without a
 * sidecar file: checked with the other options, before any work.
 */
export function checkSidecarGiven(faceMode: FaceMode, sidecar: string | undefined): void {
  if (faceMode === "sidecar" && !sidecar) {
    throw new OptionError(`Face mode "sidecar" needs a face sidecar file (--sidecar <faces.json>)`);
  }
}

/**
 * Opens the detector (checking its input against the spec before any work), and the face
 * locator the mode needs. Throws naming the file when one cannot be opened.
 */
export async function openEvalParts(options: OpenEvalPartsOptions): Promise<EvalParts> {
  const { spec, faceMode } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  checkSidecarGiven(faceMode, options.sidecar);
  // Read before the model loads, so a bad sidecar fails fast; a FIFO or device is refused before
  // any read (it would never end: util/regular_file.ts).
  if (faceMode === "sidecar") await assertRegularFile(options.sidecar!);
  const sidecar = faceMode === "sidecar" ? await readSidecar(options.sidecar!) : null;
  const sidecarSha256 = sidecar ? await sha256File(options.sidecar!) : undefined;
  const threads = Math.max(1, Math.floor(options.threads ?? navigator.hardwareConcurrency ?? 1));
  const sessions = options.sessions ?? defaultSessions(options.device ?? "cpu", threads);
  if (!Number.isInteger(sessions) || sessions < 1) {
    throw new RangeError(`sessions must be a positive integer, got ${sessions}`);
  }
  // Opened side by side, each in its worker (loading a model is mostly its graph optimisation).
  const opening = await Promise.allSettled(
    Array.from({ length: sessions }, (_, i) =>
      openDetector(spec, {
        modelPath: options.modelPath,
        // The threads shared out: 5 over 2 sessions gives 3 and 2 (never fewer than 1).
        threads: Math.max(1, Math.floor(threads / sessions) + (i < threads % sessions ? 1 : 0)),
        device: options.device,
        // Inference on its own thread: decoding and preprocessing overlap it.
        worker: true,
        maxBatch: limits.batch,
      })),
  );
  const detectors: DetectorSession[] = opening.flatMap((o) =>
    o.status === "fulfilled" ? [o.value] : []
  );
  const failed = opening.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failed) {
    await Promise.all(detectors.map((d) => d.release()));
    throw failed.reason;
  }
  // One batch per session at a time. Queuing a second one in each session's worker was measured
  // too: no faster (the worker's reply reaches this thread within the batch's first milliseconds).
  const pool = resourcePool(detectors);
  const itemSize = itemLength(spec.input);
  let ultraface: FaceLocator | null = null;
  let faceModelSha256: string | undefined;
  let faceModelPath: string | undefined;
  try {
    const faceModel = faceModelPath = faceModelFor(faceMode, options.faceModel, options.env);
    if (faceModel) {
      // One thread in its own worker: UltraFace's small layers gain nothing from a second, and
      // spend more CPU with it (docs/benchmarks.md).
      ultraface = await openUltraFace(faceModel, {
        threads: 1,
        worker: true,
        maxInputSide: limits.inputSide,
      });
      faceModelSha256 = await sha256File(faceModel);
    }
  } catch (error) {
    await Promise.all(detectors.map((d) => d.release()));
    throw error;
  }
  const full = fullFrameLocator();
  const recording = newRecording();
  const warned = new Set<string>();
  return {
    faceModelSha256,
    sidecarSha256,
    recording,
    locatorFor: (copy) => {
      if (faceMode === "full") return full;
      if (faceMode === "sidecar") {
        // Exact geometries come with each video (eval/video_geometry.ts), else the nominal one.
        return sidecarLocator(sidecar!, { geometry: copy.geometry, source: options.sidecar });
      }
      if (faceMode === "ultraface") return ultraface!;
      return copy.op.id === UNALTERED_ID
        ? recordingLocator(ultraface!, recording)
        : referenceLocator(recording, copy.geometry);
    },
    faceWarning: (copy, video, { width, height, geometry }) => {
      if (faceMode !== "sidecar" || !Object.hasOwn(sidecar!.videos, video.id)) return null;
      const exact = geometry?.geometry;
      const warning = sidecarFitWarning(inFirstRun(sidecar!.videos[video.id], geometry), {
        videoId: video.id,
        videoPath: video.path,
        sidecar: options.sidecar!,
        width: exact ? exact.sourceWidth : width / copy.geometry.scale,
        height: exact ? exact.sourceHeight : height / copy.geometry.scale,
      });
      if (warning !== null && !warned.has(warning)) {
        warned.add(warning);
        logLine(`warning: ${warning}`);
      }
      return warning;
    },
    cropOf: (frame, box) =>
      cropBox(box, frame.width, frame.height, faceMode === "full" ? { kind: "full" } : spec.crop),
    selectFaces: (boxes, frame) => selectFaces(boxes, spec.faces, frame),
    itemLength: itemSize,
    preprocess: (frame, box, crop, batch, index) => {
      preprocessFaceSync(frame, box, spec, { crop, into: batch, index });
    },
    clip: spec.clip && spec.input.frames ? { ...spec.clip, frames: spec.input.frames } : null,
    preprocessClip: (steps, batch, index) => {
      preprocessClipSync(steps, spec, batch, index);
    },
    score: (batch, n, returned) =>
      pool((detector) =>
        // Moved to the session's worker when whole (no copy) and back; a last, shorter batch is
        // copied.
        detector.score(batch, n, { transfer: true, returned }).then((s) => Array.from(s))
      ),
    parallel: sessions,
    limits,
    boxSource: (copy) => {
      if (faceMode === "full") return "the whole frame";
      if (faceMode === "sidecar") return `face sidecar "${options.sidecar}"`;
      if (faceMode === "ultraface" || copy.op.id === UNALTERED_ID) {
        return `UltraFace "${faceModelPath}"`;
      }
      return "the boxes recorded on the unaltered copy";
    },
    close: async () => {
      await Promise.all(detectors.map((d) => d.release()));
      await ultraface?.release();
    },
  };
}

/**
 * A video's sidecar boxes (by frame index) in its first run's pixels: a box on a frame of a later
 * run of another size is scaled from that run's size to the first's (each axis on its own, as
 * the frames are), so one frame size checks them all.
 */
function inFirstRun(
  frames: Record<string, number[][]>,
  geometry: VideoGeometry | null,
): number[][] {
  if (!geometry?.segments.length) return Object.values(frames).flat();
  const first = geometry.geometry;
  return Object.entries(frames).flatMap(([index, boxes]) => {
    const run = frameGeometryAt(first, geometry.segments, Number(index));
    const sx = first.sourceWidth / run.sourceWidth;
    const sy = first.sourceHeight / run.sourceHeight;
    return boxes.map(([x, y, w, h, ...rest]) => [x * sx, y * sy, w * sx, h * sy, ...rest]);
  });
}
