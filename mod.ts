/**
 * dfrobust: how deepfake detectors hold up when their test videos go through real-world
 * processing (Lu & Ebrahimi, 2023). The public API that notebooks and scripts import, grouped by
 * pipeline stage: 1. test sets, 2. distort (operations, ffmpeg, versioned copies), 3. eval
 * (faces, detectors, the eval pipeline, the results store), 4. metrics and report; then scale
 * (shards, Slurm), the embedded demo and utilities. Import it by path or file URL from any folder:
 * every third-party package comes through deps/ with a full `npm:` specifier.
 *
 * ```ts
 * import { rocAuc } from "./mod.ts";
 * ```
 * @module
 */

// --- 1. Test sets: dataset manifests, FaceForensics++ import
export * from "./dataset/manifest.ts";
export * from "./dataset/video_file.ts";
export * from "./dataset/ffpp.ts";

// --- 2. Distort: the operation catalog (records), chains, profiles, geometry
export * from "./ops/operation.ts";
export * from "./ops/geometry.ts";
export {
  ALL_OP_IDS,
  CATALOG_VERSION,
  FAMILIES,
  familyOfInstance,
  findFamily,
  getOperation,
  instanceOf,
  NOISE_SEED,
  opLabel,
  PAPER_OP_IDS,
  UnknownOperationError,
} from "./ops/catalog.ts";
export { UNALTERED_CATEGORY, UNALTERED_ID } from "./ops/unaltered.ts";
export * from "./ops/chain.ts";
export * from "./ops/profile.ts";
export * from "./ops/select.ts";

// --- 2. Distort: the one seam to ffmpeg (native or wasm), probing, frame sampling, encoding
export {
  type BackendChoice,
  type Ffmpeg,
  type FfmpegBuild,
  FfmpegError,
  type FfmpegErrorOptions,
  type FfmpegJob,
  type FfmpegResult,
  nativeFfmpegAvailable,
  openFfmpeg,
  type OpenFfmpegOptions,
  type VideoInfo,
} from "./media/ffmpeg.ts";
export * from "./media/frames.ts";
export { type FrameLimits, frameLimits } from "./media/frame_limits.ts";
export * from "./media/encode.ts";

// --- 2. Distort: distorted copies as versioned artifacts (manifests, locks, verify, gc, shards)
export * from "./artifacts/artifact_id.ts";
export * from "./artifacts/copy_manifest.ts";
export * from "./artifacts/copies.ts";
export { distortDataset } from "./artifacts/distort.ts";
export type {
  CopyFailure,
  CopyResult,
  DistortOptions,
  DistortSummary,
} from "./artifacts/distort.ts";
export {
  assembleCopy,
  type CopyAssembly,
  describeIncomplete,
  type IncompleteCopy,
} from "./artifacts/copy_shards.ts";
export * from "./artifacts/verify.ts";
export * from "./artifacts/gc.ts";
export {
  checkOutputs,
  type ExpectedOutput,
  type OutputProblem,
  VERIFIED_CACHE_FILE,
} from "./artifacts/output_check.ts";

// --- 3. Eval: images and faces (boxes, locators, selection, geometry)
export * from "./image/resize.ts";
export * from "./faces/box.ts";
export * from "./image/frame.ts";
export * from "./faces/locator.ts";
export * from "./faces/ultraface.ts";
export * from "./faces/nms.ts";
export * from "./faces/select.ts";
export { mapBox, mapBoxExact } from "./faces/geometry.ts";
export * from "./faces/sidecar.ts";
export * from "./faces/reference.ts";

// --- 3. Eval: ONNX building blocks (writer, Keras weights, MesoNet import)
export * from "./onnx/writer.ts";
export * from "./onnx/keras_h5.ts";
export * from "./onnx/mesonet.ts";

