/**
 * What the user can fix about a report's contact sheet (report/contact_sheet.ts), in lines for the
 * terminal: the report keeps its note and its tiles' reasons, and `report` also says them on
 * stderr, so a sheet that could not be drawn (a wrong `--data`, files moved, ffmpeg missing) is
 * never silent. Not drawing a sheet because no `--data` was given is a choice, not a problem.
 * @module
 */
import type { ReportData } from "./report_data.ts";
import { UNREADABLE_COPY_REASON } from "./contact_sheet.ts";

/** The note of a report made without `--data` (a choice: not repeated on stderr). */
export const NO_DATA_SHEET_NOTE = "No contact sheet: the copies' files are read only when the " +
  "report is given their folder (--data).";

/**
 * The sheet's problems as sentences: its note when it was not drawn (except
 * {@link NO_DATA_SHEET_NOTE}), else one per tile whose copy file could not be read
 * (`contact sheet: <op label>: cannot read the copy's file: ...`). Empty when there is none.
 */
export function contactSheetProblems(
  data: Pick<ReportData, "contactSheet" | "contactSheetNote">,
): string[] {
  if (data.contactSheetNote !== undefined && data.contactSheetNote !== NO_DATA_SHEET_NOTE) {
    return [data.contactSheetNote];
  }
  return (data.contactSheet?.frames ?? [])
    .filter((f) => f.image === null && f.reason?.startsWith(UNREADABLE_COPY_REASON))
    .map((f) => `contact sheet: ${f.label}: ${f.reason}`);
}
