/**
 * Table I per slice (`report --by method`): the cells of every detector run x operation
 * computed on one slice of the videos at a time, with everything a Table I cell has (the metric
 * registry, the decision view, the paired tests against the slice's Unaltered cell, Holm's
 * correction within the slice's row), because each slice's cells are {@link opAucs} on the
 * slice's videos.
 *
 * Two protocols ({@link SliceProtocol}): `all-reals` (the default, FaceForensics++'s per-method
 * protocol: a slice's AUC ranks that slice's fakes against ALL reals of the run) and `within`
 * (both classes of the slice: its fakes against its own reals; needs a column with values for
 * reals too, e.g. face size).
 * @module
 */
import type pl from "../deps/polars.ts";
import { type OpAuc, type OpAucOptions, opAucs } from "./op_auc.ts";
import { NO_VALUE_SLICE, type SliceValues } from "./slice_values.ts";
import type { VideoSet } from "./video_set.ts";
import { compareIds } from "../util/compare.ts";
import { OptionError } from "../util/option_error.ts";

/**
 * `all-reals`: a slice's cells rank its fakes against every real of the run (FF++ per-method
 * protocol); `within`: the slice's fakes against the slice's reals.
 */
export type SliceProtocol = "all-reals" | "within";

/** Every protocol, the default first, with its sentence for reports. */
export const SLICE_PROTOCOLS: readonly { id: SliceProtocol; description: string }[] = [
  {
    id: "all-reals",
    description: "each slice's AUC ranks that slice's fakes against all reals of the run " +
      "(the FaceForensics++ per-method protocol)",
  },
  {
    id: "within",
    description: "each slice's AUC ranks that slice's fakes against that slice's reals (both " +
      "classes within the slice)",
  },
];

/** The sentence that says what a protocol's AUCs rank. */
export function sliceProtocolText(protocol: SliceProtocol): string {
  return SLICE_PROTOCOLS.find((p) => p.id === protocol)!.description;
}

/** One slice: its value and its cells (one per run x operation, as `opAucs` gives them). */
export interface Slice {
  /** The column sliced on (`method`, `face_size`). */
  by: string;
  /** The slice's value (`Deepfakes`, `face 64-127 px`, {@link NO_VALUE_SLICE}). */
  value: string;
  protocol: SliceProtocol;
  /**
   * The slice's cells: `positives` are the slice's fakes, `negatives` the reals ranked against
   * them; `p`/`pHolm` against the slice's Unaltered cell, Holm within the slice's row. A cell
   * too small for DeLong's test has `p` null and a note saying so ({@link TOO_SMALL_NOTE}).
   */
  cells: OpAuc[];
}

/** Options for {@link sliceCells}: those of `opAucs` (video level), plus the protocol. */
export interface SliceOptions extends Omit<OpAucOptions, "videos" | "level" | "pairing"> {
  /** Default `all-reals`. */
  protocol?: SliceProtocol;
  /**
   * Each run's operating threshold as chosen on all its Unaltered videos (value and rule in
   * words; e.g. from the whole table's cells' `decision`): a slice's decision view then applies
   * the run's own threshold (what a deployed detector does) instead of choosing one on the
   * slice's Unaltered cell. Runs not in the map choose on the slice (`threshold`).
   */
  runThresholds?: ReadonlyMap<string, { value: number; name: string }>;
}

/** The start of the note of a slice cell too small for a paired test. */
export const TOO_SMALL_NOTE = "too few videos for a test";

/**
 * The slices of `set` (a `videoSet` of `frame`) by `values` (`sliceValues(frame, by)`), sorted
 * by value ({@link NO_VALUE_SLICE} last). Under `all-reals` the slices are the values of the
 * fakes, and each holds its fakes and every real; under `within` they are the values of all
 * videos, each with its own fakes and reals. Each slice's cells are `opAucs(frame, { videos })`
 * on the slice's videos (its left-out records filtered alike): the same pairing as `set`.
 * Throws an `OptionError` (exit 2 in a task) under `within` when no real video has a value in
 * the column (no slice would hold reals: use `all-reals`).
 */
