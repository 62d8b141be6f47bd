import assert from "node:assert/strict";
import { join } from "node:path";
import type { BackendChoice } from "../media/ffmpeg.ts";
import { sampleFrames } from "../media/frames.ts";
import { AWKWARD, readBarcode } from "./awkward_fixtures.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";
import { skipWithoutFixtures } from "./_fixtures.ts";
import { clipFrames, clipPlan } from "../media/clips.ts";
import { preprocessClipSync } from "../detectors/clip_preprocess.ts";
import { itemLength } from "../detectors/preprocess.ts";
import { DetectorSpecError, validateDetectorSpec } from "../detectors/spec.ts";
import { FTCN } from "../detectors/presets.ts";

const starts = (frames: number, length: number, sampling: Parameters<typeof clipPlan>[2]) =>
  clipPlan(frames, length, sampling).clips.map((c) => c.start);

Deno.test("clipPlan() places clips of consecutive frames by stride or evenly", async (t) => {
  await t.step("stride T: non-overlapping clips from frame 0 (LipForensics), rest dropped", () => {
    assert.deepEqual(starts(110, 25, { kind: "stride", stride: 25 }), [0, 25, 50, 75]);
    assert.deepEqual(clipPlan(10, 4, { kind: "stride", stride: 4 }).clips.map((c) => c.frames), [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });
  await t.step("stride 1: every window (FTCN); max caps the count", () => {
    assert.deepEqual(starts(5, 3, { kind: "stride", stride: 1 }), [0, 1, 2]);
    assert.deepEqual(starts(100, 3, { kind: "stride", stride: 1, max: 2 }), [0, 1]);
  });
  await t.step("even: numpy linspace(0, N - T, K).astype(int) over starts", () => {
    // numpy.linspace(0, 97, 5).astype(int) = [0, 24, 48, 72, 97]
    assert.deepEqual(starts(100, 3, { kind: "even", count: 5 }), [0, 24, 48, 72, 97]);
    // Repeated starts are one clip: linspace(0, 1, 4) -> 0, 0, 0, 1.
    assert.deepEqual(starts(4, 3, { kind: "even", count: 4 }), [0, 1]);
    const plan = clipPlan(100, 3, { kind: "even", count: 5 });
    assert.deepEqual(plan.clips.map((c) => [c.start, c.end]), [
      [0, 2],
      [24, 26],
      [48, 50],
      [72, 74],
      [97, 99],
    ]);
    assert.deepEqual(clipFrames(plan).slice(0, 4), [0, 1, 2, 24]);
  });
  await t.step("a video shorter than a clip: left out with a reason, or reflected", () => {
    const out = clipPlan(2, 3, { kind: "stride", stride: 3 });
    assert.deepEqual(out.clips, []);
    assert.match(out.short!, /2 decoded frames, fewer than the 3 of one clip/);
    const mirrored = clipPlan(3, 7, { kind: "stride", stride: 7 }, "reflect");
    assert.deepEqual(mirrored.clips, [{ start: 0, end: 2, frames: [0, 1, 2, 1, 0, 1, 2] }]);
    assert.deepEqual(clipPlan(1, 3, { kind: "even", count: 2 }, "reflect").clips[0].frames, [
      0,
      0,
      0,
    ]);
  });
  await t.step("bad numbers are refused", () => {
    assert.throws(() => clipPlan(10, 0, { kind: "stride", stride: 1 }), RangeError);
    assert.throws(() => clipPlan(10, 2, { kind: "stride", stride: 0 }), RangeError);
    assert.throws(() => clipPlan(10, 2, { kind: "even", count: 1.5 }), RangeError);
  });
});

const CLIP_INPUT = { layout: "NCTHW", frames: 4, size: [2, 2], colour: "RGB" };
const spec = (over: Record<string, unknown>) =>
  validateDetectorSpec({
    name: "c",
    input: CLIP_INPUT,
    crop: { kind: "full" },
    output: { kind: "sigmoid" },
    ...over,
  }, { source: "c.json" });

Deno.test("a clip spec fills its defaults and names what is wrong", async (t) => {
  await t.step("defaults: stride T (LipForensics), per-frame boxes, short videos left out", () => {
    assert.deepEqual(spec({}).clip, {
      sampling: { kind: "stride", stride: 4 },
      box: "per-frame",
      short: "leave-out",
    });
    assert.equal(validateDetectorSpec({ ...FTCN }).clip?.box, "union");
  });
  const refused = (over: Record<string, unknown>, message: RegExp) =>
    assert.throws(
      () => spec(over),
      (e: Error) => e instanceof DetectorSpecError && message.test(e.message),
    );
  await t.step("mistakes", () => {
    refused({ input: { ...CLIP_INPUT, frames: undefined } }, /"input.frames" must be given/);
    refused({ input: { ...CLIP_INPUT, layout: "NCHW" } }, /"input.frames" needs a clip layout/);
    refused({ clip: { samplig: { kind: "even", count: 2 } } }, /did you mean "sampling"/);
    refused({ clip: { sampling: { kind: "even", stride: 2 } } }, /stride/);
    refused({ clip: { box: "mean" } }, /"clip.box" must be one of "per-frame", "first", "union"/);
    refused({ frames: 8 }, /"frames" is for frame detectors/);
    refused({ input: { ...CLIP_INPUT, layout: "grid", grid: [2, 3] } }, /must hold input.frames/);
    refused({ input: { ...CLIP_INPUT, layout: "grid", grid: [4, 1] } }, /divide input.size/);
    assert.throws(
      () =>
        validateDetectorSpec({
          name: "f",
          input: { layout: "NCHW", size: [2, 2], colour: "RGB" },
          crop: { kind: "full" },
          output: { kind: "sigmoid" },
          clip: {},
        }),
      /"clip" needs a clip input/,
    );
  });
});

Deno.test("preprocessClip() writes time step t where each layout puts it", async (t) => {
  // Frame t is flat grey 10 * (t + 1); scale 1, no mean: every value says its time step.
  const steps = Array.from({ length: 4 }, (_, t) => ({
    frame: { data: new Uint8Array(4 * 4 * 3).fill(10 * (t + 1)), width: 4, height: 4 },
    crop: { x: 0, y: 0, w: 4, h: 4 },
  }));
  const run = (input: Record<string, unknown>) => {
    const s = spec({ input: { ...CLIP_INPUT, ...input } });
    const out = new Float32Array(2 * itemLength(s.input)).fill(-1);
    preprocessClipSync(steps, s, out, 1);
    assert.ok(out.subarray(0, itemLength(s.input)).every((v) => v === -1), "item 0 untouched");
    return Array.from(out.subarray(itemLength(s.input)));
  };
  await t.step("NCTHW: [c][t][y][x]", () => {
    const v = run({});
    assert.equal(v.length, 3 * 4 * 4);
    for (let c = 0; c < 3; c++) {
      for (let s = 0; s < 4; s++) {
        assert.deepEqual(
          v.slice((c * 4 + s) * 4, (c * 4 + s + 1) * 4),
          Array(4).fill(10 * (s + 1)),
        );
      }
    }
  });
  await t.step("NTCHW: [t][c][y][x]", () => {
    const v = run({ layout: "NTCHW" });
    for (let s = 0; s < 4; s++) {
      assert.deepEqual(v.slice(s * 12, (s + 1) * 12), Array(12).fill(10 * (s + 1)));
    }
  });
  await t.step("grid 2x2: thumbnail t at row t // 2, column t % 2", () => {
    const v = run({ layout: "grid", grid: [2, 2], size: [2, 2] });
    assert.deepEqual(v.slice(0, 4), [10, 20, 30, 40]);
    assert.deepEqual(v.slice(8, 12), [10, 20, 30, 40]);
  });
  await t.step("a wrong number of steps is refused", () => {
    assert.throws(
      () => preprocessClipSync(steps.slice(1), spec({}), new Float32Array(48), 0),
      /3 frames given for a clip of 4/,
    );
  });
});

for (const backend of ["native", "wasm"] as BackendChoice[]) {
  Deno.test({
    name: `${backend}: a clip plan's frames decode as runs of consecutive frames, in order, ` +
      `on a stream cut inside a GOP`,
    ignore: skipWithout("ffmpeg", `clip frames (${backend})`) ||
      skipWithoutFixtures("awkward", `clip frames (${backend})`),
    async fn() {
      await withFfmpeg(backend, async (ffmpeg) => {
        const headcut = join(AWKWARD, "b01_headcut.ts");
        const plan = clipPlan(75, 4, { kind: "even", count: 6 });
        const sampled = await sampleFrames(ffmpeg, headcut, {
          pick: (n) => clipFrames(clipPlan(n, 4, { kind: "even", count: 6 })),
        });
        assert.deepEqual(sampled.indices, clipFrames(plan));
        for (const clip of plan.clips) {
          const barcodes = clip.frames.map((i) =>
            readBarcode(sampled.frames[sampled.indices.indexOf(i)], sampled.width, sampled.height)
          );
          assert.deepEqual(barcodes, clip.frames.map((i) => 25 + i), `clip at ${clip.start}`);
        }
      });
    },
  });
}
