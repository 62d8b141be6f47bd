/**
 * Preparing one video for a clip detector: its clips (media/clips.ts: T consecutive decoded
 * frames each, placed by the spec's `clip.sampling`) are decoded once (every distinct frame of
 * every clip, in one `select`), faces are located on each of those frames, and each clip's face
 * gets one box per frame by the spec's `clip.box` rule; each clip x face waits, with its T frames
 * and crops, to be preprocessed straight into its batch (eval/score_batch.ts). One row per
 * video x clip x face: `frame_index` = `clip_start` (its first frame), `clip_end` its last, box
 * and crop those of its first frame (for `first` and `union`, the clip's one box and crop).
 *
 * The rules for missing frames (docs/detectors.md, "Clip detectors"), never a shorter clip:
 * - a video with fewer decoded frames than one clip: `clip.short` `leave-out` gives one
 *   `short_video` row (frame -1; the video is left out), `reflect` one clip of mirrored indices;
 * - faces are linked across the clip's frames by rank in the face order: face i of a clip exists
 *   when every frame of the clip has an i-th face (`per-frame`, `union`), or its first frame has
 *   (`first`, whose box serves every frame); a clip without face 0 is one `no_face` row whose
 *   `error` names the frames without a face.
 * Failures become rows, never rejections, as in eval/prepare_video.ts. Internal to `eval/`.
 * @module
 */
import type { DatasetEntry } from "../dataset/manifest.ts";
import type { ClipStep } from "../detectors/clip_preprocess.ts";
import { type ClipBoxRule, SMOOTHING_WINDOW } from "../detectors/spec.ts";
import type { FaceBox } from "../faces/box.ts";
import { applyFaceMinimums, NO_FACE_MINIMUMS } from "../faces/minimums.ts";
import { smoothedBoxes } from "../faces/smooth.ts";
import type { RgbFrame } from "../image/frame.ts";
import { clipPlan, type ClipWindow } from "../media/clips.ts";
import { logLine } from "../util/progress.ts";
import { frameLimitProblem } from "./limit_checks.ts";
import {
  errorMessage,
  locateSampled,
  pendingFaceFields,
  type PreparedVideo,
  type VideoContext,
} from "./prepare_video.ts";
import { sourceBox } from "./source_box.ts";
import { rowOf } from "./rows.ts";

/** One decoded frame of a clip video and the faces the detector scores in it, in face order. */
interface LocatedFrame {
  frame: RgbFrame;
  faces: FaceBox[];
  /** Faces the run's minimums dropped on this frame. */
  dropped: number;
}

/**
 * Decodes, locates and prepares the clips of one video for the clip detector of
 * `context.parts.clip` (see the module doc). Never rejects.
 */
