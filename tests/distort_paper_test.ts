import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset } from "../artifacts/distort.ts";
import { type CopyManifest, readCopyManifest } from "../artifacts/copy_manifest.ts";
import { readDatasetManifest } from "../dataset/manifest.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { CATALOG_VERSION, PAPER_OP_IDS } from "../ops/catalog.ts";
import { sha256File } from "../util/hash.ts";
import {
  decodeYuv,
  makeClip,
  mean,
  psnr,
  writeManifest,
  type YuvFrame,
} from "./distort_fixtures.ts";
import { skipWithout } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";

function mirrorRows(plane: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(plane.length);
  for (let row = 0; row < plane.length / width; row++) {
    for (let x = 0; x < width; x++) out[row * width + x] = plane[row * width + width - 1 - x];
  }
  return out;
}

function flipRows(plane: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(plane.length);
  const rows = plane.length / width;
  for (let row = 0; row < rows; row++) {
    out.set(plane.subarray((rows - 1 - row) * width, (rows - row) * width), row * width);
  }
  return out;
}

function std(plane: Uint8Array): number {
  const m = mean(plane);
  let sum = 0;
  for (const v of plane) sum += (v - m) ** 2;
  return Math.sqrt(sum / plane.length);
}

Deno.test({
  name: "distortDataset() makes a valid copy per paper operation that shows the intended change",
  ignore: skipWithout("ffmpeg", "distort paper operations"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_paper_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const clip = join(dir, "clip.mp4");
      await makeClip(ffmpeg, clip, { width: 96, height: 64, frames: 12, audio: true });
      const manifest = await writeManifest(dir, [["clip", "clip.mp4", 1]]);
      const summary = await distortDataset(manifest, {
        out: join(dir, "out"),
        ops: "paper",
        profile: "lossless",
        ffmpeg,
      });
      assert.deepEqual(summary.copies.map((c) => c.opId), [...PAPER_OP_IDS]);
      assert.equal(summary.failures, 0);
      const source = await decodeYuv(ffmpeg, clip);
      const copies = new Map<
        string,
        { manifest: CopyManifest; path: string; frames: YuvFrame[] }
      >();
      for (const copy of summary.copies) {
        const m = (await readCopyManifest(copy.copyDir))!;
        const path = join(copy.copyDir, m.videos[0].output!);
        copies.set(copy.opId, { manifest: m, path, frames: await decodeYuv(ffmpeg, path) });
      }
      const get = (id: string) => copies.get(id)!;

      await t.step(
        "every copy has a complete manifest, dataset.csv and a validated output",
        async () => {
          for (const [id, { manifest: m, frames }] of copies) {
            assert.equal(m.schema, "dfrobust.copy/1");
            assert.equal(m.op.id, id);
            assert.equal(m.catalogVersion, CATALOG_VERSION);
            assert.equal(m.profile, id === "unaltered" ? "source" : "lossless");
            assert.deepEqual(m.counts, { total: 1, ok: 1, failed: 0 });
            assert.equal(m.videos[0].validation?.ok, true, id);
            assert.equal(frames.length, 12, id);
            const dataset = await readDatasetManifest(
              join(summary.copies.find((c) => c.opId === id)!.copyDir, "dataset.csv"),
            );
            assert.deepEqual(dataset.map((e) => [e.id, e.label]), [["clip", 1]]);
            if (id !== "unaltered") {
              assert.equal(m.audio, "dropped");
              assert.equal((await ffmpeg.probe(get(id).path)).hasAudio, false, `${id} drops audio`);
              assert.ok(m.backend?.ffmpegVersion, id);
              assert.equal(m.videos[0].outputSha256, await sha256File(get(id).path));
            }
          }
        },
      );
      await t.step("unaltered holds the source bytes", async () => {
        assert.equal(await sha256File(get("unaltered").path), await sha256File(clip));
      });
      await t.step("hflip and vflip equal the mirrored source frames", () => {
        for (let k = 0; k < 12; k++) {
          const s = source[k];
          const h = get("hflip").frames[k];
          const v = get("vflip").frames[k];
          assert.deepEqual(h.y, mirrorRows(s.y, 96));
          assert.deepEqual(h.u, mirrorRows(s.u, 48));
          assert.deepEqual(v.y, flipRows(s.y, 96));
          assert.deepEqual(v.v, flipRows(s.v, 48));
        }
        assert.deepEqual(get("hflip").manifest.geometry, { hflip: true, vflip: false, scale: 1 });
      });
      await t.step("lighten raises and darken lowers mean luma; contrast widens it", () => {
        const luma = (id: string) => mean(get(id).frames[5].y);
        assert.ok(luma("lighten") > mean(source[5].y) + 3, `lighten ${luma("lighten")}`);
        assert.ok(luma("darken") < mean(source[5].y) - 3, `darken ${luma("darken")}`);
        assert.ok(std(get("contrast").frames[5].y) > std(source[5].y) * 1.2);
      });
      await t.step("grayscale removes chroma and vintage changes colour", () => {
        for (const frame of get("grayscale").frames) {
          assert.ok(frame.u.every((x) => x === 128) && frame.v.every((x) => x === 128));
        }
        assert.ok(psnr(get("vintage").frames[3].u, source[3].u) < 35);
      });
      await t.step("resolution copies have the expected even sizes", () => {
        assert.deepEqual([get("res_half").frames[0].width, get("res_half").frames[0].height], [
          48,
          32,
        ]);
        assert.deepEqual(
          [get("res_quarter").frames[0].width, get("res_quarter").frames[0].height],
          [24, 16],
        );
        assert.equal(get("res_quarter").manifest.geometry.scale, 0.25);
      });
      await t.step("noise changes every frame, differently from frame to frame", () => {
        const residual = (k: number) =>
          get("noise").frames[k].y.map((v, i) => (v - source[k].y[i] + 256) % 256);
        assert.ok(psnr(get("noise").frames[0].y, source[0].y) < 40);
        assert.notDeepEqual(residual(0), residual(1));
      });
      await t.step("CRF 40 is smaller than CRF 23 and further from the source", async () => {
        const size = async (id: string) => (await Deno.stat(get(id).path)).size;
        assert.ok(await size("h264_crf40") < await size("h264_crf23"));
        assert.ok(
          psnr(get("h264_crf40").frames[4].y, source[4].y) <
            psnr(get("h264_crf23").frames[4].y, source[4].y),
        );
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "distortDataset() copies the real Hamilton clip under the paper profile with exact frame counts",
  ignore: skipWithout("ffmpeg", "distort real clip") ||
    skipWithoutFixtures("video", "distort real clip"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_real_" });
    try {
      // A manifest beside a symlink keeps the fixture read-only and outside the repo.
      await Deno.symlink(
        join(FIXTURES, "video/short_hamilton_clip.mp4"),
        join(dir, "hamilton.mp4"),
      );
      const manifest = await writeManifest(dir, [["hamilton", "hamilton.mp4", 0]]);
      const summary = await distortDataset(manifest, {
        out: join(dir, "out"),
        ops: "unaltered,res_quarter,grayscale,chain:social=res_half+vintage+h264_crf40",
        backend: "native",
        // The link leads out of the manifest's folder (docs/security.md).
        allowOutsideLinks: true,
        // Only frame counts, rates and sizes are checked: no second decode for PSNR/SSIM.
        quality: false,
      });
      assert.equal(summary.failures, 0, JSON.stringify(summary.copies.map((c) => c.failures)));
      for (const copy of summary.copies) {
        const m = (await readCopyManifest(copy.copyDir))!;
        const v = m.videos[0].validation!;
        assert.equal(v.frameCount, 275, copy.opId);
        assert.ok(Math.abs(v.fps - 29.97) < 0.01, copy.opId);
      }
      const social = (await readCopyManifest(summary.copies.at(-1)!.copyDir))!;
      assert.equal(social.op.family, "chain");
      assert.deepEqual([social.videos[0].validation!.width, social.videos[0].validation!.height], [
        320,
        180,
      ]);
      assert.equal(social.op.crf, 40);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
