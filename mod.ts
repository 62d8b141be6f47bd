/**
 * dfrobust: how deepfake detectors hold up when their test videos go through real-world
 * processing (Lu & Ebrahimi, 2023). The public API for scripts and notebooks, grouped by pipeline
 * stage, one entry each: 1. test sets (`readDatasetManifest`, `importFfpp`), 2. distort
 * (`distortVideo` for one video, `distortDataset` for a test set's versioned copies), 3. eval
 * (`evaluate`: per-frame scores into the results store), 4. metrics (`opAucs`, `tableOne`) and
 * 5. report (`loadReportData`, `show`, `writeReport`); then scale (shards, Slurm), the embedded
 * demo and utilities. Internals stay in their files. Import it by path or file URL from any
 * folder: every third-party package comes through deps/ with a full `npm:` specifier.
 *
 * The whole pipeline in a few calls, on the embedded demo (a generated test set and the bundled
 * detector):
 *
 * ```ts
 * import {
 *   DEMO, DEMO_MODEL_PATH, distortDataset, evaluate, generateDemoDataset, openFfmpeg, opAucs,
 *   scanStore, tableMarkdown, tableOne,
 * } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const ffmpeg = await openFfmpeg();
 * try {
 *   // 1. A test set: a dataset manifest (id,path,label) and a face sidecar.
 *   const data = await generateDemoDataset(`${dir}/data`, { reals: 2, frames: 6, size: 96, ffmpeg });
 *   // 2. Distort: one versioned copy of the test set per operation.
 *   const copies = await distortDataset(data.manifestPath, {
 *     out: `${dir}/copies`, ops: "unaltered,hflip", ffmpeg,
 *   });
 *   if (copies.failures !== 0) throw new Error("distort");
 *   // 3. Eval: per-frame scores of every copy into the Parquet store.
 *   await evaluate({
 *     spec: DEMO, modelPath: DEMO_MODEL_PATH, data: `${dir}/copies`, store: `${dir}/store`,
 *     faces: "sidecar", sidecar: data.facesPath, frames: 3, ffmpeg,
 *   });
 *   // 4. Metrics: video-level AUC per operation, laid out as Table I.
 *   const cells = opAucs(await scanStore(`${dir}/store`));
 *   const ops = cells.map((c) => c.opId).sort();
 *   if (ops.join() !== "hflip,unaltered") throw new Error(`cells: ${ops}`);
 *   // 5. Report: the table as Markdown (or HTML, CSV, JSON; charts; show() in notebooks).
 *   if (!tableMarkdown(tableOne(cells)).includes("demo")) throw new Error("table");
 * } finally {
 *   await ffmpeg.close();
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 * @module
 */

// --- 1. Test sets: dataset manifests, FaceForensics++ import
export {
  type DatasetEntry,
  ManifestError,
  parseDatasetManifest,
  readDatasetManifest,
  writeDatasetManifest,
} from "./dataset/manifest.ts";
export { DatasetFileError } from "./dataset/video_file.ts";
export {
  FFPP_COMPRESSIONS,
  FFPP_METHODS,
  type FfppCompression,
  FfppError,
  importFfpp,
  type ImportFfppOptions,
  type ImportFfppResult,
  listFfpp,
  type ListFfppOptions,
} from "./dataset/ffpp.ts";

// --- 2. Distort: operations (records), chains, profiles
export type { OpCategory, OpEncoder, OpFamily, OpInstance, OpLevel } from "./ops/operation.ts";
export type { FrameGeometry, FrameGeometrySegment } from "./ops/geometry.ts";
export { sourceFrameOf, type TimeMap, type TimePattern } from "./ops/time_map.ts";
export {
  ALL_OP_IDS,
  CATALOG_VERSION,
  FAMILIES,
  findFamily,
  getOperation,
  opLabel,
  PAPER_OP_IDS,
  UnknownOperationError,
} from "./ops/catalog.ts";
export { UNALTERED_ID } from "./ops/unaltered.ts";
export { ChainError, chainInstance, type ChainSpec, parseChainSpec } from "./ops/chain.ts";
export {
  PLATFORM_RECORD_SCHEMA,
  platformInstance,
  type PlatformRecord,
  PlatformRecordError,
  readPlatformRecord,
} from "./ops/platform_record.ts";
export { type EncodeProfile, PROFILES } from "./ops/profile.ts";
export { selectOperations, type SelectOperationsOptions } from "./ops/select.ts";
export { describeOperation, type OperationWords } from "./ops/describe.ts";
export { type QualityReference, qualityReference } from "./ops/quality_reference.ts";

// --- 2. Distort: the one seam to ffmpeg (native or wasm), probing, frame sampling
export {
  type BackendChoice,
  type Ffmpeg,
  FfmpegError,
  nativeFfmpegAvailable,
  openFfmpeg,
  type OpenFfmpegOptions,
  type VideoInfo,
} from "./media/ffmpeg.ts";
export { type SampledFrames, sampleFrames, type SampleFramesOptions } from "./media/frames.ts";
export type { RgbFrame } from "./image/frame.ts";

