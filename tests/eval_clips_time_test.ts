/**
 * Clip detectors on time copies (issue 27): framerate, freeze and jitter copies of the barcode
 * sources (one of them cut inside a GOP) are clip-evaluated with every window of 3 frames. Each
 * clip is checked twice, independently: against the copy's own decoded frames (the barcodes read
 * here from an ffmpeg decode of the copy: the clip holds consecutive COPY frames, in order), and
 * against the source frames the copy's recorded time map names (checked in turn against each
 * family's closed-form rule where it has one). A frame detector is evaluated on the same copies
 * into the same store, and both executed notebooks show both. ffmpeg.wasm decodes two of the
 * copies into the same clips and scores.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { evaluate } from "../eval/evaluate.ts";
import { clipPlan } from "../media/clips.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { sourceFrameOf, type TimeMap } from "../ops/time_map.ts";
import { checkNotebookOutputs } from "../report/notebook_run.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { AWKWARD, barcodeDetector, barcodeSpec, readBarcode } from "./awkward_fixtures.ts";
import { CLIP_T, clipBarcodeModel, clipBarcodeSpec, decodeClipScore } from "./clip_fixtures.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { skipWithoutFixtures } from "./_fixtures.ts";

/** Decoded frames of each source and the barcode its decoded frame 0 shows. */
const SOURCES: Record<string, { file: string; frames: number; first: number }> = {
  b01_full: { file: "b01_full.ts", frames: 100, first: 0 },
  b01_headcut: { file: "b01_headcut.ts", frames: 75, first: 25 },
};

const TIME_OPS = [
  "framerate_4of5",
  "framerate_1of2",
  "framerate_1of5",
  "freeze_h3",
  "freeze_h24",
  "jitter_w2",
  "jitter_w10",
];

/** The source frame of copy frame j by each family's own rule, where it has a closed form. */
function ruleSourceFrame(opId: string, j: number): number | null {
  const rate = /^framerate_(\d+)of(\d+)$/.exec(opId);
  if (rate) return Math.ceil(j * Number(rate[2]) / Number(rate[1]));
  const freeze = /^freeze_h(\d+)$/.exec(opId);
  if (freeze) return j % 30 < Number(freeze[1]) ? j - (j % 30) : j;
  return null;
}

/** The barcode of every frame ffmpeg decodes from `path` (320x240), in decode order. */
async function copyBarcodes(ffmpeg: Ffmpeg, path: string): Promise<number[]> {
  const { stdout } = await ffmpeg.run({
    args: ["-i", `file:${path}`, "-fps_mode", "passthrough", "-f", "rawvideo"]
      .concat(["-pix_fmt", "rgb24", "pipe:1"]),
    inputs: [path],
    outputs: [],
    captureStdout: true,
  });
  const size = 320 * 240 * 3;
  const codes: number[] = [];
  for (let at = 0; at + size <= stdout.length; at += size) {
    codes.push(readBarcode(stdout.subarray(at, at + size), 320, 240));
  }
  return codes;
}

async function readRows(store: string): Promise<ScoreRow[]> {
  return pl.concat((await listParts(store)).map((p) => pl.readParquet(p)))
    .toRecords() as unknown as ScoreRow[];
}

/** Every text output of an executed notebook, joined. */
async function notebookText(path: string): Promise<string> {
  const nb = JSON.parse(await Deno.readTextFile(path));
  assert.deepEqual(checkNotebookOutputs(nb), [], path);
  return nb.cells
    .flatMap((c: { outputs?: { data?: Record<string, string | string[]> }[] }) => c.outputs ?? [])
    .map((o: { data?: Record<string, string | string[]> }) =>
      [o.data?.["text/markdown"] ?? o.data?.["text/plain"] ?? ""].flat().join("")
    ).join("\n");
}

