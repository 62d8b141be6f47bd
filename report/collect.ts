/**
 * From a results store to {@link ReportData}: video-level scores per detector run and copy,
 * AUC and ROC per detector run x operation (by default every operation of a run on the same
 * videos, metrics/video_set.ts; every run of the store, or the runs chosen, each named in words
 * by store/run_labels.ts), the videos left out and why, the notes a reader needs
 * (unreadable parts, left-out videos, copies with no video scored, one-class copies, missing
 * unaltered copies) and the provenance. Bad input never aborts the report: it becomes a note,
 * and the rest is still computed.
 * @module
 */
import pl from "../deps/polars.ts";
import type { DetectorOp } from "../metrics/cell.ts";
import { AUC_METRIC, type CellMetric } from "../metrics/cell_metrics.ts";
import { DEFAULT_THRESHOLD, type ThresholdChoice } from "../metrics/threshold_rules.ts";
import { leftOutNotes, leftOutSummary } from "../metrics/left_out_notes.ts";
import { corruptionErrors, referenceRunId } from "../metrics/mce.ts";
import {
  type AucCell,
  modelLabel,
  NOT_PAIRED_NOTE,
  type OpAuc,
  opAucs,
} from "../metrics/op_auc.ts";
import { rocCurve } from "../metrics/roc_curve.ts";
import { type Pairing, type VideoScore, videoSet } from "../metrics/video_set.ts";
import { chooseRuns, runQualifiers } from "../store/run_labels.ts";
import { runSummaries, type RunSummary } from "../store/runs.ts";
import { scanStoreParts, type StoreProblem } from "../store/store.ts";
import { videoOutcomesByPart, videoScores } from "../store/video_scores.ts";
import { storeWarnings } from "../store/warnings.ts";
import type { ReportData, RocCurveData } from "./report_data.ts";
import { shareableReportData } from "./shareable_paths.ts";
import {
  copyManifestIndex,
  type CopyProvenance,
  DFROBUST_VERSION,
  type RunProvenance,
} from "./provenance.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { sliceCells, type SliceProtocol } from "../metrics/slices.ts";
import {
  SLICE_COLUMNS,
  sliceColumn,
  type SliceValues,
  sliceValues,
} from "../metrics/slice_values.ts";
import { manifestSliceColumns, manifestSliceValues } from "../metrics/manifest_slices.ts";
import { type ManifestColumns, readManifestColumns } from "../dataset/manifest_columns.ts";
import { compareRuns } from "../metrics/run_comparison.ts";
import type { TableMetric } from "../metrics/decision_metrics.ts";
import { OptionError } from "../util/option_error.ts";
import { inRunOrder, runOrder } from "./run_order.ts";
import { datasetSummary } from "./dataset_summary.ts";
import { locatorChanges } from "../metrics/locator_changes.ts";
import { locatorReport } from "./locator_section.ts";
import { ALL_OP_IDS } from "../ops/catalog.ts";
import { contactSheet, type SheetCopy } from "./contact_sheet.ts";
import { NO_DATA_SHEET_NOTE } from "./contact_sheet_problems.ts";
import { findCopies } from "../artifacts/copies.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";

