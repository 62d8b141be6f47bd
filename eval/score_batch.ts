/**
 * Scoring faces in batches: each face is preprocessed straight into its slot of the batch being
 * filled (no input array per face, no copy into the batch; batch arrays come back from the
 * detector's worker and are filled again), and the detector runs on `batch`
 * faces at a time, a batch per detector session in flight and one more filled ahead. Each face's
 * row gets its score and status (`ok`; `bad_score` for a `probability` output outside [0, 1];
 * `nan_score` for a non-finite output; `preprocess_error` when its crop cannot be preprocessed,
 * its slot then taken by the next face), every failure message naming the video.
 * Internal to `eval/`.
 * @module
 */
import type { ScoreRow } from "../store/schema.ts";
import { logLine } from "../util/progress.ts";
import type { EvalParts } from "./parts.ts";
import { errorMessage, type PendingFace } from "./prepare_video.ts";

/** What {@link BatchScorer} uses of the run's parts. */
export type BatchParts =
  & Pick<EvalParts, "itemLength" | "preprocess" | "score" | "parallel">
  & Partial<Pick<EvalParts, "preprocessClip">>;

/** A batch: its input array and the rows of the faces written into it, slot by slot. */
interface Batch {
  data: Float32Array;
  rows: ScoreRow[];
}

/**
 * Scores faces in batches of `batchSize`, in the order they are added, keeping up to
 * `parts.parallel` batches in flight (one per detector session) and one whole batch waiting for
 * the first session to come free, while the caller prepares more videos.
 */
export class BatchScorer {
  readonly #parts: BatchParts;
  readonly #batchSize: number;
  #filling: Batch | null = null;
  /** Batch arrays back from the detector, to fill again: fresh ones cost page faults. */
  readonly #spare: Float32Array[] = [];
  #ready: Batch | null = null;
  readonly #inFlight = new Set<Promise<void>>();
  #failure: { error: unknown } | null = null;
  #stopped = false;
  #scored = 0;

  constructor(parts: BatchParts, batchSize: number) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    }
    this.#parts = parts;
    this.#batchSize = batchSize;
  }

  /**
   * Preprocesses `faces` into the batch being filled, starting each batch once whole; resolves
   * once no whole batch waits for a session. Rejects with the first batch's failure.
   */
  async add(faces: readonly PendingFace[]): Promise<void> {
    for (const face of faces) {
      this.#throwFailure();
      const batch = this.#filling ??= {
        data: this.#spare.pop() ?? new Float32Array(this.#batchSize * this.#parts.itemLength),
        rows: [],
      };
      if (!this.#write(face, batch)) continue;
      if (batch.rows.length < this.#batchSize) continue;
      this.#filling = null;
      await this.#queue(batch);
    }
    this.#throwFailure();
  }

  /** Scores what is left (a last, smaller batch), waits for every batch; the faces scored. */
  async finish(): Promise<number> {
    const last = this.#filling;
    this.#filling = null;
    if (last && last.rows.length > 0) await this.#queue(last);
    while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
    this.#throwFailure();
    return this.#scored;
  }

  /**
   * Waits for the batches in flight, starting no other and keeping any failure to itself (a
   * stopped run); the faces scored.
   */
  async settle(): Promise<number> {
    this.#stopped = true;
    await Promise.all(this.#inFlight);
    return this.#scored;
  }

  /** Makes `batch` the one that waits, once the one before it has started; starts it if it can. */
  async #queue(batch: Batch): Promise<void> {
    // One whole batch waits at most: a session that comes free starts it at once.
    while (this.#ready !== null && !this.#failure && this.#inFlight.size > 0) {
      await Promise.race(this.#inFlight);
    }
    this.#ready = batch;
    this.#pump();
  }

  /** Preprocesses `face` into the next slot of `batch`; false (row marked) when it fails. */
  #write(face: PendingFace, batch: Batch): boolean {
    const { row } = face;
    try {
      // A clip detector's item is the clip's T frames, each with its own crop.
      if (face.clip) {
        if (!this.#parts.preprocessClip) throw new RangeError("a clip face needs preprocessClip");
        this.#parts.preprocessClip(face.clip, batch.data, batch.rows.length);
      } else this.#parts.preprocess(face.frame, face.box, face.crop, batch.data, batch.rows.length);
    } catch (error) {
      // The slot is left to the next face.
      const message = errorMessage(error, face.path);
      logLine(`warning: frame ${row.frame_index} face ${row.face_index} of ${message}`);
      row.status = "preprocess_error";
      row.error = message;
      return false;
    }
    batch.rows.push(row);
    return true;
  }

  /** Starts the waiting batch when a session is free (not after a failure or a stop). */
  #pump(): void {
    const parallel = Math.max(1, this.#parts.parallel);
    if (this.#ready === null || this.#inFlight.size >= parallel) return;
    if (this.#failure || this.#stopped) return;
    const { data, rows } = this.#ready;
    this.#ready = null;
    const size = data.length;
    const returned = (array: Float32Array) => {
      if (array.length === size) this.#spare.push(array);
    };
    const done: Promise<void> = this.#parts.score(data, rows.length, returned).then(
      (scores) => {
        rows.forEach((row, i) => setScore(row, scores[i]));
        this.#scored += rows.length;
      },
      (error) => {
        this.#failure ??= { error };
      },
    ).finally(() => {
      this.#inFlight.delete(done);
      this.#pump();
    });
    this.#inFlight.add(done);
  }

  #throwFailure(): void {
    if (this.#failure) throw this.#failure.error;
  }
}

/** Sets `target`'s score and status from the detector's output for it. */
export function setScore(target: ScoreRow, score: number): void {
  if (score >= 0 && score <= 1) {
    target.score = score;
    target.status = "ok";
  } else if (Number.isFinite(score)) {
    // A "probability" output outside [0, 1] means a spec that does not fit the model.
    target.status = "bad_score";
    target.error = `detector output ${score} is not a probability in [0, 1] for video ` +
      `"${target.video_id}" frame ${target.frame_index} face ${target.face_index}`;
  } else {
    target.status = "nan_score";
    target.error = `detector output is ${score} for video "${target.video_id}" frame ` +
      `${target.frame_index} face ${target.face_index}`;
  }
}
