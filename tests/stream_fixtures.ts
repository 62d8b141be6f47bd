/**
 * Generated sources for the suites on "the video stream" of a file: videos whose frame size
 * changes mid-stream (segments of barcode frames concatenated without re-encoding, as WebRTC and
 * HLS recordings are), and files with cover art (an attached picture) before or after the video.
 * Frame i shows the 8-bit barcode of i (tests/awkward_fixtures.ts `readBarcode`) and, in its own
 * segment's pixels, a white marker square (see {@link markerBox}) on a dark grey background.
 * @module
 */
import { join } from "node:path";
import type { Ffmpeg } from "../media/ffmpeg.ts";

/** Encoder arguments of the size-changing sources: VP8 in WebM (frame size may change). */
export const VP8 = ["-c:v", "libvpx", "-b:v", "2M", "-auto-alt-ref", "0"];
/** VP9 in WebM, fast. */
export const VP9 = ["-c:v", "libvpx-vp9", "-b:v", "2M", "-deadline", "realtime", "-cpu-used", "8"];
/** H.264 with B-frames in MPEG-TS. */
export const H264_TS = [
  "-c:v",
  "libx264",
  "-crf",
  "12",
  "-bf",
  "2",
  "-pix_fmt",
  "yuv420p",
  "-f",
  "mpegts",
];

/** One run of frames of one size. */
export interface SegmentSpec {
  frames: number;
  width: number;
  height: number;
}

/** A size-changing source: file name (its extension picks the container), encoder, segments. */
export interface SizeChangeSpec {
  file: string;
  /** Encoder arguments, e.g. `["-c:v", "libvpx", "-b:v", "1M"]`. */
  codec: string[];
  segments: SegmentSpec[];
}

/**
 * The marker square of segment `k` (0-based) of a `width x height` segment, `[x, y, w, h]` in
 * that segment's pixels: a quarter of each side, at the left in even segments and at the right in
 * odd ones, so a box mapped through the wrong segment's geometry misses it.
 */
export function markerBox(k: number, width: number, height: number): number[] {
  const x = k % 2 === 0 ? width / 8 : width * 5 / 8;
  return [x, height / 2, width / 4, height / 4];
}

/** The lavfi source of `frames` barcode frames numbered from `start`, with segment `k`'s marker. */
function segmentSource(k: number, start: number, { width, height, frames }: SegmentSpec): string {
  const [mx, my, mw, mh] = markerBox(k, width, height);
  const lum = `if(lt(Y,H*32/240),if(mod(floor((N+${start})/pow(2,floor(X*8/W))),2),235,16),` +
    `if(between(X,${mx},${mx + mw - 1})*between(Y,${my},${my + mh - 1}),235,60))`;
  return `color=c=gray:s=${width}x${height}:r=25:d=${frames / 25},format=yuv420p,` +
    `geq=lum='${lum}':cb=128:cr=128`;
}

/**
 * Writes `spec` into `dir`: each segment encoded on its own, then the segments concatenated
 * without re-encoding (ffmpeg's concat demuxer, `-c copy`), so the decoder meets the new size
 * mid-stream. Returns the path.
 */
export async function writeSizeChangeVideo(
  ffmpeg: Ffmpeg,
  dir: string,
  spec: SizeChangeSpec,
): Promise<string> {
  const ext = spec.file.slice(spec.file.lastIndexOf("."));
  const parts: string[] = [];
  let start = 0;
  for (const [k, segment] of spec.segments.entries()) {
    const part = join(dir, `${spec.file}.part${k}${ext}`);
    await ffmpeg.run({
      args: [
        ...["-f", "lavfi", "-i", segmentSource(k, start, segment)],
        ...["-frames:v", String(segment.frames), ...spec.codec, `file:${part}`],
      ],
      inputs: [],
      outputs: [part],
    });
    parts.push(part);
    start += segment.frames;
  }
  const list = join(dir, `${spec.file}.txt`);
  await Deno.writeTextFile(list, parts.map((p) => `file '${p}'\n`).join(""));
  const path = join(dir, spec.file);
  await ffmpeg.run({
    args: ["-f", "concat", "-safe", "0", "-i", `file:${list}`, "-c", "copy", `file:${path}`],
    inputs: [list, ...parts],
    outputs: [path],
  });
  for (const part of [list, ...parts]) await Deno.remove(part);
  return path;
}

