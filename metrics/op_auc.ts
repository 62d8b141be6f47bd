/**
 * AUC per detector run x operation, at video level (the paper's) or frame level, with delta
 * and relative AUC against the same run's unaltered copy.
 * @module
 */
import type pl from "../deps/polars.ts";
import { frameScores, videoScores } from "../store/video_scores.ts";
import { bootstrapAuc, type BootstrapOptions } from "./bootstrap.ts";
import { rocAuc } from "./roc_auc.ts";

/** Which scores the AUC ranks: one per video (default, the paper's) or one per sampled frame. */
export type ScoreLevel = "video" | "frame";

/** Options for {@link opAucs}. */
export interface OpAucOptions {
  /** `video` (default) or `frame`. */
  level?: ScoreLevel;
  /** Add a bootstrap interval per cell (resampling videos, also at frame level). */
  bootstrap?: BootstrapOptions;
}

/**
 * Which detector (trained on `trainSet`) on which operation's copy: the key that AUC cells, ROC
 * curves and video scores share.
 */
export interface DetectorOp {
  /** The detector run; absent in hand-made cells (rows are then one per detector x train set). */
  runId?: string;
  detector: string;
  /** What the model was trained on, e.g. `FF++c23`; empty when unknown. */
  trainSet: string;
  /** Operation instance id (`unaltered`, `h264_crf40`, ...). */
  opId: string;
  /** `unaltered` or a paper category (`compression`, `brightness`, ...). */
  opCategory: string;
  /** Ladder family (`h264`, `noise`, ...); defaults to `opId` when absent. */
  opFamily?: string;
  /** Ladder level; null when the operation has none. */
  severity?: number | null;
}

/**
 * One AUC cell of Table I and the report's charts. Only what a table or chart needs, so they
 * can be drawn from hand-made records; {@link OpAuc} (from a store) adds the rest.
 */
export interface AucCell extends DetectorOp {
  /** ROC AUC in [0, 1]; null when the copy holds a single class (see `note`). */
  auc: number | null;
  /** Bootstrap interval of `auc`, in [0, 1], when asked for and defined. */
  ciLow?: number | null;
  ciHigh?: number | null;
  /** Scored fake (label 1) and real (label 0) samples. */
  positives: number;
  negatives: number;
  /** Why a value is missing, or a caveat (several copies mixed). */
  note?: string;
  /** AUC minus the same run's unaltered AUC, where {@link opAucs} could compute it. */
  deltaAuc?: number | null;
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
 * sorted by detector, training set, run, operation. Video scores follow `videoScores`
 * (each row's face rule, video rule and fail score); frame scores follow `frameScores`.
 * A copy with one class gets a null AUC and a note; a run without an `unaltered` copy gets
 * null deltas and a note. Never throws for such gaps.
 */
export function opAucs(
  frame: pl.DataFrame | pl.LazyDataFrame,
  options: OpAucOptions = {},
): OpAuc[] {
  const level = options.level ?? "video";
  const scored = (level === "video" ? videoScores(frame) : frameScores(frame)).collectSync();
  const column = (name: string) => scored.getColumn(name).toArray() as unknown[];
  const runIds = column("run_id") as string[];
  const opIds = column("op_id") as string[];
  const artifacts = column("artifact_id") as string[];
  const videoIds = column("video_id") as string[];
  const labels = column("label") as number[];
  const scores = column("score") as number[];
  const groups = new Map<string, number[]>();
  for (let i = 0; i < scored.height; i++) {
    const key = `${runIds[i]}\u0000${opIds[i]}`;
    const members = groups.get(key);
    if (members === undefined) groups.set(key, [i]);
    else members.push(i);
  }
  const detectors = column("detector") as string[];
  const trainSets = column("train_set") as string[];
  const families = column("op_family") as string[];
  const categories = column("op_category") as string[];
  const severities = column("severity") as (number | null)[];
  const results: OpAuc[] = [];
  for (const members of groups.values()) {
    const first = members[0];
    const groupLabels = Uint8Array.from(members, (i) => labels[i]);
    const groupScores = Float64Array.from(members, (i) => scores[i]);
    const positives = groupLabels.reduce((sum, l) => sum + l, 0);
    const notes: string[] = [];
    const copies = new Set(members.map((i) => artifacts[i]));
    if (copies.size > 1) notes.push(`${copies.size} copies of ${opIds[first]} mixed`);
    let auc: number | null = null;
    const result: OpAuc = {
      runId: runIds[first],
      detector: detectors[first],
      trainSet: trainSets[first],
      opId: opIds[first],
      opFamily: families[first],
      opCategory: categories[first],
      severity: severities[first],
      level,
      samples: members.length,
      positives,
      negatives: members.length - positives,
      auc: null,
      deltaAuc: null,
      relativeAuc: null,
    };
    if (positives === 0 || positives === members.length) {
      notes.push(
        `only ${positives === 0 ? "real" : "fake"} ${level}s (${members.length}): AUC undefined`,
      );
    } else {
      auc = rocAuc(groupLabels, groupScores);
      if (options.bootstrap) {
        const clusters = level === "frame" ? members.map((i) => videoIds[i]) : undefined;
        const ci = bootstrapAuc(groupLabels, groupScores, { ...options.bootstrap, clusters });
        result.ciLow = ci.low;
        result.ciHigh = ci.high;
      }
    }
    result.auc = auc;
    if (notes.length > 0) result.note = notes.join("; ");
    results.push(result);
  }
  addDeltas(results);
  return results.sort((a, b) =>
    compare(a.detector, b.detector) || compare(a.trainSet, b.trainSet) ||
    compare(a.runId, b.runId) || compare(a.opId, b.opId)
  );
}

function addDeltas(results: OpAuc[]): void {
  const baseline = new Map<string, OpAuc>();
  for (const r of results) if (r.opId === "unaltered") baseline.set(r.runId, r);
  for (const r of results) {
    if (r.opId === "unaltered") {
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
