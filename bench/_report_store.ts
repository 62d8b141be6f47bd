/**
 * Internal to bench/: a generated results store of the paper's shape, written with the store's
 * own writer (`writeUnit`, real layout): `videos` videos (half fake) x 13 copies (the paper's 12
 * operations + unaltered) x 32 frames x 1 face x 3 detectors. Scores are seeded (the same store
 * on every machine), fakes score higher, each operation blurs the two apart a little; every
 * 50th video has no face in one frame per copy, and every 200th has a decode error in the `noise`
 * copy (so the report has left-out videos to name). Stores are cached: a folder with a complete
 * `.done` marker of the same generator version is reused.
 * @module
 */
import { type BaseRow, rowOf } from "../eval/rows.ts";
import { join } from "node:path";
import { getOperation, PAPER_OP_IDS } from "../ops/catalog.ts";
import type { ScoreRow } from "../store/schema.ts";
import { writeUnit } from "../store/store.ts";
import { seededRandom } from "../util/prng.ts";

/** Bumped whenever the generated rows change, so cached stores are rebuilt. */
const GENERATOR_VERSION = "2";
/** Frames sampled per video. */
export const FRAMES = 32;
/** Detectors in every generated store. */
export const DETECTORS = ["xception", "capsule", "sbi"] as const;

/** The rows of one store: videos x copies x frames x faces x detectors. */
export function storeRows(videos: number): number {
  return videos * PAPER_OP_IDS.length * FRAMES * DETECTORS.length;
}

/**
 * The folder of the generated store of `videos` videos under `cacheDir`, made when it is not
 * there yet (a half-written one is made anew). Returns the path and whether it was built now.
 */
export async function generatedStore(
  cacheDir: string,
  videos: number,
): Promise<{ store: string; built: boolean; seconds: number }> {
  const store = join(cacheDir, `report-store-${videos}`);
  const marker = join(store, ".done");
  const done = await Deno.readTextFile(marker).catch(() => "");
  if (done === GENERATOR_VERSION) return { store, built: false, seconds: 0 };
  await Deno.remove(store, { recursive: true }).catch(() => {});
  const start = performance.now();
  for (const [d, detector] of DETECTORS.entries()) {
    for (const [o, opId] of PAPER_OP_IDS.entries()) {
      const rows = unitRows(detector, d, opId, o, videos);
      await writeUnit(store, { detector, opId, unitId: `bench-${detector}` }, rows);
    }
  }
  await Deno.writeTextFile(marker, GENERATOR_VERSION);
  return { store, built: true, seconds: (performance.now() - start) / 1000 };
}

function unitRows(
  detector: string,
  d: number,
  opId: string,
  o: number,
  videos: number,
): ScoreRow[] {
  const op = getOperation(opId);
  const random = seededRandom(1000 * d + o + 1);
  const rows: ScoreRow[] = [];
  const base: BaseRow = {
    run_id: `bench-run-${detector}`,
    detector,
    train_set: "FF++c23",
    model_sha256: (d + 1).toString(16).repeat(64),
    op_id: opId,
    op_family: op.family,
    op_category: op.category,
    severity: op.severity,
    profile: "paper",
    artifact_id: `copy-${opId}-${"0".repeat(8)}`,
    face_mode: "ultraface",
    face_rule: "max",
    video_rule: "mean",
    fail_score: null,
    created_at: `2026-12-0${d + 1}T12:00:00.000Z`,
  } as const;
  const separation = 0.08 - 0.004 * o;
  for (let v = 0; v < videos; v++) {
    const label = v % 2 === 0 ? 1 : 0;
    const videoId = `${label ? "fake" : "real"}_${String(v).padStart(5, "0")}`;
    const method = label ? "Deepfakes" : "real";
    if (opId === "noise" && v % 200 === 199) {
      rows.push(rowOf(base, {
        video: { id: videoId, label, method },
        frame_index: -1,
        status: "decode_error",
        error: `cannot decode frame 7 of ${videoId}.mp4`,
      }));
      continue;
    }
    const centre = 0.5 + (label ? separation : -separation) + 0.4 * (random() - 0.5);
    for (let f = 0; f < FRAMES; f++) {
      const frameIndex = f * 9;
      const noFace = v % 50 === 49 && f === 3;
      const score = Math.min(1, Math.max(0, centre + 0.3 * (random() - 0.5)));
      rows.push({
        ...base,
        video_id: videoId,
        label,
        method,
        frame_index: frameIndex,
        face_index: noFace ? -1 : 0,
        box_x: noFace ? null : 100 + f,
        box_y: noFace ? null : 80,
        box_w: noFace ? null : 120,
        box_h: noFace ? null : 150,
        crop_x: noFace ? null : 70,
        crop_y: noFace ? null : 50,
        crop_w: noFace ? null : 180,
        crop_h: noFace ? null : 180,
        score: noFace ? null : score,
        status: noFace ? "no_face" : "ok",
        error: null,
      });
    }
  }
  return rows;
}
