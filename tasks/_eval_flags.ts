/**
 * The flag table of `deno task eval`, declared once: `tasks/eval.ts` parses it and `tasks/slurm.ts`
 * takes every flag of it that the Slurm pipeline does not set itself (tests/slurm_flags_test.ts
 * compares the two). The values a flag takes come from the library (`FACE_MODES`, `DEVICES`).
 * @module
 */
import { DEVICES } from "../detectors/device.ts";
import { FACE_MODES } from "../faces/locator.ts";
import type { FlagSpec } from "../util/cli.ts";
import { limitFlag } from "./_limit_flag.ts";
import { shardFlags } from "./_shard_flags.ts";

/** Every flag of `deno task eval`, in --help order. */
export const EVAL_FLAGS: Readonly<Record<string, FlagSpec>> = {
  detector: {
    type: "string",
    description: "Detector preset (xception, capsule, sbi, mesonet, ...) or a spec .json file.",
    valueName: "<preset|spec.json>",
  },
  model: {
    type: "string",
    description: "ONNX model file (default: the spec's modelPath).",
    valueName: "<model.onnx>",
  },
  "train-set": {
    type: "string",
    description: "What the model was trained on, stored as train_set (default: the spec's).",
    valueName: "<label>",
  },
  data: {
    type: "string",
    description: "A distort output folder (copies with manifest.json) or a dataset .csv.",
    valueName: "<dir|dataset.csv>",
  },
  store: { type: "string", description: "Results store folder.", valueName: "<dir>" },
  faces: {
    type: "string",
    description: `Face mode: ${FACE_MODES.join(", ")}.`,
    default: "ultraface",
    valueName: "<mode>",
    choices: FACE_MODES,
  },
  "face-model": {
    type: "string",
    description: "UltraFace ONNX model (version-RFB-320.onnx from " +
      "github.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB, models/onnx/) for the " +
      "ultraface/reference modes; default: the file named by $DFROBUST_FACE_MODEL.",
    valueName: "<model.onnx>",
  },
  sidecar: {
    type: "string",
    description: "Face boxes file (schema dfrobust.faces/1) for --faces sidecar.",
    valueName: "<faces.json>",
  },
  frames: {
    type: "string",
    description: "Evenly spaced frames sampled per video (default: the spec's, else 32).",
    valueName: "<n>",
  },
  "min-face-score": {
    type: "string",
    description: "Minimum face-locator confidence in [0, 1): faces at or below it are dropped " +
      "(counted, stored as faces_dropped). Default: the spec's minFaceScore, the upstream " +
      'detector\'s value where it publishes one (sbi: 0.7), else none; "none" turns it off.',
    valueName: "<p|none>",
  },
  "min-face-size": {
    type: "string",
    description: "Minimum face size in pixels (shorter side of the box): smaller faces are " +
      'dropped and counted. Default: the spec\'s minFaceSize, else none; "none" turns it off.',
    valueName: "<px|none>",
  },
  batch: { type: "string", description: "Faces per inference batch.", default: "8" },
  threads: {
    type: "string",
    description:
      "onnxruntime intra-op threads of the detector in all, shared out among its sessions (UltraFace uses one).",
    valueName: "<n>",
  },
  sessions: {
    type: "string",
    description:
      "Detector sessions, each scoring its own batch with its share of --threads (inter-batch parallelism). Default: 2 on cpu (1 with one thread), 1 on cuda.",
    valueName: "<n>",
  },
  device: {
    type: "string",
    description: "cpu or cuda.",
    default: "cpu",
    valueName: "<dev>",
    choices: DEVICES,
  },
  prefetch: {
    type: "string",
    description: "Videos decoded and prepared ahead of the one being scored (0 = no overlap).",
    default: "2",
  },
  ...limitFlag("eval"),
  force: { type: "boolean", description: "Re-score copies already in the store." },
  "allow-outside-links": {
    type: "boolean",
    description: "Read dataset videos whose links lead outside the manifest's folder " +
      "(default: each is a video_error row naming it). Only for a dataset you trust; FIFOs " +
      "and devices are refused anyway (docs/security.md).",
  },
  json: {
    type: "boolean",
    description: "Print the summary as JSON on stdout, with the time each stage took (timings).",
  },
  // --- shards (scale/shard.ts; docs/scale.md)
  ...shardFlags("eval"),
};
