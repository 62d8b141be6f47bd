import assert from "node:assert/strict";
import { join } from "node:path";
import { type FaceBox, iou } from "../faces/box.ts";
import { hardNms } from "../faces/nms.ts";
import { compareFaces, selectFaces } from "../faces/select.ts";
import { mapBox } from "../faces/geometry.ts";
import { IDENTITY_GEOMETRY } from "../ops/geometry.ts";
import { fullFrameLocator } from "../faces/locator.ts";
import {
  emptySidecar,
  parseSidecar,
  readSidecar,
  SidecarError,
  sidecarLocator,
  writeSidecar,
} from "../faces/sidecar.ts";
import { newRecording, recordingLocator, referenceLocator } from "../faces/reference.ts";
import type { RgbFrame } from "../image/frame.ts";

const face = (x: number, y: number, w: number, h: number, score = 1): FaceBox => ({
  x,
  y,
  w,
  h,
  score,
});

const frameOf = (width: number, height: number): RgbFrame => ({
  data: new Uint8Array(width * height * 3),
  width,
  height,
});

Deno.test("iou() is 1 for equal boxes, 0 for disjoint ones and 1/3 for half-shifted squares", () => {
  assert.equal(iou(face(0, 0, 10, 10), face(0, 0, 10, 10)), 1);
  assert.equal(iou(face(0, 0, 10, 10), face(20, 0, 10, 10)), 0);
  assert.ok(Math.abs(iou(face(0, 0, 10, 10), face(5, 0, 10, 10)) - 1 / 3) < 1e-12);
});

Deno.test("hardNms() keeps the best of overlapping boxes and every separate one", () => {
  const boxes = [
    face(0, 0, 10, 10, 0.8),
    face(1, 0, 10, 10, 0.9), // overlaps the first with IoU 0.82: suppresses it
    face(50, 50, 10, 10, 0.75),
    face(5, 0, 10, 10, 0.7), // IoU 0.43 with the best: dropped at 0.3, kept at 0.5
  ];
  assert.deepEqual(hardNms(boxes).map((b) => b.score), [0.9, 0.75]);
  assert.deepEqual(hardNms(boxes, { iouThreshold: 0.5 }).map((b) => b.score), [0.9, 0.75, 0.7]);
  assert.deepEqual(hardNms(boxes, { topK: 1 }).map((b) => b.score), [0.9]);
});

Deno.test("selectFaces() ranks by area and applies each multi-face rule", async (t) => {
  const big = face(0, 0, 100, 100, 0.9); // area 10000
  const half = face(200, 0, 50, 100, 0.8); // area 5000: exactly half, kept (>=)
  const small = face(300, 0, 70, 70, 0.99); // area 4900: below half
  const boxes = [small, half, big];
  const frame = { width: 400, height: 200 };
  await t.step("largest", () => assert.deepEqual(selectFaces(boxes, "largest", frame), [big]));
  await t.step("all, largest first", () => {
    assert.deepEqual(selectFaces(boxes, "all", frame), [big, half, small]);
  });
  await t.step("all-above-half-largest compares areas like SBI", () => {
    assert.deepEqual(selectFaces(boxes, "all-above-half-largest", frame), [big, half]);
  });
  await t.step("no boxes", () => assert.deepEqual(selectFaces([], "all", frame), []));
});

