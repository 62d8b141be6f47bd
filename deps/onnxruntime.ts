/**
 * The one seam to onnxruntime (`onnxruntime-node`, CPU execution provider; CUDA needs the
 * package's install script, see docs/detectors.md). Full `npm:` specifier, so it travels.
 * Telemetry is off (deps/_onnxruntime_telemetry.ts, evaluated before the package).
 * @module
 */
import "./_onnxruntime_telemetry.ts";
export * from "npm:onnxruntime-node@1.30.0";
