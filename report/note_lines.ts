/**
 * The lines `deno task report` writes to stderr beside a report: what the numbers leave out, shown
 * even when progress is quiet and never failing the run.
 * @module
 */
import type { ReportData } from "./report_data.ts";
import { contactSheetProblems } from "./contact_sheet_problems.ts";

/**
 * One line per store warning (`warning: ...`), then one per note (`note: ...`; the terminal's
 * shorter list where the data has one: many left-out videos summed up per run), in the order the
 * report data holds them, then one per contact-sheet problem the user can fix
 * (report/contact_sheet_problems.ts); none when there are none.
 *
 * @example
 * ```ts
 * import { reportNoteLines } from "./note_lines.ts";
 * reportNoteLines({ warnings: ["boxes off frame"], notes: ["2 videos left out"] });
 * // ["warning: boxes off frame", "note: 2 videos left out"]
 * ```
 */
export function reportNoteLines(
  data: Pick<
    ReportData,
    "warnings" | "notes" | "terminalNotes" | "contactSheet" | "contactSheetNote"
  >,
): string[] {
  return [
    ...(data.warnings ?? []).map((warning) => `warning: ${warning}`),
    ...(data.terminalNotes ?? data.notes).map((note) => `note: ${note}`),
    ...contactSheetProblems(data).map((problem) => `note: ${problem}`),
  ];
}
