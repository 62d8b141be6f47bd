import assert from "node:assert/strict";
import {
  cropBox,
  itemLength,
  preprocessFace,
  preprocessFaceSync,
  writeNormalised,
} from "../detectors/preprocess.ts";
import { resizeRgb } from "../image/resize.ts";
import type { CropRule, InputSpec } from "../detectors/spec.ts";
import { PRESETS } from "../detectors/presets.ts";

Deno.test("cropBox() square rule follows FaceForensics++ get_boundingbox", async (t) => {
  const rule = { kind: "square", scale: 1.3 } as const;
  await t.step("a box in the middle gets a 1.3x square around its centre", () => {
    // Box 100..200 x 50..130: side int(100 * 1.3) = 130, centre (150, 90).
    assert.deepEqual(cropBox({ x: 100, y: 50, w: 100, h: 80 }, 640, 360, rule), {
      x: 85,
      y: 25,
      w: 130,
      h: 130,
    });
  });
  await t.step(
    "at the top-left border the corner clamps to 0 and the square keeps its side",
    () => {
      assert.deepEqual(cropBox({ x: 0, y: 0, w: 60, h: 60 }, 640, 360, rule), {
        x: 0,
        y: 0,
        w: 78,
        h: 78,
      });
    },
  );
  await t.step("at the bottom-right border the side shrinks so the crop stays square", () => {
    // side 130, centre (600, 320): corner (535, 255); width left 105, height left 105.
    const crop = cropBox({ x: 550, y: 270, w: 100, h: 100 }, 640, 360, rule);
    assert.deepEqual(crop, { x: 535, y: 255, w: 105, h: 105 });
  });
});

Deno.test("cropBox() margin rule widens each side by 1/8 like SBI's crop_face", async (t) => {
  const rule = { kind: "margin", fraction: 1 / 8 } as const;
  await t.step("inside the frame: trunc(x0 - w/8) .. trunc(x1 + w/8) + 1", () => {
    // w = 80, h = 120: margins 10 and 15; x 90..170 -> 80..181, y 40..160 -> 25..176.
    assert.deepEqual(cropBox({ x: 90, y: 40, w: 80, h: 120 }, 640, 360, rule), {
      x: 80,
      y: 25,
      w: 101,
      h: 151,
    });
  });
  await t.step("clipped at the frame edges", () => {
    assert.deepEqual(cropBox({ x: 5, y: 300, w: 80, h: 60 }, 640, 360, rule), {
      x: 0,
      y: 292,
      w: 96,
      h: 68,
    });
  });
});

Deno.test("cropBox() box and full rules", async (t) => {
  await t.step("box rounds outwards", () => {
    assert.deepEqual(cropBox({ x: 10.5, y: 20.2, w: 30, h: 40.1 }, 100, 100, { kind: "box" }), {
      x: 10,
      y: 20,
      w: 31,
      h: 41,
    });
  });
  await t.step("full ignores the box", () => {
    assert.deepEqual(cropBox(null, 64, 48, { kind: "full" }), { x: 0, y: 0, w: 64, h: 48 });
  });
});

// The awkward fixture b06_edge.mp4 (320x240): boxes that stick out of the frame, and one wholly
// outside. Each rule is applied to the box as given; the expected crops [x, y, w, h] were worked
// out by hand from each upstream function (docs/detectors.md, "Crop rules").
const B06_BOXES = [[-30, 60, 100, 120], [260, 150, 100, 120], [-20, -20, 60, 60], [
  300,
  100,
  60,
  60,
]];
const B06_OUTSIDE = { x: 400, y: 100, w: 50, h: 50 };

