/**
 * The probe both ffmpeg backends run (internal; not re-exported from mod.ts): the ffprobe
 * arguments and the reading of ffprobe's JSON into a {@link VideoInfo}.
 * @module
 */
import type { FrameSegment, VideoInfo } from "./ffmpeg_types.ts";
import { FfmpegError } from "./ffmpeg_error.ts";
import {
  decoderPixelCap,
  frameCountProblem,
  type FrameLimits,
  frameSizeProblem,
  oversizeFromLog,
} from "./frame_limits.ts";
import {
  formatRefusal,
  inputGuardOptions,
  isAcceptedFormat,
  refusedFormatFromLog,
} from "./input_formats.ts";

/**
 * Arguments for ffprobe (or wasm's ffprobe) that print what {@link _videoInfoFromProbe} reads.
 * `-count_frames` decodes every stream once and reports `nb_read_frames`, the frames a decoder
 * returns: a stream cut inside a GOP (frames before the first key frame reference a picture
 * that is not there) or with edit-list discards has fewer frames than packets, and the
 * container's `nb_frames` and a packet count over-count it. The cost is one full decode of the
 * file per probe (about as long as decoding it for sampling; audio streams are decoded too, which
 * is cheap next to video). The same pass lists each decoded frame's stream, size and pixel format
 * (`-show_entries frame=...`, a few dozen bytes of JSON per frame, about 8% more time), from
 * which the video's {@link FrameSegment}s are read.
 *
 * The input is held to the accepted containers (media/input_formats.ts), its decoders may not
 * allocate a frame much larger than `limits` allow (`-max_pixels`, media/frame_limits.ts), and
 * reading stops after {@link _packetCap} packets (`-read_intervals %+#N`, counted with
 * `-count_packets`), so a tiny file that claims millions of frames costs a bounded amount of
 * memory before {@link _videoInfoFromProbe} refuses it.
 */
export function _probeArgs(input: string, limits: FrameLimits): string[] {
  return [
    "-hide_banner",
    "-loglevel",
    "error",
    ...inputGuardOptions(),
    "-max_pixels",
    String(decoderPixelCap(limits)),
    "-read_intervals",
    `%+#${_packetCap(limits)}`,
    "-count_packets",
    "-count_frames",
    "-show_streams",
    "-show_format",
    "-show_entries",
    "frame=stream_index,width,height,pix_fmt",
    "-of",
    "json",
    input,
  ];
}

/**
 * Packets (of all streams together) a probe reads at most: four per allowed video frame, room
 * for the audio (AAC at 48 kHz is about 1.9 packets per frame at 25 fps), subtitle and data
 * packets beside the video.
 */
export function _packetCap(limits: Pick<FrameLimits, "videoFrames">): number {
  return limits.videoFrames * 4;
}

/**
 * The refusal ffprobe's `log` tells of, naming `file`: a format not on the allow-list, or a frame
 * larger than the decoder may allocate; null when it tells of neither.
 */
export function _probeLogRefusal(
  file: string,
  log: string,
  limits: FrameLimits,
): FfmpegError | null {
  const format = refusedFormatFromLog(log);
  if (format) return new FfmpegError(file, formatRefusal(format), { action: "probe" });
  const oversize = oversizeFromLog(log);
  if (oversize) {
    const reason = frameSizeProblem(oversize.width, oversize.height, limits) ??
      `a frame of ${oversize.width}x${oversize.height} is larger than its decoder may allocate`;
    return new FfmpegError(file, reason, { action: "probe" });
  }
  return null;
}

interface ProbeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  coded_width?: number;
  coded_height?: number;
  pix_fmt?: string;
  profile?: string;
  bit_rate?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  nb_read_frames?: string;
  nb_read_packets?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
  disposition?: { attached_pic?: number };
}

interface ProbeFrame {
  stream_index?: number;
  width?: number;
  height?: number;
  pix_fmt?: string;
}

/**
 * "The video stream" of a file, the one definition every job uses (its `index` becomes
 * `VideoInfo.streamIndex`): among the video streams that are not attached pictures (cover art,
 * `disposition.attached_pic`), the one with the most decoded frames, the first of those on a tie.
 * So a cover listed before the video is skipped whatever the order of the streams, and so is a
 * cover the container stores as a one-frame video track (Matroska files written with
 * `-disposition attached_pic` read back that way).
 */
function theVideoStream(streams: readonly ProbeStream[]): ProbeStream | undefined {
  let best: ProbeStream | undefined;
  for (const s of streams) {
    if (s.codec_type !== "video" || s.disposition?.attached_pic) continue;
    if (!best || (positive(s.nb_read_frames) ?? 0) > (positive(best.nb_read_frames) ?? 0)) best = s;
  }
  return best;
}

/**
 * Turns ffprobe's JSON (from {@link _probeArgs}) into a {@link VideoInfo}; the frame count is the
 * video stream's `nb_read_frames`.
 * @throws {FfmpegError} (action `probe`) when the format is not an accepted container, there is
 *   no video stream, the decoder returns no frame of it, a frame is over `limits`' size, or the
 *   video has more frames than `limits` allow (or the probe stopped at {@link _packetCap}).
 */