export async function prepareClipVideo(
  video: DatasetEntry,
  context: VideoContext,
): Promise<PreparedVideo> {
  const clip = context.parts.clip;
  if (clip === null) throw new Error("prepareClipVideo: the detector has no clip input");
  const prepared: PreparedVideo = { video, rows: [], faces: [] };
  const videoRow = (status: "video_error" | "short_video", message: string) => {
    logLine(`warning: ${message}`);
    prepared.rows = [rowOf(context.base, { video, frame_index: -1, status, error: message })];
    prepared.faces = [];
    return prepared;
  };
  const videoError = (error: unknown) => videoRow("video_error", errorMessage(error, video.path));
  let sampled;
  try {
    sampled = await context.frames(video);
  } catch (error) {
    return videoError(error);
  }
  // The same rule as the frames decoded (score_copy.ts picks them from it): the same clips.
  const plan = clipPlan(sampled.info.frameCount, clip.frames, clip.sampling, clip.short);
  if (plan.short !== null) {
    return videoRow(
      "short_video",
      `"${video.path}": ${plan.short}: left out (the detector's clip.short is "leave-out")`,
    );
  }
  const sight = await locateSampled(video, sampled, context, prepared);
  if (sight instanceof Error) return videoError(sight);
  const { indices, frames, located, geometry } = sight;
  // The run's face minimums (faces/minimums.ts) as for frame detectors: a face below them is no
  // face on its frame; a clip row counts the faces dropped over its frames.
  const minimums = context.minimums ?? NO_FACE_MINIMUMS;
  const byIndex = new Map<number, LocatedFrame>();
  for (let k = 0; k < indices.length; k++) {
    const frame = frames[k];
    const source = context.parts.boxSource(context.copy);
    const tooMany = frameLimitProblem(
      indices[k],
      frame,
      located[k].length,
      [],
      context.parts.limits,
      source,
    );
    if (tooMany !== null) return videoError(new Error(`"${video.path}": ${tooMany}`));
    const { kept, dropped } = applyFaceMinimums(located[k], minimums);
    const inFrame = kept.filter((box) => context.parts.cropOf(frame, box) !== null);
    byIndex.set(indices[k], { frame, faces: context.parts.selectFaces(inFrame, frame), dropped });
  }
  for (const window of plan.clips) {
    const steps = window.frames.map((i) => byIndex.get(i)!);
    const count = clip.box === "first"
      ? steps[0].faces.length
      : Math.min(...steps.map((s) => s.faces.length));
    const clipFields = {
      frame_index: window.start,
      clip_start: window.start,
      clip_end: window.end,
      faces_dropped: steps.reduce((sum, s) => sum + s.dropped, 0),
    };
    if (count === 0) {
      prepared.rows.push(rowOf(context.base, {
        video,
        ...clipFields,
        status: "no_face",
        error: faceless(window, steps, clip.box),
      }));
      continue;
    }
    for (let i = 0; i < count; i++) {
      const boxes = clipBoxes(steps.map((s) => s.faces), i, clip.box, clip.window);
      const clipSteps: ClipStep[] = [];
      for (let t = 0; t < steps.length; t++) {
        const crop = context.parts.cropOf(steps[t].frame, boxes[t]);
        // A union of boxes in the frame, or a box kept by the in-frame filter, always gives one.
        if (crop === null) break;
        clipSteps.push({ frame: steps[t].frame, crop });
      }
      if (clipSteps.length < steps.length) continue;
      const tooLarge = frameLimitProblem(
        window.start,
        steps[0].frame,
        steps[0].faces.length,
        clipSteps.map((s) => s.crop),
        context.parts.limits,
        context.parts.boxSource(context.copy),
      );
      if (tooLarge !== null) return videoError(new Error(`"${video.path}": ${tooLarge}`));
      const box = boxes[0];
      const crop = clipSteps[0].crop;
      const row = rowOf(context.base, {
        video,
        ...clipFields,
        face_index: i,
        ...pendingFaceFields(
          box,
          crop,
          sourceBox(box, geometry, context.copy.geometry, steps[0].frame),
        ),
      });
      prepared.rows.push(row);
      prepared.faces.push({
        row,
        path: video.path,
        frame: steps[0].frame,
        box,
        crop,
        clip: clipSteps,
      });
    }
  }
  return prepared;
}

/**
 * The box of face `i` on each step of a clip, by `rule` (each step has an i-th face; `window`
 * is the `smoothed` rule's).
 */
function clipBoxes(
  faces: FaceBox[][],
  i: number,
  rule: ClipBoxRule,
  window = SMOOTHING_WINDOW,
): FaceBox[] {
  if (rule === "per-frame") return faces.map((f) => f[i]);
  if (rule === "first") return faces.map(() => faces[0][i]);
  const boxes = faces.map((f) => f[i]);
  if (rule === "smoothed") return smoothedBoxes(boxes, window);
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.w));
  const y1 = Math.max(...boxes.map((b) => b.y + b.h));
  const score = Math.min(...boxes.map((b) => b.score));
  const union: FaceBox = { x: x0, y: y0, w: x1 - x0, h: y1 - y0, score };
  return boxes.map(() => union);
}

/** Why a clip has no face, naming its frames without one; null when none of them has a face. */
function faceless(window: ClipWindow, steps: LocatedFrame[], rule: ClipBoxRule): string | null {
  if (rule === "first") return null;
  const missing = [...new Set(window.frames.filter((_, t) => steps[t].faces.length === 0))];
  if (missing.length === new Set(window.frames).size) return null;
  const shown = missing.length <= 6 ? missing.join(", ") : `${missing.slice(0, 5).join(", ")}, ...`;
  return `clip ${window.start}-${window.end}: frame${missing.length === 1 ? "" : "s"} ${shown} ` +
    `without a face (a clip needs a face on every frame; rule "${rule}")`;
}
