/**
 * Detector presets: the published detectors dfrobust knows by name, as plain
 * {@link DetectorSpec} records. Every fact is taken from the authors' inference code (cited in
 * `sources`, explained in `docs/detectors.md`); where dfrobust departs from it, `differences` says
 * how and why.
 * @module
 */
import type { DetectorSpec } from "./spec.ts";
import { DEMO } from "./demo.ts";
import { LIPFORENSICS } from "./lipforensics.ts";
import { MESOINCEPTION, MESONET } from "./mesonet.ts";

const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

/** XceptionNet from FaceForensics++ (Rössler et al., 2019), face-crop models. */
export const XCEPTION: DetectorSpec = {
  name: "xception",
  description:
    "XceptionNet trained on FaceForensics++ face crops (1.3x square around the dlib face box), " +
    "299x299, [-1, 1] input, 2-class softmax with class 1 = fake.",
  sources: [
    {
      repo: "ondyari/FaceForensics",
      file: "classification/detect_from_video.py",
      note: "get_boundingbox (scale 1.3, square; corner clamped at 0, side shrunk to fit), " +
        "BGR->RGB, softmax, prediction 1 = fake",
    },
    {
      repo: "ondyari/FaceForensics",
      file: "classification/dataset/transform.py",
      note: "Resize((299, 299)), ToTensor, Normalize([0.5]*3, [0.5]*3)",
    },
  ],
  trainSet: "FF++",
  input: {
    layout: "NCHW",
    size: [299, 299],
    colour: "RGB",
    scale: 1 / 255,
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    resize: "pil-bilinear",
  },
  crop: { kind: "square", scale: 1.3 },
  faces: "largest",
  faceRule: "largest",
  output: { kind: "softmax", fakeIndex: 1 },
  videoRule: "mean",
  failScore: null,
  frames: 32,
  differences: [
    {
      what: "Faces are located with UltraFace (or a sidecar), not dlib's frontal face detector.",
      why: "dlib is not available to a Deno/ONNX pipeline; box geometry differs slightly.",
    },
    {
      what: "The largest face is scored; upstream scores dlib's first detection (`faces[0]`), " +
        "although its comment says 'only take biggest face'.",
      why:
        "dlib's detection order is not reproducible with another locator; largest is the intent.",
    },
    {
      what: "32 evenly spaced frames, video score = mean of frame scores.",
      why: "Upstream labels every frame and has no video score; the mean matches the paper's " +
        "video-level AUC.",
    },
  ],
};

/** Capsule-Forensics-v2 (Nguyen et al., 2019), binary FaceForensics++ model. */
export const CAPSULE: DetectorSpec = {
  name: "capsule",
  description:
    "Capsule-Forensics-v2 (VGG19 features + capsules) on 300x300 face crops with ImageNet " +
    "normalisation; the output is already a 2-class probability, class 1 = fake; video score = " +
    "mean of frame probabilities.",
  sources: [
    {
      repo: "nii-yamagishilab/Capsule-Forensics-v2",
      file: "test_vid_binary_ffpp.py",
      note: "imageSize 300, Resize + ToTensor + Normalize(ImageNet), output_pred.mean(0)[1]",
    },
    {
      repo: "nii-yamagishilab/Capsule-Forensics-v2",
      file: "model_big.py",
      note: "CapsuleNet.forward returns class_ = softmax(z).mean(dim=1): probabilities",
    },
    {
      repo: "nii-yamagishilab/Capsule-Forensics-v2",
      file: "datascripts/create_dataset_Original.py",
      note: "extract_face: radius int(1.3 x mask-box height / 2) around the mask centroid, each " +
        "edge clipped; --limit 100",
    },
  ],
  trainSet: "FF++",
  input: {
    layout: "NCHW",
    size: [300, 300],
    colour: "RGB",
    scale: 1 / 255,
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    resize: "pil-bilinear",
  },
  crop: { kind: "radius", scale: 1.3 },
  faces: "largest",
  faceRule: "largest",
  output: { kind: "softmax", fakeIndex: 1, applied: true },
  videoRule: "mean",
  failScore: null,
  frames: 32,
  differences: [
    {
      what:
        "Faces are located with UltraFace (or a sidecar); upstream's crop rule (extract_face: " +
        "radius int(1.3 x height / 2), each edge clipped) is applied to the face box's height " +
        "and centre.",
      why: "Upstream tests on crops made beforehand from the FF++ manipulation masks: the mask's " +
        "bounding-box height and centroid (datascripts/create_dataset_*.py). Masks do not exist " +
        "for processed or new videos, so a face-detector box stands in for the mask box.",
    },
    {
      what: "32 evenly spaced frames per video.",
      why: "Upstream's crop scripts keep the first 100 frames with a face (`--limit 100`); the " +
        "paper's protocol samples 32 evenly spaced frames for every detector.",
    },
  ],
};