export function sliceCells(
  frame: pl.DataFrame | pl.LazyDataFrame,
  set: VideoSet,
  by: string,
  values: SliceValues,
  options: SliceOptions = {},
): Slice[] {
  const protocol = options.protocol ?? "all-reals";
  const valueOf = (runId: string, videoId: string) =>
    values.get(runId)?.get(videoId) ?? NO_VALUE_SLICE;
  const slices = new Set<string>();
  let realsWithValue = 0;
  for (const v of set.videos) {
    const value = valueOf(v.runId, v.videoId);
    if (v.label === 1 || protocol === "within") slices.add(value);
    if (v.label === 0 && value !== NO_VALUE_SLICE) realsWithValue++;
  }
  if (protocol === "within" && realsWithValue === 0 && set.videos.length > 0) {
    throw new OptionError(
      `--slice-reals within: no real video has a ${by} value, so no slice would hold reals; ` +
        "slice with all reals (the default) instead",
    );
  }
  const order = [...slices].sort((a, b) =>
    Number(a === NO_VALUE_SLICE) - Number(b === NO_VALUE_SLICE) || compareIds(a, b)
  );
  const { protocol: _protocol, runThresholds, ...opOptions } = options;
  return order.map((value) => {
    const inSlice = (v: { runId: string; videoId: string; label: 0 | 1 }) =>
      (protocol === "all-reals" && v.label === 0) || valueOf(v.runId, v.videoId) === value;
    const subset: VideoSet = {
      pairing: set.pairing,
      videos: set.videos.filter(inSlice),
      leftOut: set.leftOut.filter(inSlice),
      copies: set.copies,
    };
    const cells = sliceOpAucs(frame, subset, opOptions, runThresholds).map(markTooSmall);
    return { by, value, protocol, cells };
  });
}

// The slice's cells; where a run has a threshold of its own, that run's cells at it (a given
// threshold for opAucs, named as the run's rule).
function sliceOpAucs(
  frame: pl.DataFrame | pl.LazyDataFrame,
  subset: VideoSet,
  options: Omit<OpAucOptions, "videos">,
  runThresholds: ReadonlyMap<string, { value: number; name: string }> | undefined,
): OpAuc[] {
  if (options.threshold === undefined || runThresholds === undefined || runThresholds.size === 0) {
    return opAucs(frame, { ...options, videos: subset });
  }
  const own = (runId: string) => runThresholds.has(runId);
  const part = (keep: (runId: string) => boolean): VideoSet => ({
    pairing: subset.pairing,
    videos: subset.videos.filter((v) => keep(v.runId)),
    leftOut: subset.leftOut.filter((v) => keep(v.runId)),
    copies: subset.copies.filter((c) => keep(c.runId)),
  });
  const cells = subset.copies.some((c) => !own(c.runId))
    ? opAucs(frame, { ...options, videos: part((runId) => !own(runId)) })
    : [];
  for (const [runId, threshold] of runThresholds) {
    const videos = part((id) => id === runId);
    if (videos.copies.length === 0) continue;
    for (
      const cell of opAucs(frame, {
        ...options,
        videos,
        threshold: { rule: "given", threshold: threshold.value },
      })
    ) {
      if (cell.decision) cell.decision.thresholdRule = `${threshold.name} (the run's, all videos)`;
      cells.push(cell);
    }
  }
  return cells.sort((a, b) =>
    compareIds(a.detector, b.detector) || compareIds(a.trainSet, b.trainSet) ||
    compareIds(a.run ?? "", b.run ?? "") || compareIds(a.runId, b.runId) ||
    compareIds(a.opId, b.opId)
  );
}

// DeLong's "needs at least 2 fake and 2 real samples" note, said as the slice view says it.
function markTooSmall(cell: OpAuc): OpAuc {
  if (cell.p === null && (cell.note ?? "").includes("at least 2 fake and 2 real")) {
    const notes = (cell.note ?? "").split("; ").filter((n) => !n.startsWith("DeLong p omitted"));
    notes.unshift(
      `${TOO_SMALL_NOTE} (${cell.positives} fake, ${cell.negatives} real; DeLong ` +
        "needs 2 of each)",
    );
    cell.note = notes.join("; ");
  }
  return cell;
}
