/**
 * Video scores from stored rows, by the rules the rows carry: frame score = `face_rule` over the
 * frame's `ok` faces, video score = `video_rule` over frames with a score, `fail_score` for a
 * video with no scored frame (left out when null). Used for the eval summary's AUC.
 * @module
 */
import type { ScoreRow } from "../store/schema.ts";

/** One video's score and label. */
export interface VideoScore {
  videoId: string;
  label: 0 | 1;
  /** Null when the video has no scored frame and no fail score (left out of AUCs). */
  score: number | null;
}

/** Reduces the rows of one copy to one score per video (in first-seen video order). */
export function videoScores(rows: readonly ScoreRow[]): VideoScore[] {
  const videos = new Map<
    string,
    { label: 0 | 1; rule: ScoreRow["video_rule"]; frames: Map<number, ScoreRow[]> }
  >();
  const failScores = new Map<string, number | null>();
  for (const row of rows) {
    let video = videos.get(row.video_id);
    if (!video) {
      video = { label: row.label, rule: row.video_rule, frames: new Map() };
      videos.set(row.video_id, video);
      failScores.set(row.video_id, row.fail_score);
    }
    if (row.status !== "ok" || row.score === null || !Number.isFinite(row.score)) continue;
    const faces = video.frames.get(row.frame_index) ?? [];
    faces.push(row);
    video.frames.set(row.frame_index, faces);
  }
  const out: VideoScore[] = [];
  for (const [videoId, video] of videos) {
    const frameScores: number[] = [];
    for (const faces of video.frames.values()) frameScores.push(reduceFaces(faces));
    const score = frameScores.length > 0
      ? reduce(frameScores, video.rule)
      : failScores.get(videoId) ?? null;
    out.push({ videoId, label: video.label, score });
  }
  return out;
}

function reduceFaces(faces: ScoreRow[]): number {
  const rule = faces[0].face_rule;
  if (rule === "largest") {
    return faces.reduce((a, b) => (b.face_index < a.face_index ? b : a)).score!;
  }
  return reduce(faces.map((f) => f.score!), rule);
}

function reduce(values: number[], rule: "mean" | "median" | "max"): number {
  if (rule === "max") return Math.max(...values);
  if (rule === "mean") return values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
