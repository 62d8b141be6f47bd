import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { COPY_SCHEMA } from "../artifacts/copy_manifest.ts";
import { evaluate, type EvaluateOptions } from "../eval/evaluate.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts, scanStore } from "../store/store.ts";
import {
  LOCATOR_CHANGE_IOU,
  locatorChanges,
  locatorChangeShare,
} from "../metrics/locator_changes.ts";
import { oracleCells } from "./_locator_oracle.ts";
import { writeDatasetManifest } from "../dataset/manifest.ts";
import { skipWithout } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import { tinyDetector, tinySpec } from "./eval_fixtures.ts";
import { sha256File } from "../util/hash.ts";

const CLIP = join(FIXTURES, "video/short_hamilton_clip.mp4");
const FRAMES = 3;
// 60 frames, 3 samples: numpy's linspace(0, 59, 3).astype(int).
const SAMPLED = [0, 29, 59];

interface CopyDef {
  opId: string;
  filter: string;
  geometry: { hflip: boolean; vflip: boolean; scale: number };
}

const COPIES: CopyDef[] = [
  { opId: "unaltered", filter: "null", geometry: { hflip: false, vflip: false, scale: 1 } },
  { opId: "hflip", filter: "hflip", geometry: { hflip: true, vflip: false, scale: 1 } },
  {
    opId: "res_half",
    filter: "scale=320:180",
    geometry: { hflip: false, vflip: false, scale: 0.5 },
  },
];

/** Cuts 60 frames of the real clip through `filter` into a copy folder with its manifest. */
async function makeCopy(ffmpeg: Ffmpeg, root: string, copy: CopyDef): Promise<void> {
  const dir = join(root, copy.opId, `${copy.opId}-1`);
  const video = join(dir, "videos", "hamilton.mp4");
  await Deno.mkdir(join(dir, "videos"), { recursive: true });
  await ffmpeg.run({
    args: [
      "-i",
      CLIP,
      "-frames:v",
      "60",
      "-vf",
      copy.filter,
      "-an",
      "-c:v",
      "libx264",
      "-crf",
      "18",
      "-preset",
      "ultrafast",
      video,
    ],
    inputs: [CLIP],
    outputs: [video],
  });
  await writeDatasetManifest(join(dir, "dataset.csv"), [
    { id: "hamilton", relativePath: "videos/hamilton.mp4", label: 0, method: "real" },
  ]);
  await Deno.writeTextFile(
    join(dir, "manifest.json"),
    JSON.stringify({
      schema: COPY_SCHEMA,
      artifactId: `${copy.opId}-1`,
      op: {
        id: copy.opId,
        family: copy.opId,
        category: copy.opId === "unaltered" ? "unaltered" : "test",
        params: {},
      },
      profile: "paper",
      geometry: copy.geometry,
    }),
  );
}

async function readRows(store: string): Promise<ScoreRow[]> {
  const parts = await listParts(store);
  return pl.concat(parts.map((p) => pl.readParquet(p))).toRecords() as unknown as ScoreRow[];
}

function boxesOf(rows: ScoreRow[], opId: string): number[][] {
  return rows
    .filter((r) => r.op_id === opId && r.face_index >= 0)
    .sort((a, b) => a.frame_index - b.frame_index || a.face_index - b.face_index)
    .map((r) => [r.frame_index, r.face_index, r.box_x!, r.box_y!, r.box_w!, r.box_h!]);
}

function assertClose(actual: number[][], expected: number[][], tolerance: number): void {
  assert.equal(actual.length, expected.length, "number of faces");
  actual.forEach((row, i) =>
    row.forEach((v, j) =>
      assert.ok(
        Math.abs(v - expected[i][j]) <= tolerance,
        `face ${i} value ${j}: ${v} vs ${expected[i][j]}`,
      )
    )
  );
}