Deno.test({
  name: "on framerate, freeze and jitter copies every clip holds consecutive copy frames, " +
    "the source frames its time map names; a frame detector beside it shows in the notebooks",
  ignore: skipWithout("ffmpeg", "clip eval over time copies") ||
    skipWithoutFixtures("awkward", "clip eval over time copies"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_clips_time_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const src = join(tmp, "src");
      await Deno.mkdir(src);
      for (const { file } of Object.values(SOURCES)) {
        await Deno.copyFile(join(AWKWARD, file), join(src, file));
      }
      const csv = join(src, "dataset.csv");
      await Deno.writeTextFile(
        csv,
        "id,path,label\nb01_full,b01_full.ts,0\nb01_headcut,b01_headcut.ts,1\n",
      );
      const copies = join(tmp, "copies");
      const made = await distortDataset(csv, {
        out: copies,
        ops: ["unaltered", ...TIME_OPS].join(","),
        ffmpeg,
        // No copy quality: nothing here reads it (the clips are checked against the copies'
        // own decoded frames), and it is a decode of every copy.
        quality: false,
      });
      assert.equal(made.failures, 0, JSON.stringify(made.copies.map((c) => c.failures)));

      const store = join(tmp, "store");
      const clipModel = join(tmp, "clip.onnx");
      await Deno.writeFile(clipModel, clipBarcodeModel());
      const frameModel = join(tmp, "frame.onnx");
      await Deno.writeFile(frameModel, barcodeDetector());
      // Every window of 3 consecutive frames: each copy frame is in up to 3 clips.
      const clipRun = await evaluate({
        spec: clipBarcodeSpec({ clip: { sampling: { kind: "stride", stride: 1 } } }),
        modelPath: clipModel,
        data: copies,
        store,
        faces: "full",
        ffmpeg,
      });
      assert.equal(clipRun.failures, 0);
      const frameRun = await evaluate({
        spec: barcodeSpec(),
        modelPath: frameModel,
        data: copies,
        store,
        faces: "full",
        frames: 8,
        ffmpeg,
      });
      assert.equal(frameRun.failures, 0);
      const rows = await readRows(store);

      for (const opId of TIME_OPS) {
        await t.step(
          `${opId}: clips of consecutive copy frames, source frames by time map`,
          async () => {
            const copy = made.copies.find((c) => c.opId === opId)!;
            const manifest = (await readCopyManifest(copy.copyDir))!;
            for (const [id, source] of Object.entries(SOURCES)) {
              const video = manifest.videos.find((v) => v.id === id)!;
              const time = video.time as TimeMap;
              assert.ok(time, `${opId} ${id}: no time map recorded`);
              assert.equal(time.sourceFrames, source.frames, `${opId} ${id}: source frames`);
              // The copy, decoded here: its frames' barcodes name the source frames they show.
              const barcodes = await copyBarcodes(ffmpeg, join(copy.copyDir, video.output!));
              assert.equal(barcodes.length, time.frames, `${opId} ${id}: decoded copy frames`);
              for (let j = 0; j < time.frames; j++) {
                const rule = ruleSourceFrame(opId, j);
                const mapped = sourceFrameOf(time, j);
                if (rule !== null) assert.equal(mapped, rule, `${opId} ${id}: map of frame ${j}`);
                assert.equal(barcodes[j], source.first + mapped, `${opId} ${id}: copy frame ${j}`);
              }
              const clips = rows.filter((r) =>
                r.detector === "clipcode" && r.op_id === opId && r.video_id === id
              );
              const plan = clipPlan(time.frames, CLIP_T, { kind: "stride", stride: 1 }).clips;
              assert.deepEqual(
                clips.map((r) => [r.frame_index, r.clip_start, r.clip_end]),
                plan.map((c) => [c.start, c.start, c.end]),
                `${opId} ${id}: clips`,
              );
              for (const row of clips) {
                const where = `${opId} ${id} clip ${row.clip_start}-${row.clip_end}`;
                assert.equal(row.status, "ok", `${where}: ${row.error}`);
                const got = decodeClipScore(row.score!);
                // Consecutive copy frames, in order: the barcodes of the decoded copy.
                assert.deepEqual(got, barcodes.slice(row.clip_start!, row.clip_end! + 1), where);
                // Which source frames: the recorded time map's, frame by frame.
                const steps = Array.from({ length: CLIP_T }, (_, k) => row.clip_start! + k);
                assert.deepEqual(
                  got,
                  steps.map((j) => source.first + sourceFrameOf(time, j)),
                  `${where}: source frames`,
                );
              }
            }
          },
        );
      }

      await t.step("the time copies are what the test claims: dropped, held, reordered", () => {
        const counts = (opId: string) => {
          const clips = rows.filter((r) =>
            r.detector === "clipcode" && r.op_id === opId && r.video_id === "b01_full"
          );
          return clips.map((r) => decodeClipScore(r.score!));
        };
        // framerate_1of2: every clip's source frames step by 2.
        assert.ok(counts("framerate_1of2").every(([a, b, c]) => b - a === 2 && c - b === 2));
        // freeze_h24: a clip inside a hold is one frame three times.
        assert.ok(counts("freeze_h24").some(([a, b, c]) => a === b && b === c));
        // jitter: some clip is not in source order.
        assert.ok(counts("jitter_w10").some(([a, b, c]) => !(a < b && b < c)));
      });

      await t.step("ffmpeg.wasm decodes the same clips: same rows, same scores", async () => {
        const wasm = await openFfmpeg("wasm");
        try {
          for (const opId of ["framerate_1of2", "jitter_w10"]) {
            const wasmStore = join(tmp, `wasm_${opId}`);
            const copy = made.copies.find((c) => c.opId === opId)!;
            const run = await evaluate({
              spec: clipBarcodeSpec({ clip: { sampling: { kind: "stride", stride: 1 } } }),
              modelPath: clipModel,
              data: copy.copyDir,
              store: wasmStore,
              faces: "full",
              ffmpeg: wasm,
            });
            assert.equal(run.failures, 0);
            const key = (r: ScoreRow) => [r.video_id, r.clip_start, r.clip_end, r.status, r.score];
            const order = (a: ScoreRow, b: ScoreRow) =>
              a.video_id.localeCompare(b.video_id) || a.clip_start! - b.clip_start!;
            const native = rows.filter((r) => r.detector === "clipcode" && r.op_id === opId);
            const got = (await readRows(wasmStore)).sort(order).map(key);
            assert.ok(got.length > 0);
            assert.deepEqual(got, native.sort(order).map(key), opId);
          }
        } finally {
          await wasm.close();
        }
      });

      await t.step("clip and frame detector share the store and both notebooks", async () => {
        const frameRows = rows.filter((r) => r.detector === "barcode");
        assert.equal(new Set(frameRows.map((r) => r.op_id)).size, TIME_OPS.length + 1);
        assert.ok(frameRows.every((r) => r.clip_start === null && r.status === "ok"));
        const out = join(tmp, "executed");
        const run = await runDenoTask("tasks/notebooks.ts", [
          ...["--store", store, "--data", copies, "--out", out],
        ]);
        assert.equal(run.code, 0, run.stderr);
        const report = await notebookText(join(out, "report.ipynb"));
        // One Table I row per detector run (a row starts with the run's label).
        assert.match(report, /^\| clipcode\b.*\|/m);
        assert.match(report, /^\| barcode\b.*\|/m);
        for (const opId of TIME_OPS) assert.ok(report.includes(opId), `report: ${opId}`);
        const explore = await notebookText(join(out, "explore.ipynb"));
        assert.match(explore, /^barcode: .*detectors in the store: barcode, clipcode\)/m);
        // explore.ipynb on the clip detector: its clip scores reduced to video scores.
        const clipOut = join(tmp, "executed_clip");
        const clipNb = await runDenoTask("tasks/notebooks.ts", [
          ...["--store", store, "--data", copies, "--out", clipOut],
          ...["--notebook", "notebooks/explore.ipynb", "--detector", "clipcode"],
        ]);
        assert.equal(clipNb.code, 0, clipNb.stderr);
        const clipExplore = await notebookText(join(clipOut, "explore.ipynb"));
        // 2 videos x 8 copies.
        assert.match(clipExplore, /^clipcode: 16 video scores over 8 operations/m);
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
