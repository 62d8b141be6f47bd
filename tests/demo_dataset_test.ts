import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DEMO_GENERATOR_VERSION,
  generateDemoDataset,
  renderDemoPair,
  resolveDemoOptions,
} from "../demo/dataset.ts";
import { _deriveSeed } from "../demo/_synth.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { readSidecar } from "../faces/sidecar.ts";
import { sampleFrames } from "../media/frames.ts";
import { sha256File, sha256Hex } from "../util/hash.ts";
import { seededRandom } from "../util/prng.ts";
import { skipWithout } from "./_tools.ts";

function framesHash(frames: Uint8Array[]): string {
  return sha256Hex(frames.map((f) => sha256Hex(f)).join(","));
}

const SMALL = { frames: 6, size: 96, blendSeed: 7 };

Deno.test("mulberry32 repeats its sequence for a seed and stays in [0, 1)", () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const c = seededRandom(43);
  const xs = Array.from({ length: 1000 }, () => a());
  // The demo dataset is generated from this sequence: its first values are pinned bit for bit.
  assert.deepEqual(xs.slice(0, 4), [
    0.6011037519201636,
    0.44829055899754167,
    0.8524657934904099,
    0.6697340414393693,
  ]);
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => c()));
  assert(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

Deno.test("renderDemoPair() gives the same frames for the same seed and others for another", () => {
  const a = renderDemoPair(1, { ...SMALL, fake: true });
  const b = renderDemoPair(1, { ...SMALL, fake: true });
  const c = renderDemoPair(2, { ...SMALL, fake: true });
  assert.deepEqual(framesHash(a.real), framesHash(b.real));
  assert.deepEqual(framesHash(a.fake!), framesHash(b.fake!));
  assert.deepEqual(a.boxes, b.boxes);
  assert.notDeepEqual(framesHash(a.real), framesHash(c.real));
  assert.deepEqual(renderDemoPair(1, { ...SMALL, fake: false }).fake, null);
});

Deno.test("renderDemoPair() frames are rgb24 and the subject moves between frames", () => {
  const pair = renderDemoPair(3, { frames: 24, size: 128, blendSeed: 1, fake: false });
  assert.deepEqual(pair.real.length, 24);
  for (const frame of pair.real) assert.deepEqual(frame.length, 128 * 128 * 3);
  assert.notDeepEqual(pair.boxes[0], pair.boxes[23]);
  assert.notDeepEqual(sha256Hex(pair.real[0]), sha256Hex(pair.real[1]));
});

Deno.test("renderDemoPair() face boxes lie inside the frame and hold a sizeable face", () => {
  for (let seed = 0; seed < 20; seed++) {
    const size = seed % 2 ? 256 : 96;
    const { boxes } = renderDemoPair(seed, { frames: 8, size, blendSeed: seed, fake: false });
    for (const [x, y, w, h] of boxes) {
      assert(x >= 0 && y >= 0 && x + w <= size && y + h <= size, `box ${[x, y, w, h]}`);
      assert([x, y, w, h].every(Number.isInteger));
      assert(w > size * 0.2 && h > w, `box ${[x, y, w, h]} in ${size}`);
    }
  }
});

Deno.test("a fake frame differs from its real twin inside the face box and nowhere outside", () => {
  for (let seed = 10; seed < 16; seed++) {
    const size = 128;
    const pair = renderDemoPair(seed, { frames: 3, size, blendSeed: seed * 31, fake: true });
    for (let f = 0; f < 3; f++) {
      const [bx, by, bw, bh] = pair.boxes[f];
      let inside = 0;
      let outside = 0;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const i = (y * size + x) * 3;
          const d = Math.abs(pair.real[f][i] - pair.fake![f][i]) +
            Math.abs(pair.real[f][i + 1] - pair.fake![f][i + 1]) +
            Math.abs(pair.real[f][i + 2] - pair.fake![f][i + 2]);
          // The mask is the face ellipse scaled by at most 1.05: it stays within the box + 5%.
          const margin = 0.05 * Math.max(bw, bh) + 1;
          const inBox = x >= bx - margin && x < bx + bw + margin && y >= by - margin &&
            y < by + bh + margin;
          if (inBox) inside += d;
          else outside += d;
        }
      }
      assert.deepEqual(outside, 0, `seed ${seed} frame ${f}: pixels changed outside the face`);
      assert(inside / (bw * bh) > 1, `seed ${seed} frame ${f}: face barely altered`);
    }
  }
});

