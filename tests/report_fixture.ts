/**
 * A synthetic but realistic results store for the report and notebook tests, written with the
 * store's own writeUnit: two detectors, the paper's operations plus a compression ladder,
 * 12 videos (6 real, 6 fake) x 4 frames x 1-2 faces, some failure rows, seeded scores whose
 * separation shrinks with the operation's harm.
 * @module
 */
import { getOperation } from "../ops/catalog.ts";
import type { ScoreRow } from "../store/schema.ts";
import { writeUnit } from "../store/store.ts";
import { rowOf } from "../eval/rows.ts";

/** Operation ids in the fixture store. */
export const FIXTURE_OPS = [
  "unaltered",
  "h264_crf23",
  "h264_crf33",
  "h264_crf40",
  "lighten",
  "darken",
  "contrast",
  "noise",
  "hflip",
  "vflip",
  "res_half",
  "res_quarter",
  "grayscale",
  "vintage",
];

/** Detectors (name, train set) in the fixture store. */
export const FIXTURE_DETECTORS = [["xception", "FF++c23"], ["sbi", "FF++raw"]] as const;

/** Options for {@link writeFixtureStore}. */
export interface FixtureStoreOptions {
  /** Leave out the unaltered copy of this detector. */
  withoutUnalteredFor?: string;
  /** Give this op only fake videos (one class). */
  oneClassOp?: string;
  /** Operations to write (default {@link FIXTURE_OPS}). */
  ops?: string[];
  /**
   * Detectors (name, train set) in the order they are run: each one's rows are written a
   * minute after the previous one's. Default {@link FIXTURE_DETECTORS}, all at one time.
   */
  detectors?: readonly (readonly [string, string])[];
  /** This detector's scores carry no signal: its AUCs, Unaltered's too, are near chance. */
  chanceDetector?: string;
}

/** Writes the fixture store under `storeDir`; returns the part paths. */
export async function writeFixtureStore(
  storeDir: string,
  options: FixtureStoreOptions = {},
): Promise<string[]> {
  const paths: string[] = [];
  let seed = 12345;
  const random = () => {
    // xorshift32: the same store on every run.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) % 1_000_000) / 1_000_000;
  };
  const detectors = options.detectors ?? FIXTURE_DETECTORS;
  for (const [index, [detector, trainSet]] of detectors.entries()) {
    const createdAt = options.detectors === undefined
      ? "2026-11-28T12:00:00.000Z"
      : new Date(Date.UTC(2026, 10, 28, 12, index)).toISOString();
    const runId = `run-${detector}`;
    for (const opId of options.ops ?? FIXTURE_OPS) {
      if (opId === "unaltered" && options.withoutUnalteredFor === detector) continue;
      const op = opId === "unaltered"
        ? { family: "unaltered", category: "unaltered", severity: null }
        : getOperation(opId);
      const harm = opId === "unaltered" ? 0 : (FIXTURE_OPS.indexOf(opId) % 5) / 5 +
        (detector === "sbi" ? -0.1 : 0.1) + (options.detectors ? index * 0.02 : 0);
      const rows: ScoreRow[] = [];
      for (let v = 0; v < 12; v++) {
        const label = (options.oneClassOp === opId ? 1 : v % 2) as 0 | 1;
        for (let f = 0; f < 4; f++) {
          const base = {
            run_id: runId,
            detector,
            train_set: trainSet,
            model_sha256: `${detector}`.padEnd(64, "0"),
            op_id: opId,
            op_family: op.family,
            op_category: op.category,
            severity: op.severity,
            profile: "paper",
            artifact_id: `art-${opId}`,
            face_mode: "ultraface",
            // The locator's model hash, where a test names the detectors (older tests: none).
            ...(options.detectors ? { face_model_sha256: "f1ace".padEnd(64, "0") } : {}),
            face_rule: detector === "sbi" ? "max" : "largest",
            video_rule: "mean",
            fail_score: detector === "sbi" ? 0.5 : null,
            created_at: createdAt,
          } as const;
          const video = {
            id: `vid${String(v).padStart(2, "0")}`,
            label,
            method: label ? "Deepfakes" : "real",
          };
          if (v === 11 && f === 0) {
            rows.push(rowOf(base, {
              video,
              frame_index: f * 10,
              status: "no_face",
              error: "no face found",
            }));
            continue;
          }
          for (let face = 0; face < (v % 3 === 0 ? 2 : 1); face++) {
            const signal = options.chanceDetector === detector
              ? 0.5
              : label
              ? 0.65 - 0.3 * harm
              : 0.35 + 0.2 * harm;
            const score = Math.min(1, Math.max(0, signal + (random() - 0.5) * 0.5));
            rows.push(rowOf(base, {
              video,
              frame_index: f * 10,
              face_index: face,
              box_x: 100 + face * 200,
              box_y: 80,
              box_w: 120 - face * 30,
              box_h: 120 - face * 30,
              crop_x: 82 + face * 200,
              crop_y: 62,
              crop_w: 156 - face * 39,
              crop_h: 156 - face * 39,
              score,
              status: "ok",
            }));
          }
        }
      }
      paths.push(await writeUnit(storeDir, { detector, opId, unitId: runId }, rows));
    }
  }
  return paths;
}
