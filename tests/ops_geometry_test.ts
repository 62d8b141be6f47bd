import assert from "node:assert/strict";
import { mapBox, mapBoxExact } from "../faces/geometry.ts";
import type { Box } from "../faces/box.ts";
import { getOperation } from "../ops/catalog.ts";
import { chainInstance } from "../ops/chain.ts";
import {
  composeFrameGeometry,
  cropFilter,
  cropFrameGeometry,
  evenCrop,
  type FrameGeometry,
  identityFrameGeometry,
} from "../ops/geometry.ts";
import type { OpInstance } from "../ops/operation.ts";
import { encodedFrameGeometry } from "../ops/profile.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";

/** Chains and source sizes, odd and even (330 is the width where res_half+hflip went wrong). */
const CASES: [steps: string[], width: number, height: number][] = [
  [["res_half", "hflip"], 330, 186],
  [["res_half", "hflip"], 333, 187],
  [["hflip", "res_quarter"], 333, 187],
  [["res_third", "vflip", "res_half"], 641, 215],
  [["res_75pct", "hflip", "vflip"], 101, 57],
  [["res_quarter", "res_half", "hflip"], 640, 360],
];

function chainOf(steps: string[]): OpInstance {
  return chainInstance({ name: `c_${steps.join("_")}`, ops: steps });
}

/** Maps `box` through each step in turn, each with the size the previous step produced. */
function stepByStep(steps: string[], box: Box, width: number, height: number) {
  let size = { width, height };
  for (const id of steps) {
    const op = getOperation(id);
    box = mapBoxExact(box, op.frameGeometry(size.width, size.height));
    size = op.expectedSize(size.width, size.height);
  }
  return { box, size };
}

function assertBoxClose(actual: Box, expected: Box, message: string, tolerance = 1e-9) {
  for (const key of ["x", "y", "w", "h"] as const) {
    assert.ok(
      Math.abs(actual[key] - expected[key]) <= tolerance,
      `${message}: ${key} ${actual[key]} != ${expected[key]}`,
    );
  }
}

Deno.test("a chain maps a box exactly as its steps do, each with its real output size", async (t) => {
  const boxes: Box[] = [{ x: 10, y: 20, w: 40, h: 30 }, { x: 0, y: 0, w: 7, h: 5 }, {
    x: 55.5,
    y: 12.25,
    w: 30,
    h: 17,
  }];
  for (const [steps, width, height] of CASES) {
    await t.step(`${steps.join("+")} on ${width}x${height}`, () => {
      const geometry = chainOf(steps).frameGeometry(width, height);
      for (const box of boxes) {
        const expected = stepByStep(steps, box, width, height);
        assert.deepEqual([geometry.width, geometry.height], [
          expected.size.width,
          expected.size.height,
        ]);
        assertBoxClose(mapBoxExact(box, geometry), expected.box, JSON.stringify(box));
      }
    });
  }
});

Deno.test("res_half+hflip on a 330-wide source mirrors about the real 164 columns", () => {
  const geometry = chainOf(["res_half", "hflip"]).frameGeometry(330, 186);
  assert.deepEqual([geometry.width, geometry.height], [164, 92]);
  // Scaled by 164/330 and 92/186, then mirrored about 164.
  const box = { x: 10, y: 20, w: 40, h: 30 };
  assertBoxClose(mapBoxExact(box, geometry), {
    x: 164 - 50 * 164 / 330,
    y: 20 * 92 / 186,
    w: 40 * 164 / 330,
    h: 30 * 92 / 186,
  }, "exact");
  // The nominal geometry (scale 1/2) mirrors about 165 and is about 0.8 px off here.
  const nominal = mapBox(box, chainOf(["res_half", "hflip"]).geometry, 330, 186);
  assert.ok(Math.abs(nominal.x - mapBoxExact(box, geometry).x) > 0.8);
});

