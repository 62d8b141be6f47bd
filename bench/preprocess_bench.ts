/**
 * Face preprocessing cost: dfrobust's own bilinear resizes (`pil-bilinear`, `cv2-linear`, which
 * match upstream) against sharp's `linear` kernel (which does not), per face crop, plus the whole
 * `preprocessFace` (crop, resize, normalise into a batch tensor) and one UltraFace detection.
 * @module
 */
import sharp from "../deps/sharp.ts";
import { resizeRgb } from "../image/resize.ts";
import { preprocessFaceSync } from "../detectors/preprocess.ts";
import { PRESETS } from "../detectors/presets.ts";
import { openUltraFace } from "../faces/ultraface.ts";
import { FIXTURES, requireFixtures } from "../tests/_fixtures.ts";

/** A pseudo-random RGB frame (content does not change the cost of these resizes). */
function frame(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  let seed = 7;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[i] = seed >> 23;
  }
  return data;
}

/** Median of 5 rounds of mean time per call (ms), after a warm-up that lets the JIT settle. */
async function timeMs(fn: () => unknown | Promise<unknown>, minMs = 150): Promise<number> {
  const warm = performance.now();
  while (performance.now() - warm < 200) await fn();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) rounds.push(await roundMs(fn, minMs));
  return rounds.sort((a, b) => a - b)[2];
}

async function roundMs(fn: () => unknown | Promise<unknown>, minMs: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    await fn();
    n++;
  }
  return (performance.now() - start) / n;
}

/** Runs the benchmark and prints a table (ms per face; ratio = sharp / ours). */
export async function run(): Promise<void> {
  const cases = [
    { name: "360p face 110 px -> 380 (sbi)", w: 640, h: 360, side: 143, out: 380 },
    { name: "360p face 110 px -> 299 (xception)", w: 640, h: 360, side: 143, out: 299 },
    { name: "1080p face 300 px -> 299 (xception)", w: 1920, h: 1080, side: 390, out: 299 },
  ];
  console.log(
    "| crop | pil-bilinear ms | cv2-linear ms | sharp linear ms | sharp / pil | sharp / cv2 |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const c of cases) {
    const data = frame(c.w, c.h);
    const region = { x: 200, y: 100, w: c.side, h: c.side };
    const base = { width: c.w, height: c.h, region, outWidth: c.out, outHeight: c.out };
    const pil = await timeMs(() => resizeRgb(data, { ...base, method: "pil-bilinear" }));
    const cv2 = await timeMs(() => resizeRgb(data, { ...base, method: "cv2-linear" }));
    const sh = await timeMs(() =>
      sharp(data, { raw: { width: c.w, height: c.h, channels: 3 } })
        .extract({ left: region.x, top: region.y, width: region.w, height: region.h })
        .resize(c.out, c.out, { fit: "fill", kernel: "linear" })
        .raw()
        .toBuffer()
    );
    console.log(
      `| ${c.name} | ${pil.toFixed(2)} | ${cv2.toFixed(2)} | ${sh.toFixed(2)} | ` +
        `${(sh / pil).toFixed(2)} | ${(sh / cv2).toFixed(2)} |`,
    );
  }

  const data = frame(640, 360);
  const box = { x: 250, y: 80, w: 110, h: 130 };
  const rgb = { data, width: 640, height: 360 };
  console.log("\n| whole step | ms per call |");
  console.log("| --- | --- |");
  for (const name of ["xception", "sbi"]) {
    const spec = PRESETS[name];
    const into = new Float32Array(3 * spec.input.size[0] * spec.input.size[1]);
    const ms = await timeMs(() => preprocessFaceSync(rgb, box, spec, { into }));
    console.log(`| preprocessFace, ${name} preset, 360p frame | ${ms.toFixed(2)} |`);
  }
  requireFixtures("ultraface", "The UltraFace step of the preprocess benchmark");
  const ultraface = await openUltraFace(`${FIXTURES}ultraface/version-RFB-320.onnx`);
  try {
    const ms = await timeMs(() => ultraface.detect(rgb), 1000);
    console.log(`| UltraFace RFB-320 detect, 360p frame | ${ms.toFixed(2)} |`);
  } finally {
    await ultraface.release();
  }
}

if (import.meta.main) await run();
