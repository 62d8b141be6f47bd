/**
 * Scoring queued faces in batches: the detector runs on `batch` faces at a time (a batch per
 * detector session in flight), and each face's
 * row gets its score and status (`ok`; `bad_score` for a `probability` output outside [0, 1];
 * `nan_score` for a non-finite output, with a message naming the video, frame and face).
 * Internal to `eval/`.
 * @module
 */
import type { ScoreRow } from "../store/schema.ts";
import type { EvalParts } from "./parts.ts";
import type { PendingFace } from "./prepare_video.ts";

/**
 * Scores faces in batches of `batchSize`, in queue order, keeping up to `parts.parallel` batches
 * in flight (one per detector session) while the caller prepares more faces.
 */
export class BatchScorer {
  readonly #parts: Pick<EvalParts, "score" | "parallel">;
  readonly #batchSize: number;
  #queue: PendingFace[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #failure: { error: unknown } | null = null;
  #scored = 0;

  constructor(parts: Pick<EvalParts, "score" | "parallel">, batchSize: number) {
    this.#parts = parts;
    this.#batchSize = batchSize;
  }

  /**
   * Queues `faces` and starts every whole batch; resolves once fewer than `parts.parallel`
   * batches are in flight. Rejects with the first batch's failure.
   */
  async add(faces: readonly PendingFace[]): Promise<void> {
    this.#queue.push(...faces);
    while (this.#queue.length >= this.#batchSize) {
      this.#start(this.#queue.splice(0, this.#batchSize));
      while (this.#inFlight.size >= Math.max(1, this.#parts.parallel)) {
        await Promise.race(this.#inFlight);
      }
    }
    this.#throwFailure();
  }

  /** Scores what is left (a last, smaller batch), waits for every batch; the faces scored. */
  async finish(): Promise<number> {
    if (this.#queue.length > 0) this.#start(this.#queue.splice(0));
    await Promise.all(this.#inFlight);
    this.#throwFailure();
    return this.#scored;
  }

  /** Waits for the batches in flight, keeping any failure to itself (a stopped run). */
  async settle(): Promise<number> {
    await Promise.all(this.#inFlight);
    return this.#scored;
  }

  #start(batch: PendingFace[]): void {
    const done: Promise<void> = this.#parts.score(batch.map((f) => f.tensor)).then(
      (scores) => {
        batch.forEach((face, i) => setScore(face.row, scores[i]));
        this.#scored += batch.length;
      },
      (error) => {
        this.#failure ??= { error };
      },
    ).finally(() => this.#inFlight.delete(done));
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