Deno.test("resolveDemoOptions() fills split defaults and refuses impossible options", async (t) => {
  await t.step("test split defaults", () => {
    const o = resolveDemoOptions();
    assert.deepEqual([o.split, o.reals, o.fakes, o.frames, o.size, o.fps], [
      "test",
      24,
      24,
      64,
      256,
      25,
    ]);
  });
  await t.step("train split has its own seed and size", () => {
    const o = resolveDemoOptions({ split: "train" });
    assert.deepEqual([o.reals, o.fakes, o.frames], [64, 64, 32]);
    assert.notDeepEqual(o.seed, resolveDemoOptions().seed);
  });
  const bad: [string, Parameters<typeof resolveDemoOptions>[0]][] = [
    ["more fakes than reals", { reals: 2, fakes: 3 }],
    ["an odd size", { size: 95 }],
    ["zero frames", { frames: 0 }],
    ["an unknown split", { split: "val" as "test" }],
  ];
  for (const [name, options] of bad) {
    await t.step(`refuses ${name}`, () => {
      assert.throws(() => resolveDemoOptions(options), RangeError);
    });
  }
});

Deno.test({
  name: "generateDemoDataset() writes decodable clips, a manifest and a sidecar, and reuses them",
  ignore: skipWithout("ffmpeg", "demo dataset generation"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_demo_ds_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const options = { reals: 3, fakes: 2, frames: 10, size: 96, seed: 5, ffmpeg };
      const made = await generateDemoDataset(join(dir, "a"), options);
      assert.deepEqual(made.reused, false);
      assert.deepEqual(made.entries.map((e) => e.id), [
        "real_000",
        "fake_000",
        "real_001",
        "fake_001",
        "real_002",
      ]);
      assert.deepEqual(made.entries.map((e) => e.label), [0, 1, 0, 1, 0]);
      assert(made.entries.every((e) => e.split === "test"));
      assert.deepEqual(made.entries.map((e) => e.method ?? ""), [
        "",
        "selfblend",
        "",
        "selfblend",
        "",
      ]);

      const sidecar = await readSidecar(made.facesPath);
      assert.deepEqual(sidecar.schema, "dfrobust.faces/1");
      for (const entry of made.entries) {
        const info = await ffmpeg.probe(entry.path);
        assert.deepEqual([info.frameCount, info.width, info.height, info.fps], [10, 96, 96, 25]);
        const frames = sidecar.videos[entry.id];
        assert.deepEqual(Object.keys(frames).length, 10);
        for (const boxes of Object.values(frames) as number[][][]) {
          assert.deepEqual(boxes.length, 1);
          const [x, y, w, h] = boxes[0];
          assert(x >= 0 && y >= 0 && x + w <= 96 && y + h <= 96);
        }
      }
      // The decoded real clip is what was synthesised, up to H.264 at CRF 18.
      const decoded = await sampleFrames(ffmpeg, made.entries[0].path, { indices: [4] });
      const synth = renderDemoPair(_deriveSeed(5, 0), {
        frames: 10,
        size: 96,
        blendSeed: 0,
        fake: false,
      }).real[4];
      let err = 0;
      for (let i = 0; i < synth.length; i++) err += Math.abs(synth[i] - decoded.frames[0][i]);
      assert(err / synth.length < 4, `mean abs error ${err / synth.length}`);

      const hashes = await Promise.all(made.entries.map((e) => sha256File(e.path)));
      const again = await generateDemoDataset(join(dir, "a"), options);
      assert.deepEqual(again.reused, true);
      assert.deepEqual(again.optionsHash, made.optionsHash);

      // Same options in another folder: byte-identical clips and sidecar (deterministic encode).
      const copy = await generateDemoDataset(join(dir, "b"), options);
      assert.deepEqual(copy.reused, false);
      assert.deepEqual(await Promise.all(copy.entries.map((e) => sha256File(e.path))), hashes);
      assert.deepEqual(await sha256File(copy.facesPath), await sha256File(made.facesPath));

      // Other options regenerate in place.
      const other = await generateDemoDataset(join(dir, "a"), { ...options, seed: 6 });
      assert.deepEqual(other.reused, false);
      assert.notDeepEqual(other.optionsHash, made.optionsHash);
      assert.notDeepEqual(await sha256File(other.entries[0].path), hashes[0]);
      assert(DEMO_GENERATOR_VERSION >= 1);
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
