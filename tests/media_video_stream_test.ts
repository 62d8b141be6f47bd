import assert from "node:assert/strict";
import { join } from "node:path";
import { readCopyManifest, recordedProbe } from "../artifacts/copy_manifest.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { discoverCopies } from "../eval/copies.ts";
import { sidecarLocator } from "../faces/sidecar.ts";
import { type BackendChoice, type Ffmpeg, openFfmpeg, type VideoInfo } from "../media/ffmpeg.ts";
import { sampleFrames, sampleFramesTogether } from "../media/frames.ts";
import { PAPER_OP_IDS } from "../ops/catalog.ts";
import { readBarcode, reverseBits8 } from "./awkward_fixtures.ts";
import {
  type CoverPlacement,
  H264_TS,
  markerBox,
  type SizeChangeSpec,
  VP8,
  VP9,
  writeCoverArtVideo,
  writeSizeChangeVideo,
} from "./stream_fixtures.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";
import { sharedFixture } from "./_shared_fixture.ts";

/**
 * Size-changing sources: a switch up, a switch down with two switches, another codec/aspect.
 * Every segment holds at least 17 frames (more than a frame-threaded decoder keeps in flight:
 * 16 threads + 1), so each switch is met with a full decoder on both sides; the two
 * sources that start at 320x240 hold at least the 32 frames sampleFramesTogether() takes.
 */
const SPECS: SizeChangeSpec[] = [
  {
    file: "up.webm",
    codec: VP8,
    segments: [{ frames: 24, width: 320, height: 240 }, { frames: 24, width: 640, height: 480 }],
  },
  {
    file: "down_up.ts",
    codec: H264_TS,
    segments: [
      { frames: 20, width: 640, height: 480 },
      { frames: 17, width: 320, height: 240 },
      { frames: 17, width: 480, height: 360 },
    ],
  },
  {
    file: "aspect.webm",
    codec: VP9,
    segments: [{ frames: 21, width: 320, height: 240 }, { frames: 19, width: 352, height: 198 }],
  },
];

/**
 * down_up.ts at 30 frames, for the ffmpeg.wasm distort suite (wasm encodes about ten
 * times slower than native): the same codec, sizes and two switches (down, then up), and frames
 * on both sides of each, which is what its per-frame checks need.
 */
const WASM_SPEC: SizeChangeSpec = {
  file: "down_up_short.ts",
  codec: H264_TS,
  segments: [
    { frames: 10, width: 640, height: 480 },
    { frames: 12, width: 320, height: 240 },
    { frames: 8, width: 480, height: 360 },
  ],
};
/** Every source the suites use, built once (SPECS, then WASM_SPEC). */
const ALL_SPECS = [...SPECS, WASM_SPEC];

const starts = (spec: SizeChangeSpec) =>
  spec.segments.map((_, k) => spec.segments.slice(0, k).reduce((n, s) => n + s.frames, 0));
