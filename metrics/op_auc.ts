/**
 * AUC per detector run x operation, at video level (the paper's) or frame level, with delta
 * and relative AUC against the same run's unaltered copy and, where the two rank the same
 * videos, the paired statistics of that delta (metrics/cell_comparisons.ts: paired bootstrap
 * interval, DeLong's p, Holm's correction over the run's operations). By default every
 * operation's AUC of a run ranks the same videos (metrics/video_set.ts).
 * @module
 */
import type pl from "../deps/polars.ts";
import { LEFT_OUT_REASONS, type LeftOutReason } from "../store/left_out.ts";
import { runLabel } from "../store/run_labels.ts";
import { frameScores } from "../store/video_scores.ts";
import { bootstrapAuc, type BootstrapOptions } from "./bootstrap.ts";
import { AUC_METRIC, type CellMetric } from "./cell_metrics.ts";
import { CELL_COMPARISONS, type PairedScores, type PairedStats } from "./cell_comparisons.ts";
import { type FaceShare, faceShare, type VideoFrames } from "./face_share.ts";
import type { LocatorChangeShare } from "./locator_changes.ts";
import { type CellDecision, type DecisionCell, runDecisions } from "./decision.ts";
import { holmAdjust } from "./holm.ts";
import type { ThresholdChoice } from "./threshold_rules.ts";
import { MetricError } from "./metric_error.ts";
import { type Pairing, type VideoSet, videoSet } from "./video_set.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import type { DetectorOp, ScoreLevel } from "./cell.ts";
import { compareIds } from "../util/compare.ts";

/** Options for {@link opAucs}. */
export interface OpAucOptions {
  /** `video` (default) or `frame`. */
  level?: ScoreLevel;
  /**
   * Add a bootstrap interval per cell (resampling videos, also at frame level) and, at video
   * level, the paired bootstrap interval of each delta AUC (same resamples, same seed).
   */
  bootstrap?: BootstrapOptions;
  /**
   * `paired` (default): each run's AUCs rank the videos usable in every compared copy;
   * `unpaired`: each copy's usable videos (metrics/video_set.ts).
   */
  pairing?: Pairing;
  /**
   * Cell metrics computed besides AUC (metrics/cell_metrics.ts, e.g. `[AP_METRIC]`), into each
   * cell's `metrics` by id. Default none.
   */
  metrics?: readonly CellMetric[];
  /**
   * The decision view (metrics/decision.ts): each run's threshold chosen on its Unaltered copy
   * by this rule, every cell's rates at it in `decision`. Video level only; default none.
   */
  threshold?: ThresholdChoice;
  /**
   * The video set of the same frame, when already computed (`videoSet(frame, {pairing})`):
   * saves a second pass. Its pairing wins over `pairing`.
   */
  videos?: VideoSet;
}

/** Note of an AUC cell with no video (or frame) to rank; Table I prints it in the cell. */
export const NO_VIDEOS_SCORED = "no videos scored";

/**
 * The label a report uses for a detector run: `detector (train set)`, or the detector alone, and
 * the run's qualifier where the data hold several runs of that detector and training set
 * (`sbi (FF++c23; faces: ultraface)`, store/run_labels.ts).
 */
export function modelLabel(detector: string, trainSet: string, run?: string): string {
  return runLabel({ detector, trainSet, run });
}

/**
 * Note of a processed cell whose videos are not the unaltered cell's (unpaired sets, several
 * copies mixed): its paired statistics are null.
 */
export const NOT_PAIRED_NOTE = "other videos than the unaltered copy: paired statistics omitted";

/**
 * One AUC cell of Table I and the report's charts. Only what a table or chart needs, so they
 * can be drawn from hand-made records; {@link OpAuc} (from a store) adds the rest. The paired
 * statistics against the row's Unaltered cell (`deltaCiLow`, `deltaCiHigh`, `p`, `pHolm`;
 * metrics/cell_comparisons.ts) are set by {@link opAucs} on every processed cell (null where
 * they cannot be computed, the note says why) and absent on the Unaltered cell.
 */
