/**
 * What a Table I cell is made of, beside `n`: the share of sampled frames in which a face was
 * scored, over the videos behind the cell's AUC. A face detector that loses the face (UltraFace
 * on a `vflip` copy) shows here, so a drop is not blamed on the classifier alone. Definition
 * (docs/metrics.md, "Face share"):
 *
 * - numerator `framesWithFace`: sampled frames with at least one `ok` face score;
 * - denominator `framesRead`: sampled frames that were read;
 * - over `videos`: the videos whose scores the cell's AUC ranks (the run's paired set by
 *   default, as `n`), fail-score videos included (their frames count, none with a face).
 *
 * Those videos were wholly read (a video with an unread frame is left out of the AUC and listed
 * with its reason), so there are no decode failures in the denominator.
 * @module
 */

/** The face share of one cell. */
export interface FaceShare {
  /** Sampled frames with at least one `ok` face score. */
  framesWithFace: number;
  /** Sampled frames that were read, of the same videos. */
  framesRead: number;
  /** Videos behind the frames: those the cell's AUC ranks. */
  videos: number;
  /** `framesWithFace / framesRead` in [0, 1]; null when no frame was read. */
  share: number | null;
}

/** The frame counts of one video, as `VideoScore` carries them. */
export interface VideoFrames {
  /** Sampled frames with at least one `ok` face score. */
  scoredFrames: number;
  /** Sampled frames that were read; a video without it adds no frame read. */
  sampledFrames?: number;
}

/**
 * The face share of the videos behind one cell (each video once). A video without
 * `sampledFrames` (a hand-made record) counts its scored frames as read.
 */
export function faceShare(videos: readonly VideoFrames[]): FaceShare {
  let framesWithFace = 0;
  let framesRead = 0;
  for (const v of videos) {
    framesWithFace += v.scoredFrames;
    framesRead += v.sampledFrames ?? v.scoredFrames;
  }
  return {
    framesWithFace,
    framesRead,
    videos: videos.length,
    share: framesRead === 0 ? null : framesWithFace / framesRead,
  };
}

/**
 * The face share in words, as every format prints it: `face 80/192 frames (42%), 6 videos`
 * (the percentage rounded to a whole number; `face 0/0 frames, 0 videos` when none was read).
 *
 * @example
 * ```ts
 * import { faceShareText } from "./face_share.ts";
 * faceShareText({ framesWithFace: 80, framesRead: 192, videos: 6, share: 80 / 192 });
 * // "face 80/192 frames (42%), 6 videos"
 * ```
 */
export function faceShareText(share: FaceShare): string {
  const percent = share.share === null ? "" : ` (${Math.round(share.share * 100)}%)`;
  return `face ${share.framesWithFace}/${share.framesRead} frames${percent}, ` +
    `${share.videos} video${share.videos === 1 ? "" : "s"}`;
}
