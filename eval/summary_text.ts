/**
 * The text of an eval run's summary, as `deno task eval` prints it (eval/evaluate.ts builds the
 * summary; `--json` prints it as is).
 * @module
 */
import { minimumsText } from "../faces/minimums.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { isFailureStatus } from "../store/status.ts";
import { formatSeconds } from "../util/progress.ts";
import { DAMAGED_VIDEO } from "./copy_check.ts";
import type { EvalSummary } from "./evaluate.ts";

/**
 * The human summary `deno task eval` prints (`--json` prints the summary itself): a head line
 * (detector, train set, run, face mode, frames per video), the clean AUC, one line per copy (op,
 * category, videos, rows, ok / no_face / failed rows, n = videos behind the AUC, the AUC to 4
 * decimals over the run's paired videos, whether the copy was scored now or already stored), the
 * faces scored and failure rows, damaged videos, a stop or shard note, then the warnings and the
 * videos left out of the AUCs with their reasons. Lines joined by `\n`, no trailing newline.
 */
export function formatEvalSummary(summary: EvalSummary): string {
  const auc = (v: number | null) => (v === null ? "-" : v.toFixed(4));
  const header = [
    "op",
    "category",
    "videos",
    "rows",
    "ok",
    "no_face",
    "failed",
    "n",
    "AUC",
    "unit",
  ];
  const lines = summary.copies.map((c) => {
    const failed = Object.entries(c.statuses)
      .filter(([s]) => isFailureStatus(s))
      .reduce((n, [, k]) => n + k, 0);
    return [
      c.opId,
      c.opCategory,
      String(c.videos),
      String(c.rows),
      String(c.statuses.ok ?? 0),
      String(c.statuses.no_face ?? 0),
      String(failed),
      String(c.n ?? "-"),
      c.auc === null && c.n === 0 ? "no videos scored" : auc(c.auc),
      c.skipped ? "already stored" : "scored now",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const clean = summary.copies.find((c) => c.opId === UNALTERED_ID);
  const damaged = summary.copies.reduce((n, c) => n + (c.statuses[DAMAGED_VIDEO] ?? 0), 0);
  return [
    `detector ${summary.detector} (train set ${summary.trainSet}), run ${summary.runId}, ` +
    `faces ${summary.faceMode}, ${summary.frames} frames/video` +
    (summary.faceMinimums ? `, face minimums: ${minimumsText(summary.faceMinimums)}` : ""),
    `clean AUC: ${clean ? auc(clean.auc) : "-"}`,
    "",
    format(header),
    ...lines.map(format),
    "",
    `${summary.facesScored} faces scored in ${formatSeconds(summary.seconds)}; ` +
    `${summary.failures} failure rows (see the store's status/error columns)` +
    (summary.facesDropped
      ? `; ${summary.facesDropped} located faces dropped below the face minimums ` +
        `(the store's faces_dropped column)`
      : "") +
    (summary.copies.some((c) => c.skipped) ? "; already stored copies were not re-scored" : "") +
    (damaged > 0
      ? `\n${damaged} videos not scored (${DAMAGED_VIDEO}): their file no longer matches the ` +
        `copy manifest; the store's error column names each; rerun distort to redo them`
      : "") +
    (summary.aborted ? "\nstopped early: rerun the same command to finish" : "") +
    (summary.shard
      ? `\nshard ${summary.shard.index}/${summary.shard.count}: rows and AUCs are this ` +
        `shard's videos; ${summary.incomplete.length} unit(s) wait for other shards`
      : ""),
    ...(summary.warnings.length
      ? ["", "warnings (no score changed):", ...summary.warnings.map((w) => `- ${w}`)]
      : []),
    ...(summary.notes.length
      ? [
        "",
        `left out of the AUCs (${summary.leftOut.length} video x copy; every AUC ranks the ` +
        `videos usable in every copy):`,
        ...summary.notes.map((n) => `- ${n}`),
      ]
      : []),
  ].join("\n");
}
