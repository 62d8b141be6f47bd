import assert from "node:assert/strict";
import { join } from "node:path";
import { type Ffmpeg, FfmpegError, nativeFfmpegAvailable, openFfmpeg } from "../media/ffmpeg.ts";
import { _reasonFromLog } from "../media/_backend.ts";
import { encodeFrames } from "../media/encode.ts";
import { sampleFrames } from "../media/frames.ts";
import { hasCommand, skipWithout } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";

const HAMILTON = join(FIXTURES, "video/short_hamilton_clip.mp4");
/** The steps that read the fixture clip are ignored (loudly) without it. */
const NO_CLIP = skipWithoutFixtures("video", "media ffmpeg on the fixture clip");

/** Awaits `run()`, asserts it rejects with an instance of `type`, and returns the error. */
async function rejection<T extends Error>(
  run: () => Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    return error;
  }
  throw new assert.AssertionError({ message: `expected a rejection with ${type.name}` });
}

/** The fixture clip with its second half cut off: the moov atom (at the end) is gone. */
async function truncatedCopy(dir: string): Promise<string> {
  const path = join(dir, "truncated.mp4");
  const bytes = await Deno.readFile(HAMILTON);
  await Deno.writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  return path;
}

/** A YUV4MPEG2 file with a valid stream header and no frame at all. */
async function zeroFrameY4m(dir: string): Promise<string> {
  const path = join(dir, "zero.y4m");
  await Deno.writeTextFile(path, "YUV4MPEG2 W64 H48 F25:1 Ip A1:1 C420jpeg\n");
  return path;
}

/** A WAV file of 0.1 s of silence (16-bit mono, 8 kHz): a valid media file without video. */
async function silentWav(dir: string): Promise<string> {
  const path = join(dir, "silence.wav");
  const samples = 800;
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) =>
    [...text].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, 8000, true); // sample rate
  view.setUint32(28, 16000, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, "data");
  view.setUint32(40, samples * 2, true);
  await Deno.writeFile(path, bytes);
  return path;
}

/** A tiny lossless clip at a path made to trip up shells and option parsers. */
async function awkwardClip(ffmpeg: Ffmpeg, dir: string): Promise<string> {
  const path = join(dir, `-a "b" é.mp4`);
  const frames = [0, 1, 2].map((k) => new Uint8Array(16 * 8 * 3).fill(40 * k + 10));
  await encodeFrames(ffmpeg, path, frames, { width: 16, height: 8, fps: 10, lossless: true });
  return path;
}

