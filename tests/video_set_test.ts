/**
 * videoSet(), leftOutNotes() and opAucs() on small hand-made stores: which videos each AUC ranks
 * (paired by default, unpaired on request), which are left out and why.
 */
import assert from "node:assert/strict";
import { leftOutNotes } from "../metrics/left_out_notes.ts";
import { NO_VIDEOS_SCORED, opAucs } from "../metrics/op_auc.ts";
import { rocAuc } from "../metrics/roc_auc.ts";
import { videoSet } from "../metrics/video_set.ts";
import { scoreFrame, type ScoreRow } from "../store/schema.ts";
import { scoreRow } from "./store_fixtures.ts";

const OPS: Record<string, [family: string, category: string]> = {
  unaltered: ["unaltered", "unaltered"],
  h264_crf40: ["h264", "compression"],
  noise: ["noise", "noise"],
};

// Five videos, two frames each, scores that rank differently per copy.
const VIDEOS: [string, 0 | 1][] = [["a", 1], ["b", 1], ["x", 1], ["c", 0], ["d", 0]];
const SCORES: Record<string, Record<string, number>> = {
  unaltered: { a: 0.9, b: 0.7, x: 0.2, c: 0.3, d: 0.1 },
  h264_crf40: { a: 0.6, b: 0.4, x: 0.1, c: 0.5, d: 0.2 },
  noise: { a: 0.5, b: 0.3, x: 0.9, c: 0.6, d: 0.4 },
};

function copy(opId: string, change: (video: string) => Partial<ScoreRow>[] | null = () => null) {
  const [family, category] = OPS[opId];
  return VIDEOS.flatMap(([video, label]) => {
    const base = {
      run_id: "r1",
      detector: "xception",
      train_set: "FF++c23",
      op_id: opId,
      op_family: family,
      op_category: category,
      artifact_id: `art-${opId}`,
      video_id: video,
      label,
    };
    const rows = change(video) ??
      [0, 1].map((frame) => ({ frame_index: frame, score: SCORES[opId][video] }));
    return rows.map((r) => scoreRow({ ...base, ...r }));
  });
}

// Distort failed for x in the noise copy: eval writes one video_error row for it.
const NOT_MADE = 'distort could not make this copy of "x" (noise/manifest.json): exit 1';
const ROWS = [
  ...copy("unaltered"),
  ...copy("h264_crf40"),
  ...copy("noise", (video) =>
    video === "x"
      ? [{
        frame_index: -1,
        face_index: -1,
        score: null,
        status: "video_error",
        error: NOT_MADE,
        fail_score: 0.5,
      }]
      : null),
];

function aucOver(opId: string, videos: string[]): number {
  const labels = videos.map((v) => VIDEOS.find(([id]) => id === v)![1]);
  return rocAuc(labels, videos.map((v) => SCORES[opId][v]));
}

Deno.test("paired: a video not made in one copy leaves every column of the detector", async (t) => {
  const set = videoSet(scoreFrame(ROWS));
  await t.step("it is named in every copy, with the failure or the pairing as reason", () => {
    assert.equal(set.pairing, "paired");
    assert.deepEqual(
      set.leftOut.map((v) => [v.opId, v.videoId, v.label, v.reason, v.artifactId]),
      [
        ["unaltered", "x", 1, "paired", "art-unaltered"],
        ["h264_crf40", "x", 1, "paired", "art-h264_crf40"],
        ["noise", "x", 1, "video_error", "art-noise"],
      ],
    );
    assert.equal(set.leftOut[2].detail, NOT_MADE);
    assert.equal(set.leftOut[0].detail, "noise: video_error");
  });
  await t.step("every AUC is rocAuc over the same four videos", () => {
    const aucs = opAucs(scoreFrame(ROWS));
    for (const cell of aucs) {
      assert.equal(cell.auc, aucOver(cell.opId, ["a", "b", "c", "d"]), cell.opId);
      assert.deepEqual([cell.samples, cell.positives, cell.negatives], [4, 2, 2]);
      assert.equal(cell.leftOut, 1);
      assert.equal(cell.pairing, "paired");
    }
    // The deltas compare the same videos.
    const noise = aucs.find((c) => c.opId === "noise")!;
    assert.equal(noise.deltaAuc, noise.auc! - aucOver("unaltered", ["a", "b", "c", "d"]));
  });
  await t.step("the note names the video, its label, the reason and the message", () => {
    assert.deepEqual(leftOutNotes(set), [
      "xception (FF++c23): video x (fake) left out of every copy (3): dropped from unaltered, " +
      `h264_crf40 to keep the columns paired; video_error in noise (${NOT_MADE}).`,
    ]);
  });
  await t.step("frame level ranks the frames of the paired videos only", () => {
    const [h264] = opAucs(scoreFrame(ROWS), { level: "frame" });
    assert.equal(h264.opId, "h264_crf40");
    assert.equal(h264.samples, 8);
  });
});

