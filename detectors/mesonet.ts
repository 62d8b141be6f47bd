/**
 * MesoNet presets (Afchar et al., "MesoNet: a Compact Facial Video Forgery Detection Network",
 * WIFS 2018): Meso4 and MesoInception4 as converted by `deno task import-mesonet` from the
 * authors' Keras weights (github.com/DariusAf/MesoNet, Apache-2.0).
 *
 * Facts from the authors' code: 256x256 RGB face crops scaled to [0, 1] (`ImageDataGenerator(
 * rescale=1./255)` in example.py, `IMGWIDTH = 256` in classifiers.py); one sigmoid output, trained
 * with `flow_from_directory`, which numbers class folders alphabetically (`df` = 0, `real` = 1),
 * so the output is P(real) and dfrobust reports 1 - output (checked on the authors' four test
 * images: the DF models give the two `df` images 0.04 and 0.05 (Meso4) and the two `real` images
 * 0.99 and 1.00).
 * @module
 */
import type { DetectorSpec } from "./spec.ts";
import { MESONET_INPUT_NAME, MESONET_INPUT_SCALE, MESONET_INPUT_SIZE } from "../onnx/mesonet_io.ts";

const SOURCES: DetectorSpec["sources"] = [
  {
    repo: "DariusAf/MesoNet",
    file: "classifiers.py",
    note: "Meso4 / MesoInception4 layers, IMGWIDTH = 256, Dense(1, sigmoid)",
  },
  {
    repo: "DariusAf/MesoNet",
    file: "example.py",
    note: "ImageDataGenerator(rescale=1./255), flow_from_directory(class_mode='binary'): " +
      "classes in alphabetical folder order, df = 0, real = 1",
  },
  {
    repo: "DariusAf/MesoNet",
    file: "pipeline.py",
    note: "face crop: square of 1.3 x 2.2 x max(eye distance, eye-mouth distance) around the " +
      "nose, rotated upright; largest face; video label = mean(prediction > 0.5)",
  },
];

const DIFFERENCES: DetectorSpec["differences"] = [
  {
    what: "Face crop: a square of side 2 * floor(1.1 x the larger side of the UltraFace (or " +
      "sidecar) box / 2) around the box centre, pixels past the frame mirrored in as the " +
      "authors' get_image_slice does (numpy reflect padding); not their landmark-based, " +
      "rotation-aligned square.",
    why: "dfrobust has no landmark detector. Running UltraFace on the authors' four test crops " +
      "gives crop side / box side of 0.91-1.24 (mean about 1.1), so 1.1 reproduces their framing.",
  },
  {
    what: "Video score = mean of frame fake probabilities (1 - output) over 32 evenly spaced " +
      "frames; the authors' pipeline reports the fraction of frames with output > 0.5 over all " +
      "frames with a face.",
    why: "A continuous score keeps the video-level AUC informative (a fraction of 32 " +
      "thresholded frames has many ties) and matches the other presets and the paper's method.",
  },
  {
    what: "Inputs are scaled to [0, 1] (pixel / 255) as in training and example.py.",
    why: "pipeline.py's video path feeds unscaled 0-255 crops to the model; that is a bug " +
      "upstream (the models were trained on [0, 1] inputs), so dfrobust does not copy it.",
  },
];

/** Shared facts of both MesoNet presets. */
function mesoPreset(name: string, description: string): DetectorSpec {
  return {
    name,
    description,
    sources: SOURCES,
    input: {
      name: MESONET_INPUT_NAME,
      layout: "NCHW",
      size: [MESONET_INPUT_SIZE, MESONET_INPUT_SIZE],
      colour: "RGB",
      scale: MESONET_INPUT_SCALE,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    crop: { kind: "reflect", scale: 1.1 },
    faces: "largest",
    faceRule: "largest",
    // The ONNX model already ends in the sigmoid and returns P(real).
    output: { kind: "probability", invert: true },
    videoRule: "mean",
    failScore: null,
    frames: 32,
    differences: DIFFERENCES,
  };
}

/**
 * Meso4 (`deno task import-mesonet Meso4_DF.h5 --arch meso4 --out meso4.onnx`; pass the model
 * with `--model`). The output is P(real); dfrobust reports 1 - output as the fake probability.
 */
export const MESONET: DetectorSpec = mesoPreset(
  "mesonet",
  "Meso4 (Afchar et al. 2018) on 256x256 RGB face crops in [0, 1]; the model's sigmoid output is " +
    "P(real) (classes df = 0, real = 1), reported as fake probability 1 - output.",
);

/** MesoInception4; same input, crop and output mapping as {@link MESONET}. */
export const MESOINCEPTION: DetectorSpec = mesoPreset(
  "mesoinception",
  "MesoInception4 (Afchar et al. 2018) on 256x256 RGB face crops in [0, 1]; the model's sigmoid " +
    "output is P(real) (classes df = 0, real = 1), reported as fake probability 1 - output.",
);
