/**
 * dfrobust: how deepfake detectors hold up when their test videos go through real-world
 * processing (Lu & Ebrahimi, 2023). The public API that notebooks and scripts import.
 *
 * ```ts
 * import { rocAuc } from "./mod.ts";
 * ```
 * @module
 */

// --- dataset
export * from "./dataset/manifest.ts";
// --- util
export { sha256File, stableHash } from "./util/hash.ts";
// --- media
export {
  type BackendChoice,
  type Ffmpeg,
  type FfmpegBuild,
  FfmpegError,
  type FfmpegErrorOptions,
  type FfmpegJob,
  type FfmpegResult,
  nativeFfmpegAvailable,
  openFfmpeg,
  type VideoInfo,
} from "./media/ffmpeg.ts";
export * from "./media/frames.ts";
export * from "./media/encode.ts";
// --- dataset: FaceForensics++ import
export * from "./dataset/ffpp.ts";
// --- onnx: writer, Keras weights, MesoNet import
export * from "./onnx/writer.ts";
export * from "./onnx/keras_h5.ts";
export * from "./onnx/mesonet.ts";
// --- detectors: MesoNet presets
export { MESOINCEPTION, MESONET } from "./detectors/mesonet.ts";
// --- ops: operation catalog, chains, profiles, --ops selection
export * from "./ops/operation.ts";
export {
  ALL_OP_IDS,
  CATALOG_VERSION,
  FAMILIES,
  familyOfInstance,
  findFamily,
  getOperation,
  instanceOf,
  NOISE_SEED,
  PAPER_OP_IDS,
  UnknownOperationError,
} from "./ops/catalog.ts";
export * from "./ops/chain.ts";
export * from "./ops/profile.ts";
export * from "./ops/select.ts";
// --- artifacts: distorted copies, verify, gc
export * from "./artifacts/artifact_id.ts";
export * from "./artifacts/copy_manifest.ts";
export * from "./artifacts/copies.ts";
export { distortDataset } from "./artifacts/distort.ts";
export type { CopyFailure, CopyResult, DistortOptions, DistortSummary } from "./artifacts/distort.ts";
export * from "./artifacts/verify.ts";
export * from "./artifacts/gc.ts";
