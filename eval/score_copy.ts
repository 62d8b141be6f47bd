/**
 * Scoring one copy: a `video_error` row for each video distort could not make, a
 * `damaged_video` row for each video whose file no longer matches the copy manifest
 * (eval/copy_check.ts), then every other video decoded and located ahead of inference (a bounded
 * prefetch, util/concurrency.ts), its faces preprocessed into batches and scored
 * (eval/score_batch.ts). Internal to `eval/`;
 * eval/evaluate.ts writes the rows as the copy's unit.
 * @module
 */
import type { FrameLimits } from "../media/frame_limits.ts";
import type { Ffmpeg } from "../media/ffmpeg.ts";
import type { ScoreRow } from "../store/schema.ts";
import { prefetchMap } from "../util/concurrency.ts";
import { logLine, type Progress } from "../util/progress.ts";
import { checkCopyVideos } from "./copy_check.ts";
import { groupedFrames } from "./frame_groups.ts";
import { prepareVideo, type VideoContext } from "./prepare_video.ts";
import { prepareClipVideo } from "./prepare_clips.ts";
import { clipFrames, clipPlan } from "../media/clips.ts";
import { overLimit } from "../util/limits.ts";
import { rowOf } from "./rows.ts";
import { BatchScorer } from "./score_batch.ts";
import { type EvalClock, evalClock } from "./timings.ts";

/** What scoring one copy needs: a video's context, less its frames, plus the decoder. */
export interface CopyContext extends Omit<VideoContext, "frames"> {
  /** The ffmpeg that decodes the sampled frames. */
  ffmpeg: Ffmpeg;
  /** Frames sampled per video. */
  frameCount: number;
}

/** Options of {@link scoreCopy}. */
export interface ScoreCopyOptions {
  /** Faces per inference batch. */
  batchSize: number;
  /** Videos decoded and prepared ahead of the one being scored (0 = no overlap). Default 2. */
  prefetch?: number;
  /** Checked between videos: stopping mid-copy gives no rows (the rerun scores it again). */
  signal?: AbortSignal;
  /** Ticked once per video. */
  progress: Progress;
  /** Times the wait for prepared videos (eval/timings.ts); default off. */
  clock?: EvalClock;
  /** Read videos whose links lead outside the copy's folder (dataset/video_file.ts). */
  allowOutsideLinks?: boolean;
  /** Limits on a video's frame size and count (util/limits.ts; media/frame_limits.ts). */
  limits?: Partial<FrameLimits>;
}

/** What {@link scoreCopy} did. */
export interface ScoredCopy {
  /** Every row of the copy; empty when stopped. */
  rows: ScoreRow[];
  /** Faces the detector scored (also when stopped). */
  facesScored: number;
  /** True when `signal` stopped it before the last video. */
  stopped: boolean;
}

/** Scores every video of `context.copy` (see the module doc). */
export async function scoreCopy(
  copyContext: CopyContext,
  {
    batchSize,
    prefetch,
    signal,
    progress,
    clock = evalClock(false),
    allowOutsideLinks,
    limits,
  }: ScoreCopyOptions,
): Promise<ScoredCopy> {
  const { ffmpeg, frameCount, ...shared } = copyContext;
  const copy = copyContext.copy;
  const rows: ScoreRow[] = copy.failedVideos.map((failed) => {
    logLine(`warning: ${failed.error}`);
    return rowOf(copyContext.base, {
      video: failed,
      frame_index: -1,
      status: "video_error",
      error: failed.error,
    });
  });
  // Videos whose file no longer matches the copy manifest are named, not scored.
  const checked = await checkCopyVideos(copy, { allowOutsideLinks });
  // Rows are appended one by one, never spread into push(): a spread passes each element as an
  // argument, and a video with 100,000 faces overflows the call stack.
  for (const refused of checked.refused) rows.push(rowOf(copyContext.base, refused));
  for (const damaged of checked.damaged) rows.push(rowOf(copyContext.base, damaged));
  progress.tick(checked.refused.length + checked.damaged.length);
  // A clip detector decodes every frame of its clips (media/clips.ts) instead of evenly spaced
  // frames, and prepares clips instead of frames.
  const clip = copyContext.parts.clip;
  const pick = clip
    ? (n: number) => {
      const frames = clipFrames(clipPlan(n, clip.frames, clip.sampling, clip.short));
      // Every frame of a video's clips waits in memory, decoded, until its clips are scored.
      const most = copyContext.parts.limits.frames;
      if (frames.length > most) {
        throw new RangeError(
          `its clips need ${frames.length} decoded frames, ${overLimit("frames", most)}`,
        );
      }
      return frames;
    }
    : undefined;
  const prepare = clip ? prepareClipVideo : prepareVideo;
  // Videos decoded a few per ffmpeg process (eval/frame_groups.ts).
  const grouped = groupedFrames(ffmpeg, checked.videos, {
    count: frameCount,
    pick,
    probes: copy.probes,
    limits,
  });
  const context: VideoContext = { ...shared, frames: grouped.frames };
  const scorer = new BatchScorer(context.parts, batchSize);
  const prepared = prefetchMap(checked.videos, (video) => prepare(video, context), {
    depth: prefetch ?? 2,
  });
  for await (const video of clock.iterate("wait", prepared)) {
    // Stopping mid-copy writes nothing for it: the rerun scores the whole copy again.
    if (signal?.aborted) return { rows: [], facesScored: await scorer.settle(), stopped: true };
    for (const row of video.rows) rows.push(row);
    await scorer.add(video.faces);
    // Its faces are in their batches: nothing reads its frames now, whose memory a later group
    // of videos can take.
    grouped.done(video.video);
    progress.tick(1, `${copy.op.id} ${video.video.id}`);
  }
  return { rows, facesScored: await scorer.finish(), stopped: false };
}