const total = (spec: SizeChangeSpec) => spec.segments.reduce((n, s) => n + s.frames, 0);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Every spec written with native ffmpeg (generation needs libvpx), once per test run and shared
 * by the four suites below (tests/_shared_fixture.ts: read only), hard-linked into `dir` (a
 * manifest's videos must be inside its folder). Returns the paths in `dir`, in ALL_SPECS order.
 */
async function writeSources(dir: string): Promise<string[]> {
  const shared = await sharedFixture("size-change-sources", ALL_SPECS, async (shared) => {
    await withFfmpeg("native", async (ffmpeg) => {
      for (const spec of ALL_SPECS) await writeSizeChangeVideo(ffmpeg, shared, spec);
    });
  });
  const paths: string[] = [];
  for (const spec of ALL_SPECS) {
    // A copy where a hard link cannot be made (another file system).
    await Deno.link(join(shared, spec.file), join(dir, spec.file))
      .catch(() => Deno.copyFile(join(shared, spec.file), join(dir, spec.file)));
    paths.push(join(dir, spec.file));
  }
  return paths;
}

/**
 * Frames of the cover-art videos: a cover is one picture, so any video of a few more frames than
 * the 8 the suite samples tells the two apart (fewer frames: fewer to encode in every copy).
 */
const COVER_FRAMES = 24;
const COVER_FILES: [string, CoverPlacement][] = [
  ["first.mp4", "first"],
  ["first.mkv", "first"],
  ["after.mp4", "after"],
  ["after.mkv", "after"],
];

/**
 * The cover-art videos, written with native ffmpeg once per test run and shared by both
 * backends' suites (read only), hard-linked into `dir`. Returns the paths in `dir`.
 */
async function writeCoverSources(dir: string): Promise<string[]> {
  const key = { files: COVER_FILES, frames: COVER_FRAMES };
  const shared = await sharedFixture("cover-art-sources", key, async (shared) => {
    await withFfmpeg("native", async (native: Ffmpeg) => {
      for (const [name, placement] of COVER_FILES) {
        await writeCoverArtVideo(native, shared, name, placement, COVER_FRAMES);
      }
    });
  });
  const paths: string[] = [];
  for (const [name] of COVER_FILES) {
    await Deno.link(join(shared, name), join(dir, name))
      .catch(() => Deno.copyFile(join(shared, name), join(dir, name)));
    paths.push(join(dir, name));
  }
  return paths;
}

/** Mean luma of `rgb` inside the box `[x, y, w, h]` (clipped to the frame). */
function meanLuma(rgb: Uint8Array, width: number, height: number, box: number[]): number {
  const [x0, y0] = [Math.max(0, Math.ceil(box[0])), Math.max(0, Math.ceil(box[1]))];
  const x1 = Math.min(width, Math.floor(box[0] + box[2]));
  const y1 = Math.min(height, Math.floor(box[1] + box[3]));
  let sum = 0;
  let n = 0;
  for (let y = y0 + 1; y < y1 - 1; y++) {
    for (let x = x0 + 1; x < x1 - 1; x++) {
      const at = (y * width + x) * 3;
      sum += 0.299 * rgb[at] + 0.587 * rgb[at + 1] + 0.114 * rgb[at + 2];
      n++;
    }
  }
  return n === 0 ? NaN : sum / n;
}

for (const backend of ["native", "wasm"] as BackendChoice[]) {
  Deno.test({
    name: `${backend}: a video whose frame size changes mid-stream is probed per segment, and ` +
      `sampled frame i is decoded frame i at the first frame's size`,
    ignore: skipWithout("ffmpeg", `size-changing video (${backend})`),
    async fn(t) {
      const dir = await Deno.makeTempDir({ prefix: "dfrobust_sizes_" });
      try {
        const paths = await writeSources(dir);
        await withFfmpeg(backend, async (ffmpeg) => {
          // Each probe (it decodes the whole file to count frames) is checked once and then
          // handed to the sampling below instead of being run again.
          const infos: VideoInfo[] = [];
          for (const [s, spec] of SPECS.entries()) {
            await t.step(`${spec.file}: probe`, async () => {
              const info = infos[s] = await ffmpeg.probe(paths[s]);
              assert.equal(info.frameCount, total(spec));
              assert.equal(info.streamIndex, 0);
              assert.deepEqual([info.width, info.height], [
                spec.segments[0].width,
                spec.segments[0].height,
              ]);
              assert.deepEqual(
                info.segments.map((g) => [g.start, g.width, g.height]),
                spec.segments.map((g, k) => [starts(spec)[k], g.width, g.height]),
              );
            });

            await t.step(`${spec.file}: every frame, alone`, async () => {
              const sampled = await sampleFrames(ffmpeg, paths[s], {
                info: infos[s],
                indices: range(total(spec)),
              });
              assert.deepEqual([sampled.width, sampled.height], [
                spec.segments[0].width,
                spec.segments[0].height,
              ]);
              const barcodes = sampled.frames.map((f) =>
                readBarcode(f, sampled.width, sampled.height)
              );
              assert.deepEqual(barcodes, range(total(spec)));
            });
          }

          await t.step("a rotated video whose size changes comes out upright", async () => {
            // down_up.ts in MP4 with a rotate=90 tag: shown turned a quarter (barcode on the left).
            const rotated = join(dir, "rotated.mp4");
            await withFfmpeg("native", (native) =>
              native.run({
                args: ["-i", paths[1], "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated],
                inputs: [paths[1]],
                outputs: [rotated],
              }));
            const info = await ffmpeg.probe(rotated);
            assert.deepEqual([info.rotation, info.width, info.height], [270, 480, 640]);
            assert.deepEqual(info.segments.map((g) => [g.start, g.width, g.height]), [
              [0, 480, 640],
              [20, 240, 320],
              [37, 360, 480],
            ]);
            const sampled = await sampleFrames(ffmpeg, rotated, { info, indices: range(54) });
            const leftStrip = sampled.frames.map((f) => {
              let value = 0;
              for (let k = 0; k < 8; k++) {
                const y = sampled.height - 1 - Math.floor((k + 0.5) * sampled.height / 8);
                if (f[(y * sampled.width + 16) * 3] > 128) value |= 1 << k;
              }
              return value;
            });
            assert.deepEqual(leftStrip, range(54));
          });

          await t.step("sampleFramesTogether() gives the same frames", async () => {
            // The two sources that start at 320x240 share a size.
            const videos = [];
            for (const s of [0, 2]) videos.push({ path: paths[s], info: infos[s], count: 32 });
            const together = await sampleFramesTogether(ffmpeg, videos);
            for (const [k, result] of together.entries()) {
              assert.ok(!(result instanceof Error), String(result));
              const alone = await sampleFrames(ffmpeg, videos[k].path, videos[k]);
              assert.deepEqual(result.indices, alone.indices);
              result.frames.forEach((f, i) => {
                assert.equal(readBarcode(f, 320, 240), result.indices[i], `${k} ${i}`);
                assert.deepEqual(f, alone.frames[i]);
              });
            }
          });
        });
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

/** The copies this suite checks on the wasm backend (all paper ops on native). */
const WASM_OPS = "hflip,noise,res_half,chain:shrink=res_quarter+vflip+h264_crf40";

for (const backend of ["native", "wasm"] as BackendChoice[]) {
  Deno.test({
    name: `${backend}: every copy of a size-changing video has one size and every decoded frame ` +
      `in order, and a sidecar box of a later segment lands on its content`,
    ignore: skipWithout("ffmpeg", `distort of a size-changing video (${backend})`),
    async fn(t) {
      const dir = await Deno.makeTempDir({ prefix: "dfrobust_sizes_distort_" });
      const ffmpeg = await openFfmpeg(backend);
      try {
        // wasm (4-7x slower) makes a few copies of the short source with two switches.
        const all = await writeSources(dir);
        const specs = backend === "native" ? SPECS : [WASM_SPEC];
        const chosen = backend === "native" ? all.slice(0, SPECS.length) : [all[SPECS.length]];
        const csv = join(dir, "dataset.csv");
        await Deno.writeTextFile(
          csv,
          "id,path,label\n" + specs.map((_, k) => `v${k},${chosen[k]},${k % 2}\n`).join(""),
        );
        const ops = backend === "native"
          ? `paper,chain:shrink=res_quarter+vflip+h264_crf40`
          : `unaltered,${WASM_OPS}`;
        const out = join(dir, "copies");
        // Quality (PSNR/SSIM: a second decode of every copy) is not what this suite checks.
        const summary = await distortDataset(csv, { out, ops, ffmpeg, quality: false });

        await t.step("every copy is made and validated", () => {
          assert.equal(summary.failures, 0, JSON.stringify(summary.copies.map((c) => c.failures)));
          if (backend === "native") {
            assert.deepEqual(
              summary.copies.map((c) => c.opId).filter((id) => id !== "shrink"),
              PAPER_OP_IDS,
            );
          }
        });

        await t.step("sampled frame i of every copy shows barcode i, at one size", async () => {
          for (const copy of summary.copies) {
            const manifest = (await readCopyManifest(copy.copyDir))!;
            for (const [k, spec] of specs.entries()) {
              const record = manifest.videos.find((v) => v.id === `v${k}`)!;
              const file = join(copy.copyDir, record.output!);
              // The probe distort's check took of this file (what eval reads), not a second one.
              const info = recordedProbe(record);
              const what = `${copy.opId} ${spec.file}`;
              assert.ok(info, `${what}: no recorded probe`);
              assert.equal(info.frameCount, total(spec), what);
              assert.deepEqual([info.width, info.height], [
                record.geometry!.width,
                record.geometry!.height,
              ], what);
              if (copy.opId !== "unaltered") assert.equal(info.segments.length, 1, what);
              assert.deepEqual(
                record.segments?.map((g) => g.start),
                starts(spec).slice(1),
                what,
              );
              // vflip moves the barcode to the bottom; a quarter-size frame still holds it.
              const vflip = copy.opId === "vflip" || copy.opId === "shrink";
              const hflip = copy.opId === "hflip";
              if (copy.opId === "noise" || copy.opId === "h264_crf40") continue;
              const sampled = await sampleFrames(ffmpeg, file, {
                info,
                indices: range(total(spec)),
              });
              const barcodes = sampled.frames.map((f) =>
                readBarcode(f, sampled.width, sampled.height, { vflip })
              );
              assert.deepEqual(
                barcodes,
                range(total(spec)).map((i) => hflip ? reverseBits8(i) : i),
                what,
              );
            }
          }
        });

        await t.step("a sidecar box in a segment's own pixels lands on its marker", async () => {
          const spec = specs[specs.length === 1 ? 0 : 1];
          const id = `v${specs.length === 1 ? 0 : 1}`;
          const boxes: Record<string, number[][]> = {};
          const frames = range(total(spec));
          for (const i of frames) {
            const k = starts(spec).findLastIndex((s) => s <= i);
            boxes[i] = [markerBox(k, spec.segments[k].width, spec.segments[k].height)];
          }
          const sidecar = { schema: "dfrobust.faces/1" as const, videos: { [id]: boxes } };
          const copies = await discoverCopies(out);
          for (
            const copy of copies.filter((c) =>
              ["unaltered", "hflip", "res_half", "shrink"]
                .includes(c.op.id)
            )
          ) {
            const video = copy.videos.find((v) => v.id === id)!;
            const sampled = await sampleFrames(ffmpeg, video.path, { indices: frames });
            const locator = sidecarLocator(sidecar, {
              geometry: copy.geometry,
              frameGeometries: copy.frameGeometries,
              frameSegments: copy.frameSegments,
            });
            const rgbFrames = sampled.frames.map((data) => ({
              data,
              width: sampled.width,
              height: sampled.height,
            }));
            const located = await locator.locate(id, rgbFrames, frames);
            located.forEach(([box], i) => {
              const inside = meanLuma(sampled.frames[i], sampled.width, sampled.height, [
                box.x,
                box.y,
                box.w,
                box.h,
              ]);
              assert.ok(inside > 200, `${copy.op.id} frame ${i}: mean luma ${inside} in the box`);
            });
          }
        });
      } finally {
        await ffmpeg.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

for (const backend of ["native", "wasm"] as BackendChoice[]) {
  Deno.test({
    name: `${backend}: cover art before or after the video is never taken for it (probe, ` +
      `sampling, every copy)`,
    ignore: skipWithout("ffmpeg", `cover art (${backend})`),
    async fn(t) {
      const dir = await Deno.makeTempDir({ prefix: "dfrobust_cover_" });
      const ffmpeg = await openFfmpeg(backend);
      try {
        const files = await writeCoverSources(dir);

        await t.step(`probe: the barcode stream, ${COVER_FRAMES} frames of 320x240`, async () => {
          const expected = [1, 1, 0, 0];
          for (const [k, file] of files.entries()) {
            const info = await ffmpeg.probe(file);
            assert.deepEqual(
              [info.streamIndex, info.frameCount, info.width, info.height, info.hasAudio],
              [expected[k], COVER_FRAMES, 320, 240, true],
              file,
            );
          }
        });

        await t.step("sampling reads the real frames, alone and together", async () => {
          const videos = [];
          for (const path of files) videos.push({ path, info: await ffmpeg.probe(path), count: 8 });
          const together = await sampleFramesTogether(ffmpeg, videos);
          for (const [k, result] of together.entries()) {
            assert.ok(!(result instanceof Error), String(result));
            const barcodes = result.frames.map((f) => readBarcode(f, 320, 240));
            assert.deepEqual(barcodes, result.indices, files[k]);
            const alone = await sampleFrames(ffmpeg, files[k], videos[k]);
            assert.deepEqual(alone.frames.map((f) => readBarcode(f, 320, 240)), result.indices);
          }
        });

        await t.step(
          `every copy is made from the video: ${COVER_FRAMES} frames, the right size`,
          async () => {
            const csv = join(dir, "dataset.csv");
            const chosen = backend === "native" ? files : files.slice(0, 2);
            await Deno.writeTextFile(
              csv,
              "id,path,label\n" + chosen.map((f, k) => `c${k},${f},${k % 2}\n`).join(""),
            );
            const ops = backend === "native" ? "paper" : "unaltered,hflip,res_half";
            // Quality (PSNR/SSIM: a second decode of every copy) is not what this suite checks.
            const summary = await distortDataset(csv, {
              out: join(dir, "copies"),
              ops,
              ffmpeg,
              quality: false,
            });
            assert.equal(
              summary.failures,
              0,
              JSON.stringify(summary.copies.map((c) => c.failures)),
            );
            for (const copy of summary.copies) {
              const manifest = (await readCopyManifest(copy.copyDir))!;
              for (const record of manifest.videos) {
                const file = join(copy.copyDir, record.output!);
                // The probe distort's check took of this file (what eval reads), not a second one.
                const info = recordedProbe(record);
                assert.ok(info, `${copy.opId} ${record.id}: no recorded probe`);
                assert.equal(info.frameCount, COVER_FRAMES, `${copy.opId} ${record.id}`);
                assert.deepEqual([info.width, info.height], [
                  record.geometry!.width,
                  record.geometry!.height,
                ]);
                if (copy.opId === "unaltered" || copy.opId === "h264_crf23") {
                  const sampled = await sampleFrames(ffmpeg, file, { info, count: 8 });
                  assert.deepEqual(
                    sampled.frames.map((f) => readBarcode(f, 320, 240)),
                    sampled.indices,
                    `${copy.opId} ${record.id}`,
                  );
                }
              }
            }
          },
        );
      } finally {
        await ffmpeg.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
