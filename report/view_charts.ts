/**
 * The charts of the views a report shows only when asked for (`report --by`, `--compare`), as
 * records of the same shape as report/chart_catalog.ts's: the HTML report draws each that
 * applies after `REPORT_CHARTS`'s, and the notebook shows them where the data have them.
 * Kept apart from `REPORT_CHARTS` because those apply to every store with data.
 * @module
 */
import type { ReportChart } from "./chart_catalog.ts";
import { comparisonChart, sliceHeatmapChart } from "./slice_charts.ts";

/** Table I per slice as small multiples (`report --by`). */
export const SLICE_HEATMAP_CHART: ReportChart = {
  id: "slice-heatmap",
  title: "AUC per slice",
  caption: "One heatmap per slice (report --by): AUC of each detector run on each copy, on the " +
    "slice's videos (see the slice tables for the protocol); outlined: a drop against the " +
    "slice's Unaltered cell significant after Holm's correction within the slice's row.",
  applies: (data) => (data.slices ?? []).length > 0,
  absent: "No slices: run the report with --by <column>.",
  spec: (data) => sliceHeatmapChart(data.slices!),
};

/** Run B against run A per operation (`report --compare`). */
export const COMPARISON_CHART: ReportChart = {
  id: "run-comparison",
  title: "Run B against run A",
  caption: "Per operation: the difference of the two runs' drops against their Unaltered " +
    "copies (point, B's minus A's: above 0, B loses less) with its paired bootstrap interval, " +
    "and the difference of their values (red tick, B - A).",
  applies: (data) => data.comparison !== undefined && data.comparison.rows.length > 0,
  absent: "No comparison: run the report with --compare A,B.",
  spec: (data) => comparisonChart(data.comparison!),
};

/** The charts of the asked-for views, in the order the report shows them. */
export const VIEW_CHARTS: readonly ReportChart[] = [SLICE_HEATMAP_CHART, COMPARISON_CHART];
