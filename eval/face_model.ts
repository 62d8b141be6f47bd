/**
 * Which UltraFace model an eval run uses, and where a user gets it: none is bundled, so the
 * `ultraface` and `reference` face modes need `--face-model` or `DFROBUST_FACE_MODEL`, and say
 * where to download the model when neither is given.
 * @module
 */
import type { FaceMode } from "../faces/locator.ts";
import { OptionError } from "../util/option_error.ts";
import { type EnvLookup, processEnv } from "../util/env_lookup.ts";

/**
 * Where to get the UltraFace model that the `ultraface` and `reference` face modes run: the
 * 320x240 ONNX export with box decoding built in (input `input` [1,3,240,320]; outputs `scores`
 * and `boxes`), as published in Linzaer's repository. `sha256` is that of the file the tests
 * run, for checking a download.
 */
export const ULTRAFACE_MODEL: {
  readonly file: string;
  readonly repository: string;
  readonly path: string;
  readonly licence: string;
  readonly sha256: string;
} = {
  file: "version-RFB-320.onnx",
  repository: "https://github.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB",
  path: "models/onnx/version-RFB-320.onnx",
  licence: "MIT",
  sha256: "34cd7e60aeff28744c657de7a3dc64e872d506741de66987f3426f2b79f88017",
};

/** The face modes that run UltraFace (`reference` runs it on the unaltered copy). */
export const MODES_WITH_FACE_MODEL: readonly FaceMode[] = ["ultraface", "reference"];

/** The environment variable that names the UltraFace model when no `--face-model` is given. */
export const FACE_MODEL_ENV = "DFROBUST_FACE_MODEL";

/**
 * Thrown by {@link faceModelFor} when the face mode needs an UltraFace model and none is given;
 * the message says where to get it and how to pass it. An {@link OptionError}: exit 2 in a task.
 * (A model file that is missing or is no UltraFace model is a `FaceModelError` when it is opened.)
 */
export class FaceModelMissingError extends OptionError {
  override name = "FaceModelMissingError";
}

/**
 * The UltraFace model a run uses: `faceModel` (`--face-model`) when given, else the file named
 * by `DFROBUST_FACE_MODEL`; undefined for the modes that run no face detector (`sidecar`,
 * `full`). Nothing is bundled: throws a {@link FaceModelMissingError} saying where to get the
 * model and how to pass it when the mode needs one and neither is set. Whether the file exists is
 * checked when it is opened. `env` reads `DFROBUST_FACE_MODEL` (default: this process's
 * environment; tests pass their own).
 */
export function faceModelFor(
  faceMode: FaceMode,
  faceModel?: string,
  env: EnvLookup = processEnv,
): string | undefined {
  if (!MODES_WITH_FACE_MODEL.includes(faceMode)) return undefined;
  const chosen = faceModel || env(FACE_MODEL_ENV);
  if (chosen) return chosen;
  const m = ULTRAFACE_MODEL;
  throw new FaceModelMissingError(
    `Face mode "${faceMode}" needs the UltraFace face detector model ${m.file}, and none was ` +
      `given: download ${m.path} from ${m.repository} (${m.licence} licence; the ONNX export ` +
      `with box decoding built in, sha256 ${m.sha256}), then pass it with --face-model <path> ` +
      `or set ${FACE_MODEL_ENV}=<path> once; or use --faces sidecar (your own boxes) or full ` +
      `(pre-cropped faces), which need no face detector`,
  );
}
