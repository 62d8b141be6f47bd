/**
 * The parts an eval run plugs together, opened once per run: the detector session, the face
 * locator of the chosen face mode, preprocessing into the detector's input and the multi-face
 * selection. Internal to `eval/` (not re-exported from mod.ts).
 * @module
 */
import { type DetectorSession, openDetector } from "../detectors/session.ts";
import type { DetectorSpec } from "../detectors/spec.ts";
import { cropBox, itemLength, preprocessFace } from "../detectors/preprocess.ts";
import type { CropBox } from "../image/resize.ts";
import type { FaceBox } from "../faces/box.ts";
import type { RgbFrame } from "../image/frame.ts";
import { type FaceLocator, type FaceMode, fullFrameLocator } from "../faces/locator.ts";
import { selectFaces } from "../faces/select.ts";
import { openUltraFace } from "../faces/ultraface.ts";
import { faceModelFor } from "./face_model.ts";
import { type FaceSidecar, readSidecar, sidecarLocator } from "../faces/sidecar.ts";
import { newRecording, recordingLocator, referenceLocator } from "../faces/reference.ts";
import type { EvalCopy } from "./copies.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { sha256File } from "../util/hash.ts";

export type { FaceMode };

/** The face modes, in --help order. */
export const FACE_MODES: readonly FaceMode[] = ["ultraface", "sidecar", "full", "reference"];

/** Options for {@link openEvalParts}. */
export interface OpenEvalPartsOptions {
  spec: DetectorSpec;
  modelPath: string;
  faceMode: FaceMode;
  /** UltraFace model; default {@link faceModelFor}'s (`DFROBUST_FACE_MODEL`). */
  faceModel?: string;
  sidecar?: string;
  threads?: number;
  device?: "cpu" | "cuda";
  /** Batch size: the detector's input buffer is allocated once for it. */
  batch: number;
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
  /** The faces of `frame` the detector scores, in the face order (the spec's `faces` rule). */
  selectFaces(boxes: FaceBox[], frame: RgbFrame): FaceBox[];
  /** One preprocessed input item: `crop` (from {@link EvalParts.cropOf}) of `frame`. */
  preprocess(frame: RgbFrame, box: FaceBox, crop: CropBox): Promise<Float32Array>;
  /** Fake probabilities for up to `batch` items (NaN where the model gave a non-finite value). */
  score(items: Float32Array[]): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * Opens the detector (checking its input against the spec before any work), and the face
 * locator the mode needs. Throws naming the file when one cannot be opened.
 */
export async function openEvalParts(options: OpenEvalPartsOptions): Promise<EvalParts> {
  const { spec, faceMode } = options;
  if (faceMode === "sidecar" && !options.sidecar) {
    throw new Error(`Face mode "sidecar" needs a face sidecar file (--sidecar <faces.json>)`);
  }
  // Read before the model loads, so a bad sidecar fails fast.
  const sidecar = faceMode === "sidecar" ? await readSidecar(options.sidecar!) : null;
  const sidecarSha256 = sidecar ? await sha256File(options.sidecar!) : undefined;
  const detector: DetectorSession = await openDetector(spec, {
    modelPath: options.modelPath,
    threads: options.threads,
    device: options.device,
    // Inference on its own thread: decoding and preprocessing overlap it.
    worker: true,
  });
  const itemSize = itemLength(spec.input);
  const buffer = new Float32Array(itemSize * options.batch);
  let ultraface: FaceLocator | null = null;
  let faceModelSha256: string | undefined;
  try {
    const faceModel = faceModelFor(faceMode, options.faceModel);
    if (faceModel) {
      // One thread in its own worker: UltraFace's small layers gain nothing from a second
      // (RFB-320 on a 360p frame: 6.5 ms of CPU on one thread, 7.5 ms on two, no faster).
      ultraface = await openUltraFace(faceModel, { threads: 1, worker: true });
      faceModelSha256 = await sha256File(faceModel);
    }
  } catch (error) {
    await detector.release();
    throw error;
  }
  const full = fullFrameLocator();
  const recording = newRecording();
  return {
    faceModelSha256,
    sidecarSha256,
    recording,
    locatorFor: (copy) => {
      if (faceMode === "full") return full;
      if (faceMode === "sidecar") {
        return sidecarLocator(sidecar!, {
          geometry: copy.geometry,
          frameGeometries: copy.frameGeometries,
          source: options.sidecar,
        });
      }
      if (faceMode === "ultraface") return ultraface!;
      return copy.op.id === UNALTERED_ID
        ? recordingLocator(ultraface!, recording)
        : referenceLocator(recording, copy.geometry, { frameGeometries: copy.frameGeometries });
    },
    cropOf: (frame, box) =>
      cropBox(box, frame.width, frame.height, faceMode === "full" ? { kind: "full" } : spec.crop),
    selectFaces: (boxes, frame) => selectFaces(boxes, spec.faces, frame),
    preprocess: (frame, box, crop) => preprocessFace(frame, box, spec, { crop }),
    score: async (items) => {
      items.forEach((item, i) => buffer.set(item, i * itemSize));
      const batch = buffer.subarray(0, items.length * itemSize);
      return Array.from(await detector.score(batch, items.length));
    },
    close: async () => {
      await detector.release();
      await ultraface?.release();
    },
  };
}
