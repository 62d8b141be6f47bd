/**
 * Crops and face choice through the real pipeline, on the awkward fixtures: b06 (boxes that stick
 * out of the frame, and one wholly outside) and b07 (two faces listed in alternating order, then
 * two equal faces that are mirror images), with hflip and vflip copies made by distort.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { evaluate } from "../eval/evaluate.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { skipWithout } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import { tinyDetector, tinySpec } from "./eval_fixtures.ts";

const AWKWARD = join(FIXTURES, "awkward");
/** numpy.linspace(0, 49, 32).astype(int): the frames sampled from the 50-frame clips. */
const SAMPLED = [
  0,
  1,
  3,
  4,
  6,
  7,
  9,
  11,
  12,
  14,
  15,
  17,
  18,
  20,
  22,
  23,
  25,
  26,
  28,
  30,
  31,
  33,
  34,
  36,
  37,
  39,
  41,
  42,
  44,
  45,
  47,
  49,
];

async function readRows(store: string): Promise<ScoreRow[]> {
  const parts = await listParts(store);
  return pl.concat(parts.map((p) => pl.readParquet(p))).toRecords() as unknown as ScoreRow[];
}

const cropOf = (r: ScoreRow) => [r.crop_x, r.crop_y, r.crop_w, r.crop_h];
const boxOf = (r: ScoreRow) => [r.box_x, r.box_y, r.box_w, r.box_h];

