/**
 * A results store holding two runs of one detector (`sbi`), written with the store's own
 * writeUnit, and a single run of another (`xception`), for the tests of run identity: the two
 * `sbi` runs differ in one trait (face mode, model, training set, or nothing but their run id)
 * and have their own seeded scores. Every video score written is returned, so tests can compute
 * the expected AUCs without the library.
 * @module
 */
import { getOperation } from "../ops/catalog.ts";
import { rowOf } from "../eval/rows.ts";
import type { ScoreRow } from "../store/schema.ts";
import { writeUnit } from "../store/store.ts";

/** Operations of every run. */
export const RUNS_OPS = ["unaltered", "h264_crf40", "noise"];
/** Videos per copy: `v00`..`v09`, even = real, odd = fake. */
export const RUNS_VIDEOS = 10;
/** Frames per video (one face each). */
export const RUNS_FRAMES = 3;

/** What tells the two `sbi` runs apart. */
export type RunsDifference = "face_mode" | "model" | "train_set" | "nothing";

/** One run of the fixture store. */
export interface FixtureRun {
  runId: string;
  detector: string;
  trainSet: string;
  faceMode: string;
  modelSha256: string;
  createdAt: string;
  /** Video scores written (mean of the frame scores) by op id, then video id. */
  scores: Record<string, Record<string, number>>;
  /** 1 = fake, by video id. */
  labels: Record<string, 0 | 1>;
}

/**
 * Writes the store: `sbi` runs `run-sbi-a` (older, `created_at` 2026-11-01) and `run-sbi-b`
 * (newer), differing in `difference`, and `run-xception`. Scores are seeded per run, so the two
 * `sbi` runs' AUCs differ. Returns the runs, `sbi` first.
 */
export async function writeRunsStore(
  storeDir: string,
  difference: RunsDifference,
): Promise<FixtureRun[]> {
  const a = "a".repeat(64);
  const runs: FixtureRun[] = [
    fixtureRun("run-sbi-a", "sbi", "FF++c23", "full", a, "2026-11-01T10:00:00.000Z"),
    fixtureRun(
      "run-sbi-b",
      "sbi",
      difference === "train_set" ? "DFDC" : "FF++c23",
      difference === "face_mode" ? "ultraface" : "full",
      difference === "model" ? "b".repeat(64) : a,
      "2026-11-02T10:00:00.000Z",
    ),
    fixtureRun(
      "run-xception",
      "xception",
      "FF++c23",
      "full",
      "c".repeat(64),
      "2026-11-01T09:00:00.000Z",
    ),
  ];
  let seed = 2024;
  const random = () => {
    // xorshift32: the same store on every run.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) % 1_000_000) / 1_000_000;
  };
  for (const [r, run] of runs.entries()) {
    for (const opId of RUNS_OPS) {
      const op = opId === "unaltered"
        ? { family: "unaltered", category: "unaltered", severity: null }
        : getOperation(opId);
      const base = {
        run_id: run.runId,
        detector: run.detector,
        train_set: run.trainSet,
        model_sha256: run.modelSha256,
        op_id: opId,
        op_family: op.family,
        op_category: op.category,
        severity: op.severity,
        profile: "paper",
        artifact_id: `art-${opId}`,
        face_mode: run.faceMode,
        face_rule: "max",
        video_rule: "mean",
        fail_score: null,
        created_at: run.createdAt,
      } as const;
      const rows: ScoreRow[] = [];
      run.scores[opId] = {};
      for (let v = 0; v < RUNS_VIDEOS; v++) {
        const id = `v${String(v).padStart(2, "0")}`;
        const label = (v % 2) as 0 | 1;
        run.labels[id] = label;
        // Separation differs per run and operation, so every cell has its own AUC.
        const shift = (label ? 1 : -1) * (0.1 + 0.06 * r - 0.03 * RUNS_OPS.indexOf(opId));
        let sum = 0;
        for (let f = 0; f < RUNS_FRAMES; f++) {
          const score = Math.min(1, Math.max(0, 0.5 + shift + (random() - 0.5) * 0.9));
          sum += score;
          rows.push(rowOf(base, {
            video: { id, label, method: label ? "Deepfakes" : "real" },
            frame_index: f * 7,
            face_index: 0,
            box_x: 10,
            box_y: 10,
            box_w: 50,
            box_h: 50,
            crop_x: 0,
            crop_y: 0,
            crop_w: 70,
            crop_h: 70,
            score,
            status: "ok",
          }));
        }
        run.scores[opId][id] = sum / RUNS_FRAMES;
      }
      await writeUnit(
        storeDir,
        { detector: run.detector, opId, unitId: `${run.runId}-${opId}` },
        rows,
      );
    }
  }
  return runs;
}

/**
 * ROC AUC by counting pairs (a fake scored above a real counts 1, a tie 1/2), written apart from
 * metrics/ so the tests check the library against it.
 */
export function pairCountAuc(labels: readonly number[], scores: readonly number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

/** The expected AUC of `run` on `opId`, from the scores written. */
export function expectedAuc(run: FixtureRun, opId: string): number {
  const ids = Object.keys(run.scores[opId]);
  return pairCountAuc(ids.map((id) => run.labels[id]), ids.map((id) => run.scores[opId][id]));
}

function fixtureRun(
  runId: string,
  detector: string,
  trainSet: string,
  faceMode: string,
  modelSha256: string,
  createdAt: string,
): FixtureRun {
  return { runId, detector, trainSet, faceMode, modelSha256, createdAt, scores: {}, labels: {} };
}
