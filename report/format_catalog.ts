/**
 * The report's output formats as records: the self-contained HTML report, and Table I alone as
 * Markdown, CSV or JSON. Each has an id (the `--format` value), a file extension, a media type,
 * where it goes by default and its render function. `writeReport` and `deno task report`
 * (its `--format` choices and help) read {@link REPORT_FORMATS}; adding a format is adding a
 * record here.
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import { OptionError } from "../util/option_error.ts";
import { AUC_METRIC } from "../metrics/cell_metrics.ts";
import { tableMetric } from "../metrics/decision_metrics.ts";
import { type TableOne, tableOne } from "../metrics/table.ts";
import { renderReport, type RenderReportOptions } from "./html.ts";
import type { ReportData } from "./report_data.ts";
import { decisionMarkdown } from "./decision_format.ts";
import { sliceCsv, sliceJson, sliceMarkdown } from "./slice_format.ts";
import { comparisonCsv, comparisonJson, comparisonMarkdown } from "./comparison_format.ts";
import { chanceWarnings } from "./chance_warning.ts";
import {
  significanceLegend,
  tableCsv,
  tableDetailsMarkdown,
  tableJson,
  tableMarkdown,
  tableTitle,
} from "./table_format.ts";
import { reportNotesMarkdown } from "./notes_view.ts";
import { locatorSectionMarkdown } from "./locator_section.ts";
import { opQuality, qualityCaptions, qualityNumbers } from "./quality_view.ts";

/** Options every format's render function accepts (each uses the ones it knows). */
export type RenderFormatOptions = RenderReportOptions;

/** One output format of the report. */
export interface ReportFormat {
  /** The `--format` value (`html`, `md`, `csv`, `json`). */
  id: string;
  /** File name extension, without the dot. */
  extension: string;
  /** IANA media type of the text written. */
  mediaType: string;
  /** What the format holds, for --help (`Table I as Markdown`). */
  description: string;
  /** The file `deno task report` writes without `--out`; null: standard output. */
  defaultOut: string | null;
  /** The format's text (UTF-8) for the data. Throws what the renderer throws. */
  render: (data: ReportData, options: RenderFormatOptions) => Promise<string>;
}

/** The self-contained HTML report (Table I, charts, left-out videos, provenance). */
export const HTML_FORMAT: ReportFormat = {
  id: "html",
  extension: "html",
  mediaType: "text/html",
  description: "the self-contained HTML report",
  defaultOut: "report.html",
  render: (data, options) => renderReport(data, options),
};

/**
 * Table I as GitHub-flavoured Markdown under a title that names its metric (`Table I:
 * video-level EER`): the table of numbers alone, the sentence that explains its marks, the
 * details of every cell (videos, intervals, delta AUC, p-values) as a second table, the decision
 * view per run where the data have one (report/decision_format.ts), the face locator section,
 * then the warnings and notes (report/notes_view.ts).
 */
export const MARKDOWN_FORMAT: ReportFormat = {
  id: "md",
  extension: "md",
  mediaType: "text/markdown",
  description: "Table I alone as Markdown",
  defaultOut: null,
  render: (data, options) => {
    const t = table(data, options);
    const legend = significanceLegend(t);
    const decision = decisionMarkdown(t);
    const details = tableDetailsMarkdown(t, options);
    const chance = chanceWarnings(data.cells).map((w) => `**Warning:** ${w}\n`).join("\n");
    const notes = reportNotesMarkdown(data);
    const locator = data.locator ? locatorSectionMarkdown(data.locator) : "";
    return Promise.resolve(
      `## ${tableTitle(t)}\n\n` +
        tableMarkdown(t, { ...options, columnQuality: qualityCaptions(data.provenance.copies) }) +
        (legend ? `\n${legend}\n` : "") +
        (chance ? `\n${chance}` : "") +
        (details ? `\nDetails per cell:\n\n${details}` : "") +
        (decision ? `\n${decision}` : "") + (locator ? `\n${locator}` : "") +
        extraMarkdown(data, options) + (notes ? `\n${notes}` : ""),
    );
  },
};