Deno.test({
  name: "eval on b06_edge.mp4 stores the FaceForensics++ crop of each box as given, and no face " +
    "for a box outside the frame",
  ignore: skipWithout("ffmpeg", "eval crops on b06") ||
    skipWithoutFixtures("awkward", "eval crops on b06"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_crops_" });
    try {
      const model = join(tmp, "tiny.onnx");
      await Deno.writeFile(model, tinyDetector("mean"));
      const store = join(tmp, "store");
      const summary = await evaluate({
        spec: tinySpec({ crop: { kind: "square", scale: 1.3 }, faces: "largest" }),
        modelPath: model,
        data: join(AWKWARD, "b06_manifest.csv"),
        store,
        faces: "sidecar",
        sidecar: join(AWKWARD, "b06_sidecar.json"),
        frames: 32,
      });
      assert.equal(summary.failures, 0);
      const rows = await readRows(store);
      const edge = rows.filter((r) => r.video_id === "b06_edge")
        .sort((a, b) => a.frame_index - b.frame_index);
      assert.deepEqual(edge.map((r) => r.frame_index), SAMPLED);

      // The sidecar's boxes by frame range, and the crops (x, y, side) FF++'s rule gives them.
      const ranges = [
        { to: 11, box: [-30, 60, 100, 120], crop: [0, 42, 156] },
        { to: 23, box: [260, 150, 100, 120], crop: [232, 132, 88] },
        { to: 35, box: [-20, -20, 60, 60], crop: [0, 0, 78] },
        { to: 43, box: [300, 100, 60, 60], crop: [291, 91, 29] },
      ];
      await t.step("boxes that stick out: stored as given, with upstream's crop, scored", () => {
        for (const row of edge.filter((r) => r.frame_index <= 43)) {
          const { box, crop: [x, y, side] } = ranges.find((r) => row.frame_index <= r.to)!;
          const where = `frame ${row.frame_index}`;
          assert.equal(row.status, "ok", where);
          assert.ok(row.score! > 0 && row.score! < 1, where);
          assert.equal(row.face_index, 0, where);
          assert.deepEqual(boxOf(row), box, where);
          assert.deepEqual(cropOf(row), [x, y, side, side], where);
        }
        // The 29-pixel crop at the right edge is scored like the others.
        assert.equal(edge.filter((r) => r.crop_w === 29 && r.status === "ok").length, 5);
      });
      await t.step("the box wholly outside is no face: no box, no crop, a note why", () => {
        const outside = edge.filter((r) => r.frame_index >= 44);
        assert.deepEqual(outside.map((r) => r.frame_index), [44, 45, 47, 49]);
        for (const row of outside) {
          assert.equal(row.status, "no_face");
          assert.equal(row.face_index, -1);
          assert.equal(row.score, null);
          assert.deepEqual([...boxOf(row), ...cropOf(row)], Array(8).fill(null));
          assert.match(row.error!, /the face box lies outside the 320x240 frame/);
        }
      });
      await t.step("the control b06_center gets its 1.3x square on every frame", () => {
        const center = rows.filter((r) => r.video_id === "b06_center");
        assert.equal(center.length, 32);
        for (const row of center) {
          assert.equal(row.status, "ok");
          assert.deepEqual(cropOf(row), [95, 55, 130, 130]);
        }
      });
      await t.step(
        "in the full face mode the model sees the whole frame, whatever the rule",
        async () => {
          const full = join(tmp, "store_full");
          await evaluate({
            spec: tinySpec({ crop: { kind: "reflect", scale: 1.1 }, faces: "largest" }),
            modelPath: model,
            data: join(AWKWARD, "b06_manifest.csv"),
            store: full,
            faces: "full",
            frames: 2,
          });
          const stored = await readRows(full);
          assert.equal(stored.length, 4);
          for (const row of stored) assert.deepEqual(cropOf(row), [0, 0, 320, 240]);
        },
      );
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

/** The copies distort makes of b07 and how each maps a source box into the copy (320x240). */
const B07_COPIES: Record<string, (b: number[]) => number[]> = {
  unaltered: ([x, y, w, h]) => [x, y, w, h],
  hflip: ([x, y, w, h]) => [320 - x - w, y, w, h],
  vflip: ([x, y, w, h]) => [x, 240 - y - h, w, h],
};

/**
 * The two faces of b07_twofaces frame `f` in the source, in the documented face order: the big
 * face first while there is one (frames 0-39); then two equal faces, mirror images about the
 * frame's centre line (same area, same distance to the centre), where the upper-then-left box in
 * the source comes first.
 */
function b07Faces(f: number): number[][] {
  return f < 40 ? [[40, 40, 120, 140], [220, 60, 50, 60]] : [[40, 90, 60, 60], [220, 90, 60, 60]];
}

Deno.test({
  name: "eval on b07 scores the same face on every frame and in the hflip and vflip copies, " +
    "whatever order the sidecar lists the boxes in",
  ignore: skipWithout("ffmpeg", "eval face choice on b07") ||
    skipWithoutFixtures("awkward", "eval face choice on b07"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_b07_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const data = join(tmp, "copies");
      const distorted = await distortDataset(join(AWKWARD, "b07_manifest.csv"), {
        out: data,
        ops: "unaltered,hflip,vflip",
        profile: "lossless",
        ffmpeg,
      });
      assert.equal(distorted.failures, 0);
      const model = join(tmp, "tiny.onnx");
      await Deno.writeFile(model, tinyDetector("mean"));
      const run = async (faces: "largest" | "all") => {
        const store = join(tmp, `store_${faces}`);
        const summary = await evaluate({
          spec: tinySpec({ crop: { kind: "square", scale: 1.3 }, faces, faceRule: "largest" }),
          modelPath: model,
          data,
          store,
          faces: "sidecar",
          sidecar: join(AWKWARD, "b07_sidecar.json"),
          frames: 32,
          ffmpeg,
        });
        assert.deepEqual(summary.copies.map((c) => c.opId), Object.keys(B07_COPIES));
        assert.equal(summary.failures, 0);
        return (await readRows(store)).filter((r) => r.video_id === "b07_twofaces");
      };

      await t.step("largest: the first face of the face order, in every copy", async () => {
        const rows = await run("largest");
        for (const [opId, map] of Object.entries(B07_COPIES)) {
          const copy = rows.filter((r) => r.op_id === opId)
            .sort((a, b) => a.frame_index - b.frame_index);
          assert.deepEqual(copy.map((r) => r.frame_index), SAMPLED, opId);
          for (const row of copy) {
            assert.equal(row.face_index, 0);
            assert.deepEqual(
              boxOf(row),
              map(b07Faces(row.frame_index)[0]),
              `${opId} ${row.frame_index}`,
            );
          }
        }
      });
      await t.step("all: face_index follows the same order, in every copy", async () => {
        const rows = await run("all");
        for (const [opId, map] of Object.entries(B07_COPIES)) {
          for (const f of SAMPLED) {
            const faces = rows.filter((r) => r.op_id === opId && r.frame_index === f)
              .sort((a, b) => a.face_index - b.face_index);
            assert.deepEqual(faces.map((r) => r.face_index), [0, 1]);
            assert.deepEqual(faces.map(boxOf), b07Faces(f).map(map), `${opId} ${f}`);
          }
        }
      });
      await t.step("the crops in the flipped copies mirror the unaltered copy's", async () => {
        const rows = await readRows(join(tmp, "store_largest"));
        const clean = rows.filter((r) => r.op_id === "unaltered" && r.video_id === "b07_twofaces");
        for (const row of clean) {
          const [x, y, w, h] = cropOf(row) as number[];
          const at = (opId: string) =>
            cropOf(
              rows.find((r) =>
                r.op_id === opId && r.video_id === row.video_id && r.frame_index === row.frame_index
              )!,
            );
          assert.deepEqual(at("hflip"), [320 - x - w, y, w, h]);
          assert.deepEqual(at("vflip"), [x, 240 - y - h, w, h]);
        }
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
