/**
 * Decoding a copy's videos a few at a time: when the pipeline asks for a video's frames, the
 * videos after it that are not yet asked for, have a probe (distort's copies record one per
 * video) and share its frame size join it in one ffmpeg process ({@link sampleFramesTogether}),
 * up to a budget of decoded bytes. Groups start small and double (the first video asked for
 * alone, then 2, 4, 8 videos): the first faces reach the model early, and the next group is
 * decoded before they are scored (a large second group kept the model waiting at the start).
 * Videos of small frames fill a group up to {@link QUICK_GROUP_BYTES} from the first group on:
 * decoding so little is quick, and it spares an ffmpeg start per video.
 * ffmpeg's start (Debian's build loads and links some 200 libraries) is then paid once per group
 * instead of once per video; the frames are byte-identical. A video without a probe is probed
 * and decoded alone, as `sampleFrames` does. A group's frames are read into memory of the groups
 * before it whose frames are done with ({@link GroupedFrames.done}): fresh memory costs a page
 * fault per 4 KiB. The measured costs are in docs/benchmarks.md ("What changed"). Internal to
 * `eval/`.
 * @module
 */
import type { DatasetEntry } from "../dataset/manifest.ts";
import type { Ffmpeg, VideoInfo } from "../media/ffmpeg.ts";
import type { FrameLimits } from "../media/frame_limits.ts";
import { type SampledFrames, sampleFrames, sampleFramesTogether } from "../media/frames.ts";

/** Options of {@link groupedFrames}. */
export interface GroupedFramesOptions {
  /** Frames sampled per video (evenly spaced). */
  count: number;
  /** A clip detector's frames of a video, given its frame count (media/clips.ts); else evenly spaced. */
  pick?: (frameCount: number) => number[];
  /** Probes by video id (a copy's manifest), which set each video's frame count and size. */
  probes?: ReadonlyMap<string, VideoInfo>;
  /** ffmpeg decoder threads per process; default {@link DECODE_THREADS}. */
  threads?: number;
  /** Decoded bytes one group may hold (frames wait in memory until scored). Default 128 MiB. */
  maxBytes?: number;
  /** Videos per group at most (groups start at one video and double up to it). Default 8. */
  maxVideos?: number;
  /**
   * Decoded bytes a group may always reach, whatever the doubling allows (still within
   * `maxVideos`): so small a decode is over in milliseconds, and one ffmpeg start serves several
   * videos of small frames from the first group on. Default {@link QUICK_GROUP_BYTES}; 0: the
   * doubling alone.
   */
  quickBytes?: number;
  /**
   * Limits on a video's frame size and count (util/limits.ts, checked by media/frame_limits.ts),
   * held to its probe (also a recorded one) before it is decoded or memory is set aside for it.
   */
  limits?: Partial<FrameLimits>;
}

/**
 * Decoder threads per ffmpeg process in eval: one per two logical CPUs (one on a 2-core
 * machine). Decoding runs beside inference, which keeps the other cores busy, and a decoder
 * with fewer threads spends less CPU per frame (frame threading has its cost; docs/benchmarks.md).
 */
export const DECODE_THREADS: number = Math.max(
  1,
  Math.floor((navigator.hardwareConcurrency ?? 2) / 2),
);

/** The sampled frames of a copy's videos, decoded a few at a time (see the module doc). */
export interface GroupedFrames {
  /**
   * Resolves to one video's sampled frames (as `sampleFrames` with `count: options.count`),
   * decoding it together with the videos after it when it can. Ask for each video once, in about
   * the order of the videos (the eval pipeline's prefetch does); a video asked for again is
   * decoded again. Rejects with the error `sampleFrames` gives for that video alone.
   */
  frames(video: DatasetEntry): Promise<SampledFrames>;
  /**
   * Says that nothing reads `video`'s frames any more (its faces are preprocessed into their
   * batches, its boxes located): once every video of its group is done, the group's memory is
   * filled again by a later group. Call it once per video asked for, after its frames resolved
   * or failed; frames read after it may have been overwritten.
   */
  done(video: DatasetEntry): void;
}

/**
 * Decoded bytes a group may always reach (4 MiB: 32 frames of 128x128 RGB take 1.5 MiB, of
 * 1920x1080 one frame takes 6 MiB, so real videos keep the doubling from one).
 */
export const QUICK_GROUP_BYTES = 4 * 1024 * 1024;

/** Spare memory kept for later groups, at most. */
const SPARE_BUFFERS = 2;

