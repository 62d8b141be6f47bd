/**
 * Detector against detector (`report --compare A,B`): two runs of a store on the same copies
 * (two detectors, or two checkpoints of one), operation by operation, on the videos both runs
 * scored in every compared copy. Per operation: the two values in the table's metric (any
 * record of metrics/cell_metrics.ts or metrics/decision_metrics.ts) and their difference; for
 * AUC, DeLong's paired test of AUC(B) = AUC(A) (same videos, correlated scores;
 * `pairedAucTest`) with Holm's correction over the compared operations; and the paired
 * bootstrap interval of the difference of the two drops, `deltaB - deltaA` with `delta =
 * value(op) - value(unaltered)` ("is B's CRF-40 drop smaller than A's?": positive = B keeps
 * more of its Unaltered value), from resamples that draw the videos once for all four score
 * sets.
 * @module
 */
import type pl from "../deps/polars.ts";
import { _forEachResample, _labelBytes, _percentiles, _resampleSettings } from "./_resample.ts";
import type { BootstrapOptions } from "./bootstrap.ts";
import { AUC_METRIC, type CellMetric } from "./cell_metrics.ts";
import { pairedAucTest } from "./delong.ts";
import { isDecisionMetric, type TableMetric } from "./decision_metrics.ts";
import { holmAdjust } from "./holm.ts";
import { MetricError } from "./metric_error.ts";
import { modelLabel, type OpAuc, opAucs } from "./op_auc.ts";
import type { ThresholdChoice } from "./threshold_rules.ts";
import type { VideoScore, VideoSet } from "./video_set.ts";
import { columnKey, orderColumns } from "./columns.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";

/** One operation of a comparison of run B with run A. */
export interface RunComparisonRow {
  opId: string;
  opCategory: string;
  /** Videos ranked (the same for both runs): `nReal + nFake`. */
  n: number;
  nReal: number;
  nFake: number;
  /** The metric of run A and of run B on these videos; null where undefined. */
  valueA: number | null;
  valueB: number | null;
  /** `valueB - valueA`; null where either is. */
  difference: number | null;
  /**
   * DeLong's two-sided p of AUC(B) = AUC(A) on these videos (metric AUC only; null otherwise or
   * where the test is impossible, see `note`).
   */
  p: number | null;
  /** `p` after Holm's correction over the compared operations of the two runs. */
  pHolm: number | null;
  /** Each run's `value(op) - value(unaltered)`; null without an unaltered value. */
  deltaA: number | null;
  deltaB: number | null;
  /** `deltaB - deltaA`: positive = B loses less than A to the operation. */
  deltaDifference: number | null;
  /** Paired bootstrap interval of `deltaDifference`; null where not computed (see `note`). */
  deltaDifferenceLow: number | null;
  deltaDifferenceHigh: number | null;
  /** Why a value is missing, or a caveat (e.g. the runs scored different copies). */
  note?: string;
}

/** What {@link compareRuns} returns. */
export interface RunComparison {
  /** The metric id compared (`auc`, `tpr@fpr0.01` is `tpr`). */
  metric: string;
  /** The runs: id and the label Table I gives them. */
  runA: { runId: string; label: string };
  runB: { runId: string; label: string };
  /** One row per operation both runs scored, in Table I order. */
  rows: RunComparisonRow[];
  /** The cells of both runs on the shared videos (`opAucs`), for charts and notebooks. */
  cells: OpAuc[];
  /** Caveats: operations only one run scored, videos left out because the other run lacks them. */
  notes: string[];
}

/** Options for {@link compareRuns}. */
export interface RunComparisonOptions {
  /** The compared metric; default AUC. */
  metric?: TableMetric;
  /** Resampling of the drop-difference interval; left out (null) without it. */
  bootstrap?: BootstrapOptions;
  /** The decision view's threshold rule (needed for a decision metric). */
  threshold?: ThresholdChoice;
}

/**
 * Compares run `runB` with run `runA` of `set` (a `videoSet` of `frame`) operation by operation.
 * The videos: those in both runs' video sets in every operation both scored, with the same
 * label; each run's cells are then `opAucs` on exactly these videos. An operation only one run
 * scored is named in `notes`; an operation whose copies differ between the runs (another
 * artifact id) is compared with a note saying so. Throws a `MetricError` when a run id is not
 * in `set` or both are the same run.
 */
