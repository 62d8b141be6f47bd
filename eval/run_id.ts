/**
 * The id of a detector run: everything that changes a score (detector spec, model bytes, face
 * mode, frames per video, face minimums, dfrobust version) hashed together. Store rows carry it, and a unit of
 * work is (run id, copy), so a resumed run finds what it already wrote.
 * @module
 */
import type { DetectorSpec } from "../detectors/spec.ts";
import { stableHash } from "../util/hash.ts";
import { DFROBUST_VERSION } from "../util/version.ts";
import type { FaceMinimums } from "../faces/minimums.ts";

/** Inputs of {@link evalRunId}. */
export interface RunIdentity {
  spec: DetectorSpec;
  /** SHA-256 (hex) of the ONNX model file. */
  modelSha256: string;
  /** `ultraface`, `sidecar`, `full` or `reference`. */
  faceMode: string;
  /** Frames sampled per video. */
  frames: number;
  /** Face model SHA-256 for the modes that run one (`ultraface`, `reference`); else omitted. */
  faceModelSha256?: string;
  /** Sidecar file SHA-256 for the `sidecar` mode; else omitted. */
  sidecarSha256?: string;
  /**
   * The face minimums the run applies (faces/minimums.ts; the spec's or the flags'); hashed only
   * when one is set, so a run without minimums keeps the id it had before they existed.
   */
  minimums?: FaceMinimums;
}

/**
 * A 16-hex-digit run id. Descriptive fields of the spec (description, sources, differences) do
 * not change scores and are left out, so editing a citation does not invalidate stored results.
 */
export function evalRunId(identity: RunIdentity): string {
  // The spec's minimums are hashed as the run applies them (`minimums`: a flag may override).
  const {
    description: _d,
    sources: _s,
    differences: _x,
    modelPath: _m,
    trainSet: _t,
    minFaceScore: _fs,
    minFaceSize: _fz,
    ...scoring
  } = identity.spec;
  const minimums = identity.minimums;
  const applied = minimums && (minimums.score !== null || minimums.size !== null)
    ? { score: minimums.score, size: minimums.size }
    : undefined;
  return stableHash({
    spec: scoring,
    model: identity.modelSha256,
    faceMode: identity.faceMode,
    frames: identity.frames,
    faceModel: identity.faceModelSha256,
    sidecar: identity.sidecarSha256,
    faceMinimums: applied,
    dfrobust: DFROBUST_VERSION,
  }).slice(0, 16);
}

/** The id of one unit of work: a run on one copy (the store's part name). */
export function evalUnitId(runId: string, artifactId: string): string {
  return stableHash({ runId, artifactId }).slice(0, 16);
}
