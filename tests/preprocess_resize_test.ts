import assert from "node:assert/strict";
import { resizeRgb, resizeRgbRows } from "../image/resize.ts";
import { skipWithout } from "./_tools.ts";

/** A one-row grey image (each value repeated over R, G, B). */
function greyRow(values: number[]): Uint8Array {
  return new Uint8Array(values.flatMap((v) => [v, v, v]));
}

function firstChannel(rgb: Uint8Array): number[] {
  return [...rgb].filter((_, i) => i % 3 === 0);
}

Deno.test("resizeRgb() enlarges like PIL and OpenCV: half-pixel centres, edges repeated", async (t) => {
  for (const method of ["pil-bilinear", "cv2-linear"] as const) {
    await t.step(method, () => {
      const out = resizeRgb(greyRow([0, 200]), {
        width: 2,
        height: 1,
        outWidth: 4,
        outHeight: 1,
        method,
      });
      // Sample positions -0.25, 0.25, 0.75, 1.25 in source pixels.
      assert.deepEqual(firstChannel(out), [0, 50, 150, 200]);
    });
  }
});

Deno.test("resizeRgb() shrinks with a widened triangle for PIL and two taps for OpenCV", async (t) => {
  const src = greyRow([0, 0, 200, 200]);
  const opts = { width: 4, height: 1, outWidth: 2, outHeight: 1 };
  await t.step("pil-bilinear averages over a support of 2 pixels", () => {
    // Weights (0.75, 0.75, 0.25) / 1.75 and (0.25, 0.75, 0.75) / 1.75.
    assert.deepEqual(firstChannel(resizeRgb(src, { ...opts, method: "pil-bilinear" })), [29, 171]);
  });
  await t.step("cv2-linear samples at 0.5 and 2.5 only", () => {
    assert.deepEqual(firstChannel(resizeRgb(src, { ...opts, method: "cv2-linear" })), [0, 200]);
  });
});

Deno.test("resizeRgb() leaves an image alone at its own size and reads only the region", () => {
  const src = new Uint8Array(5 * 4 * 3).map((_, i) => (i * 37) % 256);
  assert.deepEqual(resizeRgb(src, { width: 5, height: 4, outWidth: 5, outHeight: 4 }), src);
  const region = resizeRgb(src, {
    width: 5,
    height: 4,
    region: { x: 1, y: 2, w: 2, h: 1 },
    outWidth: 2,
    outHeight: 1,
  });
  assert.deepEqual([...region], [...src.subarray((2 * 5 + 1) * 3, (2 * 5 + 3) * 3)]);
  assert.throws(
    () =>
      resizeRgb(src, {
        width: 5,
        height: 4,
        region: { x: 4, y: 0, w: 2, h: 1 },
        outWidth: 1,
        outHeight: 1,
      }),
    /is not inside 5x4/,
  );
});

