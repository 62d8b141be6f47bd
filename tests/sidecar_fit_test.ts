/**
 * Sidecar boxes are in the displayed orientation (faces/sidecar_fit.ts): a rotated video whose
 * sidecar boxes are in the coded orientation is named in a warning by the eval summary and the
 * report, recorded in the store, and no score changes. Real ffmpeg, onnxruntime and Parquet.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { sidecarFit, sidecarFitWarning } from "../faces/sidecar_fit.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { videoOutcomes } from "../store/video_scores.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { writeClips } from "./eval_fixtures.ts";

Deno.test("sidecarFit() finds boxes whose centres lie outside the displayed frame", async (t) => {
  const cases: {
    name: string;
    boxes: number[][];
    size: [number, number];
    want: [outside: number, misfit: boolean, looksCoded: boolean];
  }[] = [
    {
      name: "boxes inside the frame fit",
      boxes: [[4, 4, 16, 16], [10, 10, 20, 20]],
      size: [48, 32],
      want: [0, false, false],
    },
    {
      name: "landscape boxes in a portrait frame look coded",
      boxes: [[28, 2, 18, 18], [30, 4, 16, 16], [2, 2, 10, 10]],
      size: [32, 48],
      want: [2, true, true],
    },
    {
      name: "exactly half outside is not more than half",
      boxes: [[28, 2, 18, 18], [2, 2, 10, 10]],
      size: [32, 48],
      want: [1, false, false],
    },
    {
      name: "a box whose centre is on the frame's edge is inside",
      boxes: [[24, 0, 16, 16]],
      size: [32, 48],
      want: [0, false, false],
    },
    {
      name: "edge faces that stick out (awkward b06) fit: their centres are inside",
      boxes: [[-30, 60, 100, 120], [260, 150, 100, 120], [-20, -20, 60, 60], [300, 100, 60, 60], [
        400,
        100,
        50,
        50,
      ]],
      size: [320, 240],
      want: [2, false, false],
    },
    {
      name: "boxes that fit neither way are not called coded",
      boxes: [[100, 100, 10, 10], [-50, -50, 20, 20]],
      size: [32, 48],
      want: [2, true, false],
    },
    {
      name: "a square frame is never called coded",
      boxes: [[100, 1, 10, 10]],
      size: [48, 48],
      want: [1, true, false],
    },
    {
      name: "boxes of zero area do not count",
      boxes: [[100, 100, 0, 10], [1, 1, 5, 5]],
      size: [32, 48],
      want: [0, false, false],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const fit = sidecarFit(c.boxes, ...c.size);
      assert.deepEqual([fit.outside, fit.misfit, fit.looksCoded], c.want);
    });
  }
  await t.step("the warning names the video, its file and the sidecar", () => {
    const warning = sidecarFitWarning([[28, 2, 18, 18]], {
      videoId: "rot",
      videoPath: "videos/rot.mp4",
      sidecar: "faces.json",
      width: 32,
      height: 48,
    })!;
    assert.match(warning, /^Face sidecar "faces\.json": 1 of 1 boxes of video "rot"/);
    assert.match(warning, /\("videos\/rot\.mp4"\) lie outside its displayed 32x48 frame/);
    assert.match(warning, /would fit a 48x32 frame: the boxes look like the coded \(unrotated\)/);
    assert.equal(
      sidecarFitWarning([[1, 1, 5, 5]], {
        videoId: "up",
        videoPath: "up.mp4",
        sidecar: "f.json",
        width: 32,
        height: 48,
      }),
      null,
    );
  });
});

// Coded 48x32, displayed 32x48 (rotate=90): boxes on the right of the coded frame.
const CODED_BOX = [28, 2, 18, 18];
const UPRIGHT_BOX = [4, 4, 16, 16];

Deno.test({
  name: "a rotated video with coded-orientation sidecar boxes is warned about, no score changed",
  ignore: skipWithout("ffmpeg", "sidecar orientation through eval and report"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_sidecar_fit_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const data = join(tmp, "data");
      const csv = await writeClips(ffmpeg, data, [
        { id: "rot", label: 1, grey: 200 },
        { id: "up1", label: 0, grey: 60 },
        { id: "up2", label: 1, grey: 180 },
        { id: "up3", label: 0, grey: 80 },
      ]);
      const plain = join(data, "videos", "rot_plain.mp4");
      const rotated = join(data, "videos", "rot.mp4");
      await Deno.rename(rotated, plain);
      await ffmpeg.run({
        args: ["-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated],
        inputs: [plain],
        outputs: [rotated],
      });
      const info = await ffmpeg.probe(rotated);
      assert.deepEqual([info.width, info.height], [32, 48]);
      const frames = (box: number[]) =>
        Object.fromEntries(Array.from({ length: 6 }, (_, i) => [String(i), [box]]));
      const sidecar = join(tmp, "faces.json");
      await Deno.writeTextFile(
        sidecar,
        JSON.stringify({
          schema: "dfrobust.faces/1",
          videos: {
            rot: frames(CODED_BOX),
            up1: frames(UPRIGHT_BOX),
            up2: frames(UPRIGHT_BOX),
            up3: frames(UPRIGHT_BOX),
          },
        }),
      );
      const store = join(tmp, "store");
      const args = [
        ...["--detector", "demo", "--data", csv, "--store", store, "--frames", "4"],
        ...["--faces", "sidecar", "--sidecar", sidecar],
      ];
      let warning = "";
      await t.step(
        "the eval summary (--json) names the video, its file and the sidecar",
        async () => {
          const run = await runDenoTask("tasks/eval.ts", [...args, "--json"]);
          assert.equal(run.code, 0, run.stderr);
          const summary = JSON.parse(run.stdout);
          assert.equal(summary.warnings.length, 1, JSON.stringify(summary.warnings));
          warning = summary.warnings[0];
          assert.ok(warning.includes(`Face sidecar "${sidecar}"`), warning);
          assert.ok(warning.includes(`video "rot" ("${rotated}")`), warning);
          assert.match(warning, /6 of 6 boxes .* displayed 32x48 frame/);
          assert.match(
            warning,
            /would fit a 48x32 frame: the boxes look like the coded \(unrotated\)/,
          );
          assert.equal(summary.failures, 0);
          // Every frame of every video still has its face scored.
          assert.deepEqual(summary.copies[0].faceShare, {
            framesWithFace: 16,
            framesRead: 16,
            videos: 4,
            share: 1,
          });
        },
      );
      await t.step("recorded as one warning row that changes no score", async () => {
        const frame = pl.concat((await listParts(store)).map((p) => pl.readParquet(p)));
        const rows = frame.toRecords() as unknown as ScoreRow[];
        const warnings = rows.filter((r) => r.status === "warning");
        assert.deepEqual(
          warnings.map((r) => [r.video_id, r.frame_index, r.score, r.error]),
          [["rot", -1, null, warning]],
        );
        const without = frame.filter(pl.col("status").neq(pl.lit("warning")));
        assert.deepEqual(
          videoOutcomes(frame).collectSync().toRecords(),
          videoOutcomes(without).collectSync().toRecords(),
        );
        // The boxes are scored as given (mapped into the displayed frame, not moved).
        const rot = rows.filter((r) => r.video_id === "rot" && r.status === "ok");
        assert.equal(rot.length, 4);
        assert.ok(rot.every((r) => r.box_x === CODED_BOX[0] && r.box_w === CODED_BOX[2]));
      });
      await t.step("the human summary and the report show it", async () => {
        const human = await runDenoTask("tasks/eval.ts", args);
        assert.equal(human.code, 0, human.stderr);
        assert.match(human.stdout, /warnings \(no score changed\):\n- Face sidecar .*"rot"/);
        const json = await runDenoTask("tasks/report.ts", ["--store", store, "--format", "json"]);
        assert.equal(json.code, 0, json.stderr);
        const [shown] = JSON.parse(json.stdout).warnings;
        // The report cuts absolute paths to file names.
        assert.match(
          shown,
          /^Face sidecar "…\/faces\.json": 6 of 6 boxes of video "rot" \("…\/rot\.mp4"\)/,
        );
        const out = join(tmp, "report.html");
        const html = await runDenoTask("tasks/report.ts", ["--store", store, "--out", out]);
        assert.equal(html.code, 0, html.stderr);
        assert.match(html.stderr, /warning: Face sidecar .*"rot"/);
        const page = await Deno.readTextFile(out);
        assert.match(
          page,
          /<section id="warnings">[^]*video &quot;rot&quot;[^]*coded \(unrotated\)/,
        );
        // Paths are shown breakable after separators (report/path_html.ts): read the plain text.
        assert.equal(page.replaceAll("<wbr>", "").includes(tmp), false);
      });
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