Deno.test("cropBox() applies each preset's rule to boxes that stick out of the frame, as upstream does", async (t) => {
  const cases: { name: string; rule: CropRule; crops: number[][] }[] = [
    {
      // FaceForensics++ get_boundingbox: corner clamped at 0, then the side shrunk to fit.
      name: "square 1.3 (xception, demo)",
      rule: { kind: "square", scale: 1.3 },
      crops: [[0, 42, 156, 156], [232, 132, 88, 88], [0, 0, 78, 78], [291, 91, 29, 29]],
    },
    {
      // SBI crop_face: int() towards zero, +1 on the far side, each edge clipped.
      name: "margin 1/8 (sbi)",
      rule: { kind: "margin", fraction: 1 / 8 },
      crops: [[0, 45, 83, 151], [247, 135, 73, 105], [0, 0, 48, 48], [292, 92, 28, 76]],
    },
    {
      // Capsule-Forensics extract_face: radius int(1.3 h / 2) about the centre, edges clipped.
      name: "radius 1.3 (capsule)",
      rule: { kind: "radius", scale: 1.3 },
      crops: [[0, 42, 98, 156], [232, 132, 88, 108], [0, 0, 49, 49], [291, 91, 29, 78]],
    },
    {
      // MesoNet get_image_slice: a centred square of side 2 floor(1.1 max(w, h) / 2), mirrored.
      name: "reflect 1.1 (mesonet, mesoinception)",
      rule: { kind: "reflect", scale: 1.1 },
      crops: [[-46, 54, 132, 132], [244, 144, 132, 132], [-23, -23, 66, 66], [297, 97, 66, 66]],
    },
  ];
  for (const { name, rule, crops } of cases) {
    await t.step(name, () => {
      B06_BOXES.forEach(([x, y, w, h], i) => {
        const crop = cropBox({ x, y, w, h }, 320, 240, rule);
        assert.deepEqual(crop && [crop.x, crop.y, crop.w, crop.h], crops[i], `box ${i}`);
        const inside = crop!.x >= 0 && crop!.y >= 0 && crop!.x + crop!.w <= 320 &&
          crop!.y + crop!.h <= 240;
        assert.equal(crop!.fill, inside ? undefined : "reflect", `box ${i} fill`);
      });
      assert.equal(cropBox(B06_OUTSIDE, 320, 240, rule), null, "a box wholly outside is no face");
    });
  }
  await t.step("the presets use these rules", () => {
    assert.deepEqual(PRESETS.xception.crop, cases[0].rule);
    assert.deepEqual(PRESETS.demo.crop, cases[0].rule);
    assert.deepEqual(PRESETS.sbi.crop, cases[1].rule);
    assert.deepEqual(PRESETS.capsule.crop, cases[2].rule);
    assert.deepEqual(PRESETS.mesonet.crop, cases[3].rule);
    assert.deepEqual(PRESETS.mesoinception.crop, cases[3].rule);
  });
});

Deno.test("cropBox() gives no crop, never a negative-size one, when no pixel of the box is in the frame", async (t) => {
  const rules: CropRule[] = [
    { kind: "square", scale: 1.3 },
    { kind: "margin", fraction: 1 / 8 },
    { kind: "radius", scale: 1.3 },
    { kind: "reflect", scale: 1.1 },
    { kind: "box" },
    { kind: "full" },
  ];
  const boxes = {
    "past the right edge": { x: 700, y: 10, w: 20, h: 20 },
    "touching the right edge from outside": { x: 640, y: 10, w: 20, h: 20 },
    "above the frame": { x: 10, y: -30, w: 20, h: 30 },
    "of zero width": { x: 10, y: 10, w: 0, h: 20 },
    "not a number": { x: NaN, y: 10, w: 20, h: 20 },
  };
  for (const rule of rules) {
    await t.step(rule.kind, () => {
      for (const [what, box] of Object.entries(boxes)) {
        assert.equal(cropBox(box, 640, 360, rule), null, what);
      }
    });
  }
  await t.step("a rule that leaves an overlapping box an empty crop gives none either", () => {
    // Square 0.5 around a box mostly past the right edge: corner 325 is outside the frame.
    assert.equal(
      cropBox({ x: 300, y: 10, w: 100, h: 20 }, 320, 240, { kind: "square", scale: 0.5 }),
      null,
    );
  });
  await t.step("preprocessFace() refuses such a box with a RangeError", async () => {
    const frame = { data: new Uint8Array(32 * 32 * 3), width: 32, height: 32 };
    await assert.rejects(
      preprocessFace(frame, { x: 40, y: 0, w: 10, h: 10 }, PRESETS.xception),
      /gives no "square" crop in the 32x32 frame/,
    );
  });
});

/** A frame whose left half is pure red and right half pure blue. */
function halfFrame(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      if (x < width / 2) data[p] = 255;
      else data[p + 2] = 255;
    }
  }
  return data;
}

const INPUT: InputSpec = {
  layout: "NCHW",
  size: [8, 8],
  colour: "RGB",
  scale: 1 / 255,
  mean: [0, 0, 0],
  std: [1, 1, 1],
};