// --- 3. Eval: detector specs, presets, sessions, preprocessing
export { MESOINCEPTION, MESONET } from "./detectors/mesonet.ts";
export * from "./detectors/spec.ts";
export * from "./detectors/load.ts";
export { CAPSULE, getPreset, PRESET_NAMES, PRESETS, SBI, XCEPTION } from "./detectors/presets.ts";
export * from "./detectors/session.ts";
export * from "./detectors/preprocess.ts";

// --- 3. Eval: the eval pipeline (sample -> locate -> preprocess -> infer -> store rows)
export {
  type CopySummary,
  type EvalSummary,
  type EvalTimings,
  evaluate,
  type EvaluateOptions,
  FACE_MODES,
} from "./eval/evaluate.ts";
export { EVAL_STAGES, type EvalStage, type StageTime } from "./eval/timings.ts";
export {
  CopyDiscoveryError,
  type CopyOperation,
  discoverCopies,
  type EvalCopy,
  type FailedCopyVideo,
  sortCopies,
} from "./eval/copies.ts";
export { evalRunId, evalUnitId, type RunIdentity } from "./eval/run_id.ts";
export { FACE_MODEL_ENV, faceModelFor, ULTRAFACE_MODEL } from "./eval/face_model.ts";
export { DAMAGED_VIDEO } from "./eval/copy_check.ts";
export {
  type FinishedUnit,
  finishUnit,
  finishUnits,
  type FinishUnitsOptions,
  type IncompleteUnit,
  shardCopy,
  type UnitFinish,
  type UnitState,
  unitState,
} from "./eval/unit_lifecycle.ts";

// --- 3. Eval: the Parquet results store (schema, statuses, rules, video scores, left-out videos)
export * from "./store/schema.ts";
export * from "./store/aggregation.ts";
export * from "./store/status.ts";
export * from "./store/store.ts";
export * from "./store/video_scores.ts";
export * from "./store/left_out.ts";
export * from "./store/runs.ts";
export * from "./store/run_labels.ts";
export * from "./store/part_check.ts";
export * from "./store/gc.ts";
export * from "./store/shard_parts.ts";

// --- 4. Metrics: ranking metrics, paired tests, video sets, per-operation cells, Table I
export * from "./metrics/metric_error.ts";
export * from "./metrics/roc_auc.ts";
export * from "./metrics/roc_curve.ts";
export * from "./metrics/average_precision.ts";
export * from "./metrics/equal_error_rate.ts";
export * from "./metrics/accuracy.ts";
export * from "./metrics/cell_metrics.ts";
export * from "./metrics/bootstrap.ts";
export * from "./metrics/delong.ts";
export * from "./metrics/paired_bootstrap.ts";
export * from "./metrics/holm.ts";
export * from "./metrics/cell_comparisons.ts";
export * from "./metrics/video_set.ts";
export * from "./metrics/cell.ts";
export * from "./metrics/op_auc.ts";
export * from "./metrics/left_out_notes.ts";
export * from "./metrics/columns.ts";
export * from "./metrics/table.ts";
export * from "./metrics/mce.ts";
export * from "./metrics/flip_rate.ts";

