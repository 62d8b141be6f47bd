import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { getPreset } from "../detectors/presets.ts";
import { evaluate, type EvaluateOptions } from "../eval/evaluate.ts";
import { scoreFrame } from "../store/schema.ts";
import { videoScores } from "../store/video_scores.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { evenlySpacedIndices } from "../media/frames.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { skipWithout } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import {
  type ClipSpec,
  expectedScore,
  tinyDetector,
  tinySpec,
  writeClips,
  writeCopy,
} from "./eval_fixtures.ts";

const CLIPS: ClipSpec[] = [
  { id: "real_a", label: 0, grey: 60 },
  { id: "fake_a", label: 1, grey: 170 },
  { id: "real_b", label: 0, grey: 90 },
  { id: "fake_b", label: 1, grey: 200 },
];
// The darkened copy keeps the order of the classes (so its AUC is 1 too) but moves every score.
const DARKER: ClipSpec[] = CLIPS.map((c) => ({ ...c, grey: c.grey - 40 }));
const FRAMES = 4;

async function readRows(store: string): Promise<ScoreRow[]> {
  const parts = await listParts(store);
  if (parts.length === 0) return [];
  return pl.concat(parts.map((p) => pl.readParquet(p))).toRecords() as unknown as ScoreRow[];
}