export interface AucCell extends DetectorOp, Partial<PairedStats> {
  /** ROC AUC in [0, 1]; null when the copy holds a single class (see `note`). */
  auc: number | null;
  /** Bootstrap interval of `auc`, in [0, 1], when asked for and defined. */
  ciLow?: number | null;
  ciHigh?: number | null;
  /** Scored fake (label 1) and real (label 0) samples (videos at video level) behind `auc`. */
  positives: number;
  negatives: number;
  /**
   * Why a value is missing, or a caveat (several copies mixed). A cell with no sample has
   * `positives = negatives = 0` and a note starting with {@link NO_VIDEOS_SCORED}.
   */
  note?: string;
  /**
   * AUC minus the same run's unaltered AUC (processed minus unaltered: negative = a drop), where
   * {@link opAucs} could compute it.
   */
  deltaAuc?: number | null;
  /**
   * Further cell metrics by id (`{ ap: 0.93 }`), when asked for (`OpAucOptions.metrics`); null
   * where undefined (one class, no video).
   */
  metrics?: Record<string, number | null>;
  /**
   * Sampled frames with a face scored, of the frames read, over the videos behind `auc`
   * (metrics/face_share.ts); set by {@link opAucs}, absent in hand-made cells.
   */
  faceShare?: FaceShare;
  /**
   * Scored faces whose box is not the Unaltered copy's for the same frame, of those compared,
   * over the videos behind `auc` (metrics/locator_changes.ts); set by the report, absent
   * elsewhere.
   */
  locatorChange?: LocatorChangeShare;
  /**
   * The cell at its run's operating threshold (metrics/decision.ts), when asked for
   * (`OpAucOptions.threshold`); absent where the run has no threshold (see `note`).
   */
  decision?: CellDecision;
}

/** The AUC of one detector run on one operation's copy, as {@link opAucs} computes it. */
export interface OpAuc extends AucCell {
  runId: string;
  opFamily: string;
  /** Ladder level; null when the operation has none. */
  severity: number | null;
  level: ScoreLevel;
  /** Scored samples (videos or frames): `positives + negatives`. */
  samples: number;
  /** Which videos the AUC ranks (see {@link OpAucOptions.pairing}); always set by opAucs. */
  pairing?: Pairing;
  /**
   * Videos of this run left out of this AUC (listed with reasons by `videoSet`); always set by
   * opAucs.
   */
  leftOut?: number;
  /** AUC minus the run's unaltered AUC; null without an unaltered copy or AUC. */
  deltaAuc: number | null;
  /** AUC divided by the run's unaltered AUC (1 = unchanged); null as `deltaAuc`. */
  relativeAuc: number | null;
  /** Bootstrap interval of `auc`, when asked for and defined. */
  ciLow?: number;
  ciHigh?: number;
}

/**
 * AUC for every (run, operation) in a store frame (eager or lazy, e.g. from `scanStore`),
 * sorted by detector, training set, run (qualifier, then id), operation; each cell carries its
 * run's qualifier (`run`) where the frame holds several runs of its detector and training set. Video scores follow `videoOutcomes`
 * (each row's face rule, video rule and fail score; videos not wholly read are left out);
 * frame scores follow `frameScores`, restricted to the videos of the video set. Every (run,
 * operation) in the frame gets a cell, also when no video is scored (null AUC, a note starting
 * with {@link NO_VIDEOS_SCORED} and the reasons). A copy with one class gets a null AUC and a
 * note; a run without an `unaltered` copy gets null deltas and a note. Never throws for such
 * gaps.
 */
