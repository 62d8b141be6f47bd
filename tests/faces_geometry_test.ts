import assert from "node:assert/strict";
import type { RgbFrame } from "../image/frame.ts";
import { mapBox, mapBoxExact } from "../faces/geometry.ts";
import { referenceLocator } from "../faces/reference.ts";
import { parseSidecar, SidecarError, sidecarLocator } from "../faces/sidecar.ts";
import { getOperation } from "../ops/catalog.ts";
import { chainInstance } from "../ops/chain.ts";
import type { FrameGeometry } from "../ops/geometry.ts";
import { encodedFrameGeometry } from "../ops/profile.ts";

const frameOf = (width: number, height: number): RgbFrame => ({
  data: new Uint8Array(width * height * 3),
  width,
  height,
});

const sidecar = parseSidecar({
  schema: "dfrobust.faces/1",
  videos: { odd: { "0": [[200, 50, 40, 60], [320, 170, 13, 17]] } },
}, "test");

Deno.test("mapBoxExact() agrees with mapBox() wherever sizes divide exactly", () => {
  const box = { x: 30, y: 20, w: 50, h: 40 };
  for (const id of ["hflip", "vflip", "res_half", "res_quarter", "grayscale"]) {
    const op = getOperation(id);
    assert.deepEqual(
      mapBoxExact(box, op.frameGeometry(640, 360)),
      mapBox(box, op.geometry, 640, 360),
    );
  }
});

Deno.test("sidecarLocator() maps boxes through each video's exact geometry", async (t) => {
  const geometries = (g: FrameGeometry) => new Map([["odd", g]]);
  await t.step("hflip of a 333x187 source cropped to 332x186 mirrors about 332", async () => {
    const g = encodedFrameGeometry(getOperation("hflip"), 333, 187, "paper");
    const [boxes] = await sidecarLocator(sidecar, {
      geometry: getOperation("hflip").geometry,
      frameGeometries: geometries(g),
    }).locate("odd", [frameOf(332, 186)], [0]);
    // [200, 50, 40, 60] -> x = 332 - 240; [320, 170, 13, 17] -> x = 332 - 333 = -1, not clipped
    // (the detector's crop rule decides what a box that sticks out gives).
    assert.deepEqual(boxes.map((b) => [b.x, b.y, b.w, b.h]), [[92, 50, 40, 60], [-1, 170, 13, 17]]);
  });
  await t.step("res_half of 333x187 (166x92) scales by 166/333 and 92/187", async () => {
    const g = getOperation("res_half").frameGeometry(333, 187);
    const [boxes] = await sidecarLocator(sidecar, {
      geometry: getOperation("res_half").geometry,
      frameGeometries: geometries(g),
    }).locate("odd", [frameOf(166, 92)], [0]);
    const actual = [boxes[0].x, boxes[0].y, boxes[0].w, boxes[0].h];
    const expected = [200 * 166 / 333, 50 * 92 / 187, 40 * 166 / 333, 60 * 92 / 187];
    actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-9, `${actual} ${expected}`));
  });
  await t.step("a chain's geometry is the reference locator's too", async () => {
    const chain = chainInstance({ name: "half_flip", ops: ["res_half", "hflip"] });
    const g = chain.frameGeometry(330, 186);
    const recording = parseSidecar({
      schema: "dfrobust.faces/1",
      videos: { v: { "3": [[10, 20, 40, 30]] } },
    }, "recording");
    const [boxes] = await referenceLocator(recording, chain.geometry, {
      frameGeometries: new Map([["v", g]]),
    }).locate("v", [frameOf(164, 92)], [3]);
    assert.ok(Math.abs(boxes[0].x - (164 - 50 * 164 / 330)) < 1e-9, String(boxes[0].x));
  });
  await t.step("frames of another size than the recorded geometry are refused", async () => {
    const g = encodedFrameGeometry(getOperation("hflip"), 333, 187, "paper");
    await assert.rejects(
      () =>
        sidecarLocator(sidecar, { frameGeometries: geometries(g) }).locate("odd", [
          frameOf(333, 187),
        ], [0]),
      (error: unknown) =>
        error instanceof SidecarError && /"odd" decodes at 333x187.*records 332x186/.test(
          (error as Error).message,
        ),
    );
  });
  await t.step("a video without a recorded geometry maps through the nominal one", async () => {
    const [boxes] = await sidecarLocator(sidecar, {
      geometry: getOperation("hflip").geometry,
      frameGeometries: new Map(),
    }).locate("odd", [frameOf(333, 187)], [0]);
    assert.deepEqual([boxes[0].x, boxes[0].w], [333 - 240, 40]);
  });
});
