import assert from "node:assert/strict";
import { join } from "node:path";
import { applyFaceMinimums, faceMinimumsProblem, minimumsText } from "../faces/minimums.ts";
import { iou } from "../faces/box.ts";
import {
  LOCATOR_CHANGE_IOU,
  locatorChanges,
  locatorChangeShare,
  locatorChangeText,
  mostChangedVideos,
} from "../metrics/locator_changes.ts";
import { loadReportData } from "../report/collect.ts";
import { videoSet } from "../metrics/video_set.ts";
import { REPORT_FORMATS } from "../report/format_catalog.ts";
import type { ScoreRow } from "../store/schema.ts";
import { scanStore, writeUnit } from "../store/store.ts";
import { oracleCells } from "./_locator_oracle.ts";
import { getPreset } from "../detectors/presets.ts";
import { validateDetectorSpec } from "../detectors/spec.ts";
import { evalRunId } from "../eval/run_id.ts";
import { scoreRow } from "./store_fixtures.ts";

const OPS = [
  { op_id: "unaltered", op_family: "unaltered", op_category: "unaltered", severity: null },
  { op_id: "hflip", op_family: "hflip", op_category: "flip", severity: null },
  { op_id: "h264_crf40", op_family: "h264", op_category: "compression", severity: 4 },
];
const VIDEOS = 8;
const FRAMES = [0, 10, 20, 30, 40];

/**
 * A generated store: one run, 8 videos x 5 frames x 1-2 faces on three copies. The Unaltered
 * copy's boxes are random; each processed copy's box is the same box nudged (IoU well above 0.5),
 * or moved away (IoU well below 0.5, or 0), or a face where the Unaltered frame had none; one
 * Unaltered frame is a decode failure (not compared) and one video of `h264_crf40` was written
 * before the `source_*` columns (not compared). Scores separate the classes, so every video is
 * usable. Returns the rows written.
 */
async function writeGeneratedStore(store: string, seed: number): Promise<ScoreRow[]> {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const all: ScoreRow[] = [];
  // The Unaltered boxes per video and frame (empty: no face).
  const clean = new Map<string, { x: number; y: number; w: number; h: number }[]>();
  for (const op of OPS) {
    const rows: ScoreRow[] = [];
    for (let v = 0; v < VIDEOS; v++) {
      const label = (v % 2) as 0 | 1;
      const video = {
        ...op,
        artifact_id: `copy-${op.op_id}`,
        video_id: `vid${v}`,
        label,
        method: label ? "Deepfakes" : null,
        min_face_score: 0.7,
        min_face_size: null,
      };
      for (const frame of FRAMES) {
        const key = `${v}/${frame}`;
        const dropped = Math.floor(next() * 3);
        if (op.op_id === "unaltered") {
          if (v === 3 && frame === 20) {
            rows.push(noFace(video, frame, "decode_error"));
            clean.set(key, []);
            continue;
          }
          if (v === 5 && frame === 30) {
            rows.push({ ...noFace(video, frame, "no_face"), faces_dropped: dropped });
            clean.set(key, []);
            continue;
          }
          const faces = next() < 0.7 ? 1 : 2;
          const boxes = Array.from({ length: faces }, () => ({
            x: 10 + next() * 300,
            y: 10 + next() * 200,
            w: 40 + next() * 60,
            h: 50 + next() * 60,
          }));
          clean.set(key, boxes);
          boxes.forEach((b, i) => rows.push(faceRow(video, frame, i, b, label, next, dropped)));
          continue;
        }
        const reference = clean.get(key)!;
        const kind = next();
        const base = reference[0] ?? { x: 50, y: 60, w: 70, h: 80 };
        // Nudged by at most 4 px (IoU > 0.8), or moved by more than its own size (IoU 0).
        const box = kind < 0.6
          ? { ...base, x: base.x + next() * 4 - 2, y: base.y + next() * 4 - 2 }
          : { ...base, x: base.x + base.w * (1.2 + next()), y: base.y };
        const row = faceRow(video, frame, 0, box, label, next, dropped);
        if (op.op_id === "h264_crf40" && v === 6) {
          // A part row written before the locator columns existed.
          rows.push({ ...row, source_x: null, source_y: null, source_w: null, source_h: null });
        } else rows.push(row);
      }
    }
    await writeUnit(store, { detector: "xception", opId: op.op_id, unitId: `u-${op.op_id}` }, rows);
    all.push(...rows);
  }
  return all;
}

