/**
 * What ffmpeg may open when it reads a dataset's video or a copy: real media containers only,
 * from the local file system only (docs/security.md, "Containers ffmpeg may open"). ffmpeg picks
 * a demuxer by a file's content, whatever it is called, and some demuxers are indirections that
 * open other files named inside the file: an HLS or DASH playlist follows its segment paths
 * (absolute, `../`, `file:///`) to media anywhere on the machine, an `ffconcat` list does the
 * same, an image2 pattern reads a numbered series of files. A "video" that is one of those pulls
 * outside files into the copies and scores, while its SHA-256 covers only the list's text. Every
 * ffmpeg and ffprobe input that reads such a file therefore gets {@link inputGuardOptions}: a
 * format allow-list (ffmpeg refuses any other demuxer before it reads past the probe, and its
 * playlist and concat demuxers never run) and a protocol allow-list of `file` (no `http:`,
 * `data:`, `subfile:`, `concat:`... even from inside an allowed demuxer).
 * @module
 */

/** One demuxer ffmpeg may use on a dataset's file, and why it is on the list. */
export interface AcceptedFormat {
  /**
   * The demuxer's name as `-format_whitelist` matches it (one of the comma-separated names
   * ffprobe prints as `format_name`, e.g. `mov` for `mov,mp4,m4a,3gp,3g2,mj2`).
   */
  readonly demuxer: string;
  /** The file types it reads, for messages and docs. */
  readonly files: string;
  /** Why it is accepted (who uses it; that it opens no other file). */
  readonly why: string;
}

/**
 * The demuxers ffmpeg may use on a dataset's or a copy's file. Each reads one self-contained
 * file: none of them opens another file on its own (the mov demuxer's external data references
 * are off unless `-enable_drefs` is given, and dfrobust never gives it).
 */
export const ACCEPTED_FORMATS: readonly AcceptedFormat[] = [
  {
    demuxer: "mov",
    files: "mp4, mov, m4v, 3gp",
    why: "FaceForensics++, DFDC, Celeb-DF, DeeperForensics and every copy dfrobust writes",
  },
  {
    demuxer: "matroska",
    files: "mkv, webm",
    why: "YouTube downloads (webm) and remuxed sets",
  },
  { demuxer: "avi", files: "avi", why: "older sets (DeepfakeTIMIT, UADFV-era tools)" },
  { demuxer: "mpegts", files: "ts, m2ts", why: "broadcast and camera recordings, HLS segments" },
  { demuxer: "flv", files: "flv", why: "older web video downloads" },
  { demuxer: "mpeg", files: "mpg, vob (MPEG program stream)", why: "older camera and DVD video" },
  { demuxer: "ogg", files: "ogv", why: "Theora video from open collections" },
  {
    demuxer: "h264",
    files: "h264 (raw Annex B stream)",
    why: "raw encoder output some pipelines keep; no container, nothing to follow",
  },
  { demuxer: "hevc", files: "hevc, h265 (raw stream)", why: "as h264, for H.265 encoders" },
  {
    demuxer: "yuv4mpegpipe",
    files: "y4m",
    why: "uncompressed frames, as codec test sets ship them",
  },
];

/**
 * Input options to put before the `-i` of every ffmpeg or ffprobe run that reads a dataset's or
 * a copy's file: `-format_whitelist <the accepted demuxers> -protocol_whitelist file`. ffmpeg
 * then refuses any other format with `Format not on whitelist` (read by
 * {@link refusedFormatFromLog}); nested opens inside an accepted demuxer are held to the same
 * lists.
 */
export function inputGuardOptions(): string[] {
  return [
    "-format_whitelist",
    ACCEPTED_FORMATS.map((f) => f.demuxer).join(","),
    "-protocol_whitelist",
    "file",
  ];
}

/**
 * True when ffprobe's `format_name` (e.g. `mov,mp4,m4a,3gp,3g2,mj2`) names an accepted demuxer
 * (a second check after ffmpeg's own, so a build that ignored the option is still caught).
 */
export function isAcceptedFormat(formatName: string): boolean {
  const names = formatName.split(",");
  return ACCEPTED_FORMATS.some((f) => names.includes(f.demuxer));
}

/**
 * The demuxer ffmpeg refused in `log` (its `[hls @ 0x...] Format not on whitelist ...` line),
 * e.g. `hls`, `concat`, `image2`; null when the log has no such refusal.
 */
export function refusedFormatFromLog(log: string): string | null {
  const match = /\[([A-Za-z0-9_,]+) @ 0x[0-9a-f]+\]\s*Format not on whitelist/.exec(log);
  return match ? match[1] : null;
}

/** What the common indirections are, for the refusal message. */
const INDIRECTIONS: Record<string, string> = {
  hls: "an HLS playlist (it names other files to read)",
  dash: "a DASH manifest (it names other files to read)",
  concat: "an ffconcat list (it names other files to read)",
  image2: "an image sequence pattern (it reads other files)",
  image2pipe: "an image stream",
  png_pipe: "a still image (PNG)",
  jpeg_pipe: "a still image (JPEG)",
  tty: "a text file",
};

/**
 * The reason a file in format `demuxer` is refused, for an {@link FfmpegError} naming the file:
 * what the file is, that only real containers are read, which, and what to do.
 */
export function formatRefusal(demuxer: string): string {
  const what = INDIRECTIONS[demuxer] ??
    `a "${demuxer}" file: no video stream in a container dfrobust reads`;
  return `it is ${what}; only self-contained video files are read (` +
    `${ACCEPTED_FORMATS.map((f) => f.files).join("; ")}). ` +
    `Remux or re-encode it into one of these (docs/security.md)`;
}
