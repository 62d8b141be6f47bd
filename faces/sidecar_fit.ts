/**
 * Do a video's sidecar boxes fit its displayed frame? Sidecar boxes are in the source video's
 * *displayed* orientation (rotation metadata applied, as every decoder here returns frames);
 * boxes exported by a reader that ignores rotation (OpenCV before 4.5, decord) are in the coded
 * orientation and land on the wrong region of a rotated video without any error. This check
 * finds such a video so eval can warn; it changes no box and no score.
 *
 * Rule (docs/detectors.md, "Face sidecars"): a box lies *outside* a frame when its centre does;
 * a video's boxes *do not fit* when more than half of them (boxes of zero area not counted) lie
 * outside its displayed frame. A face at the frame's edge has its box stick out (awkward b06: a
 * box may, by the sidecar contract) but its centre in: only boxes placed for another frame move
 * their centres out. When more than half of them would lie inside the frame with width and
 * height swapped, they look like the coded (unrotated) orientation of a rotated video.
 * @module
 */

/** How a video's boxes sit in its displayed frame, from {@link sidecarFit}. */
export interface SidecarFit {
  /** Boxes with a positive area (the others are not counted). */
  boxes: number;
  /** Boxes whose centre lies outside the displayed frame. */
  outside: number;
  /** Boxes whose centre lies inside the frame with width and height swapped. */
  fitSwapped: number;
  /** More than half of `boxes` lie outside the displayed frame. */
  misfit: boolean;
  /** `misfit`, the frame is not square, and more than half would fit the swapped frame. */
  looksCoded: boolean;
}

/**
 * How the boxes `[x, y, w, h(, score)]` (source pixels) sit in a `width` x `height` displayed
 * frame (pixels, > 0). Throws a RangeError for a frame size that is not positive.
 */
export function sidecarFit(
  boxes: readonly (readonly number[])[],
  width: number,
  height: number,
): SidecarFit {
  if (!(width > 0 && height > 0)) {
    throw new RangeError(`sidecarFit: frame size must be positive, got ${width}x${height}`);
  }
  let counted = 0;
  let outside = 0;
  let fitSwapped = 0;
  for (const [x, y, w, h] of boxes) {
    const area = w * h;
    if (!(area > 0)) continue;
    counted++;
    if (!centreInside(x, y, w, h, width, height)) outside++;
    if (centreInside(x, y, w, h, height, width)) fitSwapped++;
  }
  const misfit = outside * 2 > counted;
  return {
    boxes: counted,
    outside,
    fitSwapped,
    misfit,
    looksCoded: misfit && width !== height && fitSwapped * 2 > counted,
  };
}

/** What {@link sidecarFitWarning} names. */
export interface SidecarFitWarningOptions {
  /** The video's id in the sidecar. */
  videoId: string;
  /** The video's file. */
  videoPath: string;
  /** The sidecar file. */
  sidecar: string;
  /** Displayed (rotation applied) width of the source video, pixels. */
  width: number;
  /** Displayed height of the source video, pixels. */
  height: number;
}

/**
 * The warning for a video whose sidecar boxes do not fit its displayed frame (see
 * {@link sidecarFit}), naming the video, its file and the sidecar, or null when they fit (or
 * the video has no box). Throws a RangeError for a frame size that is not positive.
 */
export function sidecarFitWarning(
  boxes: readonly (readonly number[])[],
  options: SidecarFitWarningOptions,
): string | null {
  const { width, height } = options;
  const fit = sidecarFit(boxes, width, height);
  if (!fit.misfit) return null;
  const what = `Face sidecar "${options.sidecar}": ${fit.outside} of ${fit.boxes} boxes of ` +
    `video "${options.videoId}" ("${options.videoPath}") lie outside its displayed ` +
    `${width}x${height} frame (their centres outside it)`;
  const why = fit.looksCoded
    ? `; ${fit.fitSwapped} would fit a ${height}x${width} frame: the boxes look like the coded ` +
      `(unrotated) orientation of a rotated video`
    : "";
  return `${what}${why}. Sidecar boxes must be in the displayed orientation (rotation metadata ` +
    `applied, as ffmpeg and OpenCV >= 4.5 decode): export them again from upright frames. The ` +
    `faces are scored as given.`;
}

// Whether the box's centre lies in a frame of the given size (edges included).
function centreInside(
  x: number,
  y: number,
  w: number,
  h: number,
  width: number,
  height: number,
): boolean {
  const cx = x + w / 2;
  const cy = y + h / 2;
  return cx >= 0 && cx <= width && cy >= 0 && cy <= height;
}