/** The videos behind the cells (the paired set), as metrics/video_set.ts gives them. */
async function videoSetOf(store: string) {
  return videoSet(await scanStore(store)).videos;
}

function faceRow(
  video: Partial<ScoreRow>,
  frame: number,
  face: number,
  box: { x: number; y: number; w: number; h: number },
  label: number,
  next: () => number,
  dropped: number,
): ScoreRow {
  return scoreRow({
    ...video,
    frame_index: frame,
    face_index: face,
    box_x: box.x,
    box_y: box.y,
    box_w: box.w,
    box_h: box.h,
    source_x: box.x,
    source_y: box.y,
    source_w: box.w,
    source_h: box.h,
    face_score: 0.7 + 0.3 * next(),
    faces_dropped: dropped,
    score: label ? 0.6 + 0.3 * next() : 0.1 + 0.3 * next(),
  });
}

function noFace(video: Partial<ScoreRow>, frame: number, status: ScoreRow["status"]): ScoreRow {
  return scoreRow({
    ...video,
    frame_index: frame,
    face_index: -1,
    status,
    error: status === "no_face" ? null : "cannot decode",
    score: null,
    box_x: null,
    box_y: null,
    box_w: null,
    box_h: null,
    crop_x: null,
    crop_y: null,
    crop_w: null,
    crop_h: null,
  });
}

