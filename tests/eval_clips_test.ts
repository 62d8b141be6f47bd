import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { evaluate } from "../eval/evaluate.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { clipPlan } from "../media/clips.ts";
import { opAucs } from "../metrics/op_auc.ts";
import { tableOne } from "../metrics/table.ts";
import { tableMarkdown } from "../report/table_format.ts";
import { loadReportData } from "../report/collect.ts";
import { renderReport } from "../report/html.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts, scanStore } from "../store/store.ts";
import { videoOutcomes } from "../store/video_scores.ts";
import { AWKWARD, barcodeDetector, barcodeSpec, reverseBits8 } from "./awkward_fixtures.ts";
import {
  CLIP_T,
  clipBarcodeModel,
  clipBarcodeSpec,
  decodeClipScore,
  writeRateChangeVideo,
} from "./clip_fixtures.ts";
import { skipWithout } from "./_tools.ts";
import { skipWithoutFixtures } from "./_fixtures.ts";

async function readRows(store: string): Promise<ScoreRow[]> {
  return pl.concat((await listParts(store)).map((p) => pl.readParquet(p)))
    .toRecords() as unknown as ScoreRow[];
}

/** Frames of each source and the barcode its decoded frame 0 shows. */
const SOURCES: Record<string, { frames: number; first: number }> = {
  b01_full: { frames: 100, first: 0 },
  b01_headcut: { frames: 75, first: 25 },
  rate_change: { frames: 50, first: 0 },
};

