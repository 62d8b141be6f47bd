/**
 * The one definition of "the video" of a file for every ffmpeg job that reads it (frame
 * sampling, distort's filter graphs): which stream, how the input is opened, and how frames of
 * other sizes are brought to the video's one size.
 *
 * - **Which stream:** `VideoInfo.streamIndex`, the first video stream that is not an attached
 *   picture (cover art), as the probe found it; mapped by absolute index (`0:<index>`), never by
 *   `0:v` / `v:0` (which take a cover art listed first).
 * - **One frame numbering:** the input is opened with `-reinit_filter 0`, so a mid-stream change
 *   of frame size or pixel format does not rebuild the filter graph: `select`'s `n` counts the
 *   frames the decoder returns (a rebuilt graph starts counting from 0 again) and `noise`'s
 *   temporal pattern runs on.
 * - **One size:** when the probe found more than one {@link FrameSegment}, every frame is scaled
 *   (bicubic, each axis on its own: no padding, the aspect ratio of a later segment is not kept) to
 *   the first frame's size and pixel format before anything else sees it ({@link normaliseFilter}).
 *   A video of one size gets no such filter, so its graphs are what they always were.
 * - **What may be opened:** only the accepted containers from the local file system
 *   (media/input_formats.ts), and its decoder may allocate no frame much larger than the probe
 *   found (`-max_pixels`, media/frame_limits.ts): a file that changed into a playlist or a larger
 *   video since its probe is refused, not read.
 * - **Rotation:** ffmpeg's autorotate puts its `transpose` in front of the graph, where it would
 *   see frames of the changed size; a rotated video with size changes is therefore opened with
 *   `-noautorotate` and rotated after the normalising scale (`transpose=clock` for 90 degrees,
 *   `hflip,vflip` for 180, `transpose=cclock` for 270: what autorotate inserts).
 * @module
 */
import type { FrameSegment, VideoInfo } from "./ffmpeg_types.ts";
import { decoderPixelCapOf } from "./frame_limits.ts";
import { inputGuardOptions } from "./input_formats.ts";

export type { FrameSegment };

/** The probe facts these functions read. */
export type VideoStreamFacts = Pick<VideoInfo, "streamIndex" | "segments" | "rotation">;

/** True when the video's frames change size or pixel format mid-stream. */
export function hasSizeChanges(info: Pick<VideoInfo, "segments">): boolean {
  return (info.segments?.length ?? 1) > 1;
}

/**
 * Input options for a job reading `info`'s video, to put right before its `-i`: the accepted
 * containers and the `file` protocol only (`inputGuardOptions()`), `-max_pixels` of the largest
 * frame the probe found plus alignment room (`decoderPixelCapOf`), `-reinit_filter 0`, plus
 * `-noautorotate` for a rotated video with size changes (rotated by {@link normaliseFilter}
 * instead).
 */
export function videoInputOptions(info: VideoStreamFacts): string[] {
  return [
    ...inputGuardOptions(),
    "-max_pixels",
    String(decoderPixelCapOf(info.segments)),
    "-reinit_filter",
    "0",
    ...(ownRotation(info) ? ["-noautorotate"] : []),
  ];
}

/**
 * The stream specifier of the video of input number `input` (0-based): `<input>:<streamIndex>`,
 * for `-map` and as a filter graph label (`[0:1]`).
 */
export function videoStreamSpecifier(info: Pick<VideoInfo, "streamIndex">, input = 0): string {
  return `${input}:${info.streamIndex}`;
}

/**
 * The filter that brings every frame of `info`'s video to its first frame's size and pixel format
 * (and rotates it when {@link videoInputOptions} turned autorotate off), with the scaler `flags`
 * given (e.g. `bicubic`); null for a video of one size and format (nothing to do).
 * `format` overrides the pixel format the frames end in (the sampler asks for `rgb24`).
 */
export function normaliseFilter(
  info: VideoStreamFacts,
  flags: string,
  format?: string,
): string | null {
  if (!hasSizeChanges(info)) return null;
  const [first] = info.segments;
  const rotate = ownRotation(info) ? ROTATION_FILTERS[info.rotation] : null;
  const pixFmt = format ?? (first.pixFmt === "unknown" ? null : first.pixFmt);
  return [
    `scale=w=${first.codedWidth}:h=${first.codedHeight}:flags=${flags}`,
    ...(pixFmt ? [`format=${pixFmt}`] : []),
    ...(rotate ? [rotate] : []),
  ].join(",");
}

/** What ffmpeg's autorotate inserts for a rotation without a mirror (ffmpeg 5.1, 6, 7). */
const ROTATION_FILTERS: Record<number, string> = {
  90: "transpose=clock",
  180: "hflip,vflip",
  270: "transpose=cclock",
};

function ownRotation(info: VideoStreamFacts): boolean {
  return hasSizeChanges(info) && info.rotation in ROTATION_FILTERS;
}