/** Where the cover art goes. */
export type CoverPlacement = "first" | "after";

/**
 * Writes a `frames`-frame 320x240 barcode video (H.264) with an AAC track and a 64x64 cover
 * (PNG in MP4, JPEG in MKV) into `dir/<name>`, the cover as stream 0 (`first`) or after the
 * video and audio (`after`). MP4: ffmpeg stores an attached picture as `covr` metadata (read
 * back as an `attached_pic` stream, after the tracks); for `first` its `udta` box is moved before
 * the tracks, so the demuxer lists the cover first (as files from other taggers have it).
 * MKV: `first` writes the cover as a one-frame MJPEG track before the video
 * (`-disposition:v:0 attached_pic`, which Matroska does not keep); `after` attaches it
 * (`-attach`, read back as an `attached_pic` stream after the tracks).
 */
export async function writeCoverArtVideo(
  ffmpeg: Ffmpeg,
  dir: string,
  name: string,
  placement: CoverPlacement,
  frames = 50,
): Promise<string> {
  const mkv = name.endsWith(".mkv");
  const cover = join(dir, `${name}.cover.${mkv ? "jpg" : "png"}`);
  await ffmpeg.run({
    args: ["-f", "lavfi", "-i", "testsrc2=s=64x64", "-frames:v", "1", `file:${cover}`],
    inputs: [],
    outputs: [cover],
  });
  const video = segmentSource(0, 0, { frames, width: 320, height: 240 });
  const audio = `sine=f=440:d=${frames / 25}`;
  const path = join(dir, name);
  const h264 = ["-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p"];
  const lavfi = (graph: string) => ["-f", "lavfi", "-i", graph];
  let args: string[];
  if (mkv && placement === "after") {
    args = [
      ...lavfi(video),
      ...lavfi(audio),
      ...["-map", "0", "-map", "1", ...h264, "-c:a", "aac"],
      ...["-attach", cover, "-metadata:s:t", "mimetype=image/jpeg"],
    ];
  } else {
    const coverFirst = mkv || placement === "first";
    // Output streams in input order: the cover is v:0 when it is the first input.
    const [coverOut, videoOut] = coverFirst ? [0, 1] : [1, 0];
    args = [
      ...(coverFirst
        ? ["-i", `file:${cover}`, ...lavfi(video)]
        : [...lavfi(video), "-i", `file:${cover}`]),
      ...lavfi(audio),
      ...["-map", "0", "-map", "1", "-map", "2"],
      ...[`-c:v:${videoOut}`, "libx264", "-crf", "12", `-pix_fmt:v:${videoOut}`, "yuv420p"],
      ...[`-c:v:${coverOut}`, mkv ? "mjpeg" : "png", `-disposition:v:${coverOut}`, "attached_pic"],
      ...["-c:a", "aac"],
    ];
  }
  args.push("-frames:v", String(frames), `file:${path}`);
  await ffmpeg.run({ args, inputs: [cover], outputs: [path] });
  await Deno.remove(cover);
  if (!mkv && placement === "first") {
    await Deno.writeFile(path, udtaFirst(await Deno.readFile(path)));
  }
  return path;
}

/** An MP4 with its `moov/udta` box moved right after `moov/mvhd` (sizes and offsets unchanged). */
function udtaFirst(file: Uint8Array): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const boxes = (start: number, end: number) => {
    const out: { at: number; size: number; type: string }[] = [];
    for (let at = start; at < end;) {
      const size = view.getUint32(at);
      out.push({ at, size, type: new TextDecoder().decode(file.subarray(at + 4, at + 8)) });
      at += size;
    }
    return out;
  };
  const moov = boxes(0, file.length).find((b) => b.type === "moov");
  if (!moov) throw new Error("udtaFirst: no moov box");
  const children = boxes(moov.at + 8, moov.at + moov.size);
  const rank = (type: string) => type === "mvhd" ? 0 : type === "udta" ? 1 : 2;
  const ordered = [...children].sort((a, b) => rank(a.type) - rank(b.type));
  if (!children.some((b) => b.type === "udta")) throw new Error("udtaFirst: no udta box");
  const out = file.slice();
  let at = moov.at + 8;
  for (const child of ordered) {
    out.set(file.subarray(child.at, child.at + child.size), at);
    at += child.size;
  }
  return out;
}