/** Options for {@link loadReportData}. */
export interface LoadReportDataOptions {
  /** Distort output folder: copy manifests there add ffmpeg builds and dates to provenance. */
  dataDir?: string;
  /**
   * The video of the contact sheet (`report --example`; report/contact_sheet.ts); default its
   * rule. An `OptionError` when no copy holds it.
   */
  example?: string;
  /** Called for each store part left out (in addition to the note in the report). */
  onProblem?: (problem: StoreProblem) => void;
  /** Bootstrap resamples for the 95% AUC intervals (videos, stratified); 0 = none. Default 1000. */
  bootstrapResamples?: number;
  /** Seed of the bootstrap. Default 0. */
  bootstrapSeed?: number;
  /**
   * Detector (or run id, or run label) the others are compared against: corruption errors (CE
   * per family, mCE, metrics/mce.ts). Throws `MetricError` when it names no run or several.
   */
  referenceDetector?: string;
  /**
   * The runs to report (`report --run`), each a run id (or its first 6+ characters), a run label
   * (`sbi (faces: ultraface)`), a qualifier (`faces: ultraface`) or a detector (all its runs);
   * store/run_labels.ts `chooseRuns`. Default: every run of the store, one Table I row each. A
   * note names the runs chosen and the ones left out; throws `UnknownRunError` listing the
   * store's runs when a choice names none.
   */
  runs?: readonly string[];
  /**
   * `paired` (default): every operation's AUC of a run on the videos usable in all its copies;
   * `unpaired`: each copy on its own usable videos (metrics/video_set.ts).
   */
  pairing?: Pairing;
  /**
   * Cell metrics to compute besides AUC (metrics/cell_metrics.ts), for a Table I in another
   * metric (`tableOne(cells, { metric })`). Default none.
   */
  metrics?: readonly CellMetric[];
  /**
   * How each run's operating threshold is chosen on its Unaltered copy for the decision view
   * (metrics/threshold_rules.ts, metrics/decision.ts: each cell's `decision`). Default the EER
   * point of Unaltered.
   */
  threshold?: ThresholdChoice;
  /**
   * Table I per slice by this store column or `face_size` (`report --by`,
   * metrics/slice_values.ts), or by a column of the dataset manifests in `manifests` (or
   * `dataset`: metrics/manifest_slices.ts); with `sliceProtocol` (default `all-reals`,
   * metrics/slices.ts).
   */
  by?: string;
  /**
   * Dataset manifests (CSV paths) whose columns `by` may name, joined to the store by video id;
   * read before the store. Throws `ManifestError` for an unreadable or malformed one.
   */
  manifests?: readonly string[];
  /** How a slice's reals are chosen; default `all-reals` (FF++ per-method protocol). */
  sliceProtocol?: SliceProtocol;
  /**
   * Two runs to compare (`report --compare A,B`): each a run choice as in `runs` naming exactly
   * one run (metrics/run_comparison.ts). Throws an `OptionError` when a choice names several
   * runs or both name the same one.
   */
  compare?: readonly [string, string];
  /** The metric `compare` compares (a cell or decision metric); default AUC. */
  compareMetric?: TableMetric;
}

/**
 * Parquet bytes of the store parts reduced together (store/store.ts `scanStoreParts`): about
 * 300,000 rows of a paper-shaped store; a part larger than this is reduced alone.
 */
export const REDUCE_BATCH_BYTES = 2_000_000;

/**
 * Most sentences about single left-out videos a terminal gets (`ReportData.terminalNotes`);
 * beyond, one summary per run (metrics/left_out_notes.ts `leftOutSummary`).
 */
export const TERMINAL_VIDEO_NOTES = 10;

/** One video's score, as the notebooks and charts use it. */
export type VideoScoreRecord = VideoScore;

/**
 * Reads the store at `storeDir` and computes everything a report shows: video-level AUC with
 * bootstrap intervals (metrics/op_auc.ts), ROC curves, notes, provenance. Every run of the store
 * (or those chosen with `runs`) is reported on its own, named in words where a detector and
 * training set have several runs (`sbi (faces: ultraface)`, store/run_labels.ts); nothing is
 * pooled across runs. No absolute path is left in the data: paths under the store or `dataDir`
 * are relative to them, others cut to their file name (report/shareable_paths.ts). Throws
 * `StoreError` when the store is missing, empty or wholly unreadable, `UnknownRunError` when a
 * choice in `runs` names no run; damaged parts are left out and noted.
 */
