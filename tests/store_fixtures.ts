/** Shared by the store and metrics tests: a valid store row to override. */
import type { ScoreRow } from "../store/schema.ts";

/** A valid row; tests override what they look at. */
export function scoreRow(overrides: Partial<ScoreRow> = {}): ScoreRow {
  return {
    run_id: "run1",
    detector: "xception",
    train_set: "FF++c23",
    model_sha256: "ab".repeat(32),
    op_id: "unaltered",
    op_family: "unaltered",
    op_category: "unaltered",
    severity: null,
    profile: "paper",
    artifact_id: "copy1",
    video_id: "v1",
    label: 1,
    method: "Deepfakes",
    frame_index: 0,
    face_index: 0,
    box_x: 10,
    box_y: 20,
    box_w: 30.5,
    box_h: 40,
    crop_x: 0,
    crop_y: 14,
    crop_w: 52,
    crop_h: 52,
    face_mode: "ultraface",
    score: 0.75,
    status: "ok",
    error: null,
    face_rule: "max",
    video_rule: "mean",
    fail_score: null,
    created_at: "2026-11-28T12:00:00.000Z",
    ...overrides,
  };
}