// --- 2. Distort: one video (distortVideo), a test set's versioned copies, verify, gc
export {
  type DistortedVideo,
  distortVideo,
  type DistortVideoOptions,
} from "./artifacts/distort_video.ts";
export { distortDataset, type DistortOptions } from "./artifacts/distort.ts";
export type { CopyFailure, CopyResult, DistortSummary } from "./artifacts/distort_summary.ts";
export {
  type CopyManifest,
  CopyManifestError,
  type CopyVideoRecord,
  type OutputValidation,
  readCopyManifest,
} from "./artifacts/copy_manifest.ts";
export { findCopies, type FindCopiesOptions, type FoundCopy } from "./artifacts/copies.ts";
export {
  type CopyQualitySummary,
  INFINITE_PSNR,
  type QualityStat,
  type VideoQuality,
} from "./artifacts/copy_quality.ts";
export {
  type CopyVerification,
  verifyCopies,
  type VerifyOptions,
  type VerifyReport,
} from "./artifacts/verify.ts";
export { collectGarbage, type GcOptions, type GcReport } from "./artifacts/gc.ts";
export {
  fitPlatform,
  type PlatformFitOptions,
  type PlatformFitSummary,
} from "./artifacts/platform_fit.ts";

// --- 3. Eval: faces (boxes, locators, sidecars)
export type { FaceBox } from "./faces/box.ts";
export type { FaceLocator, FaceMode } from "./faces/locator.ts";
export type { MultiFaceRule } from "./faces/select.ts";
export { applyFaceMinimums, type FaceMinimums } from "./faces/minimums.ts";
export {
  emptySidecar,
  type FaceSidecar,
  readSidecar,
  SidecarError,
  writeSidecar,
} from "./faces/sidecar.ts";

// --- 3. Eval: detector specs, presets, sessions, MesoNet import
export {
  type ClipBoxRule,
  type ClipSpec,
  type CropRule,
  type DetectorSpec,
  DetectorSpecError,
  inputChannels,
  type InputSpec,
  type OutputMapping,
  validateDetectorSpec,
} from "./detectors/spec.ts";
export { loadDetectorSpec, UnknownDetectorError } from "./detectors/load.ts";
export {
  CAPSULE,
  FTCN,
  getPreset,
  PRESET_NAMES,
  PRESETS,
  SBI,
  XCEPTION,
} from "./detectors/presets.ts";
export {
  type ClipPlan,
  clipPlan,
  type ClipSampling,
  type ClipWindow,
  type ShortVideoRule,
} from "./media/clips.ts";
export { MESOINCEPTION, MESONET } from "./detectors/mesonet.ts";
export { LIPFORENSICS } from "./detectors/lipforensics.ts";
export {
  DetectorModelError,
  type DetectorSession,
  type Device,
  openDetector,
  type OpenDetectorOptions,
} from "./detectors/session.ts";
export { convertMesoNet, type ConvertMesoNetOptions } from "./onnx/mesonet.ts";

// --- 3. Eval: the eval pipeline (sample -> locate -> preprocess -> infer -> store rows)
export { type EvalSummary, evaluate, type EvaluateOptions } from "./eval/evaluate.ts";
export type { CopySummary } from "./eval/copy_summary.ts";
export type { EvalTimings } from "./eval/timings.ts";
export { FACE_MODES } from "./eval/parts.ts";

// --- 3. Eval: the Parquet results store (schema, statuses, rules, video scores, runs)
export { type ScoreRow, STORE_COLUMNS } from "./store/schema.ts";
export { FACE_RULES, type FaceRule, VIDEO_RULES, type VideoRule } from "./store/aggregation.ts";
export { ROW_STATUSES, type RowStatus } from "./store/status.ts";
export { scanStore, type ScanStoreOptions, StoreError } from "./store/store.ts";
export { videoScores } from "./store/video_scores.ts";
export { LEFT_OUT_REASONS, type LeftOutReason, type LeftOutVideo } from "./store/left_out.ts";
export { listRuns, type RunSummary } from "./store/runs.ts";
export { collectStoreGarbage, type StoreGcReport } from "./store/gc.ts";

