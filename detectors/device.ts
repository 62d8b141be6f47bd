/**
 * Where inference runs, as `--device` names it. A leaf with no imports, so a command line can
 * list the devices without loading onnxruntime.
 * @module
 */

/** Where inference runs. `cuda` needs onnxruntime-node's CUDA provider (see docs/detectors.md). */
export type Device = "cpu" | "cuda";

/** Every {@link Device}, `cpu` first (what `--device` takes). */
export const DEVICES: readonly Device[] = ["cpu", "cuda"];
