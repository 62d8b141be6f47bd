/**
 * videoScores() and videoOutcomes(): face rule, then video rule, then the fail score, from each
 * row's own rules; why an unusable video has no score.
 */
import assert from "node:assert/strict";
import type pl from "../deps/polars.ts";
import { FACE_RULE_RECORDS, VIDEO_RULE_RECORDS } from "../store/aggregation.ts";
import { scoreFrame, type ScoreRow } from "../store/schema.ts";
import { videoOutcomes, videoScores } from "../store/video_scores.ts";
import { scoreRow } from "./store_fixtures.ts";

function frameOf(rows: ScoreRow[]): pl.DataFrame {
  return scoreFrame(rows);
}

function scoresById(rows: ScoreRow[]): Record<string, [number, number, boolean]> {
  const out: Record<string, [number, number, boolean]> = {};
  for (const r of videoScores(frameOf(rows)).collectSync().toRecords()) {
    out[String(r.video_id)] = [Number(r.score), Number(r.scored_frames), Boolean(r.fallback)];
  }
  return out;
}

function face(video: string, frame: number, faceIndex: number, score: number | null) {
  return { video_id: video, frame_index: frame, face_index: faceIndex, score };
}

Deno.test("videoScores() takes the max over faces, then the mean over frames", () => {
  const rows = [
    scoreRow(face("v", 0, 0, 0.2)),
    scoreRow(face("v", 0, 1, 0.8)), // frame 0 -> 0.8
    scoreRow(face("v", 3, 0, 0.4)), // frame 3 -> 0.4
    // A frame without face and a NaN-score face do not count as scored frames.
    scoreRow({ ...face("v", 6, -1, null), status: "no_face" }),
    scoreRow({ ...face("v", 9, 0, null), status: "nan_score" }),
  ];
  const got = scoresById(rows);
  assert.equal(got.v[1], 2);
  assert.ok(Math.abs(got.v[0] - 0.6) < 1e-15);
  assert.equal(got.v[2], false);
});

Deno.test("videoScores() applies each detector's own rules", async (t) => {
  const faces = [
    face("v", 0, 0, 0.2),
    face("v", 0, 1, 0.8),
    face("v", 1, 0, 0.9),
    face("v", 2, 0, 0.1),
    face("v", 2, 1, 0.3),
  ];
  // Frames: max rule -> 0.8, 0.9, 0.3; mean -> 0.5, 0.9, 0.2; largest -> 0.2, 0.9, 0.1.
  const cases: [ScoreRow["face_rule"], ScoreRow["video_rule"], number][] = [
    ["max", "mean", (0.8 + 0.9 + 0.3) / 3],
    ["max", "median", 0.8],
    ["max", "max", 0.9],
    ["mean", "mean", (0.5 + 0.9 + 0.2) / 3],
    ["largest", "median", 0.2],
    ["largest", "max", 0.9],
  ];
  for (const [faceRule, videoRule, want] of cases) {
    await t.step(`${faceRule} over faces, ${videoRule} over frames`, () => {
      const rows = faces.map((f) => scoreRow({ ...f, face_rule: faceRule, video_rule: videoRule }));
      assert.ok(Math.abs(scoresById(rows).v[0] - want) < 1e-15);
    });
  }
  await t.step("largest uses the smallest ok face index", () => {
    const rows = [
      scoreRow({ ...face("v", 0, 0, null), status: "nan_score", face_rule: "largest" }),
      scoreRow({ ...face("v", 0, 1, 0.7), face_rule: "largest" }),
    ];
    assert.equal(scoresById(rows).v[0], 0.7);
  });
});

Deno.test("videoScores() gives faceless videos the fail score, or leaves them out", () => {
  // Issue 8: the fail score is for a video whose frames were all read and held no face; a video
  // that could not be read (video_error) used to get it too and is now left out.
  const noFace = { score: null, status: "no_face", face_index: -1 } as const;
  const failed = { score: null, status: "video_error", frame_index: -1, face_index: -1 } as const;
  const rows = [
    scoreRow({ ...noFace, video_id: "with_fail", frame_index: 0, fail_score: 0.5 }),
    scoreRow({ ...noFace, video_id: "with_fail", frame_index: 5, fail_score: 0.5 }),
    scoreRow({ ...noFace, video_id: "left_out", frame_index: 0, fail_score: null }),
    scoreRow({ ...failed, video_id: "unreadable", fail_score: 0.5 }),
    scoreRow({ ...face("ok", 0, 0, 0.9), fail_score: 0.5 }),
  ];
  const got = scoresById(rows);
  assert.deepEqual(Object.keys(got).sort(), ["ok", "with_fail"]);
  assert.deepEqual(got.with_fail, [0.5, 0, true]);
  assert.deepEqual(got.ok, [0.9, 1, false]);
});

