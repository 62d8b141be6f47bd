import assert from "node:assert/strict";
import sharp from "../deps/sharp.ts";
import { skipWithout } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import { FaceModelError, openUltraFace, ultraFaceInput } from "../faces/ultraface.ts";
import { selectFaces } from "../faces/select.ts";
import { iou } from "../faces/box.ts";
import type { Geometry } from "../ops/geometry.ts";
import { newRecording, recordingLocator, referenceLocator } from "../faces/reference.ts";
import type { RgbFrame } from "../image/frame.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { sampleFrames } from "../media/frames.ts";

const MODEL = `${FIXTURES}ultraface/version-RFB-320.onnx`;
const NO_FIXTURES = skipWithoutFixtures(["ultraface", "faces"], "UltraFace on the fixture photos");

async function decodeImage(path: string): Promise<RgbFrame> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({
    resolveWithObject: true,
  });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

Deno.test({
  name: "UltraFace finds both faces in two_people.jpg and the one in obama-480p.jpg",
  ignore: NO_FIXTURES,
}, async () => {
  const ultraface = await openUltraFace(MODEL, { threads: 1 });
  try {
    assert.deepEqual(ultraface.inputSize, [240, 320]);
    const two = await ultraface.detect(await decodeImage(`${FIXTURES}faces/two_people.jpg`));
    assert.equal(two.length, 2, JSON.stringify(two));
    // 1126 px wide: one face in each half, each a plausible face size, tall rather than wide.
    const [left, right] = [...two].sort((a, b) => a.x - b.x);
    assert.ok(left.x + left.w < 563 && right.x > 563, "one face per half");
    for (const b of two) {
      assert.ok(b.w > 80 && b.w < 300 && b.h > b.w * 0.9, JSON.stringify(b));
      assert.ok(b.score > 0.7);
    }
    const one = await ultraface.detect(await decodeImage(`${FIXTURES}faces/obama-480p.jpg`));
    assert.equal(one.length, 1, JSON.stringify(one));
    // The face is in the upper middle of the 853x480 picture.
    const c = { x: one[0].x + one[0].w / 2, y: one[0].y + one[0].h / 2 };
    assert.ok(c.x > 300 && c.x < 550 && c.y < 240, JSON.stringify(one[0]));
  } finally {
    await ultraface.release();
  }
});

Deno.test({
  name: "UltraFace in a worker finds the same boxes, detection after detection",
  ignore: NO_FIXTURES,
}, async () => {
  const here = await openUltraFace(MODEL, { threads: 1 });
  const there = await openUltraFace(MODEL, { threads: 1, worker: true });
  try {
    const two = await decodeImage(`${FIXTURES}faces/two_people.jpg`);
    const one = await decodeImage(`${FIXTURES}faces/obama-480p.jpg`);
    const expected = [await here.detect(two), await here.detect(one)];
    // Inputs move to the worker and back, to be filled again: each detection its own pixels,
    // also with several at once.
    for (let round = 0; round < 2; round++) {
      assert.deepEqual([await there.detect(two), await there.detect(one)], expected);
      assert.deepEqual(await Promise.all([there.detect(one), there.detect(two)]), [
        expected[1],
        expected[0],
      ]);
    }
  } finally {
    await here.release();
    await there.release();
  }
});

Deno.test({
  name: "UltraFace locates videos asked at once one after another, each as detect() frame by frame",
  ignore: NO_FIXTURES,
}, async () => {
  const ultraface = await openUltraFace(MODEL, { threads: 1, worker: true });
  try {
    const two = await decodeImage(`${FIXTURES}faces/two_people.jpg`);
    const one = await decodeImage(`${FIXTURES}faces/obama-480p.jpg`);
    const videos = [[two, one, two], [one, one], [two]];
    const expected = [];
    for (const frames of videos) {
      const boxes = [];
      for (const frame of frames) boxes.push(await ultraface.detect(frame));
      expected.push(boxes);
    }
    const order: number[] = [];
    const located = await Promise.all(
      videos.map((frames, k) =>
        ultraface.locate(`v${k}`, frames, frames.map((_, i) => i)).then((boxes) => {
          order.push(k);
          return boxes;
        })
      ),
    );
    assert.deepEqual(located, expected);
    assert.deepEqual(order, [0, 1, 2], "the earliest video first");
  } finally {
    await ultraface.release();
  }
});

Deno.test("ultraFaceInput() writes into given memory as into a fresh tensor", () => {
  const data = new Uint8Array(7 * 5 * 3).map((_, i) => (i * 37) & 255);
  const frame = { data, width: 7, height: 5 };
  const fresh = ultraFaceInput(frame, [4, 6]);
  const into = new Float32Array(3 * 4 * 6).fill(NaN);
  assert.equal(ultraFaceInput(frame, [4, 6], into), into);
  assert.deepEqual(into, fresh);
  assert.throws(() => ultraFaceInput(frame, [4, 6], new Float32Array(10)), RangeError);
});

Deno.test("UltraFace on a blank frame finds nothing", { ignore: NO_FIXTURES }, async () => {
  const ultraface = await openUltraFace(MODEL, { threads: 1 });
  try {
    const blank = { data: new Uint8Array(320 * 240 * 3).fill(128), width: 320, height: 240 };
    assert.deepEqual(await ultraface.detect(blank), []);
  } finally {
    await ultraface.release();
  }
});

