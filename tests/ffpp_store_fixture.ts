/**
 * A generated results store with FaceForensics++-named videos for the slice, comparison and
 * release-gate tests: reals `000`..`011`, fakes `<Method>_<a>_<b>` of four methods (one of them
 * with a single video: a slice too small for a test), two detectors on three copies, three
 * sampled frames per video with one face whose crop side differs per video (face-size slices).
 * Scores are seeded; each detector separates the classes less on the harsher copies. Written
 * with the store's own writeUnit and eval/rows.ts rowOf.
 * @module
 */
import { getOperation } from "../ops/catalog.ts";
import type { ScoreRow } from "../store/schema.ts";
import { writeUnit } from "../store/store.ts";
import { rowOf } from "../eval/rows.ts";
import { seededRandom } from "../util/prng.ts";

/** Copies in the store. */
export const FFPP_OPS = ["unaltered", "h264_crf40", "noise"];

/** Detectors: name, training set, run id. */
export const FFPP_DETECTORS = [
  ["xception", "FF++c23", "run-xception"],
  ["effnet", "FF++c23", "run-effnet"],
] as const;

/** Fakes per method (NeuralTextures: 1, too few for a paired test). */
export const FFPP_METHODS: Record<string, number> = {
  Deepfakes: 6,
  Face2Face: 5,
  FaceSwap: 4,
  NeuralTextures: 1,
};

/** Options for {@link writeFfppStore}. */
export interface FfppStoreOptions {
  /**
   * Make one detector less robust on one copy: its scores there blended toward 0.5 with
   * per-row noise, `(1 - weight) * score + weight * u`, u uniform in [0.4, 0.6].
   */
  blend?: { detector: string; opId: string; weight: number };
  /** Detectors to write (default both). */
  detectors?: readonly string[];
}

/** Writes the store under `storeDir`; returns the part paths. */
export async function writeFfppStore(
  storeDir: string,
  options: FfppStoreOptions = {},
): Promise<string[]> {
  const reals = Array.from({ length: 12 }, (_, i) => String(i).padStart(3, "0"));
  const videos: { id: string; label: 0 | 1; method: string }[] = reals.map((id) => ({
    id,
    label: 0,
    method: "real",
  }));
  let k = 0;
  for (const [method, count] of Object.entries(FFPP_METHODS)) {
    for (let i = 0; i < count; i++, k++) {
      const a = reals[k % 12];
      const b = reals[(k + 5) % 12];
      videos.push({ id: `${method}_${a}_${b}`, label: 1, method });
    }
  }
  const paths: string[] = [];
  for (const [d, [detector, trainSet, runId]] of FFPP_DETECTORS.entries()) {
    if (options.detectors && !options.detectors.includes(detector)) continue;
    for (const [o, opId] of FFPP_OPS.entries()) {
      const op = opId === "unaltered"
        ? { family: "unaltered", category: "unaltered", severity: null }
        : getOperation(opId);
      const random = seededRandom(1000 * d + 17 * o + 3);
      const base = {
        run_id: runId,
        detector,
        train_set: trainSet,
        model_sha256: detector.padEnd(64, "0"),
        op_id: opId,
        op_family: op.family,
        op_category: op.category,
        severity: op.severity,
        profile: "paper",
        artifact_id: `art-${opId}`,
        face_mode: "ultraface",
        face_rule: "max",
        video_rule: "mean",
        fail_score: null,
        created_at: "2026-12-01T12:00:00.000Z",
      } as const;
      const rows: ScoreRow[] = [];
      const blend = options.blend?.detector === detector && options.blend.opId === opId
        ? options.blend.weight
        : 0;
      for (const [v, video] of videos.entries()) {
        // Methods differ in how easy they are; harsher copies and effnet separate less.
        const ease = video.label === 0 ? 0 : 0.1 + 0.05 * (video.method.length % 4);
        const harm = 0.08 * o + (detector === "effnet" ? 0.04 * o : 0);
        const side = 40 + 37 * (v % 8);
        for (let f = 0; f < 3; f++) {
          const signal = 0.4 + (video.label ? ease - harm : 0);
          let score = Math.min(1, Math.max(0, signal + (random() - 0.5) * 0.5));
          if (blend > 0) score = (1 - blend) * score + blend * (0.4 + 0.2 * random());
          rows.push(rowOf(base, {
            video,
            frame_index: f * 10,
            face_index: 0,
            box_x: 10,
            box_y: 10,
            box_w: side * 0.8,
            box_h: side * 0.8,
            crop_x: 5,
            crop_y: 5,
            crop_w: side,
            crop_h: side,
            score,
            status: "ok",
          }));
        }
      }
      paths.push(await writeUnit(storeDir, { detector, opId, unitId: runId }, rows));
    }
  }
  return paths;
}