// --- 4. Report: Table I formats, Vega-Lite charts, HTML report, notebook helpers
export type { ReportData, RocCurveData } from "./report/report_data.ts";
export {
  categoryLabel,
  DROP_MARK,
  significanceLegend,
  tableCsv,
  type TableFormatOptions,
  tableHtml,
  tableJson,
  type TableJsonOptions,
  tableMarkdown,
} from "./report/table_format.ts";
export {
  leftOutHtml,
  type LeftOutLine,
  leftOutLines,
  leftOutMarkdown,
  NOTHING_LEFT_OUT,
} from "./report/left_out_view.ts";
export { reportNotesView } from "./report/notes_view.ts";
export {
  aucByOperationChart,
  type ChartOptions,
  deltaHeatmapChart,
  rocChart,
  severityChart,
  severityLadders,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./report/charts.ts";
export * from "./report/chart_catalog.ts";
export { renderSvg } from "./report/svg.ts";
export {
  type CopyProvenance,
  DFROBUST_VERSION,
  type Provenance,
  type RunProvenance,
} from "./report/provenance.ts";
export {
  loadReportData,
  type LoadReportDataOptions,
  rocCurves,
  type RocCurvesOptions,
  type VideoScoreRecord,
  videoScoreRecords,
} from "./report/collect.ts";
export { renderReport, type RenderReportOptions } from "./report/html.ts";
export * from "./report/format_catalog.ts";
export { writeReport, type WriteReportOptions } from "./report/write_report.ts";
export {
  type MimeBundle,
  mimeBundle,
  show,
  type Showable,
  type ShowOptions,
} from "./report/show.ts";
export {
  type DecisionFlip,
  decisionFlips,
  type DetectorVideoScores,
  detectorVideoScores,
  type DetectorVideoScoresOptions,
  flipsTable,
  frameStrip,
  type FrameStripOptions,
  pickVideo,
  type ScoreChartOptions,
  scoreDistributionChart,
  videoScoresSummary,
} from "./report/explore.ts";
export {
  checkHtmlCharts,
  checkNotebookOutputs,
  KERNEL_NAME,
  NotebookError,
  type NotebookRun,
  runNotebook,
  type RunNotebookOptions,
} from "./report/notebook_run.ts";

// --- Scale: shards and the pipeline as Slurm job arrays
export * from "./scale/shard.ts";
export {
  jobActive,
  jobTasks,
  parseScontrolJobs,
  sbatch,
  type SbatchOptions,
  SlurmError,
  type TaskState,
  taskSucceeded,
  waitForJobs,
  type WaitOptions,
} from "./scale/slurm.ts";
export {
  describeTask,
  type FailedTask,
  SLURM_STAGES,
  type SlurmJobs,
  type SlurmOutcome,
  type SlurmPipeline,
  type SlurmPipelineOptions,
  type SlurmResources,
  slurmScriptTexts,
  type SlurmStage,
  submitSlurmPipeline,
  waitForSlurmPipeline,
  writeSlurmPipeline,
} from "./scale/slurm_scripts.ts";

// --- The embedded default (generated demo dataset, bundled demo detector)
export {
  DEMO_GENERATOR_VERSION,
  type DemoDataset,
  type DemoDatasetOptions,
  type DemoPair,
  type DemoSplit,
  generateDemoDataset,
  renderDemoPair,
  type RenderDemoPairOptions,
  resolveDemoOptions,
} from "./demo/dataset.ts";
export { DEMO, DEMO_INPUT_NAME, DEMO_INPUT_SIZE, DEMO_MODEL_PATH } from "./detectors/demo.ts";
export {
  buildDemoFeatureModel,
  buildDemoModel,
  demoFeatureNames,
  type DemoGraphOptions,
  type DemoModelOptions,
  type LinearHead,
} from "./demo/model.ts";
export { fitLogistic, type FitLogisticOptions, type LogisticFit } from "./demo/logistic.ts";
export {
  type DemoScores,
  scoreDemoDataset,
  type ScoreDemoOptions,
  trainDemoModel,
  type TrainDemoOptions,
  type TrainedDemoModel,
  writeDemoModel,
} from "./demo/train.ts";

// --- Utilities: hashing, signals, CSV, PRNG
// Every limit of distort and eval, one registry (docs/security.md "Limits")
export {
  DEFAULT_LIMITS,
  type LimitRecord,
  LIMITS,
  type Limits,
  limitsOf,
  type LimitStage,
  overLimit,
  parseLimitFlags,
  resolveLimits,
} from "./util/limits.ts";
export { sha256File, stableHash } from "./util/hash.ts";
export { NotRegularFileError } from "./util/regular_file.ts";
export { sha256FileCached } from "./util/digest_cache.ts";
export { Interrupted, interruptExitCode, interruptSignal, STOP_SIGNALS } from "./util/interrupt.ts";
export { csvText, type CsvValue, FORMULA_GUARD, parseCsv, parseCsvRecords } from "./util/csv.ts";
export { markdownText } from "./util/markdown.ts";
export * from "./util/prng.ts";
