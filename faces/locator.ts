/**
 * The one interface every face mode implements (UltraFace, sidecar, reference, full frame), so
 * the eval pipeline asks "where are the faces in these frames?" the same way whatever the mode.
 * @module
 */
import type { FaceBox } from "./box.ts";
import type { RgbFrame } from "../image/frame.ts";
import type { VideoGeometry } from "../ops/geometry.ts";

/** How faces are found: a detector, given boxes, the unaltered copy's boxes, or the whole frame. */
export type FaceMode = "ultraface" | "sidecar" | "full" | "reference";

/** The face modes, in --help order. */
export const FACE_MODES: readonly FaceMode[] = ["ultraface", "sidecar", "full", "reference"];

/** What a caller knows about one video's frames when it asks for their boxes. */
export interface LocateOptions {
  /**
   * The exact geometry of the video's source pixels into these frames, per run of frames of one
   * size (eval/video_geometry.ts: a copy manifest's record, or the probe of a video that is its
   * own source). The sidecar and reference modes map given boxes through it; a detector ignores it.
   */
  geometry?: VideoGeometry;
}

/** Finds face boxes in the sampled frames of one video. */
export interface FaceLocator {
  readonly mode: FaceMode;
  /**
   * Boxes for each frame (same order as `frames`), in the frame's pixels, largest-first order not
   * guaranteed (use `selectFaces`). An empty list means no face in that frame.
   * `indices` are the frames' indices in the video (sidecar and reference modes look them up).
   * Throws when the video cannot be located at all (e.g. missing from a sidecar).
   */
  locate(
    videoId: string,
    frames: readonly RgbFrame[],
    indices: readonly number[],
    options?: LocateOptions,
  ): Promise<FaceBox[][]>;
  /** Frees native resources (sessions); safe to call twice. */
  release(): Promise<void>;
}

/**
 * A locator that returns the whole frame as the one "face" of every frame (score 1, `unscored`:
 * no confidence was measured).
 */
export function fullFrameLocator(): FaceLocator {
  return {
    mode: "full",
    locate(_videoId, frames) {
      return Promise.resolve(
        frames.map((f) => [{ x: 0, y: 0, w: f.width, h: f.height, score: 1, unscored: true }]),
      );
    },
    release: () => Promise.resolve(),
  };
}
