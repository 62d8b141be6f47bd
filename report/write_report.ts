/**
 * One call from a results store to a report file on disk, in any format of
 * report/format_catalog.ts (the HTML report, or Table I as Markdown, CSV or JSON). Shared by
 * `deno task report` and `deno task demo`.
 * @module
 */
import { AUC_METRIC } from "../metrics/cell_metrics.ts";
import { isDecisionMetric, metricChoice } from "../metrics/decision_metrics.ts";
import { MetricError } from "../metrics/metric_error.ts";
import { thresholdChoiceText } from "../metrics/threshold_rules.ts";
import { loadReportData, type LoadReportDataOptions } from "./collect.ts";
import { HTML_FORMAT, type RenderFormatOptions, reportFormat } from "./format_catalog.ts";
import type { ReportData } from "./report_data.ts";
import { atomicWriteFile } from "../util/atomic.ts";

/** Options of {@link writeReport}. */
export interface WriteReportOptions extends LoadReportDataOptions, RenderFormatOptions {
  /** A format id of `REPORT_FORMATS`: `html` (default), or Table I as `md`, `csv` or `json`. */
  format?: string;
}

/**
 * Reads the store, renders the report in `format` (Table I in `metric`, default AUC) and writes
 * it atomically to `outPath`; a metric that names its threshold rule (`tpr@fpr0.01`) sets
 * `threshold`. Throws `UnknownFormatError` for an unknown format and a
 * `MetricError` for an unknown metric or one whose rule differs from `threshold` (both before reading the store), `StoreError` for a
 * missing, empty or unreadable store. The JSON form is Table I plus `damagedParts` (unreadable
 * store parts left out, with the reason).
 */
export async function writeReport(
  storeDir: string,
  outPath: string,
  options: WriteReportOptions = {},
): Promise<ReportData> {
  const format = options.format === undefined ? HTML_FORMAT : reportFormat(options.format);
  const { metric, threshold: metricRule } = metricChoice(options.metric ?? AUC_METRIC.id);
  if (
    metricRule !== undefined && options.threshold !== undefined &&
    thresholdChoiceText(metricRule) !== thresholdChoiceText(options.threshold)
  ) {
    throw new MetricError(
      `The metric "${options.metric}" names the threshold ${thresholdChoiceText(metricRule)}, ` +
        `the threshold options ${thresholdChoiceText(options.threshold)}: give one of them`,
    );
  }
  const metrics = metric.id === AUC_METRIC.id || isDecisionMetric(metric)
    ? options.metrics
    : [metric];
  const threshold = metricRule ?? options.threshold;
  const data = await loadReportData(storeDir, {
    ...options,
    metrics,
    threshold,
    compareMetric: metric,
  });
  await atomicWriteFile(outPath, await format.render(data, options));
  return data;
}
