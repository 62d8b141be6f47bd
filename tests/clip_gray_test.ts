/**
 * One-channel (grayscale, colour `L`) clip inputs: the spec, the luma of every RGB colour against
 * Pillow's own `convert("L")`, where a one-channel clip's time steps go, the `lipforensics`
 * preset, and a grayscale clip model run end to end by eval.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { preprocessClipSync } from "../detectors/clip_preprocess.ts";
import { LIPFORENSICS } from "../detectors/lipforensics.ts";
import { itemDims, itemLength, normalisationTables } from "../detectors/preprocess.ts";
import { PRESETS } from "../detectors/presets.ts";
import { DetectorSpecError, validateDetectorSpec } from "../detectors/spec.ts";
import { evaluate } from "../eval/evaluate.ts";
import { pilLuma } from "../image/luma.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { AWKWARD } from "./awkward_fixtures.ts";
import { CLIP_T, clipBarcodeModel, clipBarcodeSpec, decodeClipScore } from "./clip_fixtures.ts";
import { skipWithout } from "./_tools.ts";
import { skipWithoutFixtures } from "./_fixtures.ts";

const GRAY_INPUT = {
  layout: "NCTHW",
  frames: 2,
  size: [5, 6],
  colour: "L",
  scale: "1/255",
  mean: [0.421],
  std: [0.165],
};

function graySpec(input: Record<string, unknown> = {}, top: Record<string, unknown> = {}) {
  return validateDetectorSpec({
    name: "gray",
    input: { ...GRAY_INPUT, ...input },
    crop: { kind: "full" },
    output: { kind: "sigmoid" },
    ...top,
  }, { source: "gray.json" });
}

Deno.test('a grayscale clip input is colour "L": one channel, one mean and std', async (t) => {
  await t.step("read: one channel in the item's shape", () => {
    const spec = graySpec();
    assert.deepEqual(spec.input.mean, [0.421]);
    assert.deepEqual(spec.input.std, [0.165]);
    assert.deepEqual(itemDims(spec.input), [1, 2, 5, 6]);
    assert.deepEqual(itemDims(graySpec({ layout: "NTCHW" }).input), [2, 1, 5, 6]);
    assert.deepEqual(graySpec({ mean: undefined, std: undefined }).input.std, [1]);
  });
  const refused = (input: Record<string, unknown>, message: RegExp) =>
    assert.throws(
      () => graySpec(input),
      (e: Error) =>
        e instanceof DetectorSpecError && /gray\.json/.test(e.message) &&
        message.test(e.message),
    );
  await t.step("mistakes are named", () => {
    refused({ layout: "NCHW", frames: undefined }, /"input.colour" "L".*needs a clip layout/);
    refused({ mean: [0.4, 0.4, 0.4] }, /"input.mean" must be an array of 1 number .*"L"/);
    refused({ std: [0] }, /"input.std\[0\]" must not be 0/);
    refused({ colour: "RGB" }, /"input.std" must be an array of 3 numbers .*"RGB"/);
    refused({ colour: "gray" }, /"input.colour" must be one of "RGB", "BGR", "L"/);
    // No separate channel count: an unknown key stays an error.
    refused({ channels: 1 }, /Unknown key "channels"/);
  });
});

Deno.test({
  name: 'pilLuma() gives Pillow\'s convert("L") for every one of the 2^24 RGB colours',
  ignore: skipWithout("python-pil", "grayscale against Pillow"),
  async fn() {
    // Pillow converts a 4096x4096 image holding every colour once (pixel i = RGB of i).
    const script = "import sys, numpy as np\nfrom PIL import Image\n" +
      "i = np.arange(1 << 24, dtype=np.uint32)\n" +
      "rgb = np.stack([i >> 16, (i >> 8) & 255, i & 255], -1).astype(np.uint8)\n" +
      "img = Image.frombytes('RGB', (4096, 4096), rgb.tobytes())\n" +
      "sys.stdout.buffer.write(img.convert('L').tobytes())\n";
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    assert.equal(out.stdout.length, 1 << 24);
    let wrong = 0;
    let first = "";
    for (let i = 0; i < 1 << 24; i++) {
      const luma = pilLuma(i >> 16, (i >> 8) & 255, i & 255);
      if (luma !== out.stdout[i]) {
        if (wrong++ === 0) first = `rgb(${i >> 16}, ${(i >> 8) & 255}, ${i & 255}): ${luma}`;
      }
    }
    assert.equal(wrong, 0, `${wrong} colours differ, first ${first} vs Pillow`);
  },
});

Deno.test("preprocessClip() with colour L writes each pixel's normalised luma per time step", async (t) => {
  // Frame t: 6x5 pixels of arbitrary colours (a fixed pseudo-random sequence).
  let seed = 12345;
  const byte = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23;
  const steps = Array.from({ length: 2 }, () => ({
    frame: { data: Uint8Array.from({ length: 6 * 5 * 3 }, byte), width: 6, height: 5 },
    crop: { x: 0, y: 0, w: 6, h: 5 },
  }));
  // The expected value, worked out here: ITU-R 601-2 luma, then (x / 255 - 0.421) / 0.165.
  const expected = (t: number, p: number) => {
    const d = steps[t].frame.data;
    const luma = Math.floor(
      (d[3 * p] * 19595 + d[3 * p + 1] * 38470 + d[3 * p + 2] * 7471 + 32768) / 65536,
    );
    return (luma / 255 - 0.421) / 0.165;
  };
  const close = (got: number[], want: number[], where: string) => {
    assert.equal(got.length, want.length, where);
    got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-5, `${where} [${i}]: ${g}`));
  };
  const run = (input: Record<string, unknown>) => {
    const spec = graySpec(input);
    const n = itemLength(spec.input);
    const out = new Float32Array(2 * n).fill(-9);
    preprocessClipSync(steps, spec, out, 1);
    assert.ok(out.subarray(0, n).every((v) => v === -9), "item 0 untouched");
    return Array.from(out.subarray(n));
  };
  const step = (t: number) => Array.from({ length: 30 }, (_, p) => expected(t, p));
  await t.step("NCTHW [1, T, H, W] and NTCHW [T, 1, H, W]: step after step", () => {
    for (const layout of ["NCTHW", "NTCHW"]) {
      const v = run({ layout });
      assert.equal(v.length, 60);
      close(v.slice(0, 30), step(0), `${layout} t=0`);
      close(v.slice(30), step(1), `${layout} t=1`);
    }
  });
  await t.step("grid 1x2: the two thumbnails side by side in one channel", () => {
    const v = run({ layout: "grid", grid: [1, 2], size: [5, 12] });
    assert.equal(v.length, 60);
    for (let y = 0; y < 5; y++) {
      close(v.slice(y * 12, y * 12 + 6), step(0).slice(y * 6, y * 6 + 6), `grid row ${y} t=0`);
      close(v.slice(y * 12 + 6, y * 12 + 12), step(1).slice(y * 6, y * 6 + 6), `row ${y} t=1`);
    }
  });
});

Deno.test("the lipforensics preset: 25 grayscale 88x88 frames, x/255, 0.421 and 0.165", () => {
  assert.equal(PRESETS.lipforensics, LIPFORENSICS);
  assert.deepEqual(itemDims(LIPFORENSICS.input), [1, 25, 88, 88]);
  const [table, ...more] = normalisationTables(LIPFORENSICS.input);
  assert.equal(more.length, 0);
  assert.ok(Math.abs(table[255] - (1 - 0.421) / 0.165) < 1e-6);
  assert.ok(Math.abs(table[0] - -0.421 / 0.165) < 1e-6);
  // Non-overlapping clips of 25, at most 4 (FF++: 110 frames per video), none for a short video.
  assert.deepEqual(LIPFORENSICS.clip, {
    sampling: { kind: "stride", stride: 25, max: 4 },
    box: "per-frame",
    short: "leave-out",
  });
  // CenterCrop(88) of the 96x96 mouth patch: a square of 88/96 of the box.
  assert.deepEqual(LIPFORENSICS.crop, { kind: "square", scale: 88 / 96 });
  assert.ok(LIPFORENSICS.differences.some((d) => /No mouth-landmark crop/.test(d.what)));
});

Deno.test({
  name: "eval runs a grayscale [N, 1, T, H, W] clip model: every clip's frames arrive in order",
  ignore: skipWithout("ffmpeg", "grayscale clip eval") ||
    skipWithoutFixtures("awkward", "grayscale clip eval"),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_clip_gray_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      await Deno.copyFile(join(AWKWARD, "b01_full.ts"), join(tmp, "b01_full.ts"));
      const csv = join(tmp, "dataset.csv");
      await Deno.writeTextFile(csv, "id,path,label\nb01_full,b01_full.ts,1\n");
      const model = join(tmp, "gray.onnx");
      await Deno.writeFile(model, clipBarcodeModel(1));
      const store = join(tmp, "store");
      const spec = clipBarcodeSpec({
        input: { layout: "NCTHW", frames: CLIP_T, size: [24, 32], colour: "L", scale: "1/255" },
        clip: { sampling: { kind: "stride", stride: 7, max: 5 } },
      });
      const run = await evaluate({
        spec,
        modelPath: model,
        data: csv,
        store,
        faces: "full",
        ffmpeg,
      });
      assert.equal(run.failures, 0);
      const rows = pl.concat((await listParts(store)).map((p) => pl.readParquet(p)))
        .toRecords() as unknown as ScoreRow[];
      assert.deepEqual(rows.map((r) => r.clip_start), [0, 7, 14, 21, 28]);
      for (const row of rows) {
        assert.equal(row.status, "ok", row.error ?? "");
        const s = row.clip_start!;
        assert.deepEqual(decodeClipScore(row.score!), [s, s + 1, s + 2], `clip ${s}`);
      }
      // The same model with 3 channels refuses the grayscale spec by its input shape.
      await Deno.writeFile(model, clipBarcodeModel(3));
      await assert.rejects(
        () =>
          evaluate({
            spec,
            modelPath: model,
            data: csv,
            store: join(tmp, "s2"),
            faces: "full",
            ffmpeg,
          }),
        /gray\.onnx.*has shape \["N", 3, 3, 24, 32\], expected NCTHW \["N", 1, 3, 24, 32\]/,
      );
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
