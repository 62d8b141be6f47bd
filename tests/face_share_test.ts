/**
 * The face share of every Table I cell (metrics/face_share.ts): on a generated store with known
 * faces per frame (faces in some frames only, a faceless video with the fail score, a video
 * that could not be read, a warning row), in every format and the HTML report. And the shared
 * report holds no absolute path of the machine (report/shareable_paths.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { faceShare, faceShareText } from "../metrics/face_share.ts";
import { opAucs } from "../metrics/op_auc.ts";
import { loadReportData } from "../report/collect.ts";
import { REPORT_FORMATS } from "../report/format_catalog.ts";
import type { ScoreRow } from "../store/schema.ts";
import { scanStore, writeUnit } from "../store/store.ts";
import { videoOutcomes } from "../store/video_scores.ts";
import { scoreRow } from "./store_fixtures.ts";

const FRAMES = [0, 10, 20, 30, 40, 50, 60, 70];

// Faces per video and copy: the sampled frames (of FRAMES) with a face. "broken" could not be
// read in vflip (a video_error row): it is left out of every column (paired).
const FACES: Record<string, Record<string, number[] | "unread">> = {
  unaltered: { r1: FRAMES, r2: FRAMES, f1: FRAMES, f2: FRAMES, broken: FRAMES },
  vflip: {
    r1: [0, 10, 20],
    r2: [],
    f1: [0, 10, 20, 30, 40],
    f2: FRAMES,
    broken: "unread",
  },
};
const LABELS: Record<string, 0 | 1> = { r1: 0, r2: 0, f1: 1, f2: 1, broken: 1 };

async function writeStore(store: string, options: { errorText?: string } = {}): Promise<void> {
  for (const [opId, videos] of Object.entries(FACES)) {
    const rows: ScoreRow[] = [];
    const base = {
      run_id: "run-sbi",
      detector: "sbi",
      train_set: "FF++raw",
      op_id: opId,
      op_family: opId === "unaltered" ? "unaltered" : "flip",
      op_category: opId === "unaltered" ? "unaltered" : "flip",
      artifact_id: `art-${opId}`,
      fail_score: 0.5,
      face_rule: "max" as const,
      video_rule: "mean" as const,
    };
    for (const [videoId, faces] of Object.entries(videos)) {
      const video = { ...base, video_id: videoId, label: LABELS[videoId] };
      if (faces === "unread") {
        rows.push(scoreRow({
          ...video,
          frame_index: -1,
          face_index: -1,
          score: null,
          status: "video_error",
          error: options.errorText ?? `Cannot decode "${videoId}.mp4"`,
        }));
        continue;
      }
      // A warning row changes nothing (store/status.ts kind `note`).
      if (videoId === "f2") {
        rows.push(scoreRow({
          ...video,
          frame_index: -1,
          face_index: -1,
          score: null,
          status: "warning",
          error: "a warning",
        }));
      }
      for (const frame of FRAMES) {
        if (!faces.includes(frame)) {
          rows.push(
            scoreRow({
              ...video,
              frame_index: frame,
              face_index: -1,
              score: null,
              status: "no_face",
            }),
          );
          continue;
        }
        // Two faces in frame 0: still one frame with a face.
        for (let face = 0; face < (frame === 0 ? 2 : 1); face++) {
          const score = LABELS[videoId] ? 0.6 + frame / 1000 : 0.3 + frame / 1000;
          rows.push(
            scoreRow({ ...video, frame_index: frame, face_index: face, score, status: "ok" }),
          );
        }
      }
    }
    await writeUnit(store, { detector: "sbi", opId, unitId: "run-sbi" }, rows);
  }
}

// vflip: the paired set is r1, r2, f1, f2 (broken is unread in vflip): 3 + 0 + 5 + 8 faces of
// 4 x 8 frames read; unaltered: the same four videos, every frame.
const VFLIP = { framesWithFace: 16, framesRead: 32, videos: 4, share: 0.5 };
const UNALTERED = { framesWithFace: 32, framesRead: 32, videos: 4, share: 1 };

Deno.test("faceShareText() words the share as every format prints it", () => {
  assert.equal(
    faceShareText(faceShare([
      { scoredFrames: 80, sampledFrames: 192 },
      ...Array(5).fill({
        scoredFrames: 0,
        sampledFrames: 0,
      }),
    ])),
    "face 80/192 frames (42%), 6 videos",
  );
  assert.equal(faceShareText(faceShare([])), "face 0/0 frames, 0 videos");
  assert.equal(faceShareText(faceShare([{ scoredFrames: 3 }])), "face 3/3 frames (100%), 1 video");
});

Deno.test("each cell's face share counts the frames of the videos behind its AUC", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "dfrobust_faceshare_" });
  try {
    const store = join(tmp, "store");
    await writeStore(store);
    const frame = await scanStore(store);
    await t.step("opAucs(): over the paired set, fail-score videos in, unread ones out", () => {
      const cells = opAucs(frame);
      const byOp = Object.fromEntries(cells.map((c) => [c.opId, c]));
      assert.deepEqual(byOp.vflip.faceShare, VFLIP);
      assert.deepEqual(byOp.unaltered.faceShare, UNALTERED);
      assert.equal(byOp.vflip.positives + byOp.vflip.negatives, 4);
      // Unpaired: unaltered ranks its five videos, vflip its own four.
      const unpaired = opAucs(frame, { pairing: "unpaired" });
      assert.deepEqual(unpaired.find((c) => c.opId === "unaltered")!.faceShare, {
        framesWithFace: 40,
        framesRead: 40,
        videos: 5,
        share: 1,
      });
      // Frame level: the same frames; n counts the scored ones.
      const frames = opAucs(frame, { level: "frame" }).find((c) => c.opId === "vflip")!;
      assert.deepEqual(frames.faceShare, VFLIP);
      assert.equal(frames.samples, 16);
    });
    await t.step("a warning row changes no outcome, score or frame count", () => {
      const all = videoOutcomes(frame).collectSync().toRecords();
      const without = videoOutcomes(frame.filter(pl.col("status").neq(pl.lit("warning"))))
        .collectSync().toRecords();
      assert.deepEqual(all, without);
      const f2 = all.filter((r) => r.video_id === "f2");
      assert.deepEqual(f2.map((r) => [r.op_id, r.outcome, r.scored_frames, r.sampled_frames]), [
        ["unaltered", "scored", 8, 8],
        ["vflip", "scored", 8, 8],
      ]);
      const r2 = all.find((r) => r.video_id === "r2" && r.op_id === "vflip")!;
      assert.deepEqual([r2.outcome, r2.score, r2.scored_frames, r2.sampled_frames], [
        "fail_score",
        0.5,
        0,
        8,
      ]);
    });
    await t.step("every format and the HTML report show it next to n", async () => {
      const data = await loadReportData(store, { bootstrapResamples: 0 });
      const text = (id: string) => REPORT_FORMATS.find((f) => f.id === id)!.render(data, {});
      const md = await text("md");
      // Issue 25: Table I is numbers only; n and the face share are in the details table.
      assert.match(
        md,
        /\| Unaltered \| 4 \(\d\/\d\) \| 1\.000 \|[^\n]*\| face 32\/32 frames \(100%\), 4 videos \|/,
      );
      assert.match(
        md,
        /\| V-flip \| 4 \(\d\/\d\) \|[^\n]*\| face 16\/32 frames \(50%\), 4 videos \|/,
      );
      const [head, row] = (await text("csv")).trim().split("\n").map((l) => l.split(","));
      const field = (name: string) => row[head.indexOf(name)];
      assert.deepEqual(
        ["face_frames_vflip", "read_frames_vflip", "face_videos_vflip", "n_vflip"].map(field),
        ["16", "32", "4", "4"],
      );
      assert.deepEqual(
        ["face_frames_unaltered", "read_frames_unaltered", "face_videos_unaltered"].map(field),
        ["32", "32", "4"],
      );
      const json = JSON.parse(await text("json"));
      assert.deepEqual(json.rows[0].cells.vflip.faceShare, VFLIP);
      assert.deepEqual(json.rows[0].cells.unaltered.faceShare, UNALTERED);
      assert.deepEqual(json.warnings, ["a warning"]);
      const html = await text("html");
      assert.match(
        html,
        /<span class="n">n=4<\/span>(<span class="stats">[^<]*<\/span>)*<span class="faces" title="face 16\/32 frames \(50%\), 4 videos">face 50%<\/span><\/td>/,
      );
      assert.match(html, /<section id="warnings">[^]*<li>a warning<\/li>/);
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("the shared HTML report holds no absolute path of the machine that made it", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "dfrobust_paths_" });
  try {
    const store = join(tmp, "store");
    const home = Deno.env.get("HOME") ?? "/root";
    const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
    // Error texts copied from the store name files under the temp dir, $HOME and the repo.
    await writeStore(store, {
      errorText: `Cannot decode "${tmp}/copies/vflip/x/videos/broken.mp4": moov atom not ` +
        `found; model ${home}/models/sbi.onnx, spec ${repo}/detectors/models/demo.onnx`,
    });
    // An unreadable part: its note names the part's path.
    await Deno.mkdir(join(store, "det=sbi", "op=noise"), { recursive: true });
    await Deno.writeTextFile(join(store, "det=sbi", "op=noise", "part-run-sbi.parquet"), "junk");
    const data = await loadReportData(store, { bootstrapResamples: 0, dataDir: join(tmp, "none") });
    // Paths are shown breakable after separators (report/path_html.ts): read the plain text.
    const html = (await REPORT_FORMATS[0].render(data, {})).replaceAll("<wbr>", "");
    for (const path of [tmp, home, repo]) {
      assert.equal(html.includes(path), false, `the report holds "${path}"`);
    }
    // What the paths became: relative to the store under its name, others their file name.
    assert.match(
      html,
      /Cannot decode &quot;…\/broken\.mp4&quot;: moov atom not found; model …\/sbi\.onnx/,
    );
    assert.match(html, /store\/det=sbi\/op=noise\/part-run-sbi\.parquet/);
    assert.match(html, /<dt>Results store<\/dt><dd><code>store<\/code><\/dd>/);
    // Every format built from the same data.
    for (const format of REPORT_FORMATS.slice(1)) {
      const text = await format.render(data, {});
      assert.equal(text.includes(tmp), false, `${format.id} holds "${tmp}"`);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