export function compareRuns(
  frame: pl.DataFrame | pl.LazyDataFrame,
  set: VideoSet,
  runA: string,
  runB: string,
  options: RunComparisonOptions = {},
): RunComparison {
  const metric = options.metric ?? AUC_METRIC;
  if (runA === runB) throw new MetricError(`--compare needs two different runs, got ${runA} twice`);
  const copiesOf = (runId: string) => set.copies.filter((c) => c.runId === runId);
  for (const runId of [runA, runB]) {
    if (copiesOf(runId).length === 0) throw new MetricError(`No run ${runId} in the data`);
  }
  const opsA = new Set(copiesOf(runA).map((c) => c.opId));
  const opsB = new Set(copiesOf(runB).map((c) => c.opId));
  const shared = [...opsA].filter((op) => opsB.has(op));
  const notes: string[] = [];
  const onlyA = [...opsA].filter((op) => !opsB.has(op));
  const onlyB = [...opsB].filter((op) => !opsA.has(op));
  if (onlyA.length) notes.push(`Only run A scored ${onlyA.join(", ")}: not compared.`);
  if (onlyB.length) notes.push(`Only run B scored ${onlyB.join(", ")}: not compared.`);
  // video id -> label, for the videos in every shared copy of both runs.
  const byRunOp = new Map<string, Map<string, VideoScore[]>>();
  for (const v of set.videos) {
    if ((v.runId !== runA && v.runId !== runB) || !shared.includes(v.opId)) continue;
    const k = `${v.runId}\u0000${v.opId}`;
    if (!byRunOp.has(k)) byRunOp.set(k, new Map());
    const m = byRunOp.get(k)!;
    m.set(v.videoId, [...(m.get(v.videoId) ?? []), v]);
  }
  const all = new Set<string>();
  for (const m of byRunOp.values()) for (const id of m.keys()) all.add(id);
  const common = [...all].filter((id) => {
    const labels = new Set<number>();
    for (const runId of [runA, runB]) {
      for (const op of shared) {
        const entries = byRunOp.get(`${runId}\u0000${op}`)?.get(id);
        if (entries === undefined || entries.length !== 1) return false;
        labels.add(entries[0].label);
      }
    }
    return labels.size === 1;
  }).sort();
  if (common.length < all.size) {
    notes.push(
      `${all.size - common.length} of ${all.size} videos are not usable in every compared copy ` +
        "of both runs: both runs are compared on the other " + `${common.length}.`,
    );
  }
  const keep = new Set(common);
  const subset: VideoSet = {
    pairing: set.pairing,
    videos: set.videos.filter((v) =>
      (v.runId === runA || v.runId === runB) && shared.includes(v.opId) && keep.has(v.videoId)
    ),
    leftOut: [],
    copies: set.copies.filter((c) =>
      (c.runId === runA || c.runId === runB) && shared.includes(c.opId)
    ),
  };
  const cells = opAucs(frame, {
    videos: subset,
    metrics: isDecisionMetric(metric) || metric.id === AUC_METRIC.id ? undefined : [metric],
    threshold: options.threshold,
  });
  const cellOf = (runId: string, opId: string) =>
    cells.find((c) => c.runId === runId && c.opId === opId);
  const valueOf = (cell: OpAuc | undefined): number | null =>
    cell === undefined
      ? null
      : isDecisionMetric(metric)
      ? (cell.decision ? metric.value(cell.decision) : null)
      : metric.id === AUC_METRIC.id
      ? cell.auc
      : cell.metrics?.[metric.id] ?? null;
  // Scores of one run's copy in `common` order (one per video).
  const scores = (runId: string, opId: string) => {
    const m = byRunOp.get(`${runId}\u0000${opId}`)!;
    return Float64Array.from(common, (id) => m.get(id)![0].score);
  };
  const labels = Uint8Array.from(
    common,
    (id) => byRunOp.get(`${runA}\u0000${shared[0]}`)!.get(id)![0].label,
  );
  const order = orderColumns(copiesOf(runA).filter((c) => shared.includes(c.opId)).map(columnKey));
  const rows: RunComparisonRow[] = order.map(({ opId, category }) => {
    const a = cellOf(runA, opId);
    const b = cellOf(runB, opId);
    const rowNotes: string[] = [];
    const artifactsOf = (runId: string) =>
      [
        ...new Set(
          subset.videos.filter((v) => v.runId === runId && v.opId === opId).map((v) =>
            v.artifactId
          ),
        ),
      ].sort().join(",");
    if (artifactsOf(runA) !== artifactsOf(runB)) {
      rowNotes.push("the runs scored different copies of this operation (other artifact ids)");
    }
    const valueA = valueOf(a);
    const valueB = valueOf(b);
    const row: RunComparisonRow = {
      opId,
      opCategory: category,
      n: common.length,
      nReal: labels.length - labels.reduce((s, l) => s + l, 0),
      nFake: labels.reduce((s, l) => s + l, 0),
      valueA,
      valueB,
      difference: valueA === null || valueB === null ? null : valueB - valueA,
      p: null,
      pHolm: null,
      deltaA: null,
      deltaB: null,
      deltaDifference: null,
      deltaDifferenceLow: null,
      deltaDifferenceHigh: null,
    };
    if (metric.id === AUC_METRIC.id && common.length > 0) {
      try {
        row.p = pairedAucTest(labels, scores(runB, opId), scores(runA, opId)).p;
      } catch (error) {
        if (!(error instanceof MetricError)) throw error;
        rowNotes.push(`DeLong p omitted: ${error.message}`);
      }
    }
    const baseA = valueOf(cellOf(runA, UNALTERED_ID));
    const baseB = valueOf(cellOf(runB, UNALTERED_ID));
    if (opId !== UNALTERED_ID && valueA !== null && valueB !== null) {
      if (baseA === null || baseB === null) {
        rowNotes.push("no unaltered value for both runs: drops omitted");
      } else {
        row.deltaA = valueA - baseA;
        row.deltaB = valueB - baseB;
        row.deltaDifference = row.deltaB - row.deltaA;
        if (options.bootstrap !== undefined) {
          if (isDecisionMetric(metric)) {
            rowNotes.push("drop-difference interval computed for cell metrics only");
          } else {
            try {
              const ci = dropDifferenceInterval(
                labels,
                [
                  scores(runA, opId),
                  scores(runA, UNALTERED_ID),
                  scores(runB, opId),
                  scores(runB, UNALTERED_ID),
                ],
                metric,
                options.bootstrap,
              );
              row.deltaDifferenceLow = ci.low;
              row.deltaDifferenceHigh = ci.high;
            } catch (error) {
              if (!(error instanceof MetricError)) throw error;
              rowNotes.push(`drop-difference interval omitted: ${error.message}`);
            }
          }
        }
      }
    }
    if (rowNotes.length) row.note = rowNotes.join("; ");
    return row;
  });
  const adjusted = holmAdjust(rows.map((r) => r.p ?? NaN));
  rows.forEach((r, i) => r.pHolm = r.p === null ? null : adjusted[i]);
  const label = (runId: string) => {
    const c = copiesOf(runId)[0];
    return modelLabel(c.detector, c.trainSet, c.run);
  };
  return {
    metric: metric.id,
    runA: { runId: runA, label: label(runA) },
    runB: { runId: runB, label: label(runB) },
    rows,
    cells,
    notes,
  };
}