/** Cases every backend must pass; `ffmpeg` is the backend under test. */
async function commonCases(t: Deno.TestContext, ffmpeg: Ffmpeg): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: `dfrobust_media_${ffmpeg.backend}_` });
  try {
    await t.step({
      name: "probe() reads size, frame rate and frame count of the fixture clip",
      ignore: NO_CLIP,
      fn: async () => {
        const info = await ffmpeg.probe(HAMILTON);
        assert.deepEqual([info.width, info.height], [640, 360]);
        assert.deepEqual(info.fpsFraction, "2997/100");
        assert.ok(Math.abs(info.fps - 29.97) < 1e-9);
        assert.deepEqual(info.frameCount, 275);
        assert.deepEqual(info.codec, "h264");
        assert.deepEqual(info.pixFmt, "yuv420p");
        assert.deepEqual(info.hasAudio, true);
        assert.deepEqual(info.rotation, 0);
        assert.ok(info.durationSeconds > 9 && info.durationSeconds < 10.5);
      },
    });

    await t.step("build() reports the ffmpeg version, configuration and libx264", async () => {
      const build = await ffmpeg.build();
      assert.deepEqual(build.backend, ffmpeg.backend);
      assert.match(build.ffmpegVersion, /^\d+\.\d+/);
      assert.match(build.configuration, /--enable-libx264/);
      assert.match(build.libx264 ?? "", /^core \d+/);
    });

    const truncated = () => truncatedCopy(dir);
    const refusals: [string, () => Promise<string>, RegExp][] = [
      ["a missing file", () => Promise.resolve(join(dir, "nope.mp4")), /no such file/],
      ["a truncated mp4", truncated, /moov atom not found/],
      ["a text file renamed .mp4", async () => {
        const path = join(dir, "notes.mp4");
        await Deno.writeTextFile(path, "these are not the frames you are looking for\n");
        return path;
      }, /moov atom not found|Invalid data/],
      ["a video with zero frames", () => zeroFrameY4m(dir), /no frames/],
      ["an audio-only file", () => silentWav(dir), /no video stream/],
      ["an empty file", async () => {
        const path = join(dir, "empty.mp4");
        await Deno.writeFile(path, new Uint8Array());
        return path;
      }, /Invalid data|moov atom not found|End of file/],
      ["a folder", async () => {
        const path = join(dir, "folder.mp4");
        await Deno.mkdir(path);
        return path;
      }, /not a regular file/],
    ];
    for (const [what, make, reason] of refusals) {
      await t.step({
        name: `probe() refuses ${what} with an FfmpegError naming the file`,
        ignore: make === truncated && NO_CLIP,
        fn: async () => {
          const path = await make();
          const error = await rejection(() => ffmpeg.probe(path), FfmpegError);
          assert.deepEqual(error.file, path);
          assert.ok(error.message.startsWith(`Cannot probe "${path}": `), error.message);
          assert.match(error.message, reason);
        },
      });
    }

    await t.step({
      name: "run() failures say which file and why, with the exit code",
      ignore: NO_CLIP,
      fn: async () => {
        const path = await truncatedCopy(dir);
        const error = await rejection(
          () =>
            ffmpeg.run({
              args: ["-i", `file:${path}`, "-f", "null", "-"],
              inputs: [path],
              outputs: [],
              action: "decode",
            }),
          FfmpegError,
        );
        assert.deepEqual(error.exitCode, 1);
        assert.match(
          error.message,
          new RegExp(`^Cannot decode ".*truncated\\.mp4": ffmpeg exited with code 1 \\(moov atom`),
        );
        assert.ok(!error.message.includes("Aborted()"));
        assert.ok(!/\/job\d/.test(error.message + error.stderrTail), "no in-memory wasm paths");
        assert.match(error.stderrTail, /truncated\.mp4: Invalid data/);
      },
    });

    await t.step(
      "paths with spaces, quotes, unicode and a leading dash pass through; output folders are made",
      async () => {
        const path = await awkwardClip(ffmpeg, dir);
        const info = await ffmpeg.probe(path);
        assert.deepEqual([info.width, info.height, info.frameCount], [16, 8, 3]);
        const copy = join(dir, "new folder", `-c "d" ü copy.mkv`);
        const args = ["-i", `file:${path}`, "-c", "copy", `file:${copy}`];
        const result = await ffmpeg.run({ args, inputs: [path], outputs: [copy] });
        assert.deepEqual((await ffmpeg.probe(copy)).frameCount, 3);
        assert.deepEqual(result.argv, [
          ...["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error"],
          ...args,
        ], "argv is the host command, whatever the backend");
        if (ffmpeg.backend === "wasm") {
          assert.ok(result.wasmArgv && !result.wasmArgv.some((arg) => arg.includes(dir)));
        }
      },
    );

    await t.step("run() pipes stdin in and stdout out", async () => {
      const raw = new Uint8Array(4 * 2 * 3).map((_, i) => i * 10);
      const { stdout } = await ffmpeg.run({
        args: [
          ...["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "4x2", "-i", "pipe:0"],
          ...["-vf", "hflip", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
        ],
        inputs: [],
        outputs: [],
        stdin: raw,
        captureStdout: true,
      });
      const expected = new Uint8Array(raw.length);
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 4; x++) {
          expected.set(raw.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3), (y * 4 + 3 - x) * 3);
        }
      }
      assert.deepEqual(stdout, expected);
      assert.deepEqual(raw[5], 50, "the caller's stdin array is left intact");
    });

    await t.step("run() captures stdout into given memory, whatever its size", async () => {
      // 20 frames of 64x64 RGB: 245,760 bytes, several pipe reads.
      const job = (stdoutInto?: ArrayBuffer) =>
        ffmpeg.run({
          args: ["-f", "lavfi", "-i", "testsrc=size=64x64:rate=10:duration=2"]
            .concat(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]),
          inputs: [],
          outputs: [],
          captureStdout: true,
          stdoutInto,
        });
      const { stdout: expected } = await job();
      assert.equal(expected.length, 20 * 64 * 64 * 3);
      for (const size of [expected.length + 1000, expected.length, 1000, 0]) {
        const memory = new ArrayBuffer(size);
        const { stdout } = await job(memory);
        assert.deepEqual(stdout, expected, `${size} bytes given`);
        if (ffmpeg.backend === "native") {
          // Read into the memory given (now detached) when it holds the output.
          assert.equal(memory.byteLength, 0, `${size} bytes given`);
          assert.equal(stdout.buffer.byteLength, Math.max(size, expected.length));
        }
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "the native ffmpeg backend probes, runs and refuses bad files clearly",
  ignore: skipWithout("ffmpeg", "media native ffmpeg"),
  async fn(t) {
    const ffmpeg = await openFfmpeg("native");
    assert.deepEqual(ffmpeg.backend, "native");
    await commonCases(t, ffmpeg);

    await t.step("probe() refuses an mp4 that ffmpeg wrote with zero frames", async () => {
      const dir = await Deno.makeTempDir({ prefix: "dfrobust_media_zero_" });
      try {
        const path = join(dir, "zero.mp4");
        await ffmpeg.run({
          args: [
            "-f",
            "lavfi",
            "-i",
            "color=s=64x48:d=1",
            "-frames:v",
            "0",
            "-c:v",
            "libx264",
            path,
          ],
          inputs: [],
          outputs: [path],
        });
        const error = await rejection(() => ffmpeg.probe(path), FfmpegError);
        assert.match(error.message, /no video stream|no frames/);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });

    await t.step("run() refuses relative paths (they could start with a dash)", async () => {
      await assert.rejects(
        () => ffmpeg.run({ args: ["-i", "-a.mp4"], inputs: ["-a.mp4"], outputs: [] }),
        /must be absolute/,
      );
    });
    await ffmpeg.close();
  },
});

Deno.test("the ffmpeg.wasm backend probes, runs and refuses bad files clearly", async (t) => {
  const ffmpeg = await openFfmpeg("wasm");
  try {
    assert.deepEqual(ffmpeg.backend, "wasm");
    await commonCases(t, ffmpeg);

    await t.step("build() names the npm packages it runs", async () => {
      assert.deepEqual((await ffmpeg.build()).packages, [
        "@ffmpeg/ffmpeg@0.12.15",
        "@ffmpeg/core@0.12.10",
      ]);
    });

    await t.step({
      name: "jobs started together run one at a time and all finish",
      ignore: NO_CLIP,
      fn: async () => {
        const infos = await Promise.all([ffmpeg.probe(HAMILTON), ffmpeg.probe(HAMILTON)]);
        assert.deepEqual(infos.map((info) => info.frameCount), [275, 275]);
      },
    });
  } finally {
    await ffmpeg.close();
  }
  await assert.rejects(() => ffmpeg.probe(HAMILTON), /closed/);
});

Deno.test("openFfmpeg('auto') picks native exactly when ffmpeg and ffprobe run", async () => {
  const expected = hasCommand("ffmpeg") && hasCommand("ffprobe");
  assert.deepEqual(await nativeFfmpegAvailable(), expected);
  const ffmpeg = await openFfmpeg("auto");
  try {
    assert.deepEqual(ffmpeg.backend, expected ? "native" : "wasm");
  } finally {
    await ffmpeg.close();
  }
});

Deno.test("openFfmpeg('auto') falls back to wasm when the process may not run ffmpeg", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_media_perm_" });
  try {
    const script = join(dir, "which_backend.ts");
    await Deno.writeTextFile(
      script,
      `const { openFfmpeg } = await import(Deno.args[0]);\n` +
        `const ffmpeg = await openFfmpeg("auto");\nconsole.log(ffmpeg.backend);\n` +
        `await ffmpeg.close();\n`,
    );
    const config = new URL("../deno.json", import.meta.url).pathname;
    const { stdout, stderr, success } = await new Deno.Command(Deno.execPath(), {
      // Every permission the library needs except --allow-run.
      args: [
        ...["run", "--config", config, "--allow-read", "--allow-write", "--allow-env"],
        ...["--allow-sys", script, new URL("../media/ffmpeg.ts", import.meta.url).href],
      ],
      stdin: "null",
    }).output();
    assert.ok(success, new TextDecoder().decode(stderr));
    assert.equal(new TextDecoder().decode(stdout).trim(), "wasm");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("error reasons keep ffmpeg's message without context prefixes, paths or noise", async (t) => {
  const cases: [string, string, string[], string][] = [
    [
      "nested [ctx @ 0x...] prefixes are removed",
      "[rawvideo @ 0xdf1c70] [IMGUTILS @ 0xdec114] Picture size 20000x20000 is invalid",
      [],
      "Picture size 20000x20000 is invalid",
    ],
    [
      "the file path before a message is removed, with or without file:",
      "[mov,mp4 @ 0x55d0] moov atom not found\nfile:/d/a b.mp4: Invalid data found",
      ["/d/a b.mp4"],
      "moov atom not found; Invalid data found",
    ],
    [
      "wasm's Aborted() and debug lines are skipped; two messages at most",
      "Reading option '-i' ...\nAborted()\nfirst\nfirst\nsecond\nthird\nConversion failed!",
      [],
      "first; second",
    ],
  ];
  for (const [name, log, paths, expected] of cases) {
    await t.step(name, () => assert.equal(_reasonFromLog(log, paths), expected));
  }
});

Deno.test({
  name: "probe() counts the frames a decoder returns in a stream-copied cut with an edit list",
  ignore: skipWithout("ffmpeg", "media native ffmpeg") || NO_CLIP,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_editlist_" });
    const native = await openFfmpeg("native");
    const wasm = await openFfmpeg("wasm");
    try {
      // Cutting with -c copy keeps the packets before the cut (from the last key frame) and
      // marks them discarded: a packet count overstates the frames.
      const cut = join(dir, "cut.mp4");
      await native.run({
        args: ["-ss", "1.3", "-i", HAMILTON, "-t", "3", "-c", "copy", cut],
        inputs: [HAMILTON],
        outputs: [cut],
      });
      const decoded = await native.run({
        args: ["-i", cut, "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
        inputs: [cut],
        outputs: [],
        captureStdout: true,
      });
      const info = await native.probe(cut);
      assert.equal(info.frameCount, decoded.stdout.length / (info.width * info.height));
      assert.equal((await wasm.probe(cut)).frameCount, info.frameCount);
      const sampled = await sampleFrames(native, cut, { count: 32 });
      assert.equal(sampled.frames.length, 32);
      assert.equal(sampled.indices.at(-1), info.frameCount - 1);
    } finally {
      await native.close();
      await wasm.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