Deno.test("unpaired: each copy ranks its own usable videos (the per-copy view)", () => {
  const set = videoSet(scoreFrame(ROWS), { pairing: "unpaired" });
  assert.deepEqual(set.leftOut.map((v) => [v.opId, v.videoId, v.reason]), [
    ["noise", "x", "video_error"],
  ]);
  const aucs = opAucs(scoreFrame(ROWS), { pairing: "unpaired" });
  const byOp = Object.fromEntries(aucs.map((c) => [c.opId, c]));
  assert.equal(byOp.unaltered.auc, aucOver("unaltered", ["a", "b", "x", "c", "d"]));
  assert.equal(byOp.unaltered.samples, 5);
  // Not the fail score (0.5) any more: the video that was not made is simply not ranked.
  assert.equal(byOp.noise.auc, aucOver("noise", ["a", "b", "c", "d"]));
  assert.equal(byOp.noise.samples, 4);
  assert.equal(byOp.noise.pairing, "unpaired");
});

Deno.test("videoSet() names each way a video can be unusable", async (t) => {
  const cases: [string, (video: string) => Partial<ScoreRow>[] | null, string, string][] = [
    [
      "a sampled frame that did not decode",
      (video) =>
        video === "x"
          ? [
            { frame_index: 0, score: 0.9 },
            {
              frame_index: 1,
              face_index: -1,
              score: null,
              status: "decode_error",
              error: "frame 1 could not be decoded",
            },
          ]
          : null,
      "decode_error",
      "frame 1 could not be decoded",
    ],
    [
      "no face anywhere and no fail score",
      (video) =>
        video === "x"
          ? [0, 1].map((f) => ({ frame_index: f, face_index: -1, score: null, status: "no_face" }))
          : null,
      "no_face",
      "",
    ],
    ["no row at all in the copy", (video) => (video === "x" ? [] : null), "missing", ""],
  ];
  for (const [name, change, reason, detail] of cases) {
    await t.step(name, () => {
      const rows = [...copy("unaltered"), ...copy("noise", change)];
      const set = videoSet(scoreFrame(rows));
      assert.deepEqual(set.leftOut.map((v) => [v.opId, v.videoId, v.reason, v.detail]), [
        ["unaltered", "x", "paired", `noise: ${reason}`],
        ["noise", "x", reason, detail],
      ]);
      if (reason === "missing") assert.equal(set.leftOut[1].artifactId, null);
      assert.ok(set.videos.every((v) => v.videoId !== "x"));
    });
  }
  await t.step("a faceless video with the detector's fail score is usable", () => {
    const rows = [
      ...copy("unaltered"),
      ...copy("noise", (video) =>
        video === "x"
          ? [0, 1].map((f) => ({
            frame_index: f,
            face_index: -1,
            score: null,
            status: "no_face",
            fail_score: 0.5,
          }))
          : null),
    ];
    const set = videoSet(scoreFrame(rows));
    assert.deepEqual(set.leftOut, []);
    const x = set.videos.find((v) => v.videoId === "x" && v.opId === "noise")!;
    assert.deepEqual([x.score, x.fallback, x.scoredFrames], [0.5, true, 0]);
  });
});

Deno.test("a copy or a run with no video scored keeps its cells, each with the reason", async (t) => {
  const faceless = () =>
    [0, 1].map((f) => ({
      frame_index: f,
      face_index: -1,
      score: null,
      status: "no_face" as const,
    }));
  await t.step("a whole run: one cell per copy and one sentence for the run", () => {
    const rows = [...copy("unaltered", faceless), ...copy("noise", faceless)];
    const aucs = opAucs(scoreFrame(rows));
    assert.deepEqual(aucs.map((c) => [c.opId, c.auc, c.samples, c.leftOut]), [
      ["noise", null, 0, 5],
      ["unaltered", null, 0, 5],
    ]);
    for (const cell of aucs) {
      assert.ok(cell.note!.startsWith(`${NO_VIDEOS_SCORED} (5 videos left out: 5 no_face`));
    }
    const notes = leftOutNotes(videoSet(scoreFrame(rows)));
    assert.deepEqual(notes, [
      "xception (FF++c23): no video scored in any of its 2 copies; 5 videos left out (a, b, c, " +
      "d, x): no_face for 5 videos in every copy (no face in any sampled frame, and the " +
      "detector has no fail score).",
    ]);
  });
  await t.step("one copy of a run that has others: its cell says so", () => {
    const rows = [...copy("unaltered"), ...copy("noise", faceless)];
    const noise = opAucs(scoreFrame(rows), { pairing: "unpaired" })
      .find((c) => c.opId === "noise")!;
    assert.deepEqual([noise.auc, noise.positives, noise.negatives], [null, 0, 0]);
    assert.match(noise.note!, /^no videos scored \(5 videos left out: 5 no_face/);
  });
});
