/**
 * distortVideo(), the one-call API: its output is byte for byte the video distort puts in the
 * same operation's copy (same profile, same ffmpeg), for even, odd-sided and size-changing
 * sources, on native ffmpeg and ffmpeg.wasm; family + severity picks the ladder level distort's
 * --severity picks; bad calls throw naming the input and leave nothing at dst.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { distortVideo } from "../artifacts/distort_video.ts";
import { type Ffmpeg, FfmpegError, openFfmpeg } from "../media/ffmpeg.ts";
import { findFamily, UnknownOperationError } from "../ops/catalog.ts";
import { chainInstance } from "../ops/chain.ts";
import { makeClip, writeManifest } from "./distort_fixtures.ts";
import { GENERATED_SOURCES, writeGeneratedSource } from "./awkward_fixtures.ts";
import { writeSizeChangeVideo } from "./stream_fixtures.ts";
import { skipWithout } from "./_tools.ts";

/**
 * Runs distortDataset over `sources` with `ops` and `profile`, then distortVideo on each
 * (source, op) with the same ffmpeg, and asserts identical bytes, hash, geometry and segments.
 */
async function assertSameAsDistort(
  ffmpeg: Ffmpeg,
  dir: string,
  sources: [id: string, path: string][],
  ops: string,
  profile: "paper" | "lossless",
): Promise<number> {
  const manifest = await writeManifest(dir, sources.map(([id, path]) => [id, path, 0]));
  const out = join(dir, `copies_${profile}`);
  // Quality (PSNR/SSIM, a second decode of every copy) is not part of the bytes compared here.
  const summary = await distortDataset(manifest, { out, ops, profile, ffmpeg, quality: false });
  assert.equal(summary.failures, 0);
  let compared = 0;
  for (const copy of summary.copies) {
    const copyManifest = (await readCopyManifest(copy.copyDir))!;
    for (const video of copyManifest.videos) {
      const src = join(dir, sources.find(([id]) => id === video.id)![1]);
      const dst = join(dir, "single", profile, copy.opId, `${video.id}.mp4`);
      const single = await distortVideo(src, dst, { op: copy.opId, profile, ffmpeg });
      const label = `${copy.opId} of ${video.id} (${profile}, ${ffmpeg.backend})`;
      assert.deepEqual(
        await Deno.readFile(dst),
        await Deno.readFile(join(copy.copyDir, video.output!)),
        label,
      );
      assert.equal(single.sha256, video.outputSha256, label);
      assert.equal(single.path, dst);
      assert.equal(single.op.id, copy.opId);
      assert.deepEqual(single.geometry, video.geometry, label);
      assert.deepEqual(single.segments, video.segments, label);
      assert.ok(single.validation.ok, label);
      assert.equal(single.profile, copyManifest.profile, label);
      compared++;
    }
  }
  return compared;
}