/** Decodes the sampled frames of `videos` a few per ffmpeg process (see the module doc). */
export function groupedFrames(
  ffmpeg: Ffmpeg,
  videos: readonly DatasetEntry[],
  options: GroupedFramesOptions,
): GroupedFrames {
  const threads = options.threads ?? DECODE_THREADS;
  const maxBytes = options.maxBytes ?? 128 * 1024 * 1024;
  const maxVideos = options.maxVideos ?? 8;
  const quickBytes = options.quickBytes ?? QUICK_GROUP_BYTES;
  const position = new Map(videos.map((video, i) => [video.id, i]));
  const started = new Set<number>();
  // Groups started so far (a video decoded alone counts as one).
  let groups = 0;
  // Frames of videos decoded in a group and not yet asked for.
  const waiting = new Map<number, Promise<SampledFrames>>();
  // Each grouped video's group: its members not yet done, and the memory its frames are in.
  const groupOf = new Map<number, { left: number; memory: ArrayBuffer | null }>();
  const spare: ArrayBuffer[] = [];
  const memoryFor = (bytes: number) => {
    // The smallest spare that holds the group; else fresh memory of its size.
    const fits = spare.filter((buffer) => buffer.byteLength >= bytes)
      .sort((a, b) => a.byteLength - b.byteLength);
    if (fits.length === 0) return new ArrayBuffer(bytes);
    spare.splice(spare.indexOf(fits[0]), 1);
    return fits[0];
  };
  // Frames decoded for a video: its distinct clip frames, or the evenly spaced count.
  const framesOf = (info: VideoInfo) =>
    options.pick ? new Set(options.pick(info.frameCount)).size : options.count;
  const alone = (video: DatasetEntry) =>
    sampleFrames(ffmpeg, video.path, {
      count: options.count,
      pick: options.pick,
      info: options.probes?.get(video.id),
      threads,
      limits: options.limits,
    });

  const frames = (video: DatasetEntry): Promise<SampledFrames> => {
    const i = position.get(video.id);
    if (i === undefined || started.has(i)) {
      const ready = i === undefined ? undefined : waiting.get(i);
      if (ready) {
        waiting.delete(i!);
        return ready;
      }
      return alone(video);
    }
    const first = options.probes?.get(video.id);
    const members: number[] = [i];
    // 1, 2, 4, ... videos: the model starts on the first while the next, small group decodes
    // (or as many as fit in quickBytes, when more).
    const limit = Math.min(maxVideos, 2 ** Math.min(groups++, 30));
    if (first) {
      const bytesOf = (info: VideoInfo) => framesOf(info) * info.width * info.height * 3;
      let bytes = bytesOf(first);
      for (let j = i + 1; j < videos.length && members.length < maxVideos; j++) {
        const info = options.probes?.get(videos[j].id);
        if (started.has(j) || !info || info.width !== first.width || info.height !== first.height) {
          break;
        }
        if (bytes + bytesOf(info) > maxBytes) break;
        if (members.length >= limit && bytes + bytesOf(info) > quickBytes) break;
        bytes += bytesOf(info);
        members.push(j);
      }
    }
    for (const j of members) started.add(j);
    if (members.length === 1) return alone(video);
    const toSample = members.map((j) => ({
      path: videos[j].path,
      info: options.probes!.get(videos[j].id)!,
      count: options.count,
      pick: options.pick,
    }));
    const bytes = toSample.reduce(
      (n, v) => n + framesOf(v.info) * v.info.width * v.info.height * 3,
      0,
    );
    const group = sampleFramesTogether(ffmpeg, toSample, {
      threads,
      into: memoryFor(bytes),
      limits: options.limits,
    });
    const entry = { left: members.length, memory: null as ArrayBuffer | null };
    // Set before any member's frames resolve (reactions run in the order they were added).
    group.then((results) => entry.memory = sharedMemory(results), () => {});
    for (const j of members) groupOf.set(j, entry);
    members.slice(1).forEach((j, k) => {
      const frames = group.then((results) => unwrap(results[k + 1]));
      // Observed when asked for; an early stop must not leave an unhandled rejection.
      frames.catch(() => {});
      waiting.set(j, frames);
    });
    return group.then((results) => unwrap(results[0]));
  };

  const done = (video: DatasetEntry) => {
    const i = position.get(video.id);
    const entry = i === undefined ? undefined : groupOf.get(i);
    if (entry === undefined) return;
    groupOf.delete(i!);
    if (--entry.left > 0) return;
    if (entry.memory && spare.length < SPARE_BUFFERS) spare.push(entry.memory);
  };

  return { frames, done };
}

/**
 * The memory the frames of a group decoded together are views of (one ffmpeg output); null when
 * they are not (the group failed and its videos were decoded alone).
 */
function sharedMemory(results: (SampledFrames | Error)[]): ArrayBuffer | null {
  const buffers = new Set(
    results.flatMap((r) => r instanceof Error || r.frames.length === 0 ? [] : [r.frames[0].buffer]),
  );
  const shared = results.filter((r) => !(r instanceof Error) && r.frames.length > 0).length;
  const [buffer] = buffers;
  return buffers.size === 1 && shared > 1 && buffer instanceof ArrayBuffer ? buffer : null;
}

function unwrap(result: SampledFrames | Error): SampledFrames {
  if (result instanceof Error) throw result;
  return result;
}