Deno.test("openUltraFace() names a missing or wrong face model", async () => {
  await assert.rejects(
    openUltraFace("/nonexistent/face.onnx"),
    /Face model "\/nonexistent\/face\.onnx" does not exist \(give --face-model/,
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/x.onnx`, "junk");
    await assert.rejects(openUltraFace(`${dir}/x.onnx`), FaceModelError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "UltraFace face counts on the Hamilton clip follow its shots, and SBI's rule drops the small face",
  ignore: skipWithout("ffmpeg", "UltraFace on short_hamilton_clip.mp4") ||
    skipWithoutFixtures(["ultraface", "video"], "UltraFace on short_hamilton_clip.mp4"),
  async fn() {
    const ffmpeg = await openFfmpeg("native");
    let sampled;
    try {
      sampled = await sampleFrames(ffmpeg, `${FIXTURES}video/short_hamilton_clip.mp4`, {
        count: 32,
      });
    } finally {
      await ffmpeg.close();
    }
    assert.equal(sampled.frames.length, 32);
    const ultraface = await openUltraFace(MODEL, { threads: 1 });
    let counts: number[];
    let boxes;
    try {
      const frames = sampled.frames.map((data) => ({
        data,
        width: sampled.width,
        height: sampled.height,
      }));
      boxes = await ultraface.locate("hamilton", frames, sampled.indices);
      counts = boxes.map((b) => b.length);
    } finally {
      await ultraface.release();
    }
    // Shots, checked by eye on the 32 sampled frames: 0-2 wide shot of the singer with the
    // pianist small at the far left (2 faces); 3-9 a close profile and the blurred audience from
    // behind (UltraFace catches the profile at most in frame 3); 10-23 the singer alone; 24-31
    // four audience members.
    const at = (from: number, to: number) => counts.slice(from, to + 1);
    assert.deepEqual(at(0, 2), [2, 2, 2], `wide shot: ${counts}`);
    assert.ok(at(4, 9).filter((n) => n === 0).length >= 4, `profile/audience: ${counts}`);
    assert.ok(at(10, 23).filter((n) => n === 1).length >= 12, `singer alone: ${counts}`);
    assert.ok(at(24, 31).every((n) => n >= 3), `audience: ${counts}`);

    // Wide shot: the singer (right, larger) stays, the far-away pianist is under half his area.
    for (let i = 0; i <= 2; i++) {
      const kept = selectFaces(boxes[i], "all-above-half-largest", sampled);
      assert.equal(kept.length, 1);
      assert.ok(kept[0].x > sampled.width / 2, "the singer on the right is kept");
    }
    // Audience: faces of similar size all stay.
    for (let i = 24; i <= 31; i++) {
      const kept = selectFaces(boxes[i], "all-above-half-largest", sampled);
      assert.ok(kept.length >= 3, `frame ${i}: ${kept.length} kept of ${boxes[i].length}`);
    }
  },
});

/** Mirrors a packed RGB frame left-right. */
function hflipFrame(frame: RgbFrame): RgbFrame {
  const { width, height, data } = frame;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = (y * width + (width - 1 - x)) * 3;
      out[to] = data[from];
      out[to + 1] = data[from + 1];
      out[to + 2] = data[from + 2];
    }
  }
  return { data: out, width, height };
}

Deno.test({
  name:
    "reference boxes mapped through hflip and half size land on the faces UltraFace finds there",
  ignore: NO_FIXTURES,
}, async () => {
  const ultraface = await openUltraFace(MODEL, { threads: 1 });
  try {
    const source = await decodeImage(`${FIXTURES}faces/two_people.jpg`);
    const recording = newRecording();
    await recordingLocator(ultraface, recording).locate("p", [source], [0]);
    const copies: { geometry: Geometry; frame: RgbFrame }[] = [
      { geometry: { hflip: true, vflip: false, scale: 1 }, frame: hflipFrame(source) },
      {
        geometry: { hflip: false, vflip: false, scale: 0.5 },
        frame: await halfSize(source),
      },
    ];
    for (const copy of copies) {
      const [mapped] = await referenceLocator(recording, copy.geometry).locate("p", [copy.frame], [
        0,
      ]);
      const found = await ultraface.detect(copy.frame);
      assert.equal(mapped.length, 2);
      assert.equal(found.length, 2, JSON.stringify(found));
      for (const m of mapped) {
        const best = Math.max(...found.map((f) => iou(m, f)));
        assert.ok(best > 0.7, `${JSON.stringify(copy.geometry)}: IoU ${best.toFixed(2)}`);
      }
    }
  } finally {
    await ultraface.release();
  }
});

async function halfSize(frame: RgbFrame): Promise<RgbFrame> {
  const width = Math.round(frame.width / 2);
  const height = Math.round(frame.height / 2);
  const data = await sharp(frame.data, {
    raw: { width: frame.width, height: frame.height, channels: 3 },
  }).resize(width, height, { fit: "fill" }).raw().toBuffer();
  return { data: new Uint8Array(data), width, height };
}

Deno.test({
  name: "the 640x480 UltraFace model opens with its own input size and finds both faces",
  ignore: NO_FIXTURES,
}, async () => {
  const ultraface = await openUltraFace(`${FIXTURES}ultraface/version-RFB-640.onnx`, {
    threads: 1,
  });
  try {
    assert.deepEqual(ultraface.inputSize, [480, 640]);
    const boxes = await ultraface.detect(await decodeImage(`${FIXTURES}faces/two_people.jpg`));
    assert.equal(boxes.length, 2, JSON.stringify(boxes));
  } finally {
    await ultraface.release();
  }
});