export async function loadReportData(
  storeDir: string,
  options: LoadReportDataOptions = {},
): Promise<ReportData> {
  const notes: string[] = [];
  const problems: StoreProblem[] = [];
  // Manifests and the --by column are checked before the store is read.
  const manifests = await Promise.all((options.manifests ?? []).map(readManifestColumns));
  if (options.by !== undefined) sliceColumn(options.by, manifestSliceColumns(manifests));
  const onProblem = (p: StoreProblem) => {
    problems.push(p);
    options.onProblem?.(p);
  };
  // Parts batched up to REDUCE_BATCH_BYTES: bounded memory without a query per tiny part.
  const parts = await scanStoreParts(storeDir, { onProblem, batchBytes: REDUCE_BATCH_BYTES });
  const lazy = parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" });
  for (const p of problems) notes.push(`Left out unreadable store part "${p.path}": ${p.reason}`);
  // The parts were listed and checked once, by scanStore: the summaries read the same scan.
  const runs = runSummaries(parts);
  const chosen = options.runs === undefined || options.runs.length === 0
    ? runs
    : chooseRuns(runs, options.runs);
  if (chosen.length < runs.length) notes.push(choiceNote(chosen, runs));
  const keep = (frame: pl.LazyDataFrame) =>
    chosen.length < runs.length
      ? frame.filter(pl.col("run_id").isIn(chosen.map((r) => r.runId)))
      : frame;
  const used = keep(lazy);
  // Rows, panels and provenance in the order the runs were named or made (report/run_order.ts).
  const order = runOrder(chosen, options.runs);
  const resamples = options.bootstrapResamples ?? 1000;
  // Qualifiers from the whole store: a chosen run keeps the name it has beside the others.
  const runQualifiers = new Map(runs.map((r) => [r.runId, r.run]));
  // Video outcomes part by part: one part's rows in memory at a time.
  const outcomes = videoOutcomesByPart(parts.map(keep));
  const videos = videoSet(used, { pairing: options.pairing, runQualifiers, outcomes });
  const aucs = opAucs(used, {
    bootstrap: resamples > 0 ? { resamples, seed: options.bootstrapSeed ?? 0 } : undefined,
    videos,
    metrics: options.metrics,
    threshold: options.threshold ?? DEFAULT_THRESHOLD,
  });
  const videoNotes = leftOutNotes(videos);
  const videoNotesAt = notes.length;
  // One by one: a note per left-out video, too many to spread into push()'s arguments.
  for (const note of videoNotes) notes.push(note);
  noteCaveats(aucs, notes);
  const rocs = rocCurves(videos.videos, { cells: aucs });
  // What the face locator did, per cell beside the face share (metrics/locator_changes.ts).
  // Part by part (the Unaltered boxes first): one part's face rows in memory at a time.
  const locator = locatorReport(locatorChanges(parts.map(keep)), aucs, videos.videos);
  // The section names the reference run in words (its Table I label), not as the user typed it.
  const referenceRun = options.referenceDetector
    ? referenceRunId(aucs, options.referenceDetector)
    : undefined;
  const relative = referenceRun
    ? {
      reference: referenceLabel(aucs, referenceRun),
      errors: corruptionErrors(aucs, { reference: referenceRun }),
    }
    : undefined;
  // Per run: its unaltered AUC, whether it scored anything, its label.
  const unalteredAuc = new Map(
    aucs.filter((c) => c.opId === UNALTERED_ID).map((c) => [c.runId, c.auc]),
  );
  // A run with no video scored anywhere is named once, by leftOutNotes().
  const scored = new Set(aucs.filter((c) => c.samples > 0).map((c) => c.runId));
  const labels = new Map(aucs.map((c) => [c.runId, modelLabel(c.detector, c.trainSet, c.run)]));
  for (const [runId, model] of labels) {
    if (unalteredAuc.get(runId) !== undefined && unalteredAuc.get(runId) !== null) continue;
    if (!scored.has(runId)) continue;
    notes.push(
      unalteredAuc.has(runId)
        ? `The unaltered AUC of ${model} is undefined: its delta AUC is omitted.`
        : `No unaltered copy scored for ${model}: its delta AUC is omitted.`,
    );
  }
  const bootstrap = resamples > 0 ? { resamples, seed: options.bootstrapSeed ?? 0 } : undefined;
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const slices = options.by === undefined ? undefined : sliceCells(
    used,
    videos,
    options.by,
    sliceValuesOf(used, options.by, manifests, notes),
    {
      protocol: options.sliceProtocol,
      bootstrap,
      metrics: options.metrics,
      threshold,
      // A slice's decision view at its run's threshold, chosen on all the run's Unaltered videos.
      runThresholds: new Map(
        aucs.filter((c) => c.opId === UNALTERED_ID && c.decision).map((c) => [
          c.runId,
          { value: c.decision!.threshold, name: c.decision!.thresholdRule },
        ]),
      ),
    },
  );
  const comparison = options.compare === undefined ? undefined : compareRuns(
    used,
    videos,
    ...comparedRuns(runs, options.compare),
    {
      metric: options.compareMetric ?? AUC_METRIC,
      bootstrap,
      threshold,
    },
  );
  const copies = copyProvenance(parts.map(keep));
  if (options.dataDir) {
    const index = await copyManifestIndex(options.dataDir, {
      onError: (path, message) => notes.push(`Cannot read copy manifest "${path}": ${message}`),
    });
    for (const copy of copies) Object.assign(copy, index.get(copy.artifactId) ?? {});
  }
  const sheet = await sheetOf(copies, options);
  // The report is shared: no absolute path of this machine in it (report/shareable_paths.ts).
  return shareableReportData({
    ...sheet,
    cells: inRunOrder(aucs, order),
    rocs: inRunOrder(rocs, order),
    runOrder: order,
    dataset: datasetSummary(used),
    notes,
    // A terminal gets at most TERMINAL_VIDEO_NOTES sentences about single videos.
    terminalNotes: videoNotes.length <= TERMINAL_VIDEO_NOTES ? notes : [
      ...notes.slice(0, videoNotesAt),
      ...leftOutSummary(videos),
      ...notes.slice(videoNotesAt + videoNotes.length),
    ],
    bootstrapResamples: resamples,
    warnings: storeWarnings(used),
    pairing: videos.pairing,
    leftOut: videos.leftOut,
    damagedParts: problems,
    relative,
    threshold,
    ...(slices ? { slices } : {}),
    ...(comparison ? { comparison } : {}),
    locator,
    provenance: {
      dfrobustVersion: DFROBUST_VERSION,
      denoVersion: Deno.version.deno,
      generatedAt: new Date().toISOString(),
      store: storeDir,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      runs: inRunOrder(chosen, order).map((r): RunProvenance => ({
        runId: r.runId,
        label: r.label,
        detector: r.detector,
        trainSet: r.trainSet,
        modelSha256: r.modelSha256,
        faceMode: r.faceMode,
        rows: r.rows,
        firstWritten: r.firstWritten,
        lastWritten: r.lastWritten,
      })),
      copies,
    },
  }, { storeDir, dataDir: options.dataDir });
}