Deno.test("videoOutcomes() says why each unusable video has no score", async (t) => {
  const noFace = { score: null, status: "no_face", face_index: -1 } as const;
  const cases: [string, Partial<ScoreRow>[], string, number | null][] = [
    [
      "a scored frame beside faceless ones",
      [
        face("v", 0, 0, 0.3),
        { ...noFace, frame_index: 1 },
      ],
      "scored",
      0.3,
    ],
    [
      "no face in any frame, with a fail score",
      [
        { ...noFace, frame_index: 0, fail_score: 0.5 },
        { ...noFace, frame_index: 1, fail_score: 0.5 },
      ],
      "fail_score",
      0.5,
    ],
    [
      "no face in any frame, without a fail score",
      [{ ...noFace, frame_index: 0 }],
      "no_face",
      null,
    ],
    [
      "a video that could not be made or read, even with a fail score",
      [{
        ...noFace,
        frame_index: -1,
        status: "video_error",
        error: "Cannot decode",
        fail_score: 0.5,
      }],
      "video_error",
      null,
    ],
    [
      // Issue 12: a damaged video's row used to give "no_score", which did not say why.
      "a video whose file no longer matches its copy manifest, even with a fail score",
      [{
        ...noFace,
        frame_index: -1,
        status: "damaged_video",
        error: 'Not scored: "v.mp4" has SHA-256 ab, but its copy manifest records SHA-256 cd',
        fail_score: 0.5,
      }],
      "damaged_video",
      null,
    ],
    [
      "a frame that did not decode, even beside scored frames",
      [
        face("v", 0, 0, 0.3),
        { ...noFace, frame_index: 9, status: "decode_error", error: "frame 9" },
      ],
      "decode_error",
      null,
    ],
    [
      "only NaN outputs and faceless frames, with a fail score",
      [
        { ...face("v", 0, 0, null), status: "nan_score", error: "NaN", fail_score: 0.5 },
        { ...noFace, frame_index: 1, fail_score: 0.5 },
      ],
      "no_score",
      null,
    ],
  ];
  for (const [name, rows, outcome, score] of cases) {
    await t.step(name, () => {
      const [got] = videoOutcomes(frameOf(rows.map((r) => scoreRow({ video_id: "v", ...r }))))
        .collectSync().toRecords();
      assert.equal(got.outcome, outcome);
      assert.equal(got.score, score);
      const error = rows.find((r) => r.error)?.error;
      assert.equal(got.detail, error ?? "");
    });
  }
});

Deno.test("videoScores() keeps runs and copies apart, null keys included", () => {
  const rows = [
    scoreRow({ ...face("v", 0, 0, 0.2), severity: null, method: null }),
    scoreRow({ ...face("v", 0, 0, 0.6), op_id: "noise", severity: 2, method: null }),
    scoreRow({ ...face("v", 0, 0, 0.4), run_id: "run2", severity: null, method: null }),
  ];
  const frame = videoScores(frameOf(rows).lazy()).collectSync();
  assert.equal(frame.height, 3);
  assert.deepEqual(frame.getColumn("score").toArray().sort(), [0.2, 0.4, 0.6]);
});

Deno.test("docs/architecture.md lists every aggregation rule with its description", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/architecture.md", import.meta.url));
  const rows = new Set(
    doc.split("\n").filter((l) => l.startsWith("| `")).map((l) =>
      l.split("|").slice(1, 4).map((cell) => cell.trim()).join(" | ")
    ),
  );
  const records = [
    ...FACE_RULE_RECORDS.map((r) => ["face", r] as const),
    ...VIDEO_RULE_RECORDS.map((r) => ["video", r] as const),
  ];
  for (const [kind, rule] of records) {
    const want = `\`${rule.name}\` | ${kind} | ${rule.description}`;
    assert.ok(rows.has(want), `docs/architecture.md lacks the row ${want}`);
  }
});