Deno.test({
  name: "a clip detector receives exactly the consecutive frames its rule names, in every copy",
  ignore: skipWithout("ffmpeg", "clip eval over distorted copies") ||
    skipWithoutFixtures("awkward", "clip eval over distorted copies"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_clips_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const src = join(tmp, "src");
      await Deno.mkdir(src);
      for (const file of ["b01_full.ts", "b01_headcut.ts"]) {
        await Deno.copyFile(join(AWKWARD, file), join(src, file));
      }
      // 20 frames at 25 fps, then 30 at 50 fps; and a video of 2 frames, shorter than a clip.
      await Deno.rename(
        await writeRateChangeVideo(ffmpeg, src, { before: 20, after: 30 }),
        join(src, "rate_change.mp4"),
      );
      const shortDir = join(tmp, "short");
      await Deno.mkdir(shortDir);
      await Deno.rename(
        await writeRateChangeVideo(ffmpeg, shortDir, { before: 1, after: 1 }),
        join(src, "short.mp4"),
      );
      const csv = join(src, "dataset.csv");
      await Deno.writeTextFile(
        csv,
        "id,path,label\nb01_full,b01_full.ts,0\nb01_headcut,b01_headcut.ts,1\n",
      );
      // distort refuses a source whose frame rate changes (its copies' rates are validated), so
      // these two are evaluated as they are, a plain dataset, into a second store.
      const plain = join(src, "plain.csv");
      await Deno.writeTextFile(
        plain,
        "id,path,label\nrate_change,rate_change.mp4,0\nshort,short.mp4,1\n",
      );
      const out = join(tmp, "copies");
      const made = await distortDataset(csv, { out, ops: "unaltered,h264_crf23,hflip", ffmpeg });
      assert.equal(made.failures, 0, JSON.stringify(made.copies.map((c) => c.failures)));
      const opIds = made.copies.map((c) => c.opId);
      assert.deepEqual(opIds, ["unaltered", "h264_crf23", "hflip"]);

      const store = join(tmp, "store");
      const clipModel = join(tmp, "clip.onnx");
      await Deno.writeFile(clipModel, clipBarcodeModel());
      const frameModel = join(tmp, "frame.onnx");
      await Deno.writeFile(frameModel, barcodeDetector());
      const clipRun = await evaluate({
        spec: clipBarcodeSpec(),
        modelPath: clipModel,
        data: out,
        store,
        faces: "full",
        ffmpeg,
      });
      await evaluate({
        spec: barcodeSpec(),
        modelPath: frameModel,
        data: out,
        store,
        faces: "full",
        frames: 8,
        ffmpeg,
      });
      const plainStore = join(tmp, "plain_store");
      const plainRun = await evaluate({
        spec: clipBarcodeSpec(),
        modelPath: clipModel,
        data: plain,
        store: plainStore,
        faces: "full",
        ffmpeg,
      });
      const rows = await readRows(store);
      const plainRows = await readRows(plainStore);
      const clipRows = [...rows.filter((r) => r.detector === "clipcode"), ...plainRows];
      const copiesOf = (id: string) => id === "rate_change" ? ["unaltered"] : opIds;

      await t.step("each video's clips are the plan's: 5 evenly spaced runs of 3 frames", () => {
        for (const [id, { frames }] of Object.entries(SOURCES)) {
          for (const opId of copiesOf(id)) {
            const got = clipRows.filter((r) => r.op_id === opId && r.video_id === id)
              .map((r) => [r.frame_index, r.clip_start, r.clip_end]);
            const want = clipPlan(frames, CLIP_T, { kind: "even", count: 5 }).clips
              .map((c) => [c.start, c.start, c.end]);
            assert.deepEqual(got, want, `${opId} ${id}`);
          }
        }
      });

      await t.step(
        "every clip holds frames start..start+2 in order (bits mirrored in hflip)",
        () => {
          for (const row of clipRows.filter((r) => r.status !== "short_video")) {
            assert.equal(row.status, "ok", `${row.op_id} ${row.video_id} ${row.error}`);
            const first = SOURCES[row.video_id].first + row.frame_index;
            const want = Array.from({ length: CLIP_T }, (_, k) => first + k)
              .map((code) => row.op_id === "hflip" ? reverseBits8(code) : code);
            assert.deepEqual(
              decodeClipScore(row.score!),
              want,
              `${row.op_id} ${row.video_id} clip ${row.clip_start}-${row.clip_end}`,
            );
            // The full-frame crop of a 320x240 copy.
            assert.deepEqual([row.crop_x, row.crop_y, row.crop_w, row.crop_h], [0, 0, 320, 240]);
          }
        },
      );

      await t.step("a video shorter than a clip is one short_video row, left out", async () => {
        const short = clipRows.filter((r) => r.video_id === "short");
        assert.deepEqual(short.map((r) => [r.status, r.frame_index]), [["short_video", -1]]);
        assert.match(short[0].error!, /short\.mp4.*2 decoded frames, fewer than the 3 of one clip/);
        const outcomes = videoOutcomes((await scanStore(plainStore)).filter(
          pl.col("video_id").eq(pl.lit("short")),
        )).collectSync();
        assert.deepEqual(outcomes.getColumn("outcome").toArray(), ["short_video"]);
        assert.equal(plainRun.failures, 1);
        assert.equal(clipRun.failures, 0);
      });

      await t.step("clip and frame detector share one store; Table I shows both", async () => {
        const frameRows = rows.filter((r) => r.detector === "barcode");
        assert.ok(frameRows.length > 0);
        assert.ok(frameRows.every((r) => r.clip_start === null && r.clip_end === null));
        const cells = opAucs(await scanStore(store));
        const table = tableMarkdown(tableOne(cells));
        assert.match(table, /clipcode/);
        assert.match(table, /barcode/);
        const html = await renderReport(await loadReportData(store, {}));
        assert.match(html, /clipcode/);
        assert.match(html, /barcode/);
        // Clip scores reduce to a video score by the spec's video rule (mean over clips).
        const outcomes = videoOutcomes((await scanStore(store)).filter(
          pl.col("detector").eq(pl.lit("clipcode")).and(pl.col("op_id").eq(pl.lit("unaltered")))
            .and(pl.col("video_id").eq(pl.lit("b01_full"))),
        )).collectSync().toRecords()[0];
        const scores = clipRows.filter((r) => r.op_id === "unaltered" && r.video_id === "b01_full")
          .map((r) => r.score!);
        assert.equal(outcomes.scored_frames, 5);
        assert.ok(
          Math.abs((outcomes.score as number) - scores.reduce((a, b) => a + b) / 5) < 1e-12,
        );
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "a clip's crops follow its box rule: per-frame, the first frame's, or the union",
  ignore: skipWithout("ffmpeg", "clip crops from sidecar boxes") ||
    skipWithoutFixtures("awkward", "clip crops from sidecar boxes"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_clip_boxes_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      await Deno.copyFile(join(AWKWARD, "b01_full.ts"), join(tmp, "b01_full.ts"));
      const csv = join(tmp, "dataset.csv");
      await Deno.writeTextFile(csv, "id,path,label\nb01_full,b01_full.ts,1\n");
      // Frames 0, 3, 6, ... (each clip's first) have the whole frame as their box, the others the
      // bottom half (no barcode there); frame 7 has no face.
      const FULL = [0, 0, 320, 240];
      const BOTTOM = [0, 120, 320, 120];
      const boxes: Record<string, number[][]> = {};
      for (let n = 0; n < 12; n++) if (n !== 7) boxes[n] = [n % 3 === 0 ? FULL : BOTTOM];
      const sidecar = join(tmp, "faces.json");
      await Deno.writeTextFile(
        sidecar,
        JSON.stringify({ schema: "dfrobust.faces/1", videos: { b01_full: boxes } }),
      );
      const model = join(tmp, "clip.onnx");
      await Deno.writeFile(model, clipBarcodeModel());
      const run = async (box: string, extra: { minFaceSize?: number } = {}) => {
        const store = join(tmp, `store_${box}${extra.minFaceSize ?? ""}`);
        await evaluate({
          ...extra,
          spec: clipBarcodeSpec({
            crop: { kind: "box" },
            clip: { sampling: { kind: "stride", stride: 3, max: 4 }, box },
          }),
          modelPath: model,
          data: csv,
          store,
          faces: "sidecar",
          sidecar,
          ffmpeg,
        });
        return (await readRows(store)).filter((r) => r.frame_index >= 0);
      };
      const expected = (start: number) => [start, start + 1, start + 2];

      await t.step(
        "first: every frame cropped by the first frame's box; frame 7 not needed",
        async () => {
          const rows = await run("first");
          assert.deepEqual(rows.map((r) => [r.clip_start, r.clip_end, r.status]), [
            [0, 2, "ok"],
            [3, 5, "ok"],
            [6, 8, "ok"],
            [9, 11, "ok"],
          ]);
          for (const row of rows) {
            assert.deepEqual(decodeClipScore(row.score!), expected(row.clip_start!));
            assert.deepEqual([row.box_x, row.box_y, row.box_w, row.box_h], FULL);
            assert.deepEqual([row.crop_x, row.crop_y, row.crop_w, row.crop_h], FULL);
          }
        },
      );

      await t.step(
        "union: one box around the clip's boxes; a frame without a face is no clip",
        async () => {
          const rows = await run("union");
          assert.deepEqual(rows.map((r) => [r.clip_start, r.status]), [
            [0, "ok"],
            [3, "ok"],
            [6, "no_face"],
            [9, "ok"],
          ]);
          assert.match(rows[2].error!, /clip 6-8: frame 7 without a face/);
          for (const row of rows.filter((r) => r.status === "ok")) {
            assert.deepEqual(decodeClipScore(row.score!), expected(row.clip_start!));
            assert.deepEqual([row.crop_x, row.crop_y, row.crop_w, row.crop_h], FULL);
          }
        },
      );

      await t.step(
        "per-frame: each frame its own box (the bottom halves show no barcode)",
        async () => {
          const rows = await run("per-frame");
          assert.deepEqual(rows.map((r) => [r.clip_start, r.status]), [
            [0, "ok"],
            [3, "ok"],
            [6, "no_face"],
            [9, "ok"],
          ]);
          for (const row of rows.filter((r) => r.status === "ok")) {
            const [first, ...later] = decodeClipScore(row.score!);
            assert.equal(first, row.clip_start);
            assert.notDeepEqual(later, expected(row.clip_start!).slice(1));
            assert.deepEqual([row.box_x, row.box_y, row.box_w, row.box_h], FULL);
          }
        },
      );

      await t.step(
        "the run's face minimums apply per frame as for frame detectors, counted per clip",
        async () => {
          // The bottom-half boxes (shorter side 120 px) are below 200 px; the whole-frame ones
          // (240 px) are not.
          const perFrame = await run("per-frame", { minFaceSize: 200 });
          assert.deepEqual(
            perFrame.map((r) => [r.clip_start, r.status, r.faces_dropped, r.min_face_size]),
            [[0, "no_face", 2, 200], [3, "no_face", 2, 200], [6, "no_face", 1, 200], [
              9,
              "no_face",
              2,
              200,
            ]],
          );
          const first = await run("first", { minFaceSize: 200 });
          assert.deepEqual(first.map((r) => [r.clip_start, r.status, r.faces_dropped]), [
            [0, "ok", 2],
            [3, "ok", 2],
            [6, "ok", 1],
            [9, "ok", 2],
          ]);
          for (const row of first) {
            // A sidecar box without a score has no locator confidence; the unaltered copy's
            // box is the box itself.
            assert.equal(row.face_score, null);
            assert.deepEqual([row.source_x, row.source_y, row.source_w, row.source_h], FULL);
          }
        },
      );

      await t.step(
        "clips needing more decoded frames than the limit: a video_error row",
        async () => {
          const store = join(tmp, "store_limit");
          await evaluate({
            spec: clipBarcodeSpec({ clip: { sampling: { kind: "stride", stride: 1 } } }),
            modelPath: model,
            data: csv,
            store,
            faces: "full",
            limits: { frames: 50 },
            ffmpeg,
          });
          const rows = await readRows(store);
          assert.deepEqual(rows.map((r) => [r.status, r.frame_index]), [["video_error", -1]]);
          assert.match(
            rows[0].error!,
            /b01_full\.ts.*its clips need 100 decoded frames, over the limit of 50 frames per video/,
          );
        },
      );
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