/**
 * Video-level scores of a store frame (see store/video_scores.ts) as plain records: every video
 * usable in its copy, copy by copy (unpaired), each with its run id and, where the frame holds
 * several runs of its detector and training set, the run's qualifier (`run`; `runQualifiers`
 * overrides, default store/run_labels.ts `runQualifiers(frame)`).
 */
export function videoScoreRecords(
  frame: pl.DataFrame | pl.LazyDataFrame,
  options: { runQualifiers?: ReadonlyMap<string, string> } = {},
): VideoScoreRecord[] {
  const qualifiers = options.runQualifiers ?? runQualifiers(frame);
  const df = videoScores(frame).collectSync();
  const col = (name: string) => df.getColumn(name).toArray();
  const [runId, detector, trainSet, opId, opFamily, opCategory, severity, artifactId, videoId] = [
    "run_id",
    "detector",
    "train_set",
    "op_id",
    "op_family",
    "op_category",
    "severity",
    "artifact_id",
    "video_id",
  ].map(col);
  const label = col("label");
  const score = col("score");
  const scoredFrames = col("scored_frames");
  const fallback = col("fallback");
  return Array.from({ length: df.height }, (_, i) => ({
    runId: String(runId[i]),
    detector: String(detector[i]),
    trainSet: String(trainSet[i] ?? ""),
    ...(qualifiers.get(String(runId[i])) ? { run: qualifiers.get(String(runId[i]))! } : {}),
    opId: String(opId[i]),
    opFamily: String(opFamily[i]),
    opCategory: String(opCategory[i]),
    severity: severity[i] === null || severity[i] === undefined ? null : Number(severity[i]),
    artifactId: String(artifactId[i]),
    videoId: String(videoId[i]),
    label: Number(label[i]) === 1 ? 1 : 0,
    score: Number(score[i]),
    scoredFrames: Number(scoredFrames[i]),
    fallback: fallback[i] === true,
  }));
}

/** Options for {@link rocCurves}. */
export interface RocCurvesOptions {
  /**
   * AUC cells of the same videos: each cell without a curve (no video scored, one class) gets
   * an empty curve with the cell's note, so charts can name it.
   */
  cells?: readonly AucCell[];
}

