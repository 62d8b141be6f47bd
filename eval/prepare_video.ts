/**
 * Preparing one video for inference: sample its frames, locate faces, and apply the detector's
 * crop rule and face selection; each chosen face waits with its frame and crop, and is
 * preprocessed straight into its batch (eval/score_batch.ts). Failures become rows, never
 * rejections (a video that cannot be decoded or located is one `video_error` row, a frame without
 * a face a `no_face` row), each message on stderr naming the file. A video with a frame over the
 * run's limits (more face boxes than `facesPerFrame`, a crop longer than `cropSide` x the frame;
 * eval/limit_checks.ts) is one `video_error` row naming the video, the boxes' source and the limit,
 * checked before any of its faces is cropped. Internal to `eval/`.
 * @module
 */
import type { DatasetEntry } from "../dataset/manifest.ts";
import { type FaceBox, locatorConfidence } from "../faces/box.ts";
import {
  applyFaceMinimums,
  type FaceMinimums,
  minimumsText,
  NO_FACE_MINIMUMS,
} from "../faces/minimums.ts";
import type { RgbFrame } from "../image/frame.ts";
import type { CropBox } from "../image/resize.ts";
import type { ClipStep } from "../detectors/clip_preprocess.ts";
import type { FaceLocator } from "../faces/locator.ts";
import type { SampledFrames } from "../media/frames.ts";
import type { ScoreRow } from "../store/schema.ts";
import { logLine } from "../util/progress.ts";
import type { EvalCopy } from "./copies.ts";
import type { EvalParts } from "./parts.ts";
import { type BaseRow, rowOf } from "./rows.ts";
import { videoGeometry } from "./video_geometry.ts";
import { frameLimitProblem } from "./limit_checks.ts";
import { sourceBox } from "./source_box.ts";

/** A face waiting for inference; `row` gets the score. */
export interface PendingFace {
  /** Its row, status `pending` until scored. */
  row: ScoreRow;
  /** The video file, for messages. */
  path: string;
  /** The frame it is in. */
  frame: RgbFrame;
  /** Its box, as located. */
  box: FaceBox;
  /** The crop the detector's crop rule takes for it (`EvalParts.cropOf`), in frame pixels. */
  crop: CropBox;
  /**
   * A clip detector's face: the clip's T frames and the crop of each, in time order
   * (eval/prepare_clips.ts); `frame`, `box` and `crop` are then its first step's.
   */
  clip?: ClipStep[];
}

/** One video, decoded, located and preprocessed, waiting for inference. */
export interface PreparedVideo {
  /** The video. */
  video: DatasetEntry;
  /** Every row of the video, the faces' included (their scores come later). */
  rows: ScoreRow[];
  /** The faces to score. */
  faces: PendingFace[];
}

/** What preparing a video of one copy needs. */
export interface VideoContext {
  /** The copy whose videos are prepared. */
  copy: EvalCopy;
  /** The fields the copy's rows share. */
  base: BaseRow;
  /** The run's detector parts (crop rule and face selection). */
  parts: EvalParts;
  /** The sampled frames of one of the copy's videos (eval/frame_groups.ts decodes a few at once). */
  frames: (video: DatasetEntry) => Promise<SampledFrames>;
  /** The copy's face locator (`parts.locatorFor(copy)`). */
  locator: FaceLocator;
  /**
   * The run's minimum locator confidence and face size (faces/minimums.ts): faces below them are
   * dropped before the face rule chooses, and counted per frame (`faces_dropped`). Default none.
   */
  minimums?: FaceMinimums;
}

/**
 * Decodes, locates and preprocesses one video. Never rejects: failures become rows (a video
 * that cannot be decoded is one `video_error` row, with the message on stderr).
 */
