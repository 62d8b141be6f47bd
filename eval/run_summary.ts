/**
 * The AUC side of an eval run's summary, computed as Table I computes it: per copy the video-level
 * AUC over the run's paired video set (metrics/video_set.ts) and the number of videos behind it,
 * and for the run every video left out of an AUC with its reason, in sentences too.
 * @module
 */
import type { FaceShare } from "../metrics/face_share.ts";
import { leftOutNotes } from "../metrics/left_out_notes.ts";
import { opAucs } from "../metrics/op_auc.ts";
import { type Pairing, videoSet } from "../metrics/video_set.ts";
import type { LeftOutVideo } from "../store/left_out.ts";
import { readUnitsFrame } from "../store/part_check.ts";
import { storeWarnings } from "../store/warnings.ts";

/** Most left-out video sentences per run in an eval summary's `notes` (`leftOut` lists all). */
export const SUMMARY_NOTE_LIMIT = 20;

/** A copy of the run, as the summary lists it. */
export interface RunCopy {
  opId: string;
  unitId: string;
  /** Video-level AUC; set here. */
  auc: number | null;
  /** Videos behind `auc`; set here. */
  n?: number;
  /** Videos of the copy left out of `auc`; set here. */
  leftOut?: number;
  /** Why `auc` is missing (e.g. "no videos scored (...)"); set here when there is a reason. */
  note?: string;
  /**
   * Sampled frames with a face scored, of the frames read, over the videos behind `auc`
   * (metrics/face_share.ts); set here.
   */
  faceShare?: FaceShare;
}

/** What {@link runVideoSummary} adds to a run's summary. */
export interface RunVideoSummary {
  pairing: Pairing;
  /** Every video left out of an AUC of the run, with its reason. */
  leftOut: LeftOutVideo[];
  /**
   * Sentences naming the run or videos left out, then the copies with no video scored (at most
   * {@link SUMMARY_NOTE_LIMIT} video sentences).
   */
  notes: string[];
  /**
   * Warnings recorded with the run's rows (store/warnings.ts: e.g. face sidecar boxes outside a
   * video's displayed frame), each once; they change no score.
   */
  warnings: string[];
}

/**
 * Reads the run's stored units (one per copy, written or found by the run), sets each copy's
 * `auc`, `n`, `leftOut` and `note` from the paired video set of the run, and returns the run's
 * left-out videos and notes. Copies whose unit is not in the store (a stopped run) are skipped.
 */
export async function runVideoSummary(
  store: string,
  detector: string,
  copies: RunCopy[],
): Promise<RunVideoSummary> {
  const frame = await readUnitsFrame(
    store,
    copies.map((copy) => ({ detector, opId: copy.opId, unitId: copy.unitId })),
  );
  if (frame === null) return { pairing: "paired", leftOut: [], notes: [], warnings: [] };
  const set = videoSet(frame, { pairing: "paired" });
  const cells = opAucs(frame, { videos: set });
  for (const copy of copies) {
    const cell = cells.find((c) => c.opId === copy.opId);
    if (cell === undefined) continue;
    copy.auc = cell.auc;
    copy.n = cell.samples;
    copy.leftOut = cell.leftOut;
    if (cell.faceShare) copy.faceShare = cell.faceShare;
    const note = (cell.note ?? "").split("; ").filter((n) => n && !n.endsWith("deltas omitted"))
      .join("; ");
    if (note) copy.note = note;
    else delete copy.note;
  }
  const notes = leftOutNotes(set, { limit: SUMMARY_NOTE_LIMIT });
  const scored = cells.some((c) => c.samples > 0);
  for (const cell of cells) {
    if (scored && cell.samples === 0) notes.push(`${cell.opId}: ${cell.note}.`);
  }
  return { pairing: set.pairing, leftOut: set.leftOut, notes, warnings: storeWarnings(frame) };
}
