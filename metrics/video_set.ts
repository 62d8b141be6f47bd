/**
 * Which videos each AUC of a detector run ranks. By default (`paired`) every operation's AUC of
 * a run is computed on the same videos: those usable in every compared copy of the run, so that a
 * column differs from Unaltered only because of the operation. `unpaired` ranks, per copy, the
 * videos usable in that copy. Every video left out of an AUC is a {@link LeftOutVideo} with its
 * reason (store/left_out.ts).
 * @module
 */
import type pl from "../deps/polars.ts";
import type { LeftOutReason, LeftOutVideo } from "../store/left_out.ts";
import { runQualifiers } from "../store/run_labels.ts";
import { videoOutcomes } from "../store/video_scores.ts";
import type { DetectorOp } from "./cell.ts";
import { columnKey, orderColumns } from "./columns.ts";
import { compareIds } from "../util/compare.ts";

/**
 * `paired` (default): one video set per detector run, the videos usable in every compared copy.
 * `unpaired`: per copy, the videos usable in it (the copies' AUCs may rank different videos).
 */
export type Pairing = "paired" | "unpaired";

/** One video's score in one copy, as an AUC ranks it. */
export interface VideoScore extends DetectorOp {
  runId: string;
  opFamily: string;
  severity: number | null;
  artifactId: string;
  videoId: string;
  /** 1 = fake, 0 = real. */
  label: 0 | 1;
  /** Fake probability in [0, 1]: `video_rule` over the scored frames, or the fail score. */
  score: number;
  /** Sampled frames with at least one `ok` face score (0 when `fallback`). */
  scoredFrames: number;
  /**
   * Sampled frames that were read (every sampled frame of a usable video: it was wholly read);
   * absent in records made by hand.
   */
  sampledFrames?: number;
  /** True when `score` is the detector's fail score (no face in any sampled frame). */
  fallback: boolean;
}

/** One (detector run, operation) in the data: a column of Table I for that run. */
export interface ComparedCopy extends DetectorOp {
  runId: string;
  opFamily: string;
  severity: number | null;
}

/** What {@link videoSet} returns. */
export interface VideoSet {
  pairing: Pairing;
  /** The videos the AUCs rank, sorted by run, operation, video. */
  videos: VideoScore[];
  /**
   * Every video left out of an AUC, with its reason, sorted by run, video and operation (Table I
   * order).
   */
  leftOut: LeftOutVideo[];
  /** Every (run, operation) in the data, including those with no video scored. */
  copies: ComparedCopy[];
}

/** Options for {@link videoSet}. */
export interface VideoSetOptions {
  /** Default `paired`. */
  pairing?: Pairing;
  /**
   * Each run's qualifier by run id (store/run_labels.ts), e.g. from `listRuns` over a whole store
   * when `frame` holds only some of its runs; default `runQualifiers(frame)`.
   */
  runQualifiers?: ReadonlyMap<string, string>;
  /**
   * `videoOutcomes(frame)` when already computed (e.g. part by part, store/video_scores.ts
   * `videoOutcomesByPart`): saves reducing the frame again.
   */
  outcomes?: pl.DataFrame | pl.LazyDataFrame;
}

/**
 * The videos each (run, operation) AUC ranks, and the ones left out. A video is *usable* in a
 * copy when it has a video score there and was wholly read (`videoOutcomes`: outcome `scored` or
 * `fail_score`). The compared copies of a run are all its operations in `frame` (filter the
 * frame to compare fewer). Paired, a video is in the run's set when it is usable in every
 * compared copy; in the copies where it is usable but not in the set it is left out with reason
 * `paired`, elsewhere with its own reason (`missing` where the copy has no row of it). Unpaired,
 * each copy ranks its usable videos; the others are left out with their own reason. Where a run
 * holds two copies (artifacts) of one operation, a video is usable in that operation when it is
 * usable in each. Accepts the store's frame, eager or lazy.
 */
