/**
 * What the face locator changed between a copy and the Unaltered copy: of the faces a detector
 * scored in a copy, the share whose box is not the Unaltered copy's box for the same source
 * frame (docs/metrics.md, "Locator changes"). A drop in a column where this share is high is
 * partly the locator's (it scored another thing: a seal, a toy, nothing), not the classifier's.
 *
 * Definition, per face row (`status` ok, `face_index` >= 0) of a copy:
 * - its box in the Unaltered copy's pixels (`source_x..h`, eval/source_box.ts: the box mapped
 *   back through the copy's geometry; per-axis maps keep IoU, so this is the IoU of the
 *   Unaltered box mapped into the copy) is compared with every box the same run located in the
 *   same video and frame of its Unaltered copy (face rows of any status: the locator's boxes);
 * - **moved**: its best IoU with them is below {@link LOCATOR_CHANGE_IOU}, or the Unaltered
 *   frame was read and held no face;
 * - **compared**: the Unaltered copy read that frame and the row has a source box (parts written
 *   before the `source_*` columns existed have none: not compared, and said so by the counts);
 * - share = moved / compared, over the videos behind the cell (as the face share,
 *   metrics/face_share.ts). The Unaltered column compares each face with itself: 0.
 *
 * Faces the run's minimums dropped (`faces_dropped`, faces/minimums.ts) are counted beside it.
 * @module
 */
import pl from "../deps/polars.ts";
import { iou } from "../faces/box.ts";
import type { Box } from "../faces/box.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { NOTE_STATUSES, UNREAD_STATUSES } from "../store/status.ts";

/**
 * A scored face whose box overlaps every Unaltered box of its frame with an intersection over
 * union below this is a different box ("the locator changed its mind"). 0.5 is the match
 * threshold of PASCAL VOC detection (Everingham et al., IJCV 2010) and of WIDER FACE's
 * evaluation: two boxes of one face agree far above it; a box on another object far below.
 */
export const LOCATOR_CHANGE_IOU = 0.5;

/** What the locator did in one video of one copy of one run. */
export interface VideoLocatorChanges {
  runId: string;
  opId: string;
  artifactId: string;
  videoId: string;
  /** Face rows with status `ok`. */
  scoredFaces: number;
  /** Of them, those compared with the Unaltered copy (module doc). */
  comparedFaces: number;
  /** Of those, the moved ones (module doc). */
  movedFaces: number;
  /** Frame indices with at least one moved face, ascending. */
  movedFrames: number[];
  /** Located faces the run's minimums dropped, over the video's frames. */
  droppedFaces: number;
  /** The run's minimum locator confidence, null = none (or a part older than the column). */
  minFaceScore: number | null;
  /** The run's minimum face size in pixels, null = none. */
  minFaceSize: number | null;
}

/** The locator changes of one cell (a run x operation), over the videos behind it. */
export interface LocatorChangeShare {
  scoredFaces: number;
  comparedFaces: number;
  movedFaces: number;
  /** Located faces dropped by the run's minimums. */
  droppedFaces: number;
  videos: number;
  /** `movedFaces / comparedFaces` in [0, 1]; null when no face was compared. */
  share: number | null;
}

const COLUMNS = [
  "run_id",
  "op_id",
  "artifact_id",
  "video_id",
  "frame_index",
  "face_index",
  "status",
  "source_x",
  "source_y",
  "source_w",
  "source_h",
  "faces_dropped",
  "min_face_score",
  "min_face_size",
] as const;

/**
 * The locator changes of every (run, copy, video) in a store frame (eager or lazy, the store's
 * columns), or in a list of frames (a store's parts, `scanStoreParts`: read one at a time, after
 * a first pass that keeps the Unaltered copies' boxes only), sorted by run, operation, video.
 * Videos with no frame row are absent.
 */
export function locatorChanges(
  frames: pl.DataFrame | pl.LazyDataFrame | readonly (pl.DataFrame | pl.LazyDataFrame)[],
): VideoLocatorChanges[] {
  const list = (Array.isArray(frames) ? frames : [frames]).map(asLazy);
  // The Unaltered copy's boxes per (run, video, frame): read frames, each with its boxes.
  const reference = new Map<string, Box[]>();
  for (const lazy of list) {
    const rows = columnsOf(lazy.filter(pl.col("op_id").eq(pl.lit(UNALTERED_ID))));
    for (let i = 0; i < rows.height; i++) {
      const key = rows.frameKey(i);
      const boxes = reference.get(key) ?? [];
      reference.set(key, boxes);
      const box = rows.face(i) >= 0 ? rows.box(i) : null;
      if (box) boxes.push(box);
    }
  }
  const byVideo = new Map<string, VideoLocatorChanges>();
  for (const lazy of list) {
    const rows = columnsOf(lazy);
    for (let i = 0; i < rows.height; i++) {
      const videoKey = rows.videoKey(i);
      let record = byVideo.get(videoKey);
      if (!record) {
        record = rows.record(i);
        byVideo.set(videoKey, record);
      }
      const face = rows.face(i);
      // faces_dropped is on every row of a frame: counted on its first (face 0, or no face).
      if (face <= 0) record.droppedFaces += rows.dropped(i);
      if (face < 0 || rows.status[i] !== "ok") continue;
      record.scoredFaces++;
      const boxes = reference.get(rows.frameKey(i));
      const box = rows.box(i);
      if (boxes === undefined || box === null) continue;
      record.comparedFaces++;
      const best = boxes.reduce((m, b) => Math.max(m, iou(box, b)), 0);
      if (best < LOCATOR_CHANGE_IOU) {
        record.movedFaces++;
        record.movedFrames.push(rows.frame(i));
      }
    }
  }
  const result = [...byVideo.values()];
  for (const r of result) r.movedFrames = [...new Set(r.movedFrames)].sort((a, b) => a - b);
  return result.sort((a, b) =>
    compare(a.runId, b.runId) || compare(a.opId, b.opId) || compare(a.videoId, b.videoId) ||
    compare(a.artifactId, b.artifactId)
  );
}