// --- 4. Metrics: ranking metrics, paired tests, per-operation cells, Table I, mCE, flip rate,
// the decision view at an operating threshold
export { MetricError } from "./metrics/metric_error.ts";
export { rocAuc } from "./metrics/roc_auc.ts";
export { type RocCurve, rocCurve } from "./metrics/roc_curve.ts";
export { averagePrecision } from "./metrics/average_precision.ts";
export { equalErrorRate } from "./metrics/equal_error_rate.ts";
export { accuracyAt } from "./metrics/accuracy.ts";
export {
  LOCATOR_CHANGE_IOU,
  locatorChanges,
  type LocatorChangeShare,
  locatorChangeShare,
  type VideoLocatorChanges,
} from "./metrics/locator_changes.ts";
export {
  AP_METRIC,
  AUC_METRIC,
  CELL_METRICS,
  type CellMetric,
  EER_METRIC,
} from "./metrics/cell_metrics.ts";
export { bootstrapAuc, type BootstrapInterval } from "./metrics/bootstrap.ts";
export { type PairedAucTest, pairedAucTest } from "./metrics/delong.ts";
export { pairedBootstrapDelta } from "./metrics/paired_bootstrap.ts";
export { holmAdjust } from "./metrics/holm.ts";
export { type Pairing, type VideoSet, videoSet } from "./metrics/video_set.ts";
export { type AucCell, type OpAuc, type OpAucOptions, opAucs } from "./metrics/op_auc.ts";
export { type TableOne, tableOne, type TableOneOptions } from "./metrics/table.ts";
export { type CorruptionError, corruptionErrors } from "./metrics/mce.ts";
export { type FlipRate, flipRates } from "./metrics/flip_rate.ts";
export {
  DEFAULT_THRESHOLD,
  parseThresholdChoice,
  THRESHOLD_RULES,
  type ThresholdChoice,
  type ThresholdRule,
} from "./metrics/threshold_rules.ts";
export {
  type CellDecision,
  type DecisionCell,
  type OperatingThreshold,
  runDecisions,
} from "./metrics/decision.ts";
export {
  DECISION_METRICS,
  type DecisionMetric,
  metricChoice,
  type TableMetric,
} from "./metrics/decision_metrics.ts";
export { wilsonInterval } from "./metrics/wilson.ts";
export { type Slice, sliceCells, type SliceProtocol } from "./metrics/slices.ts";
export { SLICE_COLUMNS, sliceValues } from "./metrics/slice_values.ts";
export { DATASET_SLICE, manifestSliceValues } from "./metrics/manifest_slices.ts";
export { type ManifestColumns, readManifestColumns } from "./dataset/manifest_columns.ts";
export { compareRuns, type RunComparison } from "./metrics/run_comparison.ts";
export { type GateResult, releaseGate } from "./metrics/release_gate.ts";
export { mcnemarExact } from "./metrics/mcnemar.ts";
export { brierScore, ECE_BINS, expectedCalibrationError } from "./metrics/calibration.ts";

// --- 5. Report: Table I formats, Vega-Lite charts, the HTML report, notebook helpers
export type { ReportData } from "./report/report_data.ts";
export {
  significanceLegend,
  tableCsv,
  tableHtml,
  tableJson,
  tableMarkdown,
} from "./report/table_format.ts";
export {
  decisionHtml,
  decisionLegend,
  decisionMarkdown,
  thresholdSentence,
} from "./report/decision_format.ts";
export { leftOutHtml, leftOutMarkdown } from "./report/left_out_view.ts";
export { reportNotesView } from "./report/notes_view.ts";
export {
  aucByOperationChart,
  deltaHeatmapChart,
  rocChart,
  scoreShiftChart,
  severityChart,
  thinCurve,
  type VegaLiteSpec,
} from "./report/charts.ts";
export { REPORT_CHARTS, type ReportChart } from "./report/chart_catalog.ts";
export { VIEW_CHARTS } from "./report/view_charts.ts";
export { sliceHtml, sliceMarkdown, sliceTables } from "./report/slice_format.ts";
export { comparisonHtml, comparisonMarkdown } from "./report/comparison_format.ts";
export { checkRelease, type CheckReleaseOptions } from "./report/release_check.ts";
export { gateJson, gateText } from "./report/gate_format.ts";
export { renderSvg } from "./report/svg.ts";
export { loadReportData, type LoadReportDataOptions } from "./report/collect.ts";
export { REPORT_FORMATS, type ReportFormat } from "./report/format_catalog.ts";
export { writeReport, type WriteReportOptions } from "./report/write_report.ts";
export { show, type Showable } from "./report/show.ts";
export {
  decisionFlips,
  detectorVideoScores,
  flipsTable,
  frameStrip,
  type FrameStripOptions,
  pickVideo,
  scoreDistributionChart,
  videoScoresSummary,
} from "./report/explore.ts";

// --- Scale: shards and the pipeline as Slurm job arrays
export { parseShard, type Shard, ShardError, shardItems } from "./scale/shard.ts";
export { SlurmError } from "./scale/slurm.ts";
export {
  type SlurmPipeline,
  type SlurmPipelineOptions,
  submitSlurmPipeline,
  waitForSlurmPipeline,
  writeSlurmPipeline,
} from "./scale/slurm_scripts.ts";

// --- The embedded default (generated demo dataset, bundled demo detector)
export { type DemoDataset, type DemoDatasetOptions, generateDemoDataset } from "./demo/dataset.ts";
export { DEMO, DEMO_MODEL_PATH } from "./detectors/demo.ts";

// --- Utilities: the version, limits, interrupts, seeded randomness
export { DFROBUST_VERSION } from "./util/version.ts";
export { DEFAULT_LIMITS, LIMITS, type Limits } from "./util/limits.ts";
export { Interrupted, interruptSignal } from "./util/interrupt.ts";
export { seededRandom } from "./util/prng.ts";