/** Every ordering of `items`. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest])
  );
}

Deno.test("the face order is total and does not depend on the order boxes are listed", async (t) => {
  const frame = { width: 320, height: 240 };
  const centre = face(130, 90, 60, 60, 0.7); // area 3600, centred
  const left = face(40, 90, 60, 60, 0.9); // area 3600, 90 px left of the centre
  const right = face(220, 90, 60, 60, 0.9); // its mirror image: same area, same distance
  const low = face(40, 150, 60, 60, 0.9); // same area, farther away
  const big = face(250, 0, 70, 70, 0.1); // largest, in a corner
  const expected = [big, centre, left, right, low];
  await t.step("all 120 listings of five faces give one order", () => {
    for (const listing of permutations(expected)) {
      assert.deepEqual(selectFaces(listing, "all", frame), expected);
      assert.deepEqual(selectFaces(listing, "largest", frame), [big]);
    }
  });
  await t.step("equal areas: the centre nearer the frame centre first", () => {
    assert.ok(compareFaces(centre, left, frame) < 0 && compareFaces(left, centre, frame) > 0);
  });
  await t.step("equal area and distance: the upper, then the left box first", () => {
    assert.ok(compareFaces(left, right, frame) < 0);
    const top = face(130, 0, 60, 60);
    const bottom = face(130, 180, 60, 60);
    assert.ok(compareFaces(top, bottom, frame) < 0);
  });
  await t.step("same box: the higher locator score first; the same box twice: no order", () => {
    assert.ok(compareFaces(face(1, 2, 3, 4, 0.9), face(1, 2, 3, 4, 0.8), frame) < 0);
    assert.equal(compareFaces(face(1, 2, 3, 4, 0.9), face(1, 2, 3, 4, 0.9), frame), 0);
  });
});

Deno.test("the same face ranks first in flipped and scaled copies, as the source box decides ties", async (t) => {
  // The awkward fixture b07's later frames: two equal faces, mirror images about the frame's
  // vertical axis (centres 90 px either side of x = 160), listed in both orders.
  const sidecar = parseSidecar({
    schema: "dfrobust.faces/1",
    videos: {
      v: { "0": [[40, 90, 60, 60], [220, 90, 60, 60]], "1": [[220, 90, 60, 60], [40, 90, 60, 60]] },
    },
  }, "b07-like");
  const copies = {
    unaltered: { hflip: false, vflip: false, scale: 1 },
    hflip: { hflip: true, vflip: false, scale: 1 },
    vflip: { hflip: false, vflip: true, scale: 1 },
    "hflip + vflip": { hflip: true, vflip: true, scale: 1 },
    "hflip at half size": { hflip: true, vflip: false, scale: 0.5 },
  };
  for (const [name, geometry] of Object.entries(copies)) {
    await t.step(name, async () => {
      const size = frameOf(320 * geometry.scale, 240 * geometry.scale);
      const frames = await sidecarLocator(sidecar, { geometry }).locate("v", [size, size], [0, 1]);
      for (const boxes of frames) {
        const [first, second] = selectFaces(boxes, "all", size);
        // In every copy the face at source x = 40 ranks first, wherever the copy shows it.
        assert.deepEqual([first.source!.x, second.source!.x], [40, 220]);
        const expectedX = (geometry.hflip ? 320 - 40 - 60 : 40) * geometry.scale;
        assert.equal(first.x, expectedX);
      }
    });
  }
  await t.step(
    "without the source box the copy's own top-left order would pick the mirror face",
    () => {
      const hflipped = [face(220, 90, 60, 60), face(40, 90, 60, 60)];
      // The face at copy x = 40 is the source's face at x = 220: why ranking reads the source box.
      assert.equal(selectFaces(hflipped, "largest", { width: 320, height: 240 })[0].x, 40);
    },
  );
});

Deno.test("mapBox() follows flips and scaling, and undoes itself", async (t) => {
  const box = face(10, 20, 30, 40, 0.5);
  await t.step("hflip mirrors x about the frame", () => {
    assert.deepEqual(mapBox(box, { hflip: true, vflip: false, scale: 1 }, 100, 80), {
      ...box,
      x: 60,
    });
  });
  await t.step("vflip mirrors y", () => {
    assert.deepEqual(mapBox(box, { hflip: false, vflip: true, scale: 1 }, 100, 80), {
      ...box,
      y: 20,
    });
  });
  await t.step("hflip twice is the identity", () => {
    const g = { hflip: true, vflip: true, scale: 1 };
    assert.deepEqual(mapBox(mapBox(box, g, 100, 80), g, 100, 80), box);
  });
  await t.step("scale 0.5 then 2 gives the box back", () => {
    const half = mapBox(box, { hflip: false, vflip: false, scale: 0.5 }, 100, 80);
    assert.deepEqual(half, { ...box, x: 5, y: 10, w: 15, h: 20 });
    assert.deepEqual(mapBox(half, { hflip: false, vflip: false, scale: 2 }, 50, 40), box);
  });
  await t.step("scale and flip together land in the copy's pixels", () => {
    // Source 100 wide, copy 50 wide: x 10..40 mirrors to 60..90, then halves to 30..45.
    const m = mapBox(box, { hflip: true, vflip: false, scale: 0.5 }, 100, 80);
    assert.deepEqual([m.x, m.w], [30, 15]);
  });
  await t.step("identity leaves the box alone", () => {
    assert.deepEqual(mapBox(box, IDENTITY_GEOMETRY, 100, 80), box);
  });
});

Deno.test("the full-frame locator returns one whole-frame box per frame", async () => {
  const boxes = await fullFrameLocator().locate("v", [frameOf(8, 6), frameOf(8, 6)], [0, 5]);
  // No confidence was measured: `unscored` (the store's face_score is null).
  const whole = { ...face(0, 0, 8, 6), unscored: true };
  assert.deepEqual(boxes, [[whole], [whole]]);
});

Deno.test("sidecars validate, round-trip through a file and map into copies", async (t) => {
  const sidecar = parseSidecar({
    schema: "dfrobust.faces/1",
    videos: { a: { "0": [[10, 20, 30, 40]], "7": [[0, 0, 10, 10, 0.9], [90, 0, 20, 10]] } },
  }, "s.json");
  await t.step("boxes come back for the frame indices listed, none elsewhere", async () => {
    const boxes = await sidecarLocator(sidecar).locate(
      "a",
      [frameOf(100, 80), frameOf(100, 80), frameOf(100, 80)],
      [0, 3, 7],
    );
    // Each box keeps the sidecar's box, in the source frame, as its `source`.
    const src = (x: number, y: number, w: number, h: number) => ({
      x,
      y,
      w,
      h,
      frameWidth: 100,
      frameHeight: 80,
    });
    // A box without a fifth number has no confidence: `unscored`, score 1 by convention.
    assert.deepEqual(boxes[0], [
      { ...face(10, 20, 30, 40), unscored: true, source: src(10, 20, 30, 40) },
    ]);
    assert.deepEqual(boxes[1], []);
    // The second box of frame 7 runs past the right edge: passed on as given (90..110), not
    // clipped; the detector's crop rule decides what it gives.
    assert.deepEqual(boxes[2], [
      { ...face(0, 0, 10, 10, 0.9), source: src(0, 0, 10, 10) },
      { ...face(90, 0, 20, 10), unscored: true, source: src(90, 0, 20, 10) },
    ]);
  });
  await t.step("an hflip + half-size copy gets the boxes mirrored and halved", async () => {
    const locator = sidecarLocator(sidecar, {
      geometry: { hflip: true, vflip: false, scale: 0.5 },
    });
    const [boxes] = await locator.locate("a", [frameOf(50, 40)], [0]);
    const source = { x: 10, y: 20, w: 30, h: 40, frameWidth: 100, frameHeight: 80 };
    assert.deepEqual(boxes, [{ ...face(30, 10, 15, 20), unscored: true, source }]);
  });
  await t.step("a video the sidecar lacks is an error naming the sidecar", async () => {
    await assert.rejects(
      sidecarLocator(sidecar, { source: "s.json" }).locate("b", [frameOf(4, 4)], [0]),
      /Face sidecar "s\.json" has no boxes for video "b"/,
    );
  });
  await t.step("malformed sidecars name the file and the entry", () => {
    assert.throws(() => parseSidecar({ schema: "x", videos: {} }, "s.json"), SidecarError);
    assert.throws(
      () =>
        parseSidecar({ schema: "dfrobust.faces/1", videos: { a: { "1": [[1, 2, 3]] } } }, "s.json"),
      /Face sidecar "s\.json": video "a" frame 1 box 0: want \[x, y, w, h\]/,
    );
    assert.throws(
      () => parseSidecar({ schema: "dfrobust.faces/1", videos: { a: { one: [] } } }, "s.json"),
      /frame key "one" is not a frame index/,
    );
  });
  await t.step("write then read gives the same sidecar", async () => {
    const dir = await Deno.makeTempDir();
    try {
      const path = join(dir, "faces.json");
      await writeSidecar(path, sidecar);
      assert.deepEqual(await readSidecar(path), sidecar);
      await Deno.writeTextFile(path, "{");
      await assert.rejects(readSidecar(path), /faces\.json" is not valid JSON/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("reference mode scores a copy on the unaltered copy's boxes, mapped through its geometry", async () => {
  const recording = newRecording();
  // The unaltered copy is located by some locator (here the full frame stands in for UltraFace).
  const unaltered = recordingLocator(fullFrameLocator(), recording);
  await unaltered.locate("v", [frameOf(100, 80), frameOf(100, 80)], [3, 9]);
  assert.deepEqual(recording.videos.v["3"], [[0, 0, 100, 80, 1]]);

  const reference = referenceLocator(recording, { hflip: false, vflip: false, scale: 0.25 });
  assert.equal(reference.mode, "reference");
  const boxes = await reference.locate("v", [frameOf(25, 20)], [9]);
  const source = { x: 0, y: 0, w: 100, h: 80, frameWidth: 100, frameHeight: 80 };
  assert.deepEqual(boxes, [[{ ...face(0, 0, 25, 20), source }]]);
  await assert.rejects(
    reference.locate("w", [frameOf(25, 20)], [9]),
    /score the unaltered copy of this video first/,
  );
  assert.deepEqual(emptySidecar().videos, {});
});