/**
 * Video-level ROC curves per detector run x operation (run id where the records have one, else
 * detector x train set; copies with one class have none, or an empty one with `cells`).
 */
export function rocCurves(
  videos: readonly VideoScoreRecord[],
  options: RocCurvesOptions = {},
): RocCurveData[] {
  const key = (v: DetectorOp) => JSON.stringify([v.runId ?? "", v.detector, v.trainSet, v.opId]);
  const groups = new Map<string, VideoScoreRecord[]>();
  for (const v of videos) {
    if (!groups.has(key(v))) groups.set(key(v), []);
    groups.get(key(v))!.push(v);
  }
  const rocs: RocCurveData[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    const labels = new Uint8Array(group.map((v) => v.label));
    const fakes = labels.reduce((s, l) => s + l, 0);
    if (fakes === 0 || fakes === labels.length) continue;
    const curve = rocCurve(labels, new Float64Array(group.map((v) => v.score)));
    rocs.push({
      runId: first.runId,
      detector: first.detector,
      trainSet: first.trainSet,
      ...(first.run ? { run: first.run } : {}),
      opId: first.opId,
      opCategory: first.opCategory,
      opFamily: first.opFamily,
      severity: first.severity,
      points: Array.from(curve.fpr, (fpr, i) => ({ fpr, tpr: curve.tpr[i] })),
    });
  }
  const drawn = new Set(rocs.map(key));
  for (const cell of options.cells ?? []) {
    if (drawn.has(key(cell))) continue;
    rocs.push({
      ...(cell.runId === undefined ? {} : { runId: cell.runId }),
      detector: cell.detector,
      trainSet: cell.trainSet,
      ...(cell.run ? { run: cell.run } : {}),
      opId: cell.opId,
      opCategory: cell.opCategory,
      opFamily: cell.opFamily,
      severity: cell.severity,
      points: [],
      ...(cell.note ? { note: cell.note } : {}),
    });
  }
  return rocs;
}

// The cells' notes become report notes, except the per-cell "deltas omitted" ones (the report
// says that once per model) and the "paired statistics omitted" ones (said once for all).
function noteCaveats(aucs: OpAuc[], notes: string[]): void {
  const runsWithout = new Set(aucs.map((a) => a.runId));
  for (const a of aucs) if (a.samples > 0) runsWithout.delete(a.runId);
  const unpaired = aucs.filter((a) => (a.note ?? "").split("; ").includes(NOT_PAIRED_NOTE));
  if (unpaired.length > 0) {
    notes.push(
      `${unpaired.length} processed cell${unpaired.length === 1 ? " ranks" : "s rank"} other ` +
        "videos than the unaltered copy of the run (unpaired): no paired interval, DeLong p or " +
        "significance mark for them.",
    );
  }
  for (const a of aucs) {
    const kept = (a.note ?? "").split("; ").filter((n) =>
      n && !n.endsWith("deltas omitted") && n !== NOT_PAIRED_NOTE
    );
    // A run with no video scored anywhere is named once by leftOutNotes().
    if (a.samples === 0 && runsWithout.has(a.runId)) continue;
    if (kept.length) {
      notes.push(`${modelLabel(a.detector, a.trainSet, a.run)} on ${a.opId}: ${kept.join("; ")}.`);
    }
  }
}

// "Runs chosen (--run): sbi (faces: ultraface) [run id ...]; left out: ...": which runs the
// report shows, in words, when it shows only some.
function choiceNote(chosen: readonly RunSummary[], runs: readonly RunSummary[]): string {
  const kept = new Set(chosen.map((r) => r.runId));
  const name = (r: RunSummary) => `${r.label} [run id ${r.runId}]`;
  return `Runs chosen (--run): ${chosen.map(name).join(", ")}; left out: ${
    runs.filter((r) => !kept.has(r.runId)).map(name).join(", ")
  }.`;
}

// The run ids of `--compare A,B`: each choice must name exactly one run of the store.
function comparedRuns(
  runs: readonly RunSummary[],
  choices: readonly [string, string],
): [string, string] {
  const [a, b] = choices.map((choice) => {
    const hits = chooseRuns(runs, [choice]);
    if (hits.length !== 1) {
      throw new OptionError(
        `--compare: "${choice}" names ${hits.length} runs (${
          hits.map((r) => `${r.label} [run id ${r.runId}]`).join(", ")
        }); name one by run id or label`,
      );
    }
    return hits[0].runId;
  });
  if (a === b) {
    throw new OptionError(`--compare names the same run twice (${choices.join(", ")})`);
  }
  return [a, b];
}

