/**
 * Temporal stability, ImageNet-P style: how often the fake/real decision flips between
 * consecutive sampled frames of a video.
 * @module
 */
import type pl from "../deps/polars.ts";
import { runQualifiers } from "../store/run_labels.ts";
import { frameScores } from "../store/video_scores.ts";

/** Options for {@link flipRates}. */
export interface FlipRateOptions {
  /** Decision threshold: fake when frame score >= threshold. Default 0.5. */
  threshold?: number;
}

/** Flip rate of one detector run on one operation's copy. */
export interface FlipRate {
  runId: string;
  detector: string;
  trainSet: string;
  /**
   * What sets the run apart from the other runs of its detector and training set in the frame,
   * in words (store/run_labels.ts); absent when it is the only one.
   */
  run?: string;
  opId: string;
  /** Videos with at least two scored frames (the others have no pair). */
  videos: number;
  /** Consecutive scored-frame pairs, over all videos. */
  pairs: number;
  /** Pairs whose decisions differ. */
  flips: number;
  /** flips / pairs in [0, 1]; null when there is no pair. */
  rate: number | null;
}

/**
 * Flip rate per (run, operation) from a store frame (eager or lazy), never pooled across runs of
 * one detector: frame scores follow
 * `frameScores` (face rule over ok faces); frames without a score are skipped, so "consecutive"
 * means consecutive among scored frames in frame order. Pooled over all pairs, which equals
 * ImageNet-P's flip probability (mean over sequences) when every video has the same number of
 * scored frames.
 */
export function flipRates(
  frame: pl.DataFrame | pl.LazyDataFrame,
  options: FlipRateOptions = {},
): FlipRate[] {
  const threshold = options.threshold ?? 0.5;
  const qualifiers = runQualifiers(frame);
  const scored = frameScores(frame).collectSync(); // sorted by run, op, video, frame
  const col = (name: string) => scored.getColumn(name).toArray() as unknown[];
  const runIds = col("run_id") as string[];
  const opIds = col("op_id") as string[];
  const videoIds = col("video_id") as string[];
  const detectors = col("detector") as string[];
  const trainSets = col("train_set") as string[];
  const scores = col("score") as number[];
  const results: FlipRate[] = [];
  let current: FlipRate | undefined;
  let videoPairs = 0;
  for (let i = 0; i < scored.height; i++) {
    if (current === undefined || current.runId !== runIds[i] || current.opId !== opIds[i]) {
      current = {
        runId: runIds[i],
        detector: detectors[i],
        trainSet: trainSets[i],
        ...(qualifiers.get(runIds[i]) ? { run: qualifiers.get(runIds[i])! } : {}),
        opId: opIds[i],
        videos: 0,
        pairs: 0,
        flips: 0,
        rate: null,
      };
      results.push(current);
      videoPairs = 0;
    }
    const sameVideo = i > 0 && runIds[i - 1] === runIds[i] && opIds[i - 1] === opIds[i] &&
      videoIds[i - 1] === videoIds[i];
    if (!sameVideo) {
      videoPairs = 0;
      continue;
    }
    if (videoPairs === 0) current.videos++;
    videoPairs++;
    current.pairs++;
    if ((scores[i - 1] >= threshold) !== (scores[i] >= threshold)) current.flips++;
  }
  for (const r of results) r.rate = r.pairs === 0 ? null : r.flips / r.pairs;
  return results;
}