Deno.test("the even-sided crop comes only where an encoder would get an odd side", async (t) => {
  const cases: [string, number, number, [number, number] | null, [number, number]][] = [
    ["hflip", 333, 187, [332, 186], [332, 186]],
    ["vflip", 333, 186, [332, 186], [332, 186]],
    ["grayscale", 320, 181, [320, 180], [320, 180]],
    ["h264_crf40", 640, 360, null, [640, 360]],
    ["res_half", 333, 187, null, [166, 92]],
    ["res_quarter", 333, 187, null, [82, 46]],
  ];
  for (const [id, width, height, crop, size] of cases) {
    await t.step(`${id} on ${width}x${height}`, () => {
      const g = encodedFrameGeometry(getOperation(id), width, height, "paper");
      assert.deepEqual(g.crop && [g.crop.width, g.crop.height], crop);
      assert.deepEqual([g.width, g.height], size);
      assert.deepEqual([g.sourceWidth, g.sourceHeight], [width, height]);
    });
  }
  await t.step("a flip of a cropped 333x187 picture mirrors about 332 and 186", () => {
    const h = encodedFrameGeometry(getOperation("hflip"), 333, 187, "lossless");
    assert.deepEqual(mapBoxExact({ x: 300, y: 10, w: 33, h: 20 }, h), {
      x: -1,
      y: 10,
      w: 33,
      h: 20,
    });
    const v = encodedFrameGeometry(getOperation("vflip"), 333, 187, "paper");
    assert.deepEqual(mapBoxExact({ x: 5, y: 150, w: 10, h: 37 }, v), { x: 5, y: -1, w: 10, h: 37 });
  });
  await t.step("unaltered (profile source) keeps the file, odd sides and all", () => {
    assert.deepEqual(
      encodedFrameGeometry(getOperation("unaltered"), 333, 187, "source"),
      identityFrameGeometry(333, 187),
    );
  });
  await t.step("a crop composes only as the first step, sizes must meet", () => {
    const crop = cropFrameGeometry(333, 187, evenCrop(333, 187)!);
    assert.throws(() => composeFrameGeometry(identityFrameGeometry(333, 187), crop), RangeError);
    assert.throws(
      () => composeFrameGeometry(crop, getOperation("hflip").frameGeometry(333, 187)),
      RangeError,
    );
    assert.throws(() => evenCrop(1, 5), RangeError);
    assert.equal(evenCrop(2, 4), null);
  });
});

/**
 * Where ffmpeg really puts a light box on a dark frame: in the output row through the box's
 * middle, the box's width is the row's mass above the background (in units of the box's level)
 * and its centre the mass's centroid (sub-pixel, whatever the scaler's blur); the same down the
 * middle column.
 */
function measureBox(gray: Uint8Array, width: number, height: number, near: Box): Box {
  const row = Math.floor(near.y + near.h / 2);
  const col = Math.floor(near.x + near.w / 2);
  const counts = new Array(256).fill(0);
  for (const value of gray) counts[value]++;
  const dark = counts.indexOf(Math.max(...counts)); // the background: the commonest level
  const light = gray[row * width + col];
  const level = (value: number) => (value - dark) / (light - dark);
  let mass = 0;
  let moment = 0;
  for (let x = 0; x < width; x++) {
    const v = level(gray[row * width + x]);
    mass += v;
    moment += v * (x + 0.5);
  }
  const w = mass;
  const cx = moment / mass;
  mass = 0;
  moment = 0;
  for (let y = 0; y < height; y++) {
    const v = level(gray[y * width + col]);
    mass += v;
    moment += v * (y + 0.5);
  }
  return { x: cx - w / 2, y: moment / mass - mass / 2, w, h: mass };
}

Deno.test({
  name: "ffmpeg puts a box where the exact geometry says, through chains and even-sided crops",
  ignore: skipWithout("ffmpeg", "ops geometry against ffmpeg"),
  async fn(t) {
    await withFfmpeg("native", async (ffmpeg) => {
      const run = async (filter: string, width: number, height: number, box: Box) => {
        const source = `color=black:s=${width}x${height}:d=0.04,format=gray,` +
          `drawbox=x=${box.x}:y=${box.y}:w=${box.w}:h=${box.h}:color=gray:t=fill`;
        const { stdout } = await ffmpeg.run({
          args: ["-f", "lavfi", "-i", source, "-vf", filter, "-frames:v", "1"]
            .concat(["-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"]),
          inputs: [],
          outputs: [],
          captureStdout: true,
        });
        return stdout;
      };
      const box = { x: 12, y: 14, w: 60, h: 40 };
      const check = async (name: string, op: OpInstance, width: number, height: number) => {
        await t.step(name, async () => {
          const g: FrameGeometry = encodedFrameGeometry(op, width, height, "paper");
          const filter = [g.crop ? cropFilter(g.crop) : null, op.filter].filter((f) => f).join(
            ",",
          );
          const gray = await run(filter, width, height, box);
          assert.equal(gray.length, g.width * g.height, "ffmpeg's output size is the geometry's");
          const expected = mapBoxExact(box, g);
          const measured = measureBox(gray, g.width, g.height, expected);
          assertBoxClose(measured, expected, `${name} measured`, 0.05);
        });
      };
      for (const [steps, width, height] of CASES) {
        await check(`${steps.join("+")} on ${width}x${height}`, chainOf(steps), width, height);
      }
      await check("hflip of a cropped 333x187 picture", getOperation("hflip"), 333, 187);
      await check("vflip of a cropped 333x187 picture", getOperation("vflip"), 333, 187);
      await check("res_quarter of 333x187 (no crop)", getOperation("res_quarter"), 333, 187);
    });
  },
});