Deno.test("preprocessFace() writes the spec's layout and channel order", async (t) => {
  const frame = { data: halfFrame(64, 32), width: 64, height: 32 };
  // A box well inside the red half: every output pixel is pure red.
  const box = { x: 4, y: 4, w: 16, h: 16 };
  await t.step("NCHW RGB: plane 0 is all 1, planes 1 and 2 all 0", async () => {
    const out = await preprocessFace(frame, box, { input: INPUT, crop: { kind: "box" } });
    assert.equal(out.length, 3 * 64);
    assert.ok(out.subarray(0, 64).every((v) => v === 1));
    assert.ok(out.subarray(64).every((v) => v === 0));
  });
  await t.step("NCHW BGR: the red lands in the last plane", async () => {
    const out = await preprocessFace(frame, box, {
      input: { ...INPUT, colour: "BGR" },
      crop: { kind: "box" },
    });
    assert.ok(out.subarray(128).every((v) => v === 1));
    assert.ok(out.subarray(0, 128).every((v) => v === 0));
  });
  await t.step("NHWC RGB: every pixel is (1, 0, 0)", async () => {
    const out = await preprocessFace(frame, box, {
      input: { ...INPUT, layout: "NHWC" },
      crop: { kind: "box" },
    });
    for (let p = 0; p < 64; p++) assert.deepEqual([...out.subarray(p * 3, p * 3 + 3)], [1, 0, 0]);
  });
  await t.step("full frame: left output columns red, right columns blue", async () => {
    const out = await preprocessFace(frame, null, { input: INPUT, crop: { kind: "full" } });
    assert.equal(out[0], 1, "top-left red");
    assert.equal(out[128 + 7], 1, "top-right blue");
  });
});

Deno.test("preprocessFace() fills item i of a batch tensor in place and leaves the others", async () => {
  const frame = { data: new Uint8Array(32 * 32 * 3).fill(255), width: 32, height: 32 };
  const spec = PRESETS.xception;
  const n = itemLength(spec.input);
  const batch = new Float32Array(3 * n).fill(7);
  const view = await preprocessFace(frame, { x: 8, y: 8, w: 10, h: 10 }, spec, {
    into: batch,
    index: 1,
  });
  assert.equal(view.buffer, batch.buffer, "returns a view, not a copy");
  assert.equal(view.byteOffset, n * 4);
  assert.ok(batch.subarray(0, n).every((v) => v === 7));
  assert.ok(batch.subarray(n, 2 * n).every((v) => v === 1), "white maps to 1 under xception");
  assert.ok(batch.subarray(2 * n).every((v) => v === 7));
  await assert.rejects(
    preprocessFace(frame, null, spec, { into: batch, index: 3 }),
    /cannot hold item 3/,
  );
});

Deno.test("preprocessFace() refuses a frame whose byte count does not match its size", async () => {
  await assert.rejects(
    preprocessFace({ data: new Uint8Array(10), width: 4, height: 4 }, null, PRESETS.sbi),
    /holds 10 bytes, expected 4x4x3/,
  );
});

Deno.test("preprocessFace() writes exactly the resized crop through the normalisation", async (t) => {
  // Pixels with structure at every scale, so every tap and channel matters.
  const width = 97, height = 61;
  const data = new Uint8Array(width * height * 3).map((_, i) => (i * 7919 + (i >> 5) * 31) & 255);
  const frame = { data, width, height };
  const cases: [string, keyof typeof PRESETS, { x: number; y: number; w: number; h: number }][] = [
    ["xception (PIL bilinear, shrinking)", "xception", { x: 10, y: 5, w: 60, h: 50 }],
    ["sbi (OpenCV linear, enlarging)", "sbi", { x: 30, y: 20, w: 20, h: 16 }],
    ["mesonet (reflect crop past the border)", "mesonet", { x: 80, y: 40, w: 30, h: 30 }],
  ];
  for (const [name, preset, box] of cases) {
    await t.step(name, () => {
      const spec = PRESETS[preset];
      const crop = cropBox(box, width, height, spec.crop)!;
      const [outH, outW] = spec.input.size;
      const pixels = resizeRgb(data, {
        width,
        height,
        region: crop,
        outWidth: outW,
        outHeight: outH,
        method: spec.input.resize,
      });
      const expected = new Float32Array(itemLength(spec.input));
      writeNormalised(pixels, expected, spec.input);
      const out = preprocessFaceSync(frame, box, spec);
      assert.deepEqual(out, expected);
    });
  }
});
