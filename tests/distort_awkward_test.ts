import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { evaluate } from "../eval/evaluate.ts";
import { type BackendChoice, type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { evenlySpacedIndices, sampleFrames } from "../media/frames.ts";
import { PAPER_OP_IDS } from "../ops/catalog.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import {
  AWKWARD,
  barcodeDetector,
  barcodeSpec,
  GENERATED_SOURCES,
  LINSPACE_75,
  readBarcode,
  reverseBits8,
  writeGeneratedSource,
} from "./awkward_fixtures.ts";
import { tinyDetector, tinySpec } from "./eval_fixtures.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";
import { skipWithoutFixtures } from "./_fixtures.ts";

// Every distort run here passes `quality: false`: no test reads the quality numbers (PSNR/SSIM,
// a second decode of every copy; tests/copy_quality_test.ts covers them).

async function readRows(store: string): Promise<ScoreRow[]> {
  return pl.concat((await listParts(store)).map((p) => pl.readParquet(p)))
    .toRecords() as unknown as ScoreRow[];
}

/**
 * A dataset manifest in `dir` over symbolic links to shared fixtures (ids = file stems). The links
 * lead out of `dir`, so distort needs `allowOutsideLinks` (docs/security.md).
 */
async function linkManifest(dir: string, files: [id: string, file: string, label: 0 | 1][]) {
  await Deno.mkdir(dir, { recursive: true });
  for (const [, file] of files) await Deno.symlink(join(AWKWARD, file), join(dir, file));
  const csv = join(dir, "dataset.csv");
  await Deno.writeTextFile(
    csv,
    ["id,path,label", ...files.map(([id, file, label]) => `${id},${file},${label}`)].join("\n") +
      "\n",
  );
  return csv;
}

