/**
 * CSV text for the files dfrobust writes (dataset manifests, Table I), through csv-stringify
 * (deps/csv_stringify.ts), the writer of the csv project whose parser (deps/csv_parse.ts) reads
 * them back with {@link parseCsv}. Both sides apply one spreadsheet-formula guard
 * ({@link FORMULA_GUARD}), so what is written reads back field for field.
 * @module
 */
import { stringify } from "../deps/csv_stringify.ts";
import { parse } from "../deps/csv_parse.ts";

/** One CSV field: text, a number (written as `String(n)`), or nothing (an empty field). */
export type CsvValue = string | number | null | undefined;

/**
 * The spreadsheet-formula guard (OWASP "CSV Injection"): a text field that a spreadsheet would
 * run as a formula, one starting with `=`, `+`, `-`, `@`, a tab or a carriage return, is written
 * with a leading `'` (which spreadsheets show as text), unless it is a plain decimal number such
 * as `-0.052` (a delta AUC), which a spreadsheet reads as that number and never runs. So that
 * the guard reads back losslessly, a field that already starts with one or more `'` before such
 * a character gets one more `'`; {@link parseCsv} takes one off. Fields that video ids, paths
 * and notes from a dataset put into Table I or a `dataset.csv` are therefore safe to open in a
 * spreadsheet; a tool other than dfrobust reading such a file sees the `'`.
 */
export const FORMULA_GUARD = "'";

/** A field that needs the guard: `'`* then a formula start, and not a plain number. */
const GUARDED = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** `field` with the formula guard applied (see {@link FORMULA_GUARD}). */
export function guardCsvField(field: string): string {
  return GUARDED.test(field) && !PLAIN_NUMBER.test(field) ? FORMULA_GUARD + field : field;
}

/** The field as written before {@link guardCsvField}. */
export function unguardCsvField(field: string): string {
  return field.startsWith(FORMULA_GUARD) && GUARDED.test(field.slice(1)) &&
      !PLAIN_NUMBER.test(field.slice(1))
    ? field.slice(1)
    : field;
}

/**
 * CSV text (RFC 4180 quoting, `\n` line ends, a final line end) of `rows`, the header row
 * first. Text fields get the formula guard ({@link FORMULA_GUARD}). A field is quoted when it
 * holds a comma, a quote (doubled inside), a line feed or a carriage return, or starts or ends
 * with white space (which some readers would trim); other fields are written as they are.
 *
 * @example
 * ```ts
 * import { csvText } from "./csv.ts";
 * const text = csvText([["id", "path"], ["a b", "x,y.mp4"], [" pad", 3], ["=1+1", "-0.5"]]);
 * if (text !== 'id,path\na b,"x,y.mp4"\n" pad",3\n\'=1+1,-0.5\n') throw new Error(text);
 * ```
 */
export function csvText(rows: readonly (readonly CsvValue[])[]): string {
  // csv-stringify quotes delimiters, quotes and its record delimiter; a lone CR and edge white
  // space are quoted on top of that, as RFC 4180 readers expect.
  return stringify(
    rows.map((row) => row.map((value) => typeof value === "string" ? guardCsvField(value) : value)),
    { quoted_match: /^\s|\s$|\r/, record_delimiter: "\n", eof: true },
  );
}

/**
 * The rows of CSV `text` (a UTF-8 byte-order mark ignored), every field as text with the formula
 * guard of {@link csvText} taken off; the header row is `rows[0]`. Rows may differ in length.
 * @throws {Error} from the parser (csv-parse) when the text is not CSV (an unclosed quote, ...).
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = parse(text.replace(/^\uFEFF/, ""), {
    relax_column_count: true,
    skip_empty_lines: true,
  });
  return rows.map((row) => row.map(unguardCsvField));
}

/**
 * The rows of CSV `text` after its header row, as records keyed by the header's names, as
 * {@link parseCsv} reads them (byte-order mark ignored, formula guard taken off, empty lines
 * skipped, fields not trimmed).
 * @throws {Error} from the parser (csv-parse) when the text is not CSV or a row's field count
 *   differs from the header's.
 */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const rows: Record<string, string>[] = parse(text.replace(/^\uFEFF/, ""), {
    columns: (header: string[]) => header.map(unguardCsvField),
    skip_empty_lines: true,
    trim: false,
  });
  for (const row of rows) {
    for (const key of Object.keys(row)) row[key] = unguardCsvField(row[key]);
  }
  return rows;
}
