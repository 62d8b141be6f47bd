/**
 * The `smoothed` clip box rule: a moving average of a face's boxes over the clip, checked against
 * a line-by-line replay of LipForensics' queue (`preprocessing/crop_mouths.py`), in the spec, and
 * in the boxes eval stores.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { DetectorSpecError } from "../detectors/spec.ts";
import { evaluate } from "../eval/evaluate.ts";
import type { FaceBox } from "../faces/box.ts";
import { smoothedBoxes } from "../faces/smooth.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { AWKWARD } from "./awkward_fixtures.ts";
import { clipBarcodeModel, clipBarcodeSpec, decodeClipScore } from "./clip_fixtures.ts";
import { skipWithout } from "./_tools.ts";
import { skipWithoutFixtures } from "./_fixtures.ts";

/**
 * crop_mouths.py's loop, replayed on boxes: frames enter a queue; once it holds `window`, the
 * oldest frame leaves with the mean of the queue; the frames left at the end reuse the last mean.
 */
function lipForensicsQueue(boxes: FaceBox[], window: number): FaceBox[] {
  const queue: FaceBox[] = [];
  const out: FaceBox[] = [];
  let last: FaceBox | null = null;
  for (const box of boxes) {
    queue.push(box);
    if (queue.length === window) {
      const n = queue.length;
      last = {
        x: queue.reduce((s, b) => s + b.x, 0) / n,
        y: queue.reduce((s, b) => s + b.y, 0) / n,
        w: queue.reduce((s, b) => s + b.w, 0) / n,
        h: queue.reduce((s, b) => s + b.h, 0) / n,
        score: queue.reduce((s, b) => s + b.score, 0) / n,
      };
      queue.shift();
      out.push(last);
    }
  }
  while (queue.length > 0) {
    queue.shift();
    out.push(last!);
  }
  return out;
}

Deno.test("smoothedBoxes() replays LipForensics' landmark smoothing queue on boxes", () => {
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let frames = 1; frames <= 30; frames++) {
    const boxes = Array.from({ length: frames }, () => ({
      x: 100 * rand(),
      y: 100 * rand(),
      w: 20 + 50 * rand(),
      h: 20 + 50 * rand(),
      score: rand(),
    }));
    for (let window = 1; window <= frames; window++) {
      const got = smoothedBoxes(boxes, window);
      const want = lipForensicsQueue(boxes, window);
      got.forEach((b, t) => {
        for (const key of ["x", "y", "w", "h", "score"] as const) {
          assert.ok(Math.abs(b[key] - want[t][key]) < 1e-9, `T=${frames} w=${window} t=${t}`);
        }
      });
    }
    // A clip shorter than the window: one mean for every frame (upstream has no rule for it).
    const whole = smoothedBoxes(boxes, frames + 5);
    const meanX = boxes.reduce((s, b) => s + b.x, 0) / frames;
    assert.ok(whole.every((b) => Math.abs(b.x - meanX) < 1e-9));
  }
  assert.throws(() => smoothedBoxes([], 0), /window must be a positive integer/);
});

Deno.test("the spec's smoothed rule takes a window, 12 by default, and only that rule does", () => {
  assert.deepEqual(clipBarcodeSpec({ clip: { box: "smoothed" } }).clip, {
    sampling: { kind: "stride", stride: 3 },
    box: "smoothed",
    window: 12,
    short: "leave-out",
  });
  assert.equal(clipBarcodeSpec({ clip: { box: "smoothed", window: 2 } }).clip?.window, 2);
  assert.throws(
    () => clipBarcodeSpec({ clip: { box: "union", window: 2 } }),
    (e: Error) =>
      e instanceof DetectorSpecError &&
      /"clip.window" is the "smoothed" box rule's/.test(e.message),
  );
  assert.throws(
    () => clipBarcodeSpec({ clip: { box: "smoothed", window: 0 } }),
    /"clip.window" must be a positive integer/,
  );
});

Deno.test({
  name: "eval crops each frame of a clip by its smoothed box and stores the first frame's",
  ignore: skipWithout("ffmpeg", "smoothed clip boxes") ||
    skipWithoutFixtures("awkward", "smoothed clip boxes"),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_clip_smooth_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      await Deno.copyFile(join(AWKWARD, "b01_full.ts"), join(tmp, "b01_full.ts"));
      const csv = join(tmp, "dataset.csv");
      await Deno.writeTextFile(csv, "id,path,label\nb01_full,b01_full.ts,1\n");
      // Frame n's box: the whole frame width, the top (barcode) rows, y = 0, height 120 + 6n.
      const heightOf = (n: number) => 120 + 6 * n;
      const frames: Record<string, number[][]> = {};
      for (let n = 0; n < 9; n++) frames[n] = [[0, 0, 320, heightOf(n)]];
      const sidecar = join(tmp, "faces.json");
      await Deno.writeTextFile(
        sidecar,
        JSON.stringify({ schema: "dfrobust.faces/1", videos: { b01_full: frames } }),
      );
      const model = join(tmp, "clip.onnx");
      await Deno.writeFile(model, clipBarcodeModel());
      for (const window of [2, 12]) {
        const store = join(tmp, `store_${window}`);
        await evaluate({
          spec: clipBarcodeSpec({
            crop: { kind: "box" },
            clip: { sampling: { kind: "stride", stride: 3, max: 3 }, box: "smoothed", window },
          }),
          modelPath: model,
          data: csv,
          store,
          faces: "sidecar",
          sidecar,
          ffmpeg,
        });
        const rows = pl.concat((await listParts(store)).map((p) => pl.readParquet(p)))
          .toRecords() as unknown as ScoreRow[];
        assert.deepEqual(rows.map((r) => r.clip_start), [0, 3, 6]);
        for (const row of rows) {
          const s = row.clip_start!;
          assert.equal(row.status, "ok", row.error ?? "");
          // Every crop keeps the barcode rows: the clip's frames, in order.
          assert.deepEqual(decodeClipScore(row.score!), [s, s + 1, s + 2]);
          // The first frame's box: the mean of frames s..s+1 (window 2) or of the clip (12).
          const heights = (window === 2 ? [s, s + 1] : [s, s + 1, s + 2]).map(heightOf);
          const h = heights.reduce((a, b) => a + b) / heights.length;
          assert.ok(Math.abs(row.box_h! - h) < 1e-6, `window ${window} clip ${s}: ${row.box_h}`);
          assert.equal(row.crop_h, Math.ceil(h));
        }
      }
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