/** Table I as CSV. */
export const CSV_FORMAT: ReportFormat = {
  id: "csv",
  extension: "csv",
  mediaType: "text/csv",
  description: "Table I alone as CSV",
  defaultOut: null,
  render: (data, options) =>
    Promise.resolve(
      tableCsv(table(data, options), {
        ...options,
        columnQualityNumbers: qualityNumbers(data.provenance.copies),
      }) + extraCsv(data, options),
    ),
};

/**
 * Table I as JSON, with the pairing, the left-out videos, the store's warnings, the report's
 * notes (the same as the HTML report's and stderr's) and the decision views' threshold rule
 * (`thresholdRule`, a `ThresholdChoice` record: what the release gate reads back).
 */
export const JSON_FORMAT: ReportFormat = {
  id: "json",
  extension: "json",
  mediaType: "application/json",
  description: "Table I alone as JSON",
  defaultOut: null,
  render: (data, options) =>
    Promise.resolve(
      tableJson(table(data, options), {
        pairing: data.pairing,
        leftOut: data.leftOut,
        damagedParts: data.damagedParts ?? [],
        warnings: data.warnings ?? [],
        ...(data.threshold ? { thresholdRule: data.threshold } : {}),
        ...(data.slices ? { slices: sliceJson(data.slices, options.metric) } : {}),
        ...(data.comparison ? { comparison: comparisonJson(data.comparison) } : {}),
        notes: data.notes,
        ...(data.locator ? { locator: data.locator } : {}),
        ...quality(data),
      }),
    ),
};

/** Every output format, `html` first (the default). */
export const REPORT_FORMATS: readonly ReportFormat[] = [
  HTML_FORMAT,
  MARKDOWN_FORMAT,
  CSV_FORMAT,
  JSON_FORMAT,
];

// Table I per slice and the run comparison, when asked for (`--by`, `--compare`), after Table I.
function extraMarkdown(data: ReportData, options: RenderFormatOptions): string {
  return (data.slices ? `\n${sliceMarkdown(data.slices, options.metric)}` : "") +
    (data.comparison ? `\n${comparisonMarkdown(data.comparison)}` : "");
}

// The same as CSV tables of their own, each after a blank line (long form, one line per cell).
function extraCsv(data: ReportData, options: RenderFormatOptions): string {
  return (data.slices ? `\n${sliceCsv(data.slices, options.metric)}` : "") +
    (data.comparison ? `\n${comparisonCsv(data.comparison)}` : "");
}

// The copies' quality by op id for Table I's JSON, where some copy has it.
function quality(data: ReportData): { quality?: Record<string, unknown> } {
  const byOp = opQuality(data.provenance.copies);
  return byOp.size > 0 ? { quality: Object.fromEntries(byOp) } : {};
}

// Table I of the data in the asked metric (AUC by default).
function table(data: ReportData, options: RenderFormatOptions): TableOne {
  return tableOne(data.cells, {
    metric: tableMetric(options.metric ?? AUC_METRIC.id),
    runOrder: data.runOrder,
  });
}

/**
 * Thrown by {@link reportFormat} for an unknown format id; the message lists the valid ones. An
 * {@link OptionError}: exit 2 in a task.
 */
export class UnknownFormatError extends OptionError {
  override name = "UnknownFormatError";
}

/**
 * The format with id `id`. Throws {@link UnknownFormatError} (`--format must be one of html,
 * md, csv, json, got "pdf"`) when there is none.
 */
export function reportFormat(id: string): ReportFormat {
  const format = REPORT_FORMATS.find((f) => f.id === id);
  if (format === undefined) {
    throw new UnknownFormatError(
      `--format must be one of ${REPORT_FORMATS.map((f) => f.id).join(", ")}, got "${id}"` +
        didYouMeanSuffix(id, REPORT_FORMATS.map((f) => f.id)),
    );
  }
  return format;
}