export function opAucs(
  frame: pl.DataFrame | pl.LazyDataFrame,
  options: OpAucOptions = {},
): OpAuc[] {
  const level = options.level ?? "video";
  const set = options.videos ?? videoSet(frame, { pairing: options.pairing });
  const samples = new Map<string, { labels: number[]; scores: number[]; clusters: string[] }>();
  const artifacts = new Map<string, Set<string>>();
  const frameCounts = new Map<string, VideoFrames[]>();
  const key = (runId: string, opId: string) => `${runId}\u0000${opId}`;
  const add = (k: string, label: number, score: number, cluster: string) => {
    let group = samples.get(k);
    if (group === undefined) {
      group = { labels: [], scores: [], clusters: [] };
      samples.set(k, group);
    }
    group.labels.push(label);
    group.scores.push(score);
    group.clusters.push(cluster);
  };
  for (const v of set.videos) {
    const k = key(v.runId, v.opId);
    if (!artifacts.has(k)) artifacts.set(k, new Set());
    artifacts.get(k)!.add(v.artifactId);
    if (!frameCounts.has(k)) frameCounts.set(k, []);
    frameCounts.get(k)!.push(v);
    if (level === "video") add(k, v.label, v.score, v.videoId);
  }
  if (level === "frame") {
    const chosen = new Set(
      set.videos.map((v) => `${key(v.runId, v.opId)}\u0000${v.artifactId}\u0000${v.videoId}`),
    );
    const frames = frameScores(frame).select(
      "run_id",
      "op_id",
      "artifact_id",
      "video_id",
      "label",
      "score",
    )
      .collectSync();
    const column = (name: string) => frames.getColumn(name).toArray() as unknown[];
    const [runIds, opIds, artifactIds, videoIds, labels, scores] = [
      "run_id",
      "op_id",
      "artifact_id",
      "video_id",
      "label",
      "score",
    ].map(column);
    for (let i = 0; i < frames.height; i++) {
      const k = key(String(runIds[i]), String(opIds[i]));
      if (!chosen.has(`${k}\u0000${artifactIds[i]}\u0000${videoIds[i]}`)) continue;
      add(k, Number(labels[i]), Number(scores[i]), String(videoIds[i]));
    }
  }
  const leftOut = new Map<string, LeftOutReason[]>();
  for (const v of set.leftOut) {
    const k = key(v.runId, v.opId);
    if (!leftOut.has(k)) leftOut.set(k, []);
    leftOut.get(k)!.push(v.reason);
  }
  const results: OpAuc[] = [];
  for (const copy of set.copies) {
    const k = key(copy.runId, copy.opId);
    const group = samples.get(k) ?? { labels: [], scores: [], clusters: [] };
    const reasons = leftOut.get(k) ?? [];
    const n = group.labels.length;
    const groupLabels = Uint8Array.from(group.labels);
    const positives = groupLabels.reduce((sum, l) => sum + l, 0);
    const notes: string[] = [];
    const copies = artifacts.get(k)?.size ?? 0;
    if (copies > 1) notes.push(`${copies} copies of ${copy.opId} mixed`);
    const result: OpAuc = {
      ...copy,
      level,
      pairing: set.pairing,
      samples: n,
      positives,
      negatives: n - positives,
      leftOut: reasons.length,
      auc: null,
      deltaAuc: null,
      relativeAuc: null,
      faceShare: faceShare(frameCounts.get(k) ?? []),
    };
    if (n === 0) {
      notes.push(`${NO_VIDEOS_SCORED} (${reasonCounts(reasons) || "no video in the copy"})`);
    } else if (positives === 0 || positives === n) {
      notes.push(`only ${positives === 0 ? "real" : "fake"} ${level}s (${n}): AUC undefined`);
    } else {
      const groupScores = Float64Array.from(group.scores);
      result.auc = AUC_METRIC.compute(groupLabels, groupScores);
      if (options.bootstrap) {
        const clusters = level === "frame" ? group.clusters : undefined;
        const ci = bootstrapAuc(groupLabels, groupScores, { ...options.bootstrap, clusters });
        result.ciLow = ci.low;
        result.ciHigh = ci.high;
      }
    }
    if (options.metrics?.length) {
      const defined = n > 0 && positives > 0 && positives < n;
      result.metrics = Object.fromEntries(options.metrics.map((m) => [
        m.id,
        defined ? m.compute(groupLabels, Float64Array.from(group.scores)) : null,
      ]));
    }
    if (notes.length > 0) result.note = notes.join("; ");
    results.push(result);
  }
  addDeltas(results);
  addPairedStats(results, samples, level, options.bootstrap);
  if (options.threshold !== undefined && level === "video") {
    addDecisions(results, samples, options.threshold);
  }
  return results.sort((a, b) =>
    compareIds(a.detector, b.detector) || compareIds(a.trainSet, b.trainSet) ||
    compareIds(a.run ?? "", b.run ?? "") || compareIds(a.runId, b.runId) ||
    compareIds(a.opId, b.opId)
  );
}

// "4 videos left out: 3 no_face (no face in any ...), 1 video_error (...)": a cell's reasons.
function reasonCounts(reasons: readonly LeftOutReason[]): string {
  if (reasons.length === 0) return "";
  const counts = new Map<LeftOutReason, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return `${reasons.length} video${reasons.length === 1 ? "" : "s"} left out: ` +
    [...counts].map(([r, k]) => `${k} ${r} (${LEFT_OUT_REASONS[r]})`).join(", ");
}

function addDeltas(results: OpAuc[]): void {
  const baseline = new Map<string, OpAuc>();
  for (const r of results) if (r.opId === UNALTERED_ID) baseline.set(r.runId, r);
  for (const r of results) {
    if (r.opId === UNALTERED_ID) {
      if (r.auc !== null) {
        r.deltaAuc = 0;
        r.relativeAuc = 1;
      }
      continue;
    }
    const base = baseline.get(r.runId);
    if (base === undefined || base.auc === null) {
      const why = base === undefined ? "no unaltered copy in this run" : "unaltered AUC undefined";
      r.note = r.note ? `${r.note}; ${why}: deltas omitted` : `${why}: deltas omitted`;
      continue;
    }
    if (r.auc === null) continue;
    r.deltaAuc = r.auc - base.auc;
    r.relativeAuc = base.auc === 0 ? null : r.auc / base.auc;
  }
}

