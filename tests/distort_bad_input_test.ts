import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset } from "../artifacts/distort.ts";
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { readDatasetManifest } from "../dataset/manifest.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { filesUnder, makeClip, writeManifest } from "./distort_fixtures.ts";
import { skipWithout } from "./_tools.ts";

Deno.test({
  name: "distortDataset() fails bad videos one by one, naming each file, and completes the rest",
  ignore: skipWithout("ffmpeg", "distort bad input"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_bad_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const weird = "-a 'b\" é.mp4";
      await makeClip(ffmpeg, join(dir, "good.mp4"), { width: 64, height: 48, frames: 8 });
      await makeClip(ffmpeg, join(dir, weird), { width: 64, height: 48, frames: 8 });
      const good = await Deno.readFile(join(dir, "good.mp4"));
      await Deno.writeFile(
        join(dir, "truncated.mp4"),
        good.subarray(0, Math.floor(good.length / 2)),
      );
      await Deno.writeTextFile(join(dir, "text.mp4"), "this is not a video\n");
      // A video stream with no frame: a yuv4mpeg header and nothing after it.
      await Deno.writeTextFile(join(dir, "zero.y4m"), "YUV4MPEG2 W64 H48 F25:1 Ip A1:1 C420jpeg\n");
      await ffmpeg.run({
        args: [
          "-f",
          "lavfi",
          "-i",
          "sine",
          "-frames:v",
          "0",
          "-t",
          "0.3",
          "-f",
          "mp4",
          `file:${join(dir, "empty.mp4")}`,
        ],
        inputs: [],
        outputs: [join(dir, "empty.mp4")],
      });
      await ffmpeg.run({
        args: [
          "-f",
          "lavfi",
          "-i",
          "testsrc2=s=66x50:r=25",
          "-vf",
          "format=yuv444p,crop=65:49",
          "-frames:v",
          "8",
          "-c:v",
          "libx264",
          "-pix_fmt",
          "yuv444p",
          `file:${join(dir, "odd.mp4")}`,
        ],
        inputs: [],
        outputs: [join(dir, "odd.mp4")],
      });
      const manifest = await writeManifest(dir, [
        ["good", "good.mp4", 0],
        ["weird name", weird, 1],
        ["missing", "missing.mp4", 1],
        ["truncated", "truncated.mp4", 1],
        ["text", "text.mp4", 0],
        ["empty", "empty.mp4", 0],
        ["zero", "zero.y4m", 1],
        ["odd", "odd.mp4", 1],
      ]);
      const out = join(dir, "out");
      const summary = await distortDataset(manifest, {
        out,
        ops: "unaltered,hflip,res_half",
        ffmpeg,
      });
      const failed = (opId: string) =>
        Object.fromEntries(
          summary.copies.find((c) => c.opId === opId)!.failures.map((f) => [f.videoId, f.error]),
        );

      await t.step("each unreadable file fails alone with a message naming it", () => {
        for (const opId of ["unaltered", "hflip", "res_half"]) {
          const errors = failed(opId);
          const bad = [
            ["missing", "missing.mp4"],
            ["truncated", "truncated.mp4"],
            ["text", "text.mp4"],
            ["empty", "empty.mp4"],
            ["zero", "zero.y4m"],
          ];
          for (
            const [id, file] of bad
          ) {
            assert.ok(errors[id], `${opId}: ${id} should fail`);
            assert.ok(errors[id].includes(file), `${opId}: "${errors[id]}" names ${file}`);
          }
        }
        assert.match(failed("hflip").missing, /no such file/);
        assert.match(failed("hflip").empty, /no video stream/);
        assert.match(failed("hflip").zero, /no frames/);
      });
      await t.step(
        "odd frame sizes get an even-sided crop where H.264 yuv420p needs one, and only there",
        async () => {
          const geometryOf = async (opId: string) => {
            const copy = summary.copies.find((c) => c.opId === opId)!;
            const m = (await readCopyManifest(copy.copyDir))!;
            return m.videos.find((v) => v.id === "odd")!.geometry!;
          };
          for (const opId of ["unaltered", "hflip", "res_half"]) {
            assert.equal(failed(opId).odd, undefined, opId);
          }
          const hflip = await geometryOf("hflip");
          assert.deepEqual(hflip.crop, { x: 0, y: 0, width: 64, height: 48 });
          assert.deepEqual([hflip.width, hflip.height], [64, 48]);
          assert.equal((await geometryOf("res_half")).crop, null, "res_half makes 32x24");
          assert.equal((await geometryOf("unaltered")).crop, null, "unaltered copies the bytes");
        },
      );
      await t.step(
        "the good files, including a name with a dash, quotes, spaces and unicode, are copied",
        async () => {
          const hflip = summary.copies.find((c) => c.opId === "hflip")!;
          assert.equal(hflip.ok, 3);
          const dataset = await readDatasetManifest(join(hflip.copyDir, "dataset.csv"));
          assert.deepEqual(dataset.map((e) => e.id), ["good", "weird name", "odd"]);
          const m = (await readCopyManifest(hflip.copyDir))!;
          assert.equal(m.counts.failed, 5);
          assert.equal(m.videos.find((v) => v.id === "weird name")!.validation?.ok, true);
          assert.equal(summary.failures, 5 + 5 + 5);
        },
      );
      await t.step("nothing half-written is left behind", async () => {
        const files = await filesUnder(out);
        assert.ok(
          !files.some((f) => f.endsWith(".tmp") || f.includes(".records")),
          files.join("\n"),
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
    "distortDataset() refuses a whole manifest with a path outside its folder, or an unknown op, before writing",
  ignore: skipWithout("ffmpeg", "distort bad manifest"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_badmanifest_" });
    try {
      await Deno.mkdir(join(dir, "data"));
      await writeManifest(join(dir, "data"), [["ok", "a.mp4", 0], ["escape", "../secret.mp4", 1]]);
      const out = join(dir, "out");
      await t.step("a ../ row fails the manifest, naming the file and row", async () => {
        await assert.rejects(
          distortDataset(join(dir, "data", "manifest.csv"), {
            out,
            ops: "hflip",
            backend: "native",
          }),
          /manifest\.csv" row 3: path "\.\.\/secret\.mp4" points outside/,
        );
      });
      await t.step("an unknown operation id fails listing the families", async () => {
        await writeManifest(dir, [["ok", "a.mp4", 0]]);
        await assert.rejects(
          distortDataset(join(dir, "manifest.csv"), {
            out,
            ops: "hflip,smudge",
            backend: "native",
          }),
          /Unknown operation "smudge".*families \(unaltered, h264,.*jitter;/s,
        );
      });
      assert.equal(await Deno.stat(out).then(() => true, () => false), false, "nothing written");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