// The rows that say something about a frame's faces (read frames, no notes), as columns with
// accessors.
function columnsOf(lazy: pl.LazyDataFrame) {
  const ignored = [...UNREAD_STATUSES, ...NOTE_STATUSES];
  const df = lazy
    .filter(pl.col("frame_index").gtEq(0).and(pl.col("status").isIn(ignored).not()))
    .select(...COLUMNS)
    .collectSync();
  const col = (name: string) => df.getColumn(name).toArray() as unknown[];
  const [runs, ops, artifacts, videos, frames, faces, status] = [
    "run_id",
    "op_id",
    "artifact_id",
    "video_id",
    "frame_index",
    "face_index",
    "status",
  ].map(col);
  const [sx, sy, sw, sh, dropped, minScore, minSize] = [
    "source_x",
    "source_y",
    "source_w",
    "source_h",
    "faces_dropped",
    "min_face_score",
    "min_face_size",
  ].map(col);
  return {
    height: df.height,
    status,
    face: (i: number) => Number(faces[i]),
    frame: (i: number) => Number(frames[i]),
    dropped: (i: number) => Number(dropped[i] ?? 0),
    frameKey: (i: number) => `${runs[i]}\u0000${videos[i]}\u0000${frames[i]}`,
    videoKey: (i: number) => `${runs[i]}\u0000${ops[i]}\u0000${artifacts[i]}\u0000${videos[i]}`,
    box: (i: number): Box | null =>
      sx[i] === null || sx[i] === undefined
        ? null
        : { x: Number(sx[i]), y: Number(sy[i]), w: Number(sw[i]), h: Number(sh[i]) },
    record: (i: number): VideoLocatorChanges => ({
      runId: String(runs[i]),
      opId: String(ops[i]),
      artifactId: String(artifacts[i]),
      videoId: String(videos[i]),
      scoredFaces: 0,
      comparedFaces: 0,
      movedFaces: 0,
      movedFrames: [],
      droppedFaces: 0,
      minFaceScore: numberOrNull(minScore[i]),
      minFaceSize: numberOrNull(minSize[i]),
    }),
  };
}

function asLazy(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  // DataFrame is a Proxy whose `in` sees columns only: tell the two apart by a method.
  return typeof (frame as pl.LazyDataFrame).collectSync === "function"
    ? frame as pl.LazyDataFrame
    : (frame as pl.DataFrame).lazy();
}

/** The locator changes of a cell: the sums over `videos` (each video of the cell once). */
export function locatorChangeShare(videos: readonly VideoLocatorChanges[]): LocatorChangeShare {
  let scoredFaces = 0;
  let comparedFaces = 0;
  let movedFaces = 0;
  let droppedFaces = 0;
  for (const v of videos) {
    scoredFaces += v.scoredFaces;
    comparedFaces += v.comparedFaces;
    movedFaces += v.movedFaces;
    droppedFaces += v.droppedFaces;
  }
  return {
    scoredFaces,
    comparedFaces,
    movedFaces,
    droppedFaces,
    videos: videos.length,
    share: comparedFaces === 0 ? null : movedFaces / comparedFaces,
  };
}

/**
 * The locator changes in words, as every format prints them next to the face share:
 * `box moved 3/190 faces (2%)`, with `; 5 faces below minimums` when the minimums dropped some,
 * and `; 12 not compared` when some scored faces had no Unaltered frame or source box.
 *
 * @example
 * ```ts
 * import { locatorChangeText } from "./locator_changes.ts";
 * locatorChangeText({
 *   scoredFaces: 190, comparedFaces: 190, movedFaces: 3, droppedFaces: 5, videos: 6, share: 3 / 190,
 * });
 * // "box moved 3/190 faces (2%); 5 faces below minimums"
 * ```
 */
export function locatorChangeText(share: LocatorChangeShare): string {
  const percent = share.share === null ? "" : ` (${Math.round(share.share * 100)}%)`;
  const unmatched = share.scoredFaces - share.comparedFaces;
  return `box moved ${share.movedFaces}/${share.comparedFaces} faces${percent}` +
    (share.droppedFaces > 0
      ? `; ${share.droppedFaces} face${share.droppedFaces === 1 ? "" : "s"} below minimums`
      : "") +
    (unmatched > 0 ? `; ${unmatched} not compared` : "");
}

/**
 * The videos where the locator changed its mind most: processed copies (not Unaltered) with at
 * least one moved face, most moved faces first (then the higher share, then run, operation and
 * video id), at most `limit` (default 10).
 */
export function mostChangedVideos(
  videos: readonly VideoLocatorChanges[],
  limit = 10,
): VideoLocatorChanges[] {
  const rate = (v: VideoLocatorChanges) =>
    v.comparedFaces === 0 ? 0 : v.movedFaces / v.comparedFaces;
  return videos
    .filter((v) => v.opId !== UNALTERED_ID && v.movedFaces > 0)
    .sort((a, b) =>
      b.movedFaces - a.movedFaces || rate(b) - rate(a) || compare(a.runId, b.runId) ||
      compare(a.opId, b.opId) || compare(a.videoId, b.videoId)
    )
    .slice(0, limit);
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