// The paired statistics of every processed cell (CELL_COMPARISONS), then Holm's correction of
// each run's p-values: the family is the run's compared operations (one row of Table I).
function addPairedStats(
  results: OpAuc[],
  samples: Map<string, { labels: number[]; scores: number[]; clusters: string[] }>,
  level: ScoreLevel,
  bootstrap: BootstrapOptions | undefined,
): void {
  const runs = new Map<string, OpAuc[]>();
  for (const r of results) {
    if (r.opId === UNALTERED_ID) continue;
    if (!runs.has(r.runId)) runs.set(r.runId, []);
    runs.get(r.runId)!.push(r);
  }
  for (const [runId, cells] of runs) {
    const base = samples.get(`${runId}\u0000${UNALTERED_ID}`);
    for (const cell of cells) {
      Object.assign(cell, { deltaCiLow: null, deltaCiHigh: null, p: null, pHolm: null });
      // No delta (no AUC, no baseline): the cell's note already says why.
      if (cell.deltaAuc === null) continue;
      const notes: string[] = [];
      const pair = pairedScores(samples.get(`${runId}\u0000${cell.opId}`), base);
      for (const comparison of CELL_COMPARISONS) {
        if (!comparison.levels.includes(level)) notes.push(comparison.elsewhere);
        else if (pair === null) continue;
        else {
          try {
            Object.assign(cell, comparison.compute(pair, { bootstrap }));
          } catch (error) {
            if (!(error instanceof MetricError)) throw error;
            notes.push(`${comparison.label} omitted: ${error.message}`);
          }
        }
      }
      if (pair === null && level === "video") notes.push(NOT_PAIRED_NOTE);
      if (notes.length > 0) {
        cell.note = cell.note ? `${cell.note}; ${notes.join("; ")}` : notes.join("; ");
      }
    }
    const adjusted = holmAdjust(cells.map((c) => c.p ?? NaN));
    cells.forEach((c, i) => c.pHolm = c.p === null || c.p === undefined ? null : adjusted[i]);
  }
}

// Each run's decision view: its threshold chosen on its Unaltered cell, every cell at it; a
// run whose Unaltered cell cannot give one gets a note on its cells.
function addDecisions(
  results: OpAuc[],
  samples: Map<string, { labels: number[]; scores: number[]; clusters: string[] }>,
  choice: ThresholdChoice,
): void {
  const runs = new Map<string, OpAuc[]>();
  for (const r of results) runs.set(r.runId, [...(runs.get(r.runId) ?? []), r]);
  for (const [runId, cells] of runs) {
    const base = samples.get(`${runId}\u0000${UNALTERED_ID}`);
    const input = (cell: OpAuc): DecisionCell => {
      const group = samples.get(`${runId}\u0000${cell.opId}`) ??
        { labels: [], scores: [], clusters: [] };
      return {
        opId: cell.opId,
        labels: Uint8Array.from(group.labels),
        scores: Float64Array.from(group.scores),
        baseline: pairedScores(group, base)?.baseline ?? null,
      };
    };
    const inputs = cells.map(input);
    const unaltered = inputs.find((c) => c.opId === UNALTERED_ID);
    const view = runDecisions(unaltered, inputs, choice);
    for (const cell of cells) {
      const decision = view.decisions.get(cell.opId);
      if (decision !== undefined) cell.decision = decision;
    }
    if (view.note !== undefined && unaltered !== undefined) {
      const cell = cells.find((c) => c.opId === UNALTERED_ID)!;
      const note = `no operating threshold: ${view.note}`;
      cell.note = cell.note ? `${cell.note}; ${note}` : note;
    }
  }
}

// The two copies' scores of the same videos in the same order, or null when the copies do not
// rank exactly the same videos (each once, with the same label).
function pairedScores(
  copy: { labels: number[]; scores: number[]; clusters: string[] } | undefined,
  base: { labels: number[]; scores: number[]; clusters: string[] } | undefined,
): PairedScores | null {
  if (copy === undefined || base === undefined) return null;
  const index = new Map(base.clusters.map((id, i) => [id, i]));
  if (index.size !== base.clusters.length || copy.clusters.length !== index.size) return null;
  const order = copy.clusters.map((id) => index.get(id));
  if (new Set(order).size !== order.length) return null;
  for (let i = 0; i < order.length; i++) {
    if (order[i] === undefined || base.labels[order[i]!] !== copy.labels[i]) return null;
  }
  return {
    labels: Uint8Array.from(copy.labels),
    scores: Float64Array.from(copy.scores),
    baseline: Float64Array.from(order, (j) => base.scores[j!]),
  };
}