export function _videoInfoFromProbe(file: string, json: string, limits: FrameLimits): VideoInfo {
  let parsed: {
    streams?: ProbeStream[];
    frames?: ProbeFrame[];
    format?: { duration?: string; format_name?: string };
  };
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new FfmpegError(file, "ffprobe printed no readable JSON", { action: "probe", cause });
  }
  const formatName = parsed.format?.format_name;
  if (formatName !== undefined && !isAcceptedFormat(formatName)) {
    throw new FfmpegError(file, formatRefusal(formatName.split(",")[0]), { action: "probe" });
  }
  const streams = parsed.streams ?? [];
  for (const s of streams) {
    if (s.codec_type !== "video" || !s.width || !s.height) continue;
    const problem = frameSizeProblem(s.width, s.height, limits);
    if (problem) throw new FfmpegError(file, problem, { action: "probe" });
  }
  const packets = streams.reduce((n, s) => n + (positive(s.nb_read_packets) ?? 0), 0);
  const video = theVideoStream(streams);
  if (!video || typeof video.index !== "number" || !video.width || !video.height) {
    throw new FfmpegError(file, "no video stream in the file", { action: "probe" });
  }
  const fpsFraction =
    [video.avg_frame_rate, video.r_frame_rate].find((f) => fractionValue(f) > 0) ??
      "0/1";
  const fps = fractionValue(fpsFraction);
  const duration = positive(parsed.format?.duration) ?? positive(video.duration);
  // The frames a decoder returns; never the container's nb_frames or a packet count. ffprobe
  // leaves nb_read_frames out when it read none.
  const counted = positive(video.nb_read_frames);
  if (!counted) {
    throw new FfmpegError(file, "the video stream has no frames a decoder returns", {
      action: "probe",
    });
  }
  const tooMany = frameCountProblem(counted, limits) ??
    (packets >= _packetCap(limits) ? frameCountProblem(limits.videoFrames + 1, limits) : null);
  if (tooMany) throw new FfmpegError(file, tooMany, { action: "probe" });
  const rotation = rotationOf(video);
  const segments = segmentsOf(parsed.frames ?? [], video, rotation, counted);
  for (const s of segments) {
    const problem = frameSizeProblem(s.codedWidth, s.codedHeight, limits);
    if (problem) throw new FfmpegError(file, problem, { action: "probe" });
  }
  const [first] = segments;
  return {
    streamIndex: video.index,
    width: first.width,
    height: first.height,
    segments,
    fps,
    fpsFraction,
    frameCount: counted,
    durationSeconds: duration ?? (fps > 0 ? counted / fps : 0),
    codec: video.codec_name ?? "unknown",
    pixFmt: first.pixFmt,
    hasAudio: streams.some((s) => s.codec_type === "audio"),
    rotation,
    codedWidth: first.codedWidth,
    codedHeight: first.codedHeight,
    // Stated by the container (MP4: the track's bytes over its duration); Matroska states none.
    ...(positive(video.bit_rate) !== undefined ? { bitRate: positive(video.bit_rate) } : {}),
    ...(video.profile ? { profile: video.profile } : {}),
  };
}

/**
 * The video stream's decoded frames as runs of one size and pixel format. Without a frame list
 * (an ffprobe that printed none) one run of the stream's size covers all `frameCount` frames.
 */
function segmentsOf(
  frames: readonly ProbeFrame[],
  video: ProbeStream,
  rotation: number,
  frameCount: number,
): FrameSegment[] {
  const swap = rotation === 90 || rotation === 270;
  const segment = (start: number, w: number, h: number, pixFmt: string): FrameSegment => ({
    start,
    width: swap ? h : w,
    height: swap ? w : h,
    codedWidth: w,
    codedHeight: h,
    pixFmt,
  });
  const segments: FrameSegment[] = [];
  let n = 0;
  for (const frame of frames) {
    if (frame.stream_index !== video.index) continue;
    const { width, height } = frame;
    const pixFmt = frame.pix_fmt ?? "unknown";
    if (!width || !height) {
      n++;
      continue;
    }
    const last = segments.at(-1);
    if (
      !last || last.codedWidth !== width || last.codedHeight !== height || last.pixFmt !== pixFmt
    ) segments.push(segment(n, width, height, pixFmt));
    n++;
  }
  if (segments.length === 0 || segments[0].start !== 0 || n !== frameCount) {
    // No usable frame list: the stream's own size for every frame.
    return [segment(0, video.width!, video.height!, video.pix_fmt ?? "unknown")];
  }
  return segments;
}

function fractionValue(fraction: string | undefined): number {
  if (!fraction) return 0;
  const [num, den] = fraction.split("/").map(Number);
  const value = den === undefined ? num : num / den;
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function rotationOf(stream: ProbeStream): number {
  // ffmpeg 5.x reports rotation as display-matrix side data (counter-clockwise, negative for
  // a clockwise "rotate" tag); older files may only carry the tag.
  const side = stream.side_data_list?.find((d) => typeof d.rotation === "number")?.rotation;
  const degrees = side !== undefined ? -side : Number(stream.tags?.rotate ?? 0);
  return ((Math.round(degrees / 90) * 90) % 360 + 360) % 360;
}