/** Self-Blended Images (Shiohara & Yamasaki, CVPR 2022), EfficientNet-B4. */
export const SBI: DetectorSpec = {
  name: "sbi",
  description:
    "Self-Blended Images EfficientNet-B4: RetinaFace boxes widened by 1/8 of their size on each " +
    "side, 380x380, pixels / 255, softmax class 1 = fake; every face at least half the largest's " +
    "area, frame score = max over faces, video score = mean over frames, 0.5 when no face.",
  sources: [
    {
      repo: "mapooon/SelfBlendedImages",
      file: "src/inference/inference_video.py",
      note: "/255, softmax(1)[:, 1], max over a frame's faces, mean over frames, 32 frames",
    },
    {
      repo: "mapooon/SelfBlendedImages",
      file: "src/inference/preprocess.py",
      note: "extract_frames (linspace, BGR->RGB, faces >= max area / 2) and crop_face (margin)",
    },
    {
      repo: "mapooon/SelfBlendedImages",
      file: "src/inference/inference_dataset.py",
      note: "0.5 when a video yields no face",
    },
    {
      repo: "ternaus/retinaface",
      file: "retinaface/predict_single.py",
      note: "predict_jsons(confidence_threshold=0.7): faces kept when scores > 0.7 (SBI's " +
        "preprocess.py calls it with the defaults); no minimum face size",
    },
  ],
  trainSet: "FF++c23 (real)",
  input: {
    layout: "NCHW",
    size: [380, 380],
    colour: "RGB",
    scale: 1 / 255,
    mean: [0, 0, 0],
    std: [1, 1, 1],
    resize: "cv2-linear",
  },
  crop: { kind: "margin", fraction: 1 / 8 },
  faces: "all-above-half-largest",
  faceRule: "max",
  output: { kind: "softmax", fakeIndex: 1 },
  videoRule: "mean",
  failScore: 0.5,
  frames: 32,
  minFaceScore: 0.7,
  differences: [
    {
      what:
        "Faces are located with UltraFace (or a sidecar), not RetinaFace (resnet50_2020-07-20).",
      why:
        "RetinaFace-ResNet50 is a large extra model; UltraFace boxes are tighter, so crops are " +
        "slightly smaller.",
    },
    {
      what: "cv2.resize INTER_LINEAR is reproduced in floating point (image/resize.ts).",
      why: "OpenCV is not available here; its 11-bit fixed-point weights can differ by one code " +
        "value on some pixels.",
    },
  ],
};

/**
 * FTCN (Zheng et al., ICCV 2021, "Exploring Temporal Coherence for More General Video Face
 * Forgery Detection"), the clip detector of its `test_on_raw_video.py`: clips of 32 consecutive
 * frames, 224x224, NCTHW, ImageNet normalisation on 0..255 values, a sigmoid head, the video's
 * score the mean of its clips'. For a user's ONNX export of `checkpoints/ftcn_tt.pth` whose input
 * is the `images` tensor the script feeds the classifier.
 */
