import assert from "node:assert/strict";
import { join } from "node:path";
import type { BackendChoice } from "../media/ffmpeg.ts";
import { evenlySpacedIndices, sampleFrames } from "../media/frames.ts";
import { AWKWARD, LINSPACE_75, readBarcode } from "./awkward_fixtures.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";
import { skipWithoutFixtures } from "./_fixtures.ts";

const HEADCUT = join(AWKWARD, "b01_headcut.ts");
const FULL = join(AWKWARD, "b01_full.ts");
const ODD = join(AWKWARD, "odd_333x187_yuv444.mp4");

for (const backend of ["native", "wasm"] as BackendChoice[]) {
  Deno.test({
    name: `${backend}: a stream cut inside a GOP counts the 75 frames its decoder returns, ` +
      `and sampled frame i shows barcode 25 + linspace(75)[i]`,
    ignore: skipWithout("ffmpeg", `media frame count (${backend})`) ||
      skipWithoutFixtures("awkward", `media frame count (${backend})`),
    async fn(t) {
      await withFfmpeg(backend, async (ffmpeg) => {
        await t.step(
          "probe() gives 75 frames for the cut (92 packets), 100 for the uncut",
          async () => {
            assert.equal((await ffmpeg.probe(HEADCUT)).frameCount, 75);
            assert.equal((await ffmpeg.probe(FULL)).frameCount, 100);
            assert.equal((await ffmpeg.probe(ODD)).frameCount, 50);
          },
        );

        await t.step(
          "the 32 sampled frames are numpy's linspace(75), each the right frame",
          async () => {
            const sampled = await sampleFrames(ffmpeg, HEADCUT);
            assert.deepEqual(evenlySpacedIndices(75, 32), LINSPACE_75);
            assert.deepEqual(sampled.indices, LINSPACE_75);
            const barcodes = sampled.frames.map((f) =>
              readBarcode(f, sampled.width, sampled.height)
            );
            assert.deepEqual(barcodes, LINSPACE_75.map((i) => 25 + i));
          },
        );

        await t.step("the uncut control shows barcode i on frame i", async () => {
          const sampled = await sampleFrames(ffmpeg, FULL, { indices: [0, 24, 25, 99] });
          const barcodes = sampled.frames.map((f) => readBarcode(f, sampled.width, sampled.height));
          assert.deepEqual(barcodes, [0, 24, 25, 99]);
        });

        await t.step("frame 75 of the cut is past its end: an error naming the file", async () => {
          await assert.rejects(
            () => sampleFrames(ffmpeg, HEADCUT, { indices: [74, 75] }),
            /Cannot decode ".*b01_headcut\.ts": frame 75 is past the end: the decoder returns 75 frames/,
          );
        });
      });
    },
  });
}
