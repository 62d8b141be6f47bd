/**
 * The store rows of an eval run: the fields every row of a copy shares (run, detector, copy,
 * rules), and one row of a video with what differs (frame, face, box, crop, score, status).
 * Internal to `eval/`.
 * @module
 */
import type { DatasetEntry } from "../dataset/manifest.ts";
import type { DetectorSpec } from "../detectors/spec.ts";
import type { ScoreRow } from "../store/schema.ts";
import type { EvalCopy } from "./copies.ts";
import type { FaceMode } from "./parts.ts";
import type { FaceMinimums } from "../faces/minimums.ts";

/** The run-level fields every row of a copy shares. */
export interface RunFields {
  /** The run id (eval/run_id.ts). */
  runId: string;
  /** The detector: its name and its face rule, video rule and fail score go into every row. */
  spec: DetectorSpec;
  /** What the model was trained on. */
  trainSet: string;
  /** SHA-256 of the model file. */
  modelSha256: string;
  /** The face mode of the run. */
  faceMode: FaceMode;
  /** SHA-256 of the UltraFace model or sidecar file that locates the faces, when one does. */
  faceModelSha256?: string;
  /** The run's face minimums (faces/minimums.ts), recorded in every row; default none. */
  minimums?: FaceMinimums;
}

/** The fields every row of `copy` shares in this run (`created_at` is set when written). */
export function baseRow(copy: EvalCopy, run: RunFields): Omit<
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
    face_model_sha256: run.faceModelSha256 ?? null,
    face_rule: run.spec.faceRule,
    video_rule: run.spec.videoRule,
    fail_score: run.spec.failScore,
    created_at: "",
    min_face_score: run.minimums?.score ?? null,
    min_face_size: run.minimums?.size ?? null,
  };
}

/** What {@link baseRow} gives: the fields a copy's rows share. */
export type BaseRow = ReturnType<typeof baseRow>;

/** The fields of one row: which video, and what differs from a face-less failure row. */
export type RowFields = Partial<ScoreRow> & Pick<ScoreRow, "frame_index" | "status"> & {
  video: Pick<DatasetEntry, "id" | "label" | "method">;
};

/**
 * One row of `video`: the copy's shared fields, and no face, box, crop, score or error unless
 * `fields` set them.
 */
export function rowOf(base: BaseRow, { video, ...fields }: RowFields): ScoreRow {
  return {
    ...base,
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
