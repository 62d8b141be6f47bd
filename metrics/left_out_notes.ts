/**
 * Sentences that name what a {@link VideoSet} leaves out, written once for the eval summary, the
 * report's notes and the notebooks.
 * @module
 */
import { LEFT_OUT_REASONS, type LeftOutReason } from "../store/left_out.ts";
import { modelLabel } from "./op_auc.ts";
import type { ComparedCopy, VideoSet } from "./video_set.ts";

/** Options for {@link leftOutNotes}. */
export interface LeftOutNotesOptions {
  /** Most video sentences per run (default: all); the rest are counted in one sentence. */
  limit?: number;
}

/**
 * Sentences that name what a video set leaves out, for the eval summary, the report's notes and
 * the notebooks: one per detector run with no video scored at all (with its videos and
 * reasons), else one per left-out video (the copies it is left out of, each reason with the
 * first failure message, and the copies it was dropped from to keep the columns paired).
 * Operations with no video scored are named by their AUC cells' notes (`opAucs`). `limit` caps
 * the video sentences per run.
 */
export function leftOutNotes(set: VideoSet, options: LeftOutNotesOptions = {}): string[] {
  const notes: string[] = [];
  const copiesOf = new Map<string, ComparedCopy[]>();
  for (const copy of set.copies) {
    const list = copiesOf.get(copy.runId) ?? [];
    list.push(copy);
    copiesOf.set(copy.runId, list);
  }
  const scoredRuns = new Set(set.videos.map((v) => v.runId));
  const byRun = Map.groupBy(set.leftOut, (v) => v.runId);
  for (const [runId, copies] of copiesOf) {
    const model = modelLabel(copies[0].detector, copies[0].trainSet, copies[0].run);
    const records = byRun.get(runId) ?? [];
    const byVideo = Map.groupBy(records, (v) => v.videoId);
    const opText = (ops: string[]) =>
      ops.length === copies.length && copies.length > 1 ? "every copy" : ops.join(", ");
    if (!scoredRuns.has(runId)) {
      // Per reason: how many videos, in which copies.
      const reasons = Map.groupBy(records.filter((r) => r.reason !== "paired"), (r) => r.reason);
      const why = [...reasons].map(([reason, list]) => {
        const videos = new Set(list.map((r) => r.videoId)).size;
        const ops = [...new Set(list.map((r) => r.opId))];
        return `${reason} for ${videos} video${videos === 1 ? "" : "s"} in ${opText(ops)} (${
          LEFT_OUT_REASONS[reason as LeftOutReason]
        })`;
      }).join("; ");
      const where = copies.length === 1
        ? `its copy (${copies[0].opId})`
        : `any of its ${copies.length} copies`;
      notes.push(
        `${model}: no video scored in ${where}; ${byVideo.size} video${
          byVideo.size === 1 ? "" : "s"
        } left out (${listText([...byVideo.keys()], 10)}): ${why || "no video in the data"}.`,
      );
      continue;
    }
    const limit = options.limit ?? Infinity;
    let shown = 0;
    for (const [videoId, list] of byVideo) {
      if (shown++ >= limit) break;
      const parts: string[] = [];
      for (const [reason, group] of Map.groupBy(list, (r) => r.reason)) {
        const ops = group.map((r) => r.opId);
        if (reason === "paired") {
          parts.push(`dropped from ${opText(ops)} to keep the columns paired`);
          continue;
        }
        const detail = group.find((r) => r.detail)?.detail;
        parts.push(
          `${reason} in ${opText(ops)} (${detail || LEFT_OUT_REASONS[reason as LeftOutReason]})`,
        );
      }
      const label = list[0].label === 1 ? "fake" : "real";
      const scope = list.length === copies.length
        ? (copies.length === 1 ? `its copy (${copies[0].opId})` : `every copy (${copies.length})`)
        : `${list.length} of ${copies.length} copies`;
      notes.push(
        `${model}: video ${videoId} (${label}) left out of ${scope}: ${parts.join("; ")}.`,
      );
    }
    if (byVideo.size > limit) {
      notes.push(`${model}: ... and ${byVideo.size - limit} more left-out videos.`);
    }
  }
  return notes;
}

function listText(items: string[], max: number): string {
  return items.length <= max
    ? items.join(", ")
    : `${items.slice(0, max).join(", ")}, ... and ${items.length - max} more`;
}

/**
 * One sentence per detector run that leaves videos out: how many videos, for which reasons (a
 * video counts once per reason), for a terminal where {@link leftOutNotes}' sentence per video
 * would be thousands of lines: `sbi: 35 videos left out of some AUC (7 decode_error, 28 paired);
 * the report lists each video and why.`
 */
export function leftOutSummary(set: VideoSet): string[] {
  const notes: string[] = [];
  const names = new Map(
    set.copies.map((c) => [c.runId, modelLabel(c.detector, c.trainSet, c.run)]),
  );
  for (const [runId, records] of Map.groupBy(set.leftOut, (v) => v.runId)) {
    const videos = new Set(records.map((r) => r.videoId)).size;
    // Reasons in the order of the reasons table (paired last).
    const order = Object.keys(LEFT_OUT_REASONS);
    const reasons = [...Map.groupBy(records, (r) => r.reason)]
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([reason, list]) => `${new Set(list.map((r) => r.videoId)).size} ${reason}`);
    notes.push(
      `${names.get(runId) ?? runId}: ${videos} video${videos === 1 ? "" : "s"} left out of ` +
        `some AUC (${reasons.join(", ")}); the report lists each video and why.`,
    );
  }
  return notes;
}