Deno.test({
  name: "a stream cut inside a GOP keeps its 75 decodable frames through all 12 copies and eval",
  ignore: skipWithout("ffmpeg", "distort + eval of a stream cut inside a GOP") ||
    skipWithoutFixtures("awkward", "distort + eval of a stream cut inside a GOP"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_headcut_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const out = join(tmp, "copies");
      const summary = await distortDataset(join(AWKWARD, "b01_manifest.csv"), {
        out,
        ops: "paper",
        ffmpeg,
        quality: false,
      });

      await t.step("every copy (unaltered + 12) holds both videos, validated", () => {
        assert.deepEqual(summary.copies.map((c) => c.opId), PAPER_OP_IDS);
        assert.equal(summary.failures, 0, JSON.stringify(summary.copies.map((c) => c.failures)));
        for (const copy of summary.copies) assert.equal(copy.ok, 2, copy.opId);
      });

      await t.step("each copy of the cut has the 75 frames its source decodes to", async () => {
        for (const copy of summary.copies) {
          const manifest = (await readCopyManifest(copy.copyDir))!;
          const cut = manifest.videos.find((v) => v.id === "b01_headcut")!;
          assert.equal(cut.validation?.ok, true, copy.opId);
          assert.equal(cut.validation?.expectedFrameCount, 75, copy.opId);
          const probe = await ffmpeg.probe(join(copy.copyDir, cut.output!));
          assert.equal(probe.frameCount, 75, copy.opId);
          const full = manifest.videos.find((v) => v.id === "b01_full")!;
          assert.equal(full.validation?.frameCount, 100, copy.opId);
        }
      });

      const model = join(tmp, "barcode.onnx");
      await Deno.writeFile(model, barcodeDetector());
      const store = join(tmp, "store");
      const evaluated = await evaluate({
        spec: barcodeSpec(),
        modelPath: model,
        data: out,
        store,
        faces: "sidecar",
        sidecar: join(AWKWARD, "media_sidecar.json"),
        ffmpeg,
      });
      const rows = await readRows(store);

      await t.step("eval samples linspace(75) of the cut in every copy; nothing fails", () => {
        assert.equal(evaluated.failures, 0);
        assert.deepEqual(new Set(rows.map((r) => r.status)), new Set(["ok"]));
        for (const opId of PAPER_OP_IDS) {
          const frames = (id: string) =>
            rows.filter((r) => r.op_id === opId && r.video_id === id).map((r) => r.frame_index)
              .sort((a, b) => a - b);
          assert.deepEqual(frames("b01_headcut"), LINSPACE_75, opId);
          assert.deepEqual(frames("b01_full"), evenlySpacedIndices(100, 32), opId);
        }
      });

      await t.step("sampled frame i shows barcode 25 + linspace(75)[i] (mirrored in hflip)", () => {
        // vflip moves the barcode to the bottom, where the detector does not look.
        for (const opId of PAPER_OP_IDS.filter((id) => id !== "vflip")) {
          for (const row of rows.filter((r) => r.op_id === opId)) {
            const barcode = row.frame_index + (row.video_id === "b01_headcut" ? 25 : 0);
            const expected = opId === "hflip" ? reverseBits8(barcode) : barcode;
            assert.equal(
              Math.round(row.score! * 255),
              expected,
              `${opId} ${row.video_id} frame ${row.frame_index}`,
            );
          }
        }
      });

      await t.step("the vflip copy shows the same barcodes at the bottom", async () => {
        const vflip = summary.copies.find((c) => c.opId === "vflip")!;
        const sampled = await sampleFrames(ffmpeg, join(vflip.copyDir, "videos/b01_headcut.mp4"));
        const barcodes = sampled.frames.map((f) =>
          readBarcode(f, sampled.width, sampled.height, { vflip: true })
        );
        assert.deepEqual(barcodes, LINSPACE_75.map((i) => 25 + i));
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "an odd-sided 4:4:4 clip gets an even-sided crop in every copy, and its boxes map exactly",
  ignore: skipWithout("ffmpeg", "distort of an odd-sided clip") ||
    skipWithoutFixtures("awkward", "distort of an odd-sided clip"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_odd_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const csv = await linkManifest(join(tmp, "source"), [
        ["odd", "odd_333x187_yuv444.mp4", 1],
        ["control", "b06_center.mp4", 0],
      ]);
      const out = join(tmp, "copies");
      const summary = await distortDataset(csv, {
        out,
        ops: "paper",
        ffmpeg,
        quality: false,
        allowOutsideLinks: true,
      });
      const geometryOf = async (opId: string) => {
        const copy = summary.copies.find((c) => c.opId === opId)!;
        const record = (await readCopyManifest(copy.copyDir))!.videos.find((v) => v.id === "odd")!;
        return record.geometry!;
      };

      await t.step(
        "every paper operation makes the copy, with the source's 50 frames",
        async () => {
          assert.equal(summary.failures, 0, JSON.stringify(summary.copies.map((c) => c.failures)));
          for (const copy of summary.copies) {
            const manifest = (await readCopyManifest(copy.copyDir))!;
            const odd = manifest.videos.find((v) => v.id === "odd")!;
            assert.equal(odd.status, "ok", copy.opId);
            assert.equal(odd.validation?.frameCount, 50, copy.opId);
          }
        },
      );

      await t.step("the manifest records the crop to 332x186 where yuv420p needs it", async () => {
        const crop = { x: 0, y: 0, width: 332, height: 186 };
        for (const opId of PAPER_OP_IDS) {
          const g = await geometryOf(opId);
          assert.deepEqual([g.sourceWidth, g.sourceHeight], [333, 187], opId);
          const expected = opId === "unaltered"
            ? [null, 333, 187]
            : opId === "res_half"
            ? [null, 166, 92]
            : opId === "res_quarter"
            ? [null, 82, 46]
            : [crop, 332, 186];
          assert.deepEqual([g.crop, g.width, g.height], expected, opId);
        }
      });

      await t.step("a sidecar box lands where the crop, flip or scale puts it", async () => {
        const sidecar = join(tmp, "faces.json");
        const box = [200, 50, 40, 60];
        const edge = [300, 150, 33, 37]; // touches the right and bottom edges
        await Deno.writeTextFile(
          sidecar,
          JSON.stringify({
            schema: "dfrobust.faces/1",
            videos: {
              odd: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [i, [box, edge]])),
              control: {},
            },
          }),
        );
        const model = join(tmp, "tiny.onnx");
        await Deno.writeFile(model, tinyDetector("mean"));
        const store = join(tmp, "store");
        await evaluate({
          spec: tinySpec({ faces: "all", faceRule: "max" }),
          modelPath: model,
          data: out,
          store,
          faces: "sidecar",
          sidecar,
          frames: 2,
          ffmpeg,
        });
        const rows = (await readRows(store)).filter((r) => r.video_id === "odd");
        // Written out by hand (not through mapBoxExact): [x, y, w, h] of both boxes per copy.
        // Boxes are mapped, never clipped (the detector's crop rule decides what a box that
        // sticks out gives): the edge box keeps its size and sticks out by one pixel where the
        // 332x186 crop cut its last column and row.
        const sx2 = 166 / 333, sy2 = 92 / 187, sx4 = 82 / 333, sy4 = 46 / 187;
        const cropped = [[200, 50, 40, 60], [300, 150, 33, 37]];
        const expected: Record<string, number[][]> = {
          unaltered: [[200, 50, 40, 60], [300, 150, 33, 37]],
          hflip: [[332 - 240, 50, 40, 60], [332 - 333, 150, 33, 37]],
          vflip: [[200, 186 - 110, 40, 60], [300, 186 - 187, 33, 37]],
          res_half: [
            [200 * sx2, 50 * sy2, 40 * sx2, 60 * sy2],
            [300 * sx2, 150 * sy2, 33 * sx2, 37 * sy2],
          ],
          res_quarter: [
            [200 * sx4, 50 * sy4, 40 * sx4, 60 * sy4],
            [300 * sx4, 150 * sy4, 33 * sx4, 37 * sy4],
          ],
        };
        for (const opId of PAPER_OP_IDS) {
          const want = expected[opId] ?? cropped;
          const faces = rows.filter((r) => r.op_id === opId && r.frame_index === 0)
            .map((r) => [r.box_x!, r.box_y!, r.box_w!, r.box_h!])
            .sort((a, b) => b[2] * b[3] - a[2] * a[3]);
          assert.equal(faces.length, 2, opId);
          const sorted = [...want].sort((a, b) => b[2] * b[3] - a[2] * a[3]);
          faces.forEach((f, i) =>
            f.forEach((v, k) =>
              assert.ok(Math.abs(v - sorted[i][k]) < 1e-3, `${opId} box ${i}: ${f} vs ${sorted[i]}`)
            )
          );
        }
      });

      await t.step(
        "flips of the cropped picture are exact mirrors of its 332x186 pixels",
        async () => {
          // The odd-sided clip alone: the control is not what this step looks at.
          const oddOnly = await linkManifest(join(tmp, "odd_only"), [
            ["odd", "odd_333x187_yuv444.mp4", 1],
          ]);
          const lossless = await distortDataset(oddOnly, {
            out: join(tmp, "lossless"),
            ops: "hflip,vflip",
            profile: "lossless",
            ffmpeg,
            quality: false,
            allowOutsideLinks: true,
          });
          const source = await sampleFrames(ffmpeg, join(tmp, "source", "odd_333x187_yuv444.mp4"), {
            indices: [7],
          });
          for (const copy of lossless.copies) {
            const sampled = await sampleFrames(ffmpeg, join(copy.copyDir, "videos/odd.mp4"), {
              indices: [7],
            });
            assert.deepEqual([sampled.width, sampled.height], [332, 186]);
            // Mean luma difference to the source mirrored about 332x186 (right), and about 333x187
            // (one pixel off): the first is chroma-subsampling noise, the second an edge shift.
            const diff = (shift: number) => {
              let sum = 0;
              for (let y = 0; y < 186; y++) {
                for (let x = 0; x < 332; x++) {
                  const sx = copy.opId === "hflip" ? 331 - x + shift : x;
                  const sy = copy.opId === "vflip" ? 185 - y + shift : y;
                  const a = (y * 332 + x) * 3;
                  const b = (sy * 333 + sx) * 3;
                  sum += Math.abs(luma(sampled.frames[0], a) - luma(source.frames[0], b));
                }
              }
              return sum / (332 * 186);
            };
            const exact = diff(0);
            const shifted = diff(1);
            assert.ok(exact < 3 && shifted > 3 * exact, `${copy.opId}: ${exact} vs ${shifted}`);
          }
        },
      );
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

function luma(rgb: Uint8Array, at: number): number {
  return 0.299 * rgb[at] + 0.587 * rgb[at + 1] + 0.114 * rgb[at + 2];
}

/** Distorts the generated sources with `ops` under `profile`; checks every copy of every video. */
async function distortGenerated(
  ffmpeg: Ffmpeg,
  dir: string,
  options: { ops: string; profile: "paper" | "lossless"; sources: typeof GENERATED_SOURCES },
): Promise<void> {
  const lines = ["id,path,label"];
  for (const [i, source] of options.sources.entries()) {
    await writeGeneratedSource(ffmpeg, dir, source);
    lines.push(`${source.file.replace(/\W/g, "_")},${source.file},${i % 2}`);
  }
  const csv = join(dir, "dataset.csv");
  await Deno.writeTextFile(csv, lines.join("\n") + "\n");
  const summary = await distortDataset(csv, {
    out: join(dir, `copies_${options.profile}`),
    ops: options.ops,
    profile: options.profile,
    ffmpeg,
    quality: false,
  });
  assert.equal(summary.failures, 0, JSON.stringify(summary.copies.map((c) => c.failures)));
  for (const copy of summary.copies) {
    const manifest = (await readCopyManifest(copy.copyDir))!;
    for (const video of manifest.videos) {
      const label = `${copy.opId}/${video.id}`;
      assert.equal(video.validation?.frameCount, 10, label);
      const g = video.geometry!;
      assert.deepEqual([video.validation?.width, video.validation?.height], [g.width, g.height]);
      if (copy.opId !== "unaltered") {
        assert.ok(g.width % 2 === 0 && g.height % 2 === 0, `${label}: ${g.width}x${g.height}`);
      }
    }
  }
}

Deno.test({
  name: "odd-sided sources in ffv1/mkv, 4:4:4 mp4, 4:2:2 mov, yuv420p avi and rgb png/mov go " +
    "through every operation under both profiles",
  ignore: skipWithout("ffmpeg", "distort of generated odd-sided sources"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_generated_" });
    try {
      await withFfmpeg("native", async (ffmpeg) => {
        const ops = "paper,chain:half_flip=res_half+hflip,chain:flip_quarter=vflip+res_quarter";
        await t.step("profile paper: every source, paper operations and two chains", async () => {
          await distortGenerated(ffmpeg, join(tmp, "paper"), {
            ops,
            profile: "paper",
            sources: GENERATED_SOURCES,
          });
        });
        // The profile changes only the rate control: two sources (4:4:4 and 4:2:2) suffice.
        await t.step("profile lossless: ffv1/mkv and 4:2:2 mov, the same operations", async () => {
          await distortGenerated(ffmpeg, join(tmp, "lossless"), {
            ops,
            profile: "lossless",
            sources: GENERATED_SOURCES.filter((s) => /ffv1_444|x264_422/.test(s.file)),
          });
        });
      });
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "ffmpeg.wasm makes the same copies of the cut stream and of an odd-sided ffv1/mkv source",
  ignore: skipWithout("ffmpeg", "distort with ffmpeg.wasm") ||
    skipWithoutFixtures("awkward", "distort with ffmpeg.wasm"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_wasm_awkward_" });
    const ops = "unaltered,h264_crf40,hflip,res_quarter,grayscale";
    try {
      for (const backend of ["wasm"] as BackendChoice[]) {
        await withFfmpeg(backend, async (ffmpeg) => {
          await t.step("the cut stream: 75 frames in every copy", async () => {
            const csv = await linkManifest(join(tmp, "cut"), [["cut", "b01_headcut.ts", 1]]);
            const summary = await distortDataset(csv, {
              out: join(tmp, "cut_copies"),
              ops,
              ffmpeg,
              quality: false,
              allowOutsideLinks: true,
            });
            assert.equal(
              summary.failures,
              0,
              JSON.stringify(summary.copies.map((c) => c.failures)),
            );
            for (const copy of summary.copies) {
              const video = (await readCopyManifest(copy.copyDir))!.videos[0];
              assert.equal(video.validation?.frameCount, 75, copy.opId);
            }
          });
          await t.step(
            "an odd-sided ffv1 in Matroska: cropped, 10 frames in every copy",
            async () => {
              await distortGenerated(ffmpeg, join(tmp, "generated"), {
                ops,
                profile: "lossless",
                sources: GENERATED_SOURCES.filter((s) => s.file.endsWith(".mkv")),
              });
            },
          );
        });
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
