/**
 * ffprobe's own view of a file's first video stream: the independent oracle the codec, platform
 * and platform-fit suites check distort's outputs against (native ffprobe, not dfrobust's probe).
 * @module
 */

/** What ffprobe reports of the stream. */
export interface ProbedStream {
  codec: string;
  /** H.264/HEVC profile as ffprobe names it (`Main`, `High`). */
  profile: string;
  width: number;
  height: number;
  pixFmt: string;
  /** `has_b_frames` (the reorder depth: 0 without B-frames). */
  bFrames: number;
  /** Decoded frames (`nb_read_frames`); NaN unless `countFrames`. */
  frames: number;
  /** `r_frame_rate`, e.g. `25/1`. */
  rate: string;
  /** The stream's bit rate as the container states it, bit/s (NaN when it states none). */
  bitRate: number;
}

/**
 * Runs ffprobe on `path`. `countFrames` (default true) decodes every frame to count them.
 * @throws {Error} with ffprobe's stderr when it fails.
 */
export async function probeStream(
  path: string,
  { countFrames = true }: { countFrames?: boolean } = {},
): Promise<ProbedStream> {
  const out = await new Deno.Command("ffprobe", {
    args: [
      ...["-v", "error", ...(countFrames ? ["-count_frames"] : []), "-select_streams", "v:0"],
      ...["-of", "json", "-show_entries", "stream", path],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`ffprobe ${path} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const s = JSON.parse(new TextDecoder().decode(out.stdout)).streams[0];
  return {
    codec: s.codec_name,
    profile: s.profile,
    width: s.width,
    height: s.height,
    pixFmt: s.pix_fmt,
    bFrames: Number(s.has_b_frames),
    frames: Number(s.nb_read_frames),
    rate: s.r_frame_rate,
    bitRate: Number(s.bit_rate),
  };
}