/**
 * Percentile bootstrap interval of `(m(B op) - m(B unaltered)) - (m(A op) - m(A unaltered))`
 * for four score sets of the same videos (`[A op, A unaltered, B op, B unaltered]`): each
 * resample draws the videos once (stratified by label) for all four, so what the runs and the
 * copies share cancels. Throws a `MetricError` on bad inputs or options (as
 * `pairedBootstrapDelta`).
 */
export function dropDifferenceInterval(
  labels: Uint8Array,
  scores: readonly [Float64Array, Float64Array, Float64Array, Float64Array],
  metric: CellMetric,
  bootstrap: BootstrapOptions,
): { low: number; high: number; estimate: number } {
  const name = "dropDifferenceInterval";
  const settings = _resampleSettings(bootstrap, name);
  const label = _labelBytes(labels);
  const diff = (l: Uint8Array, s: Float64Array[]) =>
    (metric.compute(l, s[2]) - metric.compute(l, s[3])) -
    (metric.compute(l, s[0]) - metric.compute(l, s[1]));
  const estimate = diff(label, [...scores]);
  const values: number[] = [];
  _forEachResample(label, [...scores], bootstrap, settings, name, (drawn, s) => {
    values.push(diff(drawn, s));
  });
  return { estimate, ..._percentiles(values, settings.confidence, name) };
}