Deno.test({
  name: "evaluate() locates faces per face mode and maps them through each copy's geometry",
  ignore: skipWithout("ffmpeg", "eval face modes") ||
    skipWithoutFixtures(["video", "ultraface"], "eval face modes"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_faces_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const data = join(tmp, "copies");
      for (const copy of COPIES) await makeCopy(ffmpeg, data, copy);
      const model = join(tmp, "tiny.onnx");
      await Deno.writeFile(model, tinyDetector("mean"));
      const base: EvaluateOptions = {
        spec: tinySpec({ crop: { kind: "box" }, faces: "all", faceRule: "max" }),
        modelPath: model,
        data,
        store: "",
        frames: FRAMES,
        faceModel: join(FIXTURES, "ultraface/version-RFB-320.onnx"),
        ffmpeg,
      };

      let reference: ScoreRow[] = [];
      await t.step("reference: every copy scores the unaltered copy's faces, mapped", async () => {
        const store = join(tmp, "store_reference");
        const summary = await evaluate({ ...base, store, faces: "reference" });
        assert.equal(summary.failures, 0);
        reference = await readRows(store);
        const clean = boxesOf(reference, "unaltered");
        // The clip shows a singer and a pianist; UltraFace finds them in the first two samples.
        assert.deepEqual([...new Set(clean.map((b) => b[0]))], SAMPLED.slice(0, 2));
        // A frame without a face on the unaltered copy has none on the others either.
        for (const op of ["unaltered", "hflip", "res_half"]) {
          const last = reference.filter((r) => r.op_id === op && r.frame_index === SAMPLED[2]);
          assert.deepEqual(last.map((r) => r.status), ["no_face"]);
        }
        assertClose(
          boxesOf(reference, "hflip"),
          clean.map(([f, i, x, y, w, h]) => [f, i, 640 - x - w, y, w, h]),
          1e-3,
        );
        assertClose(
          boxesOf(reference, "res_half"),
          clean.map(([f, i, x, y, w, h]) => [f, i, x / 2, y / 2, w / 2, h / 2]),
          1e-3,
        );
      });

      await t.step("ultraface: each copy is located on its own pixels", async () => {
        const store = join(tmp, "store_ultraface");
        await evaluate({ ...base, store, faces: "ultraface" });
        const rows = await readRows(store);
        // Issue 29: every row names the locator's model by its SHA-256.
        const model = await sha256File(join(FIXTURES, "ultraface/version-RFB-320.onnx"));
        assert.deepEqual([...new Set(rows.map((r) => r.face_model_sha256))], [model]);
        assert.deepEqual(boxesOf(rows, "unaltered"), boxesOf(reference, "unaltered"));
        // Located afresh on the mirrored frames: close to the mirrored reference boxes, not equal.
        const mirrored = boxesOf(reference, "hflip");
        const found = boxesOf(rows, "hflip");
        assert.equal(found.length, mirrored.length);
        assertClose(found, mirrored, 12);
        // The locator's confidence is stored with every face: UltraFace keeps scores above 0.7.
        const faces = rows.filter((r) => r.face_index >= 0);
        assert.ok(faces.length > 0);
        for (const r of faces) {
          assert.ok(r.face_score! > 0.7 && r.face_score! <= 1, `${r.face_score}`);
        }
        assert.ok(rows.filter((r) => r.face_index < 0).every((r) => r.face_score === null));
        // The box in the unaltered copy's pixels: the hflip box mirrored back, res_half doubled.
        for (const r of faces) {
          const [x, w] = [r.box_x!, r.box_w!];
          const expected = r.op_id === "hflip"
            ? [640 - x - w, r.box_y!, w, r.box_h!]
            : r.op_id === "res_half"
            ? [2 * x, 2 * r.box_y!, 2 * w, 2 * r.box_h!]
            : [x, r.box_y!, w, r.box_h!];
          assertClose([[r.source_x!, r.source_y!, r.source_w!, r.source_h!]], [expected], 1e-2);
        }
        // Per-cell locator changes equal the oracle's IoU of the unaltered boxes mapped forward
        // through each copy's geometry against the copy's own boxes (tests/_locator_oracle.ts).
        const geometries = [
          { artifact_id: "unaltered-1", video_id: "hamilton", sx: 1, ox: 0, sy: 1, oy: 0 },
          { artifact_id: "hflip-1", video_id: "hamilton", sx: -1, ox: 640, sy: 1, oy: 0 },
          { artifact_id: "res_half-1", video_id: "hamilton", sx: 0.5, ox: 0, sy: 0.5, oy: 0 },
        ];
        const oracle = await oracleCells(store, {
          way: "geometry",
          threshold: LOCATOR_CHANGE_IOU,
          geometries,
        });
        const changes = locatorChanges(await scanStore(store));
        assert.equal(oracle.length, 3);
        for (const cell of oracle) {
          const mine = locatorChangeShare(changes.filter((c) => c.opId === cell.op_id));
          assert.deepEqual(
            [mine.scoredFaces, mine.comparedFaces, mine.movedFaces],
            [cell.scored, cell.compared, cell.moved],
            cell.op_id,
          );
          assert.equal(cell.compared, cell.scored);
        }
        // No preset minimum in the tiny spec: none recorded, none dropped.
        assert.ok(rows.every((r) => r.min_face_score === null && r.min_face_size === null));
        assert.ok(rows.filter((r) => r.frame_index >= 0).every((r) => r.faces_dropped === 0));
      });

      await t.step(
        "face minimums drop faces, are counted, recorded and change the run id",
        async () => {
          const plain = await evaluate({
            ...base,
            store: join(tmp, "store_min0"),
            faces: "ultraface",
          });
          const store = join(tmp, "store_min");
          const summary = await evaluate({
            ...base,
            store,
            faces: "ultraface",
            minFaceScore: 0.7,
            minFaceSize: 1000,
          });
          assert.notEqual(summary.runId, plain.runId);
          assert.deepEqual(summary.faceMinimums, { score: 0.7, size: 1000 });
          const rows = await readRows(store);
          // Every face is smaller than 1000 px: none is scored, each counted on its frame.
          assert.equal(rows.filter((r) => r.face_index >= 0).length, 0);
          const located = (await readRows(join(tmp, "store_min0"))).filter((r) =>
            r.face_index >= 0
          );
          const dropped = rows.filter((r) => r.frame_index >= 0)
            .reduce((sum, r) => sum + r.faces_dropped!, 0);
          assert.equal(dropped, located.length);
          assert.equal(summary.facesDropped, located.length);
          assert.ok(rows.every((r) => r.min_face_score === 0.7 && r.min_face_size === 1000));
          const noFace = rows.find((r) => r.faces_dropped! > 0)!;
          assert.match(noFace.error!, /below the run's minimum confidence 0\.7, face size 1000 px/);
          await assert.rejects(
            () => evaluate({ ...base, store, faces: "ultraface", minFaceScore: 1.5 }),
            /minimum face score must be in \[0, 1\), got 1\.5/,
          );
        },
      );

      await t.step("reference resumes from the stored unaltered copy", async () => {
        const store = join(tmp, "store_resume");
        const controller = new AbortController();
        await evaluate({
          ...base,
          store,
          faces: "reference",
          signal: controller.signal,
          onCopy: () => controller.abort(),
        });
        assert.equal((await listParts(store)).length, 1);
        const summary = await evaluate({ ...base, store, faces: "reference" });
        assert.deepEqual(summary.copies.map((c) => c.skipped), [true, false, false]);
        const rows = await readRows(store);
        for (const op of ["hflip", "res_half"]) {
          assertClose(boxesOf(rows, op), boxesOf(reference, op), 1e-3);
        }
      });

      await t.step(
        "sidecar: given boxes are mapped; frames without boxes are no_face",
        async () => {
          const sidecar = join(tmp, "faces.json");
          await Deno.writeTextFile(
            sidecar,
            JSON.stringify({
              schema: "dfrobust.faces/1",
              videos: { hamilton: { "0": [[100, 50, 80, 90]], "29": [[100, 50, 80, 90]] } },
            }),
          );
          const store = join(tmp, "store_sidecar");
          const summary = await evaluate({ ...base, store, faces: "sidecar", sidecar });
          assert.deepEqual(summary.copies.map((c) => c.statuses), [
            { ok: 2, no_face: 1 },
            { ok: 2, no_face: 1 },
            { ok: 2, no_face: 1 },
          ]);
          const rows = await readRows(store);
          assert.deepEqual([...new Set(rows.map((r) => r.face_model_sha256))], [
            await sha256File(sidecar),
          ]);
          assert.deepEqual(boxesOf(rows, "unaltered"), [[0, 0, 100, 50, 80, 90], [
            29,
            0,
            100,
            50,
            80,
            90,
          ]]);
          assert.deepEqual(boxesOf(rows, "hflip"), [[0, 0, 460, 50, 80, 90], [
            29,
            0,
            460,
            50,
            80,
            90,
          ]]);
          // A sidecar box without a fifth number has no confidence: absent, not 1; its box in
          // the unaltered copy's pixels is the sidecar's own in every copy.
          for (const r of rows.filter((r) => r.face_index >= 0)) {
            assert.equal(r.face_score, null);
            assert.deepEqual([r.source_x, r.source_y, r.source_w, r.source_h], [100, 50, 80, 90]);
          }
          assert.deepEqual(boxesOf(rows, "res_half"), [[0, 0, 50, 25, 40, 45], [
            29,
            0,
            50,
            25,
            40,
            45,
          ]]);
          assert.equal(rows.find((r) => r.frame_index === 59)!.status, "no_face");
        },
      );
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