export const FTCN: DetectorSpec = {
  name: "ftcn",
  description: "FTCN (fully temporal convolution + temporal transformer) on clips of 32 " +
    "consecutive face frames, 224x224, ImageNet normalisation, sigmoid output; video score = " +
    "mean of the clips' scores.",
  sources: [
    {
      repo: "yinglinzheng/FTCN",
      file: "test_on_raw_video.py",
      note: "clip_size = cfg.clip_size; every window of clip_size consecutive frames of a face " +
        "track (range(super_clip_size), i.e. stride 1); a track shorter than a clip padded by " +
        "mirrored indices; images.permute(3, 0, 1, 2).unsqueeze(0) (N, C, T, H, W), " +
        ".sub(mean).div(std) with mean/std = ImageNet x 255; prediction np.mean(preds)",
    },
    { repo: "yinglinzheng/FTCN", file: "setting/ftcn_tt.yaml", note: "clip_size: 32, imsize: 224" },
    {
      repo: "yinglinzheng/FTCN",
      file: "test_tools/faster_crop_align_xray.py",
      note: "FasterCropAlignXRay: one alignment for the whole clip, estimated from every frame's " +
        "landmarks inside the union of the frames' crop boxes (left_top = min, right_bottom = max)",
    },
    {
      repo: "yinglinzheng/FTCN",
      file: "test_tools/utils.py",
      note: "get_crop_box(shape, box, scale=0.5): the box widened by half its size on each side, " +
        "clipped to the frame",
    },
    {
      repo: "yinglinzheng/FTCN",
      file: "model/classifier/i3d_temporal_var_fix_dropout_tt_cfg.py",
      note: "TransformerHead ends in nn.Sigmoid: final_output is a probability",
    },
  ],
  trainSet: "FF++c23",
  input: {
    layout: "NCTHW",
    frames: 32,
    size: [224, 224],
    colour: "RGB",
    scale: 1,
    mean: [IMAGENET_MEAN[0] * 255, IMAGENET_MEAN[1] * 255, IMAGENET_MEAN[2] * 255],
    std: [IMAGENET_STD[0] * 255, IMAGENET_STD[1] * 255, IMAGENET_STD[2] * 255],
    resize: "cv2-linear",
  },
  crop: { kind: "margin", fraction: 0.5 },
  faces: "largest",
  faceRule: "max",
  output: { kind: "probability" },
  videoRule: "mean",
  failScore: null,
  clip: { sampling: { kind: "stride", stride: 1 }, box: "union", short: "reflect" },
  differences: [
    {
      what: "The clip is cropped from the union of its frames' boxes (widened by half their " +
        "size, clipped) and resized to 224x224, without FTCN's 5-point landmark alignment.",
      why: "dfrobust's locators give boxes, not landmarks; the union keeps FTCN's one geometry " +
        "per clip, so the face does not jitter between frames.",
    },
    {
      what: "Faces are linked across frames by rank (largest first), not by FTCN's SORT tracks; " +
        "a clip needs a face on every frame.",
      why: "The same face wins on every frame of ordinary footage; tracking is left to the " +
        "locator.",
    },
    {
      what: "A video shorter than 32 frames gives one clip, mirrored at its end only; FTCN pads " +
        "a short track on both sides and slides the window over it.",
      why: "One clip per short video keeps every clip's frames recorded as one run.",
    },
  ],
};

/** The presets by name. */
export const PRESETS: Readonly<Record<string, DetectorSpec>> = {
  xception: XCEPTION,
  capsule: CAPSULE,
  sbi: SBI,
  mesonet: MESONET,
  mesoinception: MESOINCEPTION,
  demo: DEMO,
  ftcn: FTCN,
  lipforensics: LIPFORENSICS,
};

/** Names of the known presets, for help texts and error messages. */
export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);

/** The preset called `name`, or undefined when there is none. Returns the shared record: copy before changing it. */
export function getPreset(name: string): DetectorSpec | undefined {
  return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}