Deno.test("locator changes per cell equal DuckDB's IoU over the stored boxes, in every form of the report", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_locator_" });
  try {
    for (const seed of [3, 11, 29]) {
      await t.step(`seed ${seed}`, async () => {
        const store = join(dir, `store${seed}`);
        const rows = await writeGeneratedStore(store, seed);
        const oracle = await oracleCells(store, { way: "source", threshold: LOCATOR_CHANGE_IOU });
        const videos = locatorChanges(await scanStore(store));
        for (const cell of oracle) {
          const mine = locatorChangeShare(
            videos.filter((v) => v.runId === cell.run_id && v.opId === cell.op_id),
          );
          assert.deepEqual(
            [mine.scoredFaces, mine.comparedFaces, mine.movedFaces],
            [cell.scored, cell.compared, cell.moved],
            `${cell.op_id}`,
          );
        }
        // The generated cases are all there: moved and kept faces, uncompared ones.
        const hflip = oracle.find((c) => c.op_id === "hflip")!;
        assert.ok(hflip.moved > 0 && hflip.moved < hflip.compared, JSON.stringify(hflip));
        const h264 = oracle.find((c) => c.op_id === "h264_crf40")!;
        assert.ok(h264.compared < h264.scored, JSON.stringify(h264));
        assert.equal(oracle.find((c) => c.op_id === "unaltered")!.moved, 0);

        // The report carries the same counts per Table I cell, beside the face share, over the
        // videos behind the cell (paired: vid3 lost a frame of its Unaltered copy, left out).
        const data = await loadReportData(store, { bootstrapResamples: 0 });
        assert.ok(data.leftOut!.some((v) => v.videoId === "vid3"));
        const behind = new Set(
          (await videoSetOf(store)).map((v) => `${v.runId}/${v.opId}/${v.videoId}`),
        );
        const paired = await oracleCells(store, {
          way: "source",
          threshold: LOCATOR_CHANGE_IOU,
          videos: behind,
        });
        assert.ok(paired.find((c) => c.op_id === "hflip")!.compared < hflip.compared);
        assert.equal(data.cells.find((c) => c.opId === "unaltered")!.locatorChange, undefined);
        for (const cell of paired.filter((c) => c.op_id !== "unaltered")) {
          const shown = data.cells.find((c) => c.opId === cell.op_id)!.locatorChange!;
          assert.equal(shown.movedFaces, cell.moved);
          assert.equal(shown.comparedFaces, cell.compared);
          assert.equal(shown.share, cell.compared === 0 ? null : cell.moved / cell.compared);
        }
        // Faces dropped: each frame's count once, over the cell's videos.
        const dropped = rows.filter((r) =>
          r.op_id === "hflip" && r.face_index <= 0 &&
          behind.has(`${r.run_id}/${r.op_id}/${r.video_id}`)
        ).reduce((s, r) => s + (r.faces_dropped ?? 0), 0);
        assert.ok(dropped > 0);
        assert.equal(
          data.cells.find((c) => c.opId === "hflip")!.locatorChange!.droppedFaces,
          dropped,
        );
        // The section: the run's minimums, the videos whose boxes moved most, with frames.
        const locator = data.locator!;
        assert.equal(locator.iouThreshold, 0.5);
        assert.deepEqual(locator.runs.map((r) => [r.minFaceScore, r.minFaceSize]), [[0.7, null]]);
        assert.ok(locator.videos.length > 0);
        assert.ok(locator.videos.every((v) => v.opId !== "unaltered" && v.frames.length > 0));
        const top = locator.videos[0];
        assert.ok(locator.videos.every((v) => v.movedFaces <= top.movedFaces));
        const rendered = Object.fromEntries(
          await Promise.all(
            REPORT_FORMATS.filter((f) => f.id !== "csv").map(async (f) => [
              f.id,
              await f.render(data, { interactive: false }),
            ]),
          ),
        );
        const text = locatorChangeText(data.cells.find((c) => c.opId === "hflip")!.locatorChange!);
        assert.match(text, /^box moved \d+\/\d+ faces \(\d+%\)/);
        assert.ok(rendered.md.includes(text), "Markdown cell");
        assert.ok(rendered.html.includes(text), "HTML cell");
        assert.match(rendered.md, /## Face locator/);
        assert.ok(rendered.md.includes(`| ${top.videoId} | ${top.movedFaces}/`), rendered.md);
        assert.match(rendered.html, /<section id="face-locator">/);
        assert.match(rendered.html, /face minimums confidence 0\.7/);
        const json = JSON.parse(rendered.json);
        assert.deepEqual(json.locator.videos[0].frames, top.frames);
        const jsonCell = json.rows[0].cells.hflip;
        assert.equal(
          jsonCell.locatorChange.movedFaces,
          paired.find((c) => c.op_id === "hflip")!.moved,
        );
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a store written before the locator columns reads them as absent and compares nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_locator_old_" });
  try {
    const store = join(dir, "store");
    // Rows as an older dfrobust wrote them: no locator columns at all in the Parquet file.
    for (const op of OPS.slice(0, 2)) {
      const rows = [0, 1, 2, 3].map((v) =>
        scoreRow({
          ...op,
          artifact_id: `copy-${op.op_id}`,
          video_id: `vid${v}`,
          label: (v % 2) as 0 | 1,
          score: v % 2 ? 0.8 : 0.2,
        })
      );
      await writeUnit(
        store,
        { detector: "xception", opId: op.op_id, unitId: `u-${op.op_id}` },
        rows,
      );
    }
    const frame = (await scanStore(store)).collectSync();
    assert.deepEqual(frame.getColumn("face_score").toArray(), Array(8).fill(null));
    const data = await loadReportData(store, { bootstrapResamples: 0 });
    const cell = data.cells.find((c) => c.opId === "hflip")!.locatorChange!;
    assert.deepEqual([cell.scoredFaces, cell.comparedFaces, cell.movedFaces], [4, 0, 0]);
    assert.equal(locatorChangeText(cell), "box moved 0/0 faces; 4 not compared");
    assert.equal(data.locator!.uncompared, true);
    const md = await REPORT_FORMATS.find((f) => f.id === "md")!.render(data, {});
    assert.match(md, /No scored face could be compared with the Unaltered copy/);
    assert.match(md, /face minimums none recorded/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("face minimums drop faces at or below the confidence and under the size, and count them", async (t) => {
  const face = (score: number, w: number, h: number, extra = {}) => ({
    x: 0,
    y: 0,
    w,
    h,
    score,
    ...extra,
  });
  await t.step("confidence: kept only above the minimum (RetinaFace's scores > 0.7)", () => {
    const { kept, dropped } = applyFaceMinimums(
      [face(0.69, 50, 50), face(0.7, 50, 50), face(0.71, 50, 50)],
      { score: 0.7, size: null },
    );
    assert.deepEqual(kept.map((b) => b.score), [0.71]);
    assert.equal(dropped, 2);
  });
  await t.step("a box without a confidence is never dropped by the confidence minimum", () => {
    const { kept } = applyFaceMinimums([face(1, 50, 50, { unscored: true })], {
      score: 0.99,
      size: null,
    });
    assert.equal(kept.length, 1);
  });
  await t.step("size: the shorter side, measured on the source box when there is one", () => {
    const small = face(0.9, 80, 39);
    const halved = face(0.9, 25, 25, {
      source: { x: 0, y: 0, w: 50, h: 50, frameWidth: 100, frameHeight: 100 },
    });
    const { kept, dropped } = applyFaceMinimums([small, halved, face(0.9, 40, 40)], {
      score: null,
      size: 40,
    });
    assert.deepEqual(kept.map((b) => [b.w, b.h]), [[25, 25], [40, 40]]);
    assert.equal(dropped, 1);
  });
  await t.step("ranges and words", () => {
    assert.equal(
      faceMinimumsProblem({ score: 1, size: null }),
      "minimum face score must be in [0, 1), got 1",
    );
    assert.match(faceMinimumsProblem({ score: null, size: -1 })!, /minimum face size/);
    assert.equal(faceMinimumsProblem({ score: 0.7, size: 20 }), null);
    assert.equal(minimumsText({ score: 0.7, size: 20 }), "confidence 0.7, face size 20 px");
    assert.equal(minimumsText({ score: null, size: null }), "none");
  });
});

Deno.test("mostChangedVideos() ranks by moved faces and leaves Unaltered out", () => {
  const v = (opId: string, videoId: string, moved: number, compared: number) => ({
    runId: "r",
    opId,
    artifactId: "a",
    videoId,
    scoredFaces: compared,
    comparedFaces: compared,
    movedFaces: moved,
    movedFrames: [],
    droppedFaces: 0,
    minFaceScore: null,
    minFaceSize: null,
  });
  const ranked = mostChangedVideos([
    v("hflip", "a", 2, 32),
    v("vflip", "b", 23, 32),
    v("unaltered", "c", 5, 32),
    v("h264", "d", 0, 32),
    v("noise", "e", 2, 4),
  ]);
  assert.deepEqual(ranked.map((r) => r.videoId), ["b", "e", "a"]);
  assert.equal(iou({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 }), 1 / 3);
});

Deno.test("the sbi preset's minimum confidence is RetinaFace's 0.7, cited; the run id carries the minimums", () => {
  const sbi = getPreset("sbi")!;
  assert.equal(sbi.minFaceScore, 0.7);
  assert.equal(sbi.minFaceSize, undefined);
  assert.ok(sbi.sources.some((s) => s.repo === "ternaus/retinaface" && /0\.7/.test(s.note ?? "")));
  // Presets whose upstream locator publishes no minimum have none.
  for (const name of ["xception", "capsule", "mesonet"]) {
    assert.equal(getPreset(name)!.minFaceScore, undefined, name);
  }
  const spec = getPreset("xception")!;
  const identity = { spec, modelSha256: "a".repeat(64), faceMode: "ultraface", frames: 32 };
  const none = evalRunId(identity);
  // No minimum: the id a run had before minimums existed.
  assert.equal(evalRunId({ ...identity, minimums: { score: null, size: null } }), none);
  const some = evalRunId({ ...identity, minimums: { score: 0.7, size: null } });
  assert.notEqual(some, none);
  assert.notEqual(evalRunId({ ...identity, minimums: { score: 0.7, size: 20 } }), some);
  assert.throws(
    () => validateDetectorSpec({ ...spec, minFaceScore: 1.2 }, { source: "x.json" }),
    /minFaceScore.*must be in \[0, 1\)/,
  );
  assert.equal(validateDetectorSpec({ ...spec, minFaceSize: 24 }).minFaceSize, 24);
});