export function videoSet(
  frame: pl.DataFrame | pl.LazyDataFrame,
  options: VideoSetOptions = {},
): VideoSet {
  const pairing = options.pairing ?? "paired";
  const qualifiers = options.runQualifiers ?? runQualifiers(frame);
  const given = options.outcomes;
  const df = given === undefined
    ? videoOutcomes(frame).collectSync()
    : typeof (given as pl.LazyDataFrame).collectSync === "function"
    ? (given as pl.LazyDataFrame).collectSync()
    : given as pl.DataFrame;
  const col = (name: string) => df.getColumn(name).toArray() as unknown[];
  const [runIds, detectors, trainSets, opIds, families, categories, artifacts, videoIds] = [
    "run_id",
    "detector",
    "train_set",
    "op_id",
    "op_family",
    "op_category",
    "artifact_id",
    "video_id",
  ].map((name) => col(name).map((v) => (v === null || v === undefined ? "" : String(v))));
  const severities = col("severity");
  const labels = col("label");
  const scores = col("score");
  const scoredFrames = col("scored_frames");
  const sampledFrames = col("sampled_frames");
  const fallbacks = col("fallback");
  const outcomes = col("outcome");
  const details = col("detail");

  const runs = new Map<string, RunVideos>();
  for (let i = 0; i < df.height; i++) {
    let run = runs.get(runIds[i]);
    if (run === undefined) {
      run = { copies: new Map(), videos: new Map() };
      runs.set(runIds[i], run);
    }
    if (!run.copies.has(opIds[i])) {
      const severity = severities[i];
      const qualifier = qualifiers.get(runIds[i]);
      run.copies.set(opIds[i], {
        runId: runIds[i],
        detector: detectors[i],
        trainSet: trainSets[i],
        ...(qualifier ? { run: qualifier } : {}),
        opId: opIds[i],
        opFamily: families[i] || opIds[i],
        opCategory: categories[i],
        severity: severity === null || severity === undefined ? null : Number(severity),
      });
    }
    let video = run.videos.get(videoIds[i]);
    if (video === undefined) {
      video = { label: Number(labels[i]) === 1 ? 1 : 0, copies: new Map() };
      run.videos.set(videoIds[i], video);
    }
    const usable = outcomes[i] === "scored" || outcomes[i] === "fail_score";
    // Each copy's own label (a copy's manifest is its truth); the first seen names a missing one.
    const label: 0 | 1 = Number(labels[i]) === 1 ? 1 : 0;
    const entries = video.copies.get(opIds[i]) ?? [];
    entries.push({
      artifactId: artifacts[i],
      label,
      usable,
      reason: usable ? null : outcomes[i] as LeftOutReason,
      detail: String(details[i] ?? ""),
      score: usable
        ? {
          ...run.copies.get(opIds[i])!,
          artifactId: artifacts[i],
          videoId: videoIds[i],
          label,
          score: Number(scores[i]),
          scoredFrames: Number(scoredFrames[i]),
          sampledFrames: Number(sampledFrames[i]),
          fallback: fallbacks[i] === true,
        }
        : null,
    });
    video.copies.set(opIds[i], entries);
  }

  const videos: VideoScore[] = [];
  const leftOut: LeftOutVideo[] = [];
  const copies: ComparedCopy[] = [];
  // Left-out records list a video's copies in Table I order.
  const rank = new Map(
    orderColumns([...runs.values()].flatMap((r) => [...r.copies.values()]).map(columnKey)).map((
      c,
      i,
    ) => [c.opId, i]),
  );
  for (const run of runs.values()) {
    for (const copy of run.copies.values()) copies.push(copy);
    for (const [videoId, video] of run.videos) {
      // Per operation: usable when each of its copies' rows is.
      const unusable = new Map<
        string,
        { artifactId: string | null; reason: LeftOutReason; detail: string }
      >();
      for (const opId of run.copies.keys()) {
        const entries = video.copies.get(opId);
        if (entries === undefined) {
          unusable.set(opId, { artifactId: null, reason: "missing", detail: "" });
          continue;
        }
        const bad = entries.find((e) => !e.usable);
        if (bad) {
          unusable.set(opId, {
            artifactId: bad.artifactId,
            reason: bad.reason!,
            detail: bad.detail,
          });
        }
      }
      const inSet = pairing === "unpaired" || unusable.size === 0;
      const why = [...unusable].map(([opId, u]) => `${opId}: ${u.reason}`).join(", ");
      for (const [opId, copy] of run.copies) {
        const own = unusable.get(opId);
        const base = {
          runId: copy.runId,
          detector: copy.detector,
          trainSet: copy.trainSet,
          ...(copy.run ? { run: copy.run } : {}),
          opId,
          videoId,
          label: video.copies.get(opId)?.[0].label ?? video.label,
        };
        if (own) {
          leftOut.push({
            ...base,
            artifactId: own.artifactId,
            reason: own.reason,
            detail: own.detail,
          });
        } else if (!inSet) {
          const entries = video.copies.get(opId)!;
          leftOut.push({
            ...base,
            artifactId: entries[0].artifactId,
            reason: "paired",
            detail: why,
          });
        } else {
          for (const entry of video.copies.get(opId)!) videos.push(entry.score!);
        }
      }
    }
  }
  videos.sort((a, b) =>
    compareIds(a.runId, b.runId) || compareIds(a.opId, b.opId) ||
    compareIds(a.videoId, b.videoId) ||
    compareIds(a.artifactId, b.artifactId)
  );
  leftOut.sort((a, b) =>
    compareIds(a.runId, b.runId) || compareIds(a.videoId, b.videoId) ||
    rank.get(a.opId)! - rank.get(b.opId)!
  );
  copies.sort((a, b) =>
    compareIds(a.detector, b.detector) || compareIds(a.trainSet, b.trainSet) ||
    compareIds(a.run ?? "", b.run ?? "") || compareIds(a.runId, b.runId) ||
    compareIds(a.opId, b.opId)
  );
  return { pairing, videos, leftOut, copies };
}

interface CopyEntry {
  artifactId: string;
  label: 0 | 1;
  usable: boolean;
  reason: LeftOutReason | null;
  detail: string;
  score: VideoScore | null;
}

interface RunVideos {
  copies: Map<string, ComparedCopy>;
  videos: Map<string, { label: 0 | 1; copies: Map<string, CopyEntry[]> }>;
}
