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