export async function prepareVideo(
  video: DatasetEntry,
  context: VideoContext,
): Promise<PreparedVideo> {
  const prepared: PreparedVideo = { video, rows: [], faces: [] };
  const videoError = (error: unknown) => {
    const message = errorMessage(error, video.path);
    logLine(`warning: ${message}`);
    prepared.rows = [
      rowOf(context.base, {
        video,
        frame_index: -1,
        status: "video_error",
        error: message,
      }),
    ];
    prepared.faces = [];
    return prepared;
  };
  let sampled;
  try {
    sampled = await context.frames(video);
  } catch (error) {
    return videoError(error);
  }
  const sight = await locateSampled(video, sampled, context, prepared);
  if (sight instanceof Error) return videoError(sight);
  const { indices, frames, located, geometry } = sight;
  const minimums = context.minimums ?? NO_FACE_MINIMUMS;
  for (let k = 0; k < indices.length; k++) {
    const frameIndex = indices[k];
    const frame = frames[k];
    // Over a limit, the video is refused before any face is cropped (its cost is unbounded).
    const tooMany = frameLimitProblem(
      frameIndex,
      frame,
      located[k].length,
      [],
      context.parts.limits,
      context.parts.boxSource(context.copy),
    );
    if (tooMany !== null) return videoError(new Error(`"${video.path}": ${tooMany}`));
    // The run's minimums first (faces/minimums.ts): a face below them is no face, and counted.
    const { kept, dropped } = applyFaceMinimums(located[k], minimums);
    // The crop rule is applied to each box as located; a box that gives no crop (no pixel of it
    // in the frame) is no face, never a crop of negative size.
    const inFrame = kept.filter((box) => context.parts.cropOf(frame, box) !== null);
    const chosen = context.parts.selectFaces(inFrame, frame);
    const crops = chosen.map((box) => context.parts.cropOf(frame, box)!);
    const tooLarge = frameLimitProblem(
      frameIndex,
      frame,
      located[k].length,
      crops,
      context.parts.limits,
      context.parts.boxSource(context.copy),
    );
    if (tooLarge !== null) return videoError(new Error(`"${video.path}": ${tooLarge}`));
    if (chosen.length === 0) {
      const outside = kept.length;
      const reasons = [
        ...(dropped === 0 ? [] : [
          `${dropped === 1 ? "1 face box is" : `${dropped} face boxes are`} below the run's ` +
          `minimum ${minimumsText(minimums)}`,
        ]),
        ...(outside === 0 ? [] : [
          `${outside === 1 ? "the face box lies" : `all ${outside} face boxes lie`} ` +
          `outside the ${frame.width}x${frame.height} frame`,
        ]),
      ];
      prepared.rows.push(rowOf(context.base, {
        video,
        frame_index: frameIndex,
        status: "no_face",
        error: reasons.length === 0 ? null : reasons.join("; "),
        faces_dropped: dropped,
      }));
      continue;
    }
    for (let i = 0; i < chosen.length; i++) {
      const box = chosen[i];
      const crop = crops[i];
      const faceRow = rowOf(context.base, {
        video,
        frame_index: frameIndex,
        face_index: i,
        ...pendingFaceFields(box, crop, sourceBox(box, geometry, context.copy.geometry, frame)),
        faces_dropped: dropped,
      });
      prepared.rows.push(faceRow);
      prepared.faces.push({ row: faceRow, path: video.path, frame, box, crop });
    }
  }
  return prepared;
}

/**
 * The fields of a located face's row waiting for its score (frame and clip detectors alike): the
 * box as located, the crop the model sees, the locator's confidence and the box in the Unaltered
 * copy's pixels (eval/source_box.ts).
 */
export function pendingFaceFields(
  box: FaceBox,
  crop: CropBox,
  source: { x: number; y: number; w: number; h: number },
) {
  return {
    box_x: box.x,
    box_y: box.y,
    box_w: box.w,
    box_h: box.h,
    crop_x: crop.x,
    crop_y: crop.y,
    crop_w: crop.w,
    crop_h: crop.h,
    status: "pending" as const,
    face_score: locatorConfidence(box),
    source_x: source.x,
    source_y: source.y,
    source_w: source.w,
    source_h: source.h,
  };
}

/** The distinct sampled frames of a video and the faces located in each (see locateSampled). */
export interface LocatedSample {
  /** Distinct frame indices, in order. */
  indices: number[];
  /** The frame of each index. */
  frames: RgbFrame[];
  /** Boxes as the locator gives them per frame, in the copy's pixels: not clipped or selected. */
  located: FaceBox[][];
  /** How given boxes (sidecar, reference) reach these frames (eval/video_geometry.ts). */
  geometry: ReturnType<typeof videoGeometry>;
}

/**
 * Locates the faces of a video's sampled frames, the one step frame and clip detectors share:
 * each distinct index once (a short video repeats indices, numpy's linspace), boxes through the
 * copy's geometry, and a box warning (sidecar boxes outside the displayed frame) pushed to
 * `prepared.rows` as its own row (it changes no score). Returns the Error of a failed locate
 * (the caller makes it the video's `video_error` row).
 */
export async function locateSampled(
  video: DatasetEntry,
  sampled: SampledFrames,
  context: VideoContext,
  prepared: PreparedVideo,
): Promise<LocatedSample | Error> {
  const indices = [...new Set(sampled.indices)];
  const frames: RgbFrame[] = indices.map((index) => ({
    data: sampled.frames[sampled.indices.indexOf(index)],
    width: sampled.width,
    height: sampled.height,
  }));
  let located: FaceBox[][];
  let geometry;
  try {
    geometry = videoGeometry(context.copy, video.id, sampled.info);
    located = await context.locator.locate(video.id, frames, indices, {
      geometry: geometry ?? undefined,
    });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const warning = context.parts.faceWarning(context.copy, video, {
    width: sampled.width,
    height: sampled.height,
    geometry,
  });
  if (warning !== null) {
    prepared.rows.push(
      rowOf(context.base, { video, frame_index: -1, status: "warning", error: warning }),
    );
  }
  return { indices, frames, located, geometry };
}

/** The message of `error`, naming `path` when it does not already. */
export function errorMessage(error: unknown, path: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.includes(path) ? message : `"${path}": ${message}`;
}
