import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset, type DistortSummary } from "../artifacts/distort.ts";
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { decodeYuv, makeClip, psnr, writeManifest } from "./distort_fixtures.ts";
import { skipWithout } from "./_tools.ts";

async function outputOf(summary: DistortSummary, opId: string): Promise<string> {
  const copy = summary.copies.find((c) => c.opId === opId)!;
  return join(copy.copyDir, (await readCopyManifest(copy.copyDir))!.videos[0].output!);
}

Deno.test({
  name:
    "native ffmpeg and ffmpeg.wasm give identical frames under lossless and close ones under paper",
  ignore: skipWithout("ffmpeg", "distort backends"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_backends_" });
    const native = await openFfmpeg("native");
    let wasm: Ffmpeg | undefined;
    try {
      wasm = await openFfmpeg("wasm");
      await makeClip(native, join(dir, "a.mp4"), { width: 64, height: 48, frames: 8 });
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const run = (ffmpeg: Ffmpeg, out: string, ops: string, profile: "paper" | "lossless") =>
        // Quality (PSNR/SSIM, a second decode of every copy) is not what this suite compares.
        distortDataset(manifest, { out: join(dir, out), ops, profile, ffmpeg, quality: false });

      await t.step(
        "lossless copies of pixel-exact operations decode to the same frames",
        async () => {
          // Filters that go through swscale (curves' RGB conversion, scale) differ in the last bit
          // between x86 SIMD and wasm's C code (PSNR ~55 dB), so they are not in this list.
          const ops = "hflip,vflip,grayscale,noise,contrast";
          const a = await run(native, "native_lossless", ops, "lossless");
          const b = await run(wasm!, "wasm_lossless", ops, "lossless");
          assert.equal(a.failures + b.failures, 0);
          assert.equal(b.backend.backend, "wasm");
          assert.notEqual(
            a.copies[0].artifactId,
            b.copies[0].artifactId,
            "the backend is in the id",
          );
          for (const copy of a.copies) {
            const fa = await decodeYuv(native, await outputOf(a, copy.opId));
            const fb = await decodeYuv(native, await outputOf(b, copy.opId));
            assert.equal(fa.length, 8);
            assert.deepEqual(fb, fa, copy.opId);
          }
        },
      );
      await t.step("paper copies are within 35 dB PSNR of each other", async () => {
        const ops = "hflip,lighten,res_half,vintage";
        const a = await run(native, "native_paper", ops, "paper");
        const b = await run(wasm!, "wasm_paper", ops, "paper");
        for (const copy of a.copies) {
          const fa = await decodeYuv(native, await outputOf(a, copy.opId));
          const fb = await decodeYuv(native, await outputOf(b, copy.opId));
          const worst = Math.min(...fa.map((f, k) => psnr(f.y, fb[k].y)));
          assert.ok(worst > 35, `${copy.opId}: ${worst.toFixed(1)} dB`);
        }
      });
    } finally {
      await wasm?.close();
      await native.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