Deno.test({
  name:
    "distortVideo() writes the bytes distort puts in the same operation's copy, for even, odd and size-changing sources",
  ignore: skipWithout("ffmpeg", "distortVideo"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_distort_video_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      await makeClip(ffmpeg, join(dir, "even.mp4"), { width: 96, height: 64, frames: 8 });
      const odd = GENERATED_SOURCES.find((s) => s.width % 2 === 1 && s.height % 2 === 1)!;
      const oddPath = await writeGeneratedSource(ffmpeg, dir, odd, 8);
      const sizes = await writeSizeChangeVideo(ffmpeg, dir, {
        file: "sizes.mp4",
        codec: ["-c:v", "libx264", "-crf", "10", "-pix_fmt", "yuv420p"],
        segments: [{ frames: 5, width: 96, height: 64 }, { frames: 5, width: 64, height: 48 }],
      });
      const sources: [string, string][] = [
        ["even", "even.mp4"],
        ["odd", oddPath.slice(dir.length + 1)],
        ["sizes", sizes.slice(dir.length + 1)],
      ];
      await t.step("paper profile, every category", async () => {
        const ops = "unaltered,h264_crf40,noise,hflip,res_half,vintage,lighten";
        assert.equal(await assertSameAsDistort(ffmpeg, dir, sources, ops, "paper"), 7 * 3);
      });
      await t.step("lossless profile", async () => {
        const ops = "grayscale,vflip,res_quarter";
        assert.equal(await assertSameAsDistort(ffmpeg, dir, sources, ops, "lossless"), 3 * 3);
      });
      await t.step("a chain given as an instance", async () => {
        const chain = chainInstance({ name: "flipnoise", ops: ["hflip", "noise"] });
        const manifest = await writeManifest(dir, [["even", "even.mp4", 0]]);
        const summary = await distortDataset(manifest, {
          out: join(dir, "chain"),
          ops: "chain:flipnoise=hflip+noise",
          ffmpeg,
          quality: false,
        });
        const copy = summary.copies[0];
        const video = (await readCopyManifest(copy.copyDir))!.videos[0];
        const single = await distortVideo(join(dir, "even.mp4"), join(dir, "chain.mp4"), {
          op: chain,
          ffmpeg,
        });
        assert.equal(single.sha256, video.outputSha256);
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "distortVideo() on ffmpeg.wasm writes the bytes distort writes on ffmpeg.wasm",
  ignore: skipWithout("ffmpeg", "distortVideo on wasm"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_distort_video_wasm_" });
    const native = await openFfmpeg("native");
    const wasm = await openFfmpeg("wasm");
    try {
      // Odd sides: the even-sided crop goes through the wasm graph too.
      await makeClip(native, join(dir, "a.mp4"), { width: 66, height: 50, frames: 6 });
      const odd = join(dir, "b.mkv");
      await native.run({
        args: [
          ...["-f", "lavfi", "-i", "testsrc2=s=68x50:r=25", "-vf", "crop=67:49:0:0:exact=1"],
          ...["-frames:v", "6", "-c:v", "ffv1", "-pix_fmt", "yuv444p", `file:${odd}`],
        ],
        inputs: [],
        outputs: [odd],
      });
      const compared = await assertSameAsDistort(
        wasm,
        dir,
        [["a", "a.mp4"], ["b", "b.mkv"]],
        "noise,hflip",
        "paper",
      );
      assert.equal(compared, 4);
      // An encoder ffmpeg.wasm lacks: the message distort gives, and nothing at the output.
      const av1 = join(dir, "a_av1.mp4");
      await assert.rejects(
        () => distortVideo(join(dir, "a.mp4"), av1, { op: "av1_crf35", ffmpeg: wasm }),
        /a\.mp4.*av1_crf35.*no libsvtav1 encoder/,
      );
      await assert.rejects(() => Deno.stat(av1), Deno.errors.NotFound);
    } finally {
      await wasm.close();
      await native.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "distortVideo() takes a family and a severity as distort's --severity does, and refuses what names no single operation",
  ignore: skipWithout("ffmpeg", "distortVideo operations"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_distort_video_ops_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const src = join(dir, "a.mp4");
      await makeClip(ffmpeg, src, { width: 64, height: 48, frames: 4 });
      await t.step(
        "a family alone is its paper level; with a severity, that ladder level",
        async () => {
          const noise = await distortVideo(src, join(dir, "n.mp4"), { op: "noise", ffmpeg });
          assert.equal(noise.op.id, "noise");
          const levels = findFamily("res")!.levels;
          for (const severity of [1, 2, levels.length]) {
            const out = await distortVideo(src, join(dir, `r${severity}.mp4`), {
              op: "res",
              severity,
              ffmpeg,
            });
            assert.equal(out.op.id, levels[severity - 1].id);
            assert.deepEqual(
              [out.geometry.width, out.geometry.height],
              [out.validation.width, out.validation.height],
            );
          }
          const lossless = await distortVideo(src, join(dir, "g.mp4"), {
            op: "grayscale",
            profile: "lossless",
            ffmpeg,
          });
          assert.ok(lossless.argv.includes("-qp"));
          assert.equal(lossless.argv.at(-1), `file:${join(dir, "g.mp4")}`);
        },
      );
      await t.step("unaltered is the source's bytes", async () => {
        const out = await distortVideo(src, join(dir, "u.mp4"), { op: "unaltered", ffmpeg });
        assert.equal(out.profile, "source");
        assert.deepEqual(await Deno.readFile(join(dir, "u.mp4")), await Deno.readFile(src));
      });
      await t.step("errors name the input and leave nothing behind", async () => {
        const before = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
        const dst = join(dir, "x", "out.mp4");
        await assert.rejects(
          distortVideo(src, dst, { op: "h264", ffmpeg }),
          /"h264" names 2 operations \(h264_crf23, h264_crf40\)/,
        );
        await assert.rejects(
          distortVideo(src, dst, { op: "paper", ffmpeg }),
          /names 13 operations/,
        );
        await assert.rejects(
          distortVideo(src, dst, { op: "smudge", ffmpeg }),
          UnknownOperationError,
        );
        await assert.rejects(
          distortVideo(src, dst, { op: "res", severity: 99, ffmpeg }),
          /--severity 99: family "res" has levels/,
        );
        await assert.rejects(
          distortVideo(src, src, { op: "hflip", ffmpeg }),
          /is the source itself/,
        );
        await assert.rejects(
          distortVideo(join(dir, "missing.mp4"), dst, { op: "hflip", ffmpeg }),
          (e: Error) => e instanceof FfmpegError && e.message.includes("missing.mp4"),
        );
        const broken = join(dir, "broken.mp4");
        await Deno.writeTextFile(broken, "not a video");
        await assert.rejects(
          distortVideo(broken, dst, { op: "hflip", ffmpeg }),
          (e: Error) => e.message.includes("broken.mp4"),
        );
        const after = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
        assert.deepEqual(after, [...before, "broken.mp4"].sort());
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
