/**
 * The id of a detector run: everything that changes a score (detector spec, model bytes, face
 * mode, frames per video, dfrobust version) hashed together. Store rows carry it, and a unit of
 * work is (run id, copy), so a resumed run finds what it already wrote.
 * @module
 */
import type { DetectorSpec } from "../detectors/spec.ts";
import { stableHash } from "../util/hash.ts";
import { DFROBUST_VERSION } from "../util/version.ts";

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
}

/**
 * A 16-hex-digit run id. Descriptive fields of the spec (description, sources, differences) do
 * not change scores and are left out, so editing a citation does not invalidate stored results.
 */
export function evalRunId(identity: RunIdentity): string {
  const { description: _d, sources: _s, differences: _x, modelPath: _m, trainSet: _t, ...scoring } =
    identity.spec;
  return stableHash({
    spec: scoring,
    model: identity.modelSha256,
    faceMode: identity.faceMode,
    frames: identity.frames,
    faceModel: identity.faceModelSha256,
    sidecar: identity.sidecarSha256,
    dfrobust: DFROBUST_VERSION,
  }).slice(0, 16);
}

/** The id of one unit of work: a run on one copy (the store's part name). */
export function evalUnitId(runId: string, artifactId: string): string {
  return stableHash({ runId, artifactId }).slice(0, 16);
}
