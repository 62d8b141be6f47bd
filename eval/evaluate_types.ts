/**
 * The contract of an eval run (eval/evaluate.ts): what `evaluate` takes and what it returns.
 * @module
 */
import type { FaceMinimums } from "../faces/minimums.ts";
import type { DetectorSpec } from "../detectors/spec.ts";
import type { Ffmpeg } from "../media/ffmpeg.ts";
import type { Pairing } from "../metrics/video_set.ts";
import type { Shard } from "../scale/shard.ts";
import type { LeftOutVideo } from "../store/left_out.ts";
import type { Limits } from "../util/limits.ts";
import type { CopySummary } from "./copy_summary.ts";
import type { FaceMode } from "./parts.ts";
import type { EvalTimings } from "./timings.ts";
import type { IncompleteUnit } from "./unit_lifecycle.ts";
import type { EnvLookup } from "../util/env_lookup.ts";

/** Options for `evaluate` (eval/evaluate.ts). */
export interface EvaluateOptions {
  /** The detector (a preset or a loaded spec file). */
  spec: DetectorSpec;
  /** How messages name the spec: its file or preset name (`--detector`). Default its name. */
  specSource?: string;
  /** ONNX model file. */
  modelPath: string;
  /** A distort output folder or a plain dataset `.csv` (see `discoverCopies`). */
  data: string;
  /** Results store folder. */
  store: string;
  /** Training-set label for the store (`train_set`); default the spec's `trainSet`, else `unknown`. */
  trainSet?: string;
  /** Face localisation. Default `ultraface`. */
  faces?: FaceMode;
  /**
   * UltraFace ONNX model (`version-RFB-320.onnx`) for `ultraface`/`reference`; default the file
   * named by the `DFROBUST_FACE_MODEL` environment variable. None is bundled: without either,
   * those modes throw a `FaceModelMissingError` saying where to get it, before any work.
   */
  faceModel?: string;
  /**
   * Reads the environment variables eval consults (`DFROBUST_FACE_MODEL`); default this
   * process's environment. Tests pass their own instead of changing the shared one.
   */
  env?: EnvLookup;
  /** Face sidecar JSON for `sidecar` (schema `dfrobust.faces/1`). */
  sidecar?: string;
  /** Frames sampled per video. Default: the spec's `frames`, else 32. */
  frames?: number;
  /**
   * Minimum face-locator confidence in [0, 1) (faces/minimums.ts): undefined = the spec's
   * `minFaceScore` (the upstream pipeline's value where the preset has one), null = none.
   * Recorded in every row (`min_face_score`) and part of the run id.
   */
  minFaceScore?: number | null;
  /**
   * Minimum face size in pixels (shorter box side): undefined = the spec's `minFaceSize`, null =
   * none. Recorded in every row (`min_face_size`) and part of the run id.
   */
  minFaceSize?: number | null;
  /** Faces per inference batch. Default 8. */
  batch?: number;
  /**
   * Overrides of the run's limits (util/limits.ts; docs/security.md "Limits"): a video's frame
   * width, height and pixels and its frame count (checked at its probe, or against the probe its
   * copy's manifest records, before it is decoded), frames sampled per video, faces per batch
   * (and a model's fixed batch), the detector's input side, face boxes per frame, crop side
   * relative to the frame. A spec, model or flag over a limit is refused before any work; a
   * video over one (its frames, or a frame's faces) is a `video_error` row naming it and the
   * limit. Raise the frame limits only for videos you trust.
   */
  limits?: Partial<Limits>;
  /**
   * onnxruntime intra-op threads of the detector (UltraFace runs on one). Default: the logical
   * CPU count.
   */
  threads?: number;
  /**
   * Detector sessions, each scoring its own batch with `threads / sessions` intra-op threads
   * (inter-batch parallelism). Default: two on the CPU, one on CUDA (eval/parts.ts
   * `defaultSessions`, measured in docs/benchmarks.md).
   */
  sessions?: number;
  /** Execution provider. Default `cpu`. */
  device?: "cpu" | "cuda";
  /** Re-score units already in the store (default: skip them, i.e. resume). */
  force?: boolean;
  /**
   * Read videos whose links lead outside their dataset's (or copy's) folder. Default false: such
   * a video is a `video_error` row naming the link and where it leads; FIFOs and devices are
   * refused whatever this says (dataset/video_file.ts, docs/security.md).
   */
  allowOutsideLinks?: boolean;
  /** Videos decoded and prepared ahead of the one being scored. Default 2; 0 = no overlap. */
  prefetch?: number;
  /** An open ffmpeg backend to use (default: native when installed, else wasm; closed after). */
  ffmpeg?: Ffmpeg;
  /**
   * Stops the run when aborted (checked between videos; when eval opens ffmpeg itself, a running
   * decoder is killed too): finished copies stay written, the copy in progress is dropped, and a
   * rerun resumes with it.
   */
  signal?: AbortSignal;
  /** Called after each copy (scored or skipped), e.g. to stop a run from outside. */
  onCopy?: (copy: CopySummary) => void;
  /** Progress label; default `eval <detector>`. */
  label?: string;
  /**
   * Score only this shard's videos of every copy (scale/shard.ts) into the shard's own part of
   * each unit (store/shard_parts.ts); when its share is done, merge every unit whose shard parts
   * are all there into its whole part (eval/unit_lifecycle.ts). Not with `force`. A shard of one
   * (`0/1`) is a plain run.
   */
  shard?: Shard;
  /**
   * Score nothing: merge every unit's complete set of shard parts into its whole part, and list
   * the units that still miss parts in the summary's `incomplete`. Not with `shard` or `force`.
   */
  finish?: boolean;
  /**
   * Time the run's stages (model hashing and loading, decoding, face location, preprocessing,
   * inference, store) into {@link EvalSummary.timings}. Default false.
   */
  timings?: boolean;
}

/** The outcome of `evaluate` (eval/evaluate.ts). */
export interface EvalSummary {
  runId: string;
  detector: string;
  trainSet: string;
  modelSha256: string;
  faceMode: FaceMode;
  frames: number;
  copies: CopySummary[];
  /**
   * Failure rows (statuses other than `ok` and `no_face`: `isFailureStatus`) in the run's units,
   * stored ones too.
   */
  failures: number;
  /** Faces scored by the detector in this run. */
  facesScored: number;
  /** The face minimums the run applied (faces/minimums.ts); absent in summaries made by hand. */
  faceMinimums?: FaceMinimums;
  /** Located faces the minimums dropped, in the run's copies (stored ones too). */
  facesDropped?: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** True when the run stopped early on `signal`. */
  aborted: boolean;
  /** Which videos the copies' AUCs rank: `paired` (the same videos in every copy). */
  pairing: Pairing;
  /** Every video left out of a copy's AUC, with its reason (store/left_out.ts). */
  leftOut: LeftOutVideo[];
  /** Sentences naming what the AUCs leave out: the run, videos, copies with no video scored. */
  notes: string[];
  /**
   * Warnings recorded with the run's rows, each once (store/warnings.ts: e.g. face sidecar
   * boxes that lie mostly outside a video's displayed frame); they change no score.
   */
  warnings: string[];
  /** The shard this run scored, when it was one (its copies' rows and AUCs are its share's). */
  shard?: Shard;
  /** Units that still miss shard parts (shards and `finish` only; named in `notes` too). */
  incomplete: IncompleteUnit[];
  /** Where the time went, by stage (eval/timings.ts); only with `timings: true`. */
  timings?: EvalTimings;
}
