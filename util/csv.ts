/**
 * CSV text for the files dfrobust writes (dataset manifests, Table I), through csv-stringify
 * (deps/csv_stringify.ts), the writer of the csv project whose parser reads them back.
 * @module
 */
import { stringify } from "../deps/csv_stringify.ts";

/** One CSV field: text, a number (written as `String(n)`), or nothing (an empty field). */
export type CsvValue = string | number | null | undefined;

/**
 * CSV text (RFC 4180 quoting, `\n` line ends, a final line end) of `rows`, the header row
 * first. A field is quoted when it holds a comma, a quote (doubled inside), a line feed or a
 * carriage return, or starts or ends with white space (which some readers would trim); other
 * fields are written as they are.
 *
 * @example
 * ```ts
 * import { csvText } from "./csv.ts";
 * const text = csvText([["id", "path"], ["a b", "x,y.mp4"], [" pad", 3]]);
 * if (text !== 'id,path\na b,"x,y.mp4"\n" pad",3\n') throw new Error(text);
 * ```
 */
export function csvText(rows: readonly (readonly CsvValue[])[]): string {
  // csv-stringify quotes delimiters, quotes and its record delimiter; a lone CR and edge white
  // space are quoted on top of that, as RFC 4180 readers expect.
  return stringify(rows.map((row) => [...row]), {
    quoted_match: /^\s|\s$|\r/,
    record_delimiter: "\n",
    eof: true,
  });
}
