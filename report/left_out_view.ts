/**
 * The left-out videos (store/left_out.ts) as a table for people: one line per detector run,
 * video, reason and detail, with the operations it applies to in Table I order. HTML for the
 * report, Markdown for the notebooks.
 * @module
 */
import { modelLabel } from "../metrics/op_auc.ts";
import { LEFT_OUT_REASONS, type LeftOutVideo } from "../store/left_out.ts";
import { joinHtml, safeHtml } from "../util/html.ts";
import { markdownText } from "../util/markdown.ts";

/** One line of the left-out table: a video left out of `opIds` for one reason. */
export interface LeftOutLine {
  /** `detector (train set)`, and the run's qualifier when the data hold several such runs. */
  model: string;
  videoId: string;
  label: "fake" | "real";
  /** Operations whose AUC leaves the video out for this reason, in the records' order. */
  opIds: string[];
  reason: LeftOutVideo["reason"];
  /** The failure message, or the reason in words when there is none. */
  detail: string;
}

/** Groups left-out records into lines (same run, video, reason and detail). */
export function leftOutLines(leftOut: readonly LeftOutVideo[]): LeftOutLine[] {
  const lines = new Map<string, LeftOutLine>();
  for (const v of leftOut) {
    const key = JSON.stringify([v.runId, v.videoId, v.reason, v.detail]);
    const line = lines.get(key);
    if (line) {
      line.opIds.push(v.opId);
      continue;
    }
    lines.set(key, {
      model: modelLabel(v.detector, v.trainSet, v.run),
      videoId: v.videoId,
      label: v.label === 1 ? "fake" : "real",
      opIds: [v.opId],
      reason: v.reason,
      detail: v.detail || LEFT_OUT_REASONS[v.reason],
    });
  }
  return [...lines.values()];
}

/** The sentence shown instead of a table when nothing is left out. */
export const NOTHING_LEFT_OUT = "No video was left out of any AUC.";

/** The left-out table as GitHub-flavoured Markdown ({@link NOTHING_LEFT_OUT} when empty). */
export function leftOutMarkdown(leftOut: readonly LeftOutVideo[]): string {
  if (leftOut.length === 0) return NOTHING_LEFT_OUT + "\n";
  return [
    "| Detector | Video | Label | Operations | Reason | Detail |",
    "| --- | --- | --- | --- | --- | --- |",
    ...leftOutLines(leftOut).map((l) =>
      `| ${
        [l.model, l.videoId, l.label, l.opIds.join(", "), l.reason, l.detail].map(markdownText)
          .map((text, i) => (i === 4 ? `\`${text}\`` : text)).join(" | ")
      } |`
    ),
  ].join("\n") + "\n";
}

/**
 * The left-out table as HTML (`<table class="prov left-out">`, text escaped, each reason's
 * meaning as a tooltip), or a paragraph with {@link NOTHING_LEFT_OUT} when empty.
 */
export function leftOutHtml(leftOut: readonly LeftOutVideo[]): string {
  if (leftOut.length === 0) return String(safeHtml`<p>${NOTHING_LEFT_OUT}</p>`);
  const rows = leftOutLines(leftOut).map((l) =>
    safeHtml`<tr><td>${l.model}</td><td>${l.videoId}</td><td>${l.label}</td><td>${
      l.opIds.join(", ")
    }</td><td title="${
      LEFT_OUT_REASONS[l.reason]
    }"><code>${l.reason}</code></td><td>${l.detail}</td></tr>`
  );
  return String(
    safeHtml`<div class="scroll"><table class="prov left-out"><thead><tr><th>Detector</th><th>Video</th><th>Label</th><th>Operations</th><th>Reason</th><th>Detail</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody></table></div>`,
  );
}
