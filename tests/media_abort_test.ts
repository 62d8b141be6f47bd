import assert from "node:assert/strict";
import { join } from "node:path";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { skipWithout } from "./_tools.ts";

Deno.test({
  name: "an aborted signal kills native ffmpeg at once, removes its output and refuses new jobs",
  ignore: skipWithout("ffmpeg", "ffmpeg abort"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_abort_" });
    try {
      const controller = new AbortController();
      const ffmpeg = await openFfmpeg("native", { signal: controller.signal });
      const output = join(dir, "long.mp4");
      // A minute of video: far longer than the test waits.
      const job = ffmpeg.run({
        args: ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=60", "-c:v", "libx264", output],
        inputs: [],
        outputs: [output],
      });
      while (!await Deno.stat(output).then(() => true, () => false)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const started = performance.now();
      controller.abort(new Error("stop now"));
      await assert.rejects(job, /stop now/);
      assert.ok(performance.now() - started < 2000, "killed, not left to finish");
      await assert.rejects(Deno.stat(output), Deno.errors.NotFound);
      await assert.rejects(ffmpeg.probe(output), /stop now/);
      await ffmpeg.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