Deno.test({
  name: "resizeRgb() pil-bilinear matches Pillow's BILINEAR resize within one code value",
  ignore: skipWithout("python-pil", "resizeRgb() vs Pillow"),
  async fn(t) {
    const w = 37, h = 23;
    // A deterministic pseudo-random image with structure at every scale.
    const src = new Uint8Array(w * h * 3);
    let seed = 12345;
    for (let i = 0; i < src.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      src[i] = seed >> 23;
    }
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeFile(`${dir}/src.raw`, src);
      for (const [ow, oh] of [[299, 299], [16, 11], [380, 200]]) {
        await t.step(`${w}x${h} -> ${ow}x${oh}`, async () => {
          const script = "import numpy as np, sys\nfrom PIL import Image\n" +
            `a = np.fromfile('${dir}/src.raw', np.uint8).reshape(${h}, ${w}, 3)\n` +
            `np.asarray(Image.fromarray(a).resize((${ow}, ${oh}), Image.BILINEAR)).tofile('${dir}/pil.raw')\n`;
          const run = await new Deno.Command("/usr/bin/python3", { args: ["-c", script] }).output();
          assert.ok(run.success, new TextDecoder().decode(run.stderr));
          const pil = await Deno.readFile(`${dir}/pil.raw`);
          const ours = resizeRgb(src, { width: w, height: h, outWidth: ow, outHeight: oh });
          assert.equal(ours.length, pil.length);
          let worst = 0;
          let off = 0;
          for (let i = 0; i < pil.length; i++) {
            const d = Math.abs(ours[i] - pil[i]);
            worst = Math.max(worst, d);
            if (d > 0) off++;
          }
          assert.ok(worst <= 1, `largest difference ${worst}`);
          assert.ok(off / pil.length < 0.05, `${off} of ${pil.length} values differ`);
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("resizeRgb() mirrors a reflect region past the frame like numpy.pad(mode='reflect')", async (t) => {
  await t.step("one row of 5 pixels read from -12 to 16", () => {
    const out = resizeRgb(greyRow([0, 10, 20, 30, 40]), {
      width: 5,
      height: 1,
      region: { x: -12, y: 0, w: 29, h: 1, fill: "reflect" },
      outWidth: 29,
      outHeight: 1,
    });
    // numpy.pad(np.arange(5), 12, "reflect"): period 8, the edge pixel not repeated.
    const numpy = [4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2];
    assert.deepEqual(firstChannel(out), [...numpy, 1, 0].map((i) => 10 * i));
  });
  await t.step("without fill a region past the frame is refused", () => {
    assert.throws(
      () =>
        resizeRgb(greyRow([0, 10]), {
          width: 2,
          height: 1,
          region: { x: -1, y: 0, w: 2, h: 1 },
          outWidth: 2,
          outHeight: 1,
        }),
      /is not inside 2x1/,
    );
  });
});

Deno.test({
  name: "a reflect crop equals numpy's reflect-padded slice (MesoNet's get_image_slice)",
  ignore: skipWithout("python-pil", "reflect crop vs numpy"),
  async fn() {
    const w = 13, h = 9;
    const src = new Uint8Array(w * h * 3).map((_, i) => (i * 53 + 7) % 256);
    const region = { x: -7, y: 4, w: 16, h: 16, fill: "reflect" as const };
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeFile(`${dir}/src.raw`, src);
      // get_image_slice: pad by the largest overhang on every side, then slice.
      const script = "import numpy as np\n" +
        `a = np.fromfile('${dir}/src.raw', np.uint8).reshape(${h}, ${w}, 3)\n` +
        `y0, y1, x0, x1 = ${region.y}, ${region.y + region.h}, ${region.x}, ${
          region.x + region.w
        }\n` +
        `p = max(-y0, y1 - ${h}, -x0, x1 - ${w}, 0)\n` +
        "b = np.pad(a, ((p, p), (p, p), (0, 0)), 'reflect')\n" +
        `b[p + y0:p + y1, p + x0:p + x1].tofile('${dir}/np.raw')\n`;
      const run = await new Deno.Command("/usr/bin/python3", { args: ["-c", script] }).output();
      assert.ok(run.success, new TextDecoder().decode(run.stderr));
      const expected = await Deno.readFile(`${dir}/np.raw`);
      for (const method of ["pil-bilinear", "cv2-linear"] as const) {
        const ours = resizeRgb(src, {
          width: w,
          height: h,
          region,
          outWidth: 16,
          outHeight: 16,
          method,
        });
        assert.deepEqual(ours, expected, method);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("resizeRgbRows() hands out resizeRgb's rows, top to bottom, in a reused buffer", () => {
  const width = 23, height = 17;
  const src = new Uint8Array(width * height * 3).map((_, i) => (i * 101 + 13) & 255);
  const regions = [
    undefined,
    { x: 3, y: 2, w: 11, h: 9 },
    { x: -5, y: 10, w: 14, h: 12, fill: "reflect" as const },
  ];
  for (const method of ["pil-bilinear", "cv2-linear"] as const) {
    for (const region of regions) {
      for (const [outWidth, outHeight] of [[7, 5], [40, 31], [1, 1]]) {
        const options = { width, height, region, outWidth, outHeight, method };
        const whole = resizeRgb(src, options);
        const seen: number[] = [];
        let buffer: Uint8Array | null = null;
        resizeRgbRows(src, options, (y, row) => {
          seen.push(y);
          buffer ??= row;
          assert.equal(row, buffer, "one buffer for every row");
          assert.deepEqual(row, whole.subarray(y * outWidth * 3, (y + 1) * outWidth * 3));
        });
        assert.deepEqual(seen, Array.from({ length: outHeight }, (_, y) => y));
      }
    }
  }
});
