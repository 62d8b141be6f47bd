/**
 * One call from a results store to a report file on disk: HTML (self-contained) or Table I as
 * markdown, CSV or JSON. Shared by `deno task report` and `deno task demo`.
 * @module
 */
import { loadReportData, type LoadReportDataOptions } from "./collect.ts";
import { renderReport, type RenderReportOptions } from "./html.ts";
import type { ReportData } from "./report_data.ts";
import { tableOne } from "../metrics/table.ts";
import { tableCsv, tableJson, tableMarkdown } from "./table_format.ts";
import { atomicWriteFile } from "../util/atomic.ts";

/** Options of {@link writeReport}. */
export interface WriteReportOptions extends LoadReportDataOptions, RenderReportOptions {
  /** `html` (default) or Table I as `md`, `csv` or `json`. */
  format?: "html" | "md" | "csv" | "json";
}

/** Reads the store, renders the report in `format` and writes it atomically to `outPath`. */
export async function writeReport(
  storeDir: string,
  outPath: string,
  options: WriteReportOptions = {},
): Promise<ReportData> {
  const data = await loadReportData(storeDir, options);
  const format = options.format ?? "html";
  const table = () => tableOne(data.cells);
  const text = format === "html"
    ? await renderReport(data, options)
    : format === "md"
    ? tableMarkdown(table(), options)
    : format === "csv"
    ? tableCsv(table(), options)
    : tableJson(table(), { pairing: data.pairing, leftOut: data.leftOut });
  await atomicWriteFile(outPath, text);
  return data;
}
