import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset } from "../artifacts/distort.ts";
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { getOperation } from "../ops/catalog.ts";
import { makeClip, writeManifest } from "./distort_fixtures.ts";
import { skipWithout } from "./_tools.ts";

/** Luma of `frames` frames of `source` (a lavfi graph) after `filter`, as raw bytes. */
async function lumaFrames(ffmpeg: Ffmpeg, source: string, filter: string, frames: number) {
  const { stdout } = await ffmpeg.run({
    args: [
      "-f",
      "lavfi",
      "-i",
      source,
      "-frames:v",
      String(frames),
      "-vf",
      `format=yuv420p,${filter}`,
      "-f",
      "rawvideo",
      "-pix_fmt",
      "gray",
      "pipe:1",
    ],
    inputs: [],
    outputs: [],
    captureStdout: true,
  });
  return stdout;
}

function moments(values: number[]) {
  const n = values.length;
  const m = values.reduce((a, b) => a + b, 0) / n;
  const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / n;
  const k = values.reduce((a, b) => a + (b - m) ** 4, 0) / n / (v * v);
  return { mean: m, std: Math.sqrt(v), kurtosis: k };
}

Deno.test({
  name:
    "ffmpeg's noise filter as the catalog uses it is Gaussian, sigma about s/sqrt(3), new each frame",
  ignore: skipWithout("ffmpeg", "ops noise filter"),
  async fn() {
    const ffmpeg = await openFfmpeg("native");
    try {
      const flat = "color=c=0x808080:s=128x128:r=25";
      const size = 128 * 128;
      const clean = await lumaFrames(ffmpeg, flat, "null", 2);
      const filter = getOperation("noise_s30").filter!;
      const noisy = await lumaFrames(ffmpeg, flat, filter, 2);
      const residual = Array.from(noisy.subarray(0, size), (v, i) => v - clean[i]);
      const g = moments(residual);
      assert.ok(Math.abs(g.mean) < 1, `mean ${g.mean}`);
      // The source scales a unit normal by s/sqrt(3) = 17.3; measured on Debian 5.1: 19.4
      // (truncation to int8 and the per-line table shifts widen it a little).
      assert.ok(g.std > 30 * 0.55 && g.std < 30 * 0.7, `std ${g.std}`);
      // Gaussian kurtosis is 3, uniform 1.8: this tells them apart.
      assert.ok(g.kurtosis > 2.6 && g.kurtosis < 3.4, `kurtosis ${g.kurtosis}`);
      const uniform = await lumaFrames(ffmpeg, flat, filter.replace("allf=t", "allf=t+u"), 1);
      const u = moments(Array.from(uniform, (v, i) => v - clean[i]));
      assert.ok(u.kurtosis < 2.1, `uniform kurtosis ${u.kurtosis}`);
      assert.notDeepEqual(noisy.subarray(0, size), noisy.subarray(size), "temporal: frames differ");
      assert.deepEqual(
        await lumaFrames(ffmpeg, flat, filter, 2),
        noisy,
        "all_seed makes it repeatable",
      );
    } finally {
      await ffmpeg.close();
    }
  },
});

Deno.test({
  name: "the paper levels of lighten and darken equal ffmpeg's curves presets lighter and darker",
  ignore: skipWithout("ffmpeg", "ops curves presets"),
  async fn(t) {
    const ffmpeg = await openFfmpeg("native");
    try {
      const src = "testsrc2=s=64x48:r=25";
      for (const [id, preset] of [["lighten", "lighter"], ["darken", "darker"]]) {
        await t.step(`${id} = curves=preset=${preset}`, async () => {
          assert.deepEqual(
            await lumaFrames(ffmpeg, src, getOperation(id).filter!, 2),
            await lumaFrames(ffmpeg, src, `curves=preset=${preset}`, 2),
          );
        });
      }
    } finally {
      await ffmpeg.close();
    }
  },
});

Deno.test({
  name:
    "one split process writes the same bytes as one process per operation or per budgeted group",
  ignore: skipWithout("ffmpeg", "ops split graph"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_split_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      await makeClip(ffmpeg, join(dir, "a.mp4"), { width: 64, height: 48, frames: 10 });
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const ops = "noise,hflip,res_quarter,h264_crf40,chain:web=vflip+contrast";
      const split = await distortDataset(manifest, { out: join(dir, "split"), ops, ffmpeg });
      const perOp = await distortDataset(manifest, {
        out: join(dir, "per_op"),
        ops,
        ffmpeg,
        maxOpsPerProcess: 1,
      });
      const hashes = async (s: typeof split) =>
        await Promise.all(
          s.copies.map(async (c) => (await readCopyManifest(c.copyDir))!.videos[0].outputSha256),
        );
      const a = await hashes(split);
      assert.ok(a.every((h) => h !== null));
      assert.deepEqual(a, await hashes(perOp));
      // A memory budget for two 64x48 branches (150 yuv420p frames each) groups 5 ops as 2+2+1.
      let runs = 0;
      const counted: Ffmpeg = { ...ffmpeg, run: (job) => (runs++, ffmpeg.run(job)) };
      const budgeted = await distortDataset(manifest, {
        out: join(dir, "budget"),
        ops,
        ffmpeg: counted,
        memoryBudgetBytes: 64 * 48 * 1.5 * 150 * 2,
      });
      // 2+2+1 encoding processes, and one that measures the five copies' quality (issue 23).
      assert.equal(runs, 4);
      assert.deepEqual(await hashes(budgeted), a);
      const argv = (await readCopyManifest(split.copies[0].copyDir))!.videos[0].argv;
      // The video stream by its absolute index (media/video_stream.ts), never `0:v`.
      assert.ok(argv.some((x) => x.startsWith("[0:0]split=5")), argv.join(" "));
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
