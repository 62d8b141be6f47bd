/**
 * What a report's reader must know before its numbers, for the notebooks: how many AUC cells
 * and runs, the store's warnings and the report's notes, as Markdown and HTML for `show()`.
 * Notes and warnings quote data (video ids, file names, error messages from the store): both
 * forms escape them (util/markdown.ts, util/html.ts), so a hostile video id shows as text.
 * @module
 */
import type { ReportData } from "./report_data.ts";
import { safeHtml } from "../util/html.ts";
import { markdownText } from "../util/markdown.ts";

/**
 * The notes view of `data`: one summary line (`12 AUC cells from 2 detector run(s).`), then the
 * warnings (no number changed by them) and the notes as lists, each only when there are some.
 */
export function reportNotesView(
  data: Pick<ReportData, "cells" | "provenance" | "notes" | "warnings">,
): { markdown: string; html: string } {
  const summary = `${data.cells.length} AUC cells from ${data.provenance.runs.length} ` +
    `detector run(s).`;
  const lists: [title: string, items: readonly string[]][] = [
    ["Warnings (no number changed)", data.warnings ?? []],
    ["Notes", data.notes],
  ];
  const shown = lists.filter(([, items]) => items.length > 0);
  const markdown = [
    summary,
    ...shown.map(([title, items]) =>
      `**${title}**\n\n${items.map((item) => `- ${markdownText(item)}`).join("\n")}`
    ),
  ].join("\n\n");
  const html = safeHtml`<p>${summary}</p>${
    shown.map(([title, items]) =>
      safeHtml`<p><strong>${title}</strong></p><ul>${
        items.map((item) => safeHtml`<li>${item}</li>`)
      }</ul>`
    )
  }`;
  return { markdown, html: String(html) };
}

/**
 * The report's warnings and notes as Markdown lists (escaped), as the Markdown format ends with
 * them: the same notes the HTML report and stderr give (runs chosen or left out, videos left
 * out, caveats), so no format shows a number without them. "" when there are none.
 */
export function reportNotesMarkdown(data: Pick<ReportData, "notes" | "warnings">): string {
  const lists: [title: string, items: readonly string[]][] = [
    ["Warnings (no number changed)", data.warnings ?? []],
    ["Notes", data.notes],
  ];
  return lists.filter(([, items]) => items.length > 0).map(([title, items]) =>
    `**${title}**\n\n${items.map((item) => `- ${markdownText(item)}`).join("\n")}\n`
  ).join("\n");
}
