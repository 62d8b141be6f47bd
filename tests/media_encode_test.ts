import assert from "node:assert/strict";
import { join } from "node:path";
import { type Ffmpeg, FfmpegError } from "../media/ffmpeg.ts";
import { encodeFrames } from "../media/encode.ts";
import { sha256File } from "../util/hash.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";

/** Smooth moving gradients: something x264 has to work on, different in every frame. */
function movingGradient(count: number, width: number, height: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => {
    const frame = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 3;
        frame[p] = (x * 2 + k * 5) & 255;
        frame[p + 1] = (y * 3 + k * 2) & 255;
        frame[p + 2] = ((x + y) * 2 - k * 3) & 255;
      }
    }
    return frame;
  });
}

async function leftovers(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

/** Cases for every backend. */
async function encodeCases(t: Deno.TestContext, ffmpeg: Ffmpeg): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: `dfrobust_encode_${ffmpeg.backend}_` });
  try {
    const frames = movingGradient(15, 96, 64);

    await t.step("the same frames and options give the same bytes twice", async () => {
      const a = join(dir, "a.mp4");
      const b = join(dir, "b.mp4");
      await encodeFrames(ffmpeg, a, frames, { width: 96, height: 64, fps: "30000/1001" });
      await encodeFrames(ffmpeg, b, frames, { width: 96, height: 64, fps: "30000/1001" });
      assert.equal(await sha256File(a), await sha256File(b));
      const c = join(dir, "c.mp4");
      await encodeFrames(ffmpeg, c, frames, { width: 96, height: 64, fps: "30000/1001", crf: 30 });
      assert.notEqual(await sha256File(c), await sha256File(a), "crf changes the output");
    });

    await t.step(
      "the output is H.264 yuv420p mp4 with the frame rate and count given",
      async () => {
        const info = await ffmpeg.probe(join(dir, "a.mp4"));
        assert.equal(info.codec, "h264");
        assert.equal(info.pixFmt, "yuv420p");
        assert.equal(info.fpsFraction, "30000/1001");
        assert.deepEqual([info.width, info.height, info.frameCount], [96, 64, 15]);
        assert.equal(info.hasAudio, false);
      },
    );

    await t.step("no encoder string or creation time is written into the file", async () => {
      const text = new TextDecoder("latin1").decode(await Deno.readFile(join(dir, "a.mp4")));
      assert.ok(!text.includes("Lavf"), "no libavformat version string");
    });

    await t.step("the file appears atomically and no temporary file is left", async () => {
      assert.deepEqual(await leftovers(dir), ["a.mp4", "b.mp4", "c.mp4"]);
    });

    await t.step("bad frames are refused before ffmpeg runs, naming the file", async () => {
      const out = join(dir, "bad.mp4");
      await assert.rejects(
        () => encodeFrames(ffmpeg, out, [new Uint8Array(10)], { width: 96, height: 64, fps: 25 }),
        (error: unknown) =>
          error instanceof RangeError && /bad\.mp4.*frame 0 has 10 bytes/.test(error.message),
      );
      await assert.rejects(
        () => encodeFrames(ffmpeg, out, [], { width: 96, height: 64, fps: 25 }),
        RangeError,
      );
      await assert.rejects(
        () =>
          encodeFrames(ffmpeg, out, [new Uint8Array(255 * 143 * 3)], {
            width: 255,
            height: 143,
            fps: 25,
          }),
        /even width and height/,
      );
      assert.deepEqual(await leftovers(dir), ["a.mp4", "b.mp4", "c.mp4"]);
    });

    await t.step("an ffmpeg failure is an FfmpegError and leaves nothing behind", async () => {
      const out = join(dir, "preset.mp4");
      await assert.rejects(
        () =>
          encodeFrames(ffmpeg, out, frames, {
            width: 96,
            height: 64,
            fps: 25,
            preset: "no-such-preset",
          }),
        (error: unknown) =>
          error instanceof FfmpegError && error.message.startsWith(`Cannot encode "${out}"`),
      );
      assert.deepEqual(await leftovers(dir), ["a.mp4", "b.mp4", "c.mp4"]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "encodeFrames() with native ffmpeg is deterministic, atomic and strict about input",
  ignore: skipWithout("ffmpeg", "media encoding (native)"),
  fn: (t) => withFfmpeg("native", (ffmpeg) => encodeCases(t, ffmpeg)),
});

Deno.test(
  "encodeFrames() with ffmpeg.wasm is deterministic, atomic and strict about input",
  (t) => withFfmpeg("wasm", (ffmpeg) => encodeCases(t, ffmpeg)),
);
