/**
 * The report's charts as records: each has an id, a title, a caption for the reader, when it
 * applies and the function that builds its Vega-Lite spec from {@link ReportData}. The HTML
 * report, the notebooks and the tests iterate {@link REPORT_CHARTS}; adding a chart is adding a
 * record here (its spec function in report/charts.ts).
 * @module
 */
import {
  aucByOperationChart,
  deltaHeatmapChart,
  rocChart,
  scoreShiftChart,
  severityChart,
  severityLadders,
  type VegaLiteSpec,
} from "./charts.ts";
import type { ReportData } from "./report_data.ts";
import { DROP_MARK } from "./table_format.ts";
import { SIGNIFICANCE_LEVEL } from "../metrics/cell_comparisons.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { qualityChart } from "./quality_chart.ts";
import { opQuality } from "./quality_view.ts";

/** One chart of the report. */
export interface ReportChart {
  /** Stable id, also the anchor of the chart's section in the HTML report (`#delta-auc`). */
  id: string;
  /** Heading of the chart's section. */
  title: string;
  /** What the chart shows, in a sentence or two for the reader (the figure caption). */
  caption: string;
  /** True when the data has something to draw; otherwise the chart is left out. */
  applies: (data: ReportData) => boolean;
  /** Said instead of the chart where it does not apply (the notebooks show it). */
  absent: string;
  /** The Vega-Lite spec; call only when {@link ReportChart.applies} is true. */
  spec: (data: ReportData) => VegaLiteSpec;
}

/** AUC per operation by category, with bootstrap intervals. */
export const AUC_BY_OPERATION_CHART: ReportChart = {
  id: "auc-by-operation",
  title: "AUC per operation",
  caption: "Video-level AUC per operation, coloured by category; bars show 95% bootstrap " +
    "intervals where computed.",
  applies: (data) => data.cells.length > 0,
  absent: "No AUC cell in this store.",
  spec: (data) => aucByOperationChart(data.cells),
};

/** Delta AUC of every processed copy against the unaltered one. */
export const DELTA_AUC_CHART: ReportChart = {
  id: "delta-auc",
  title: "Delta AUC",
  caption: "AUC of each processed copy minus the AUC of the unaltered copy (red: worse). A " +
    `dark outline and ${DROP_MARK} mark a drop that is significant after Holm's correction for ` +
    "the comparisons of its row (DeLong's test on the same videos, Holm-adjusted " +
    `p ≤ ${SIGNIFICANCE_LEVEL}); hover for the paired interval and the p-values.`,
  applies: (data) => data.cells.some((c) => c.opId !== UNALTERED_ID),
  absent: "No processed copy in this store: no delta to draw.",
  spec: (data) => deltaHeatmapChart(data.cells),
};

/** Video-level ROC curves per operation. */
export const ROC_CHART: ReportChart = {
  id: "roc",
  title: "ROC curves",
  caption: "Video-level ROC curves, one line per operation, drawn through the curve's corner " +
    "points, at most one per pixel (within about a pixel of the curve).",
  applies: (data) => data.rocs.length > 0,
  absent: "No ROC curve: no copy in this store holds both classes.",
  spec: (data) => rocChart(data.rocs),
};

/** AUC along each severity ladder. */
export const SEVERITY_CHART: ReportChart = {
  id: "severity",
  title: "AUC against severity",
  caption: "Operations with a severity ladder: AUC at each level.",
  applies: (data) => severityLadders(data.cells).size > 0,
  absent: "No operation family has two or more severity levels in this store.",
  spec: (data) => severityChart(data.cells)!,
};

/** Real and fake score distributions per operation, against Unaltered and the threshold. */
export const SCORE_SHIFT_CHART: ReportChart = {
  id: "score-shift",
  title: "Score distributions against Unaltered",
  caption: "Per operation, the real (blue) and fake (red) videos' scores: line from the 10th " +
    "to the 90th percentile, bar over the middle half, tick at the median. Dashed: the " +
    "Unaltered medians; black: the run's threshold (chosen on Unaltered). A copy whose bars " +
    "move right of the threshold flags reals; left of it, misses fakes. Hover for the median " +
    "paired shift.",
  applies: (data) => data.cells.some((c) => c.decision !== undefined && c.opId !== UNALTERED_ID),
  absent: "No processed copy with an operating threshold (chosen on Unaltered) to compare.",
  spec: (data) => scoreShiftChart(data.cells)!,
};

/** AUC (and decision rates) against the copies' measured PSNR and bitrate (issue 23). */
export const QUALITY_CHART: ReportChart = {
  id: "quality",
  title: "Robustness against quality",
  caption: "Each copy placed by how much its operation changed the videos: its mean PSNR of " +
    "luma against the operation's reference (source; mirrored source for flips; the copy " +
    "scaled back to the source size for resolution; the source through a chain's geometry) and " +
    "its mean bitrate. One line per operation family through its ladder levels; solid: AUC, " +
    "dashed: TPR and dotted: FPR at the run's threshold, where chosen. A copy identical to its " +
    "source (infinite PSNR) is on the bitrate panel only. Distort with --severity all for ladders.",
  applies: (data) => qualityChart(data.cells, opQuality(data.provenance.copies)) !== null,
  absent: "No copy in this report has recorded quality (distort records it; " +
    "`verify --quality <copies>` adds it to older copies, then pass --data).",
  spec: (data) => qualityChart(data.cells, opQuality(data.provenance.copies))!,
};

/** Every chart of the report, in the order it shows them. */
export const REPORT_CHARTS: readonly ReportChart[] = [
  AUC_BY_OPERATION_CHART,
  DELTA_AUC_CHART,
  ROC_CHART,
  SEVERITY_CHART,
  SCORE_SHIFT_CHART,
  QUALITY_CHART,
];
