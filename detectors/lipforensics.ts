/**
 * LipForensics (Haliassos et al., CVPR 2021): a lip-reading ResNet-18 + multi-scale TCN scoring
 * clips of 25 consecutive grayscale mouth crops. The preset follows the authors' evaluation
 * script (`evaluate.py`, `data/dataset_clips.py`, `data/transforms.py`); its crop follows from a
 * box, not from mouth landmarks (see `differences` and docs/detectors.md).
 * @module
 */
import type { DetectorSpec } from "./spec.ts";

/**
 * LipForensics, for a user's ONNX export of `models/spatiotemporal_net.py`'s `Lipreading` model
 * (weights `lipforensics_ff.pth`) taking the clip [N, 1, 25, 88, 88] and giving the one logit.
 */
export const LIPFORENSICS: DetectorSpec = {
  name: "lipforensics",
  description: "LipForensics (lip-reading ResNet-18 + MS-TCN) on clips of 25 consecutive " +
    "grayscale 88x88 crops, x / 255, mean 0.421, std 0.165, one logit (sigmoid); at most 4 " +
    "non-overlapping clips per video (FF++ test: 110 frames); video score = mean of the clips'.",
  sources: [
    {
      repo: "ahaliassos/LipForensics",
      file: "evaluate.py",
      note: "frames_per_clip 25, grayscale default True; Compose([ToTensorVideo(), " +
        "CenterCrop((88, 88)), NormalizeVideo((0.421,), (0.165,))]); ConsecutiveClipSampler " +
        "(non-overlapping clips); FaceForensics++ max_frames_per_video=110; video score = mean " +
        "of the clips' logits",
    },
    {
      repo: "ahaliassos/LipForensics",
      file: "data/dataset_clips.py",
      note: "num_clips = num_frames // frames_per_clip (a video shorter than a clip has none); " +
        'clip k = frames 25k..25k+24; each frame pil_img.convert("L") when grayscale',
    },
    {
      repo: "ahaliassos/LipForensics",
      file: "data/transforms.py",
      note: "to_tensor: TxHxWxC -> CxTxHxW, / 255; normalize: (x - mean) / std per channel",
    },
    {
      repo: "ahaliassos/LipForensics",
      file: "models/spatiotemporal_net.py",
      note: "Lipreading(num_classes=1): frontend Conv3d(1, 64, ...), input [N, 1, T, H, W]; " +
        "one logit per clip",
    },
    {
      repo: "ahaliassos/LipForensics",
      file: "preprocessing/crop_mouths.py",
      note: "frames aligned to a mean face (similarity from 5 landmarks smoothed over 12 " +
        "frames, 256x256, skimage warp, bilinear) and a 96x96 patch cut around the mean mouth " +
        "landmark (48..67)",
    },
    {
      repo: "ahaliassos/LipForensics",
      file: "requirements.txt",
      note: 'Pillow==8.3.1 (convert("L"))',
    },
  ],
  trainSet: "FF++c23",
  input: {
    layout: "NCTHW",
    frames: 25,
    size: [88, 88],
    colour: "L",
    scale: 1 / 255,
    mean: [0.421],
    std: [0.165],
    resize: "cv2-linear",
  },
  // The centre 88/96 of a square around the box: CenterCrop(88) of the 96x96 mouth patch.
  crop: { kind: "square", scale: 88 / 96 },
  faces: "largest",
  faceRule: "max",
  output: { kind: "sigmoid" },
  videoRule: "mean",
  failScore: null,
  clip: { sampling: { kind: "stride", stride: 25, max: 4 }, box: "per-frame", short: "leave-out" },
  differences: [
    {
      what: "No mouth-landmark crop: each frame's crop is the centre 88/96 of a square around " +
        "its box (the `square` rule, scale 88/96), resized to 88x88 (bilinear, no antialias); " +
        "upstream aligns the frame to a mean face (5 landmarks smoothed over 12 frames) and " +
        "cuts a 96x96 patch around the mouth landmarks, then CenterCrop(88).",
      why: "dfrobust's locators give face boxes, not landmarks. Give the preset mouth boxes (a " +
        "sidecar from a landmark detector: the 96x96 patch of crop_mouths.py in frame " +
        "coordinates) and the crop is upstream's centre crop without the rotation; with a face " +
        "locator's face boxes the model sees the whole face, which LipForensics was not " +
        "trained on: such scores are not LipForensics' numbers.",
    },
    {
      what: "The video score is the mean of the clips' sigmoid probabilities; upstream ranks " +
        "videos by the mean of the clips' logits.",
      why: "The store holds probabilities and reduces them by the spec's video rule; the two " +
        "means rank videos alike when a video's clips agree, and can differ when they do not.",
    },
    {
      what: "At most 4 clips (frames 0..99) on every dataset: upstream's FaceForensics++ limit " +
        "(max_frames_per_video=110); its Celeb-DF and DFDC runs use every whole clip.",
      why: "dfrobust's test set is FaceForensics++; for another, override clip.sampling " +
        '(`{kind: "stride", stride: 25}` takes every whole clip).',
    },
    {
      what: 'Grayscale is taken of the resized RGB crop (PIL\'s convert("L"), as upstream), ' +
        "from dfrobust's decode of the video rather than from upstream's saved PNG frames.",
      why: "The same luma formula on the same kind of pixels; only the decode and the crop " +
        "geometry differ.",
    },
  ],
};
