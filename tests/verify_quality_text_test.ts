/**
 * `verify --quality` over copies whose numbers are all recorded says so and shows them (it used to
 * print "0 videos measured, 0 manifests updated" and nothing else), from a relative copies folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset } from "../artifacts/distort.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { selectOperations } from "../ops/select.ts";
import { makeClip, writeManifest } from "./distort_fixtures.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";

Deno.test({
  name: "verify --quality shows the numbers copies already had, and how many",
  ignore: skipWithout("ffmpeg", "verify quality"),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_verify quality_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      await makeClip(ffmpeg, join(tmp, "a.mp4"), { width: 64, height: 48, frames: 6 });
      await makeClip(ffmpeg, join(tmp, "b.mp4"), { width: 64, height: 48, frames: 8 });
      const csv = await writeManifest(tmp, [["a", "a.mp4", 1], ["b", "b.mp4", 0]]);
      const ops = await selectOperations("unaltered,hflip", { severity: "all" });
      await distortDataset(csv, { out: join(tmp, "copies"), ops, ffmpeg, jobs: 1 });

      const text = await runDenoTask("tasks/verify.ts", ["copies", "--quality"], { cwd: tmp });
      assert.equal(text.code, 0, text.stderr);
      assert.match(
        text.stdout,
        /quality: 0 videos measured now, 0 manifests updated; 4 videos already had their numbers/,
      );
      const lines = text.stdout.split("\n").filter((l) => l.startsWith("  quality: "));
      assert.equal(lines.length, 2, text.stdout);
      assert.match(lines.join("\n"), /2 identical to the reference/);
      assert.match(
        lines.join("\n"),
        /PSNR-Y \d+\.\d dB, SSIM-Y 0\.\d{3}, \d+ kbit\/s \(means over 2 videos\)/,
      );

      const json = await runDenoTask("tasks/verify.ts", ["copies", "--quality", "--json"], {
        cwd: tmp,
      });
      assert.equal(json.code, 0, json.stderr);
      const report = JSON.parse(json.stdout);
      assert.equal(report.quality.already, 4);
      assert.equal(report.quality.filled, 0);
      for (const copy of report.copies) assert.equal(copy.quality.unmeasured, 0);
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