// The copies of the store, part by part (one part's rows in memory at a time), then merged.
function copyProvenance(parts: readonly pl.LazyDataFrame[]): CopyProvenance[] {
  const keys = ["artifact_id", "op_id", "op_category", "profile"];
  const df = pl.concat(parts.map((part) => part.select(...keys).unique().collectSync()), {
    how: "vertical",
  }).unique().sort(["op_id", "artifact_id"]);
  return df.toRecords().map((r) => ({
    artifactId: String(r.artifact_id),
    opId: String(r.op_id),
    opCategory: String(r.op_category),
    profile: String(r.profile),
  }));
}

// The reference run's Table I label, with its run id where the store holds other runs of its
// detector (the label alone then still reads as one of several).
function referenceLabel(aucs: readonly OpAuc[], runId: string): string {
  const cell = aucs.find((a) => a.runId === runId)!;
  const label = modelLabel(cell.detector, cell.trainSet, cell.run);
  const several = new Set(aucs.filter((a) => a.detector === cell.detector).map((a) => a.runId));
  return several.size > 1 ? `${label}, run ${runId}` : label;
}

// The slices by `by`: a store column (or face size) from the store, any other column from the
// manifests, joined by video id; the join's notes (ids on one side only) go to `notes`.
function sliceValuesOf(
  frame: pl.LazyDataFrame,
  by: string,
  manifests: readonly ManifestColumns[],
  notes: string[],
): SliceValues {
  if (SLICE_COLUMNS.includes(by)) return sliceValues(frame, by);
  const joined = manifestSliceValues(frame, by, manifests);
  for (const note of joined.notes) notes.push(note);
  return joined.values;
}

/**
 * The contact sheet of the report's copies (report/contact_sheet.ts), from the files under the
 * data folder, one copy per operation in the catalog's order (chains and unknown ids last, by id);
 * a note instead when there is no data folder or no copy file to read.
 */
async function sheetOf(
  copies: readonly CopyProvenance[],
  options: LoadReportDataOptions,
): Promise<Pick<ReportData, "contactSheet" | "contactSheetNote">> {
  if (!options.dataDir) {
    return { contactSheetNote: NO_DATA_SHEET_NOTE };
  }
  const isFolder = await Deno.stat(options.dataDir).then((s) => s.isDirectory, () => false);
  if (!isFolder) {
    return {
      contactSheetNote:
        `No contact sheet: the data folder "${options.dataDir}" (--data) is not a ` +
        "folder: give the folder distort wrote the copies into.",
    };
  }
  const wanted = new Set(copies.map((c) => c.artifactId));
  const found = await findCopies(options.dataDir, { maxDepth: 4 });
  const order = (opId: string) => {
    const at = ALL_OP_IDS.indexOf(opId);
    return at < 0 ? Infinity : at;
  };
  const seen = new Set<string>();
  const sheetCopies: SheetCopy[] = found
    .filter((f) => wanted.has(f.manifest.artifactId))
    .map((f) => ({ opId: f.manifest.op.id, dir: f.dir, manifest: f.manifest }))
    .sort((a, b) => order(a.opId) - order(b.opId) || a.opId.localeCompare(b.opId))
    .filter((c) => !seen.has(c.opId) && seen.add(c.opId) !== undefined);
  if (sheetCopies.length === 0) {
    return {
      contactSheetNote: `No contact sheet: no copy of this report under the data folder ` +
        `"${options.dataDir}" (--data).`,
    };
  }
  let ffmpeg: Ffmpeg;
  try {
    ffmpeg = await openFfmpeg("auto");
  } catch (error) {
    return { contactSheetNote: `No contact sheet: ${(error as Error).message}` };
  }
  try {
    const sheet = await contactSheet(ffmpeg, sheetCopies, { example: options.example });
    return sheet ? { contactSheet: sheet } : {
      contactSheetNote: "No contact sheet: no video is ok in any copy.",
    };
  } finally {
    await ffmpeg.close();
  }
}