Deno.test({
  name: "evaluate() scores real clips with a real ONNX detector into a real store",
  ignore: skipWithout("ffmpeg", "eval pipeline"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_" });
    const ffmpeg: Ffmpeg = await openFfmpeg("native");
    try {
      const data = join(tmp, "copies");
      await writeCopy(ffmpeg, data, {
        opId: "darken",
        family: "darken",
        category: "brightness",
        artifactId: "b2",
        severity: 1,
      }, DARKER);
      await writeCopy(ffmpeg, data, {
        opId: "unaltered",
        family: "unaltered",
        category: "unaltered",
        artifactId: "a1",
      }, CLIPS);
      const model = join(tmp, "tiny.onnx");
      await Deno.writeFile(model, tinyDetector("mean"));
      const base: EvaluateOptions = {
        spec: tinySpec(),
        modelPath: model,
        data,
        store: join(tmp, "store"),
        faces: "full",
        frames: FRAMES,
        // 3 does not divide the 4 faces per video: batches span videos.
        batch: 3,
        ffmpeg,
        trainSet: "synthetic",
      };

      await t.step("one row per video, frame and face, with the expected scores", async () => {
        const summary = await evaluate(base);
        assert.deepEqual(summary.copies.map((c) => c.opId), ["unaltered", "darken"]);
        assert.deepEqual(summary.failures, 0);
        assert.deepEqual(summary.facesScored, 2 * CLIPS.length * FRAMES);
        for (const copy of summary.copies) {
          assert.deepEqual(copy.rows, CLIPS.length * FRAMES);
          assert.deepEqual(copy.statuses, { ok: CLIPS.length * FRAMES });
          assert.deepEqual(copy.auc, 1);
        }
        const rows = await readRows(base.store);
        assert.deepEqual(rows.length, 2 * CLIPS.length * FRAMES);
        for (const row of rows) {
          const clip = (row.op_id === "darken" ? DARKER : CLIPS).find((c) =>
            c.id === row.video_id
          )!;
          assert.deepEqual(row.status, "ok");
          assert.deepEqual(row.label, clip.label);
          assert.deepEqual(row.face_index, 0);
          assert.deepEqual([row.box_x, row.box_y, row.box_w, row.box_h], [0, 0, 48, 32]);
          assert.deepEqual(row.face_mode, "full");
          assert.deepEqual(row.train_set, "synthetic");
          assert.deepEqual(row.artifact_id, row.op_id === "darken" ? "b2" : "a1");
          assert.deepEqual(row.severity, row.op_id === "darken" ? 1 : null);
          assert.ok(
            Math.abs(row.score! - expectedScore(clip.grey)) < 1e-5,
            `${row.op_id}/${row.video_id}: score ${row.score}, expected ${
              expectedScore(clip.grey)
            }`,
          );
        }
        // Six frames sampled four times, evenly: numpy's linspace(0, 5, 4).astype(int).
        const frames = [...new Set(rows.map((r) => r.frame_index))].sort((a, b) => a - b);
        assert.deepEqual(frames, [0, 1, 3, 5]);
      });

      await t.step(
        "one, two or three detector sessions store the same rows in the same order",
        async () => {
          const keyed = (rows: ScoreRow[]) =>
            rows.map((r) => [r.op_id, r.video_id, r.frame_index, r.face_index, r.status, r.score]);
          const runs = [];
          for (const sessions of [1, 2, 3]) {
            const store = join(tmp, `store_sessions_${sessions}`);
            const summary = await evaluate({ ...base, store, sessions, threads: 3 });
            assert.deepEqual(summary.facesScored, 2 * CLIPS.length * FRAMES);
            runs.push(keyed(await readRows(store)));
          }
          assert.deepEqual(runs[1], runs[0]);
          assert.deepEqual(runs[2], runs[0]);
        },
      );

      await t.step("a rerun skips stored copies and duplicates no row", async () => {
        const summary = await evaluate(base);
        assert.deepEqual(summary.copies.map((c) => c.skipped), [true, true]);
        assert.deepEqual(summary.facesScored, 0);
        // The summary of a stored copy is read back from its part.
        assert.deepEqual(summary.copies.map((c) => [c.rows, c.auc]), [
          [CLIPS.length * FRAMES, 1],
          [CLIPS.length * FRAMES, 1],
        ]);
        assert.deepEqual((await readRows(base.store)).length, 2 * CLIPS.length * FRAMES);
        const forced = await evaluate({ ...base, force: true });
        assert.deepEqual(forced.copies.map((c) => c.skipped), [false, false]);
        assert.deepEqual((await readRows(base.store)).length, 2 * CLIPS.length * FRAMES);
      });

      await t.step("a run stopped after its first copy completes on the rerun", async () => {
        const store = join(tmp, "store_abort");
        const controller = new AbortController();
        const first = await evaluate({
          ...base,
          store,
          signal: controller.signal,
          onCopy: () => controller.abort(),
        });
        assert.deepEqual(first.aborted, true);
        assert.deepEqual(first.copies.map((c) => c.opId), ["unaltered"]);
        assert.deepEqual((await listParts(store)).length, 1);
        const second = await evaluate({ ...base, store });
        assert.deepEqual(second.copies.map((c) => [c.opId, c.skipped]), [
          ["unaltered", true],
          ["darken", false],
        ]);
        const rows = await readRows(store);
        assert.deepEqual(rows.length, 2 * CLIPS.length * FRAMES);
        const keys = new Set(rows.map((r) => `${r.op_id}/${r.video_id}/${r.frame_index}`));
        assert.deepEqual(keys.size, rows.length);
      });

      await t.step("a corrupt video in the middle is recorded and the rest completes", async () => {
        const dir = join(tmp, "with_corrupt");
        const clips = [
          CLIPS[0],
          CLIPS[1],
          { id: "broken", label: 1 as const, grey: 0, corrupt: true },
          CLIPS[2],
          CLIPS[3],
        ];
        const csv = await writeClips(ffmpeg, dir, clips);
        const summary = await evaluate({ ...base, data: csv, store: join(tmp, "store_corrupt") });
        assert.deepEqual(summary.failures, 1);
        assert.deepEqual(summary.copies[0].statuses, { ok: 4 * FRAMES, video_error: 1 });
        assert.deepEqual(summary.copies[0].failedVideos, 1);
        assert.deepEqual(summary.copies[0].auc, 1);
        const rows = await readRows(join(tmp, "store_corrupt"));
        const broken = rows.filter((r) => r.video_id === "broken");
        assert.deepEqual(broken.length, 1);
        assert.deepEqual(broken[0].frame_index, -1);
        assert.deepEqual(broken[0].status, "video_error");
        assert.deepEqual(broken[0].score, null);
        assert.match(broken[0].error!, /broken\.mp4/);
        assert.deepEqual(rows.filter((r) => r.status === "ok").length, 4 * FRAMES);
      });

      await t.step(
        "a truncated video is sampled over the frames its decoder returns, none past the end",
        async () => {
          const dir = join(tmp, "truncated");
          await Deno.mkdir(join(dir, "videos"), { recursive: true });
          const full = join(dir, "full.mp4");
          // Noisy frames and faststart: the index survives at the front, the frames at the end do not.
          await ffmpeg.run({
            args: ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25,noise=alls=60:allf=t"]
              .concat(["-frames:v", "30", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "10"])
              .concat(["-g", "5", "-threads", "1", "-movflags", "+faststart", full]),
            inputs: [],
            outputs: [full],
          });
          const bytes = await Deno.readFile(full);
          const cut = join(dir, "videos", "cut.mp4");
          await Deno.writeFile(cut, bytes.subarray(0, bytes.length >> 1));
          const decodable = (await ffmpeg.probe(cut)).frameCount;
          assert.ok(decodable > 4 && decodable < 30, `${decodable} decodable frames`);
          const csv = join(dir, "dataset.csv");
          await Deno.writeTextFile(csv, "id,path,label\ncut,videos/cut.mp4,1\n");
          const store = join(tmp, "store_truncated");
          const summary = await evaluate({ ...base, data: csv, store, frames: 4 });
          const rows = await readRows(store);
          assert.deepEqual(rows.map((r) => r.status), ["ok", "ok", "ok", "ok"]);
          assert.deepEqual(
            rows.map((r) => r.frame_index).sort((a, b) => a - b),
            evenlySpacedIndices(decodable, 4),
          );
          assert.equal(summary.copies[0].failedVideos, 0);
        },
      );

      await t.step("a NaN model output is recorded as nan_score, never as a score", async () => {
        const logModel = join(tmp, "log.onnx");
        await Deno.writeFile(logModel, tinyDetector("log"));
        const store = join(tmp, "store_nan");
        const summary = await evaluate({ ...base, modelPath: logModel, store });
        const rows = await readRows(store);
        for (const row of rows) {
          const clip = (row.op_id === "darken" ? DARKER : CLIPS).find((c) =>
            c.id === row.video_id
          )!;
          // log(mean - 0.5) is NaN below mid grey.
          const dark = clip.grey / 255 < 0.5;
          assert.deepEqual(row.status, dark ? "nan_score" : "ok", `${row.op_id}/${row.video_id}`);
          if (dark) {
            assert.deepEqual(row.score, null);
            assert.match(row.error!, /NaN/);
          }
        }
        assert.ok(summary.failures > 0);
      });

      await t.step("a model whose input does not fit the spec fails before any work", async () => {
        const wrong = join(tmp, "wrong.onnx");
        await Deno.writeFile(wrong, tinyDetector("mean", 32));
        const store = join(tmp, "store_wrong");
        await assert.rejects(
          () => evaluate({ ...base, modelPath: wrong, store }),
          (error: Error) => {
            assert.match(error.message, /wrong\.onnx/);
            assert.match(error.message, /shape/);
            return true;
          },
        );
        assert.deepEqual(await listParts(store), []);
      });

      await t.step({
        name: "a flat grey clip has no face: no_face rows and the fail score",
        ignore: skipWithoutFixtures("ultraface", "eval pipeline: UltraFace on a grey clip"),
        fn: async () => {
          const failScore = getPreset("sbi")!.failScore;
          assert.deepEqual(failScore, 0.5);
          const dir = join(tmp, "grey");
          const csv = await writeClips(ffmpeg, dir, [
            { id: "grey_real", label: 0, grey: 128 },
            { id: "grey_fake", label: 1, grey: 128 },
          ]);
          const store = join(tmp, "store_grey");
          const summary = await evaluate({
            ...base,
            spec: tinySpec({ failScore }),
            data: csv,
            store,
            faces: "ultraface",
            faceModel: join(FIXTURES, "ultraface/version-RFB-320.onnx"),
          });
          assert.deepEqual(summary.copies[0].statuses, { no_face: 2 * FRAMES });
          assert.deepEqual(summary.failures, 0);
          const rows = await readRows(store);
          assert.ok(rows.every((r) => r.face_index === -1 && r.score === null && r.box_x === null));
          const videos = videoScores(scoreFrame(rows)).collectSync().toRecords();
          assert.deepEqual(videos.map((v) => [v.video_id, v.score, v.fallback]), [
            ["grey_fake", failScore, true],
            ["grey_real", failScore, true],
          ]);
        },
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
