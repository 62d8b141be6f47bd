import assert from "node:assert/strict";
import { join } from "node:path";
import { type Ffmpeg, FfmpegError, openFfmpeg } from "../media/ffmpeg.ts";
import { encodeFrames } from "../media/encode.ts";
import { evenlySpacedIndices, sampleFrames, sampleFramesTogether } from "../media/frames.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";

const HAMILTON = join(FIXTURES, "video/short_hamilton_clip.mp4");
/** The steps that read the fixture clip are ignored (loudly) without it. */
const NO_CLIP = skipWithoutFixtures("video", "media frames on the fixture clip");

/** Frame `k` of the test pattern: every pixel depends on k, x and y, so no two frames match. */
function patternFrame(k: number, width: number, height: number): Uint8Array {
  const frame = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      frame[p] = (k * 6 + x) & 255;
      frame[p + 1] = (k * 11 + y * 3) & 255;
      frame[p + 2] = (x * y + k * 29) & 255;
    }
  }
  return frame;
}

/** Encodes `count` pattern frames losslessly (exact RGB) to `path`. */
async function patternClip(
  ffmpeg: Ffmpeg,
  path: string,
  size: { width: number; height: number; count: number },
): Promise<Uint8Array[]> {
  const frames = Array.from(
    { length: size.count },
    (_, k) => patternFrame(k, size.width, size.height),
  );
  await encodeFrames(ffmpeg, path, frames, { ...size, fps: 25, lossless: true });
  return frames;
}

/**
 * Asserts two byte arrays are equal, reporting how many bytes differ (a plain deepEqual on
 * megabyte frames spends minutes rendering its diff).
 */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let differing = 0;
  let first = -1;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      differing++;
      if (first < 0) first = i;
    }
  }
  assert.ok(
    differing === 0,
    `${label}: ${differing} of ${actual.length} bytes differ (first at byte ${first}: ` +
      `${actual[first]} vs ${expected[first]})`,
  );
}

/** {@link assertSameBytes} over two lists of frames. */
function assertSameFrames(actual: Uint8Array[], expected: Uint8Array[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: frame count`);
  actual.forEach((frame, i) => assertSameBytes(frame, expected[i], `${label}, frame ${i}`));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** An rgb24 frame turned by 90 degrees, clockwise or counter-clockwise. */
function rotate90(frame: Uint8Array, width: number, height: number, clockwise: boolean) {
  const out = new Uint8Array(frame.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Output is `height` wide and `width` tall.
      const [ox, oy] = clockwise ? [height - 1 - y, x] : [y, width - 1 - x];
      out.set(frame.subarray((y * width + x) * 3, (y * width + x) * 3 + 3), (oy * height + ox) * 3);
    }
  }
  return out;
}

function numpyLinspace(cases: [number, number][]): number[][] {
  const script = "import json,sys,numpy as np\n" +
    "print(json.dumps([np.linspace(0, n - 1, c).astype(int).tolist() for n, c in " +
    "json.loads(sys.argv[1])]))";
  const { stdout, success } = new Deno.Command("/usr/bin/python3", {
    args: ["-c", script, JSON.stringify(cases)],
  }).outputSync();
  assert.ok(success, "python3 with numpy ran");
  return JSON.parse(new TextDecoder().decode(stdout));
}

const LINSPACE_CASES: [number, number][] = [
  [275, 32],
  [300, 32],
  [1, 32],
  [5, 8],
  [32, 32],
  [33, 32],
  [1000, 7],
  [2, 1],
  [17, 2],
  [100_003, 32],
  [10, 0],
];

Deno.test({
  name: "evenlySpacedIndices() matches numpy's linspace(0, n - 1, count).astype(int)",
  ignore: skipWithout("python-sklearn", "media frame indices vs numpy"),
  fn() {
    const expected = numpyLinspace(LINSPACE_CASES);
    LINSPACE_CASES.forEach(([n, count], i) => {
      assert.deepEqual(evenlySpacedIndices(n, count), expected[i], `n=${n} count=${count}`);
    });
  },
});

Deno.test("evenlySpacedIndices() spans the video and repeats indices for short videos", async (t) => {
  await t.step("32 of 275 frames start at 0, end at 274 and never decrease", () => {
    const indices = evenlySpacedIndices(275, 32);
    assert.equal(indices.length, 32);
    assert.equal(indices[0], 0);
    assert.equal(indices[31], 274);
    assert.ok(indices.every((v, i) => i === 0 || v > indices[i - 1]));
  });
  await t.step("8 of 5 frames repeat indices, as numpy does", () => {
    assert.deepEqual(evenlySpacedIndices(5, 8), [0, 0, 1, 1, 2, 2, 3, 4]);
  });
  await t.step("bad arguments throw RangeError", () => {
    assert.throws(() => evenlySpacedIndices(0, 32), RangeError);
    assert.throws(() => evenlySpacedIndices(10, -1), RangeError);
    assert.throws(() => evenlySpacedIndices(10.5, 3), RangeError);
  });
});

/** Sampling cases every backend must pass. */
async function samplingCases(t: Deno.TestContext, ffmpeg: Ffmpeg): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: `dfrobust_frames_${ffmpeg.backend}_` });
  try {
    const clip = join(dir, "pattern.mp4");
    const frames = await patternClip(ffmpeg, clip, { width: 64, height: 48, count: 40 });

    await t.step("each of 8 evenly spaced frames equals the frame that was encoded", async () => {
      const sampled = await sampleFrames(ffmpeg, clip, { count: 8 });
      assert.deepEqual(sampled.indices, evenlySpacedIndices(40, 8));
      assert.deepEqual([sampled.width, sampled.height], [64, 48]);
      assert.equal(sampled.frames.length, 8);
      sampled.indices.forEach((index, i) => {
        assertSameBytes(sampled.frames[i], frames[index], `frame ${index}`);
      });
    });

    await t.step(
      "given indices keep their order and repeats; each is the right frame",
      async () => {
        const indices = [39, 3, 3, 0, 17];
        const sampled = await sampleFrames(ffmpeg, clip, { indices });
        assert.deepEqual(sampled.indices, indices);
        indices.forEach((index, i) =>
          assertSameBytes(sampled.frames[i], frames[index], `frame ${index}`)
        );
      },
    );

    await t.step(
      "asking for more frames than the video has repeats frames like numpy",
      async () => {
        const short = join(dir, "short.mp4");
        const few = await patternClip(ffmpeg, short, { width: 32, height: 16, count: 5 });
        const sampled = await sampleFrames(ffmpeg, short, { count: 8 });
        assert.deepEqual(sampled.indices, [0, 0, 1, 1, 2, 2, 3, 4]);
        sampled.indices.forEach((index, i) =>
          assertSameBytes(sampled.frames[i], few[index], `frame ${index}`)
        );
      },
    );

    await t.step("odd dimensions (255x143) come out at their exact size", async () => {
      const odd = join(dir, "odd.mp4");
      const oddFrames = await patternClip(ffmpeg, odd, { width: 255, height: 143, count: 6 });
      const sampled = await sampleFrames(ffmpeg, odd, { count: 3 });
      assert.deepEqual([sampled.width, sampled.height], [255, 143]);
      assert.deepEqual(sampled.indices, [0, 2, 5]);
      sampled.indices.forEach((index, i) => {
        assert.equal(sampled.frames[i].length, 255 * 143 * 3);
        assertSameBytes(sampled.frames[i], oddFrames[index], `frame ${index}`);
      });
    });

    await t.step(
      "a file cut short is probed at the frames it decodes, and every sample exists",
      async () => {
        const cut = join(dir, "cut.mp4");
        const bytes = await Deno.readFile(clip);
        // encodeFrames writes the moov atom first (faststart): a cut loses only late frames.
        await Deno.writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
        const info = await ffmpeg.probe(cut);
        assert.ok(info.frameCount > 0 && info.frameCount < 40, `${info.frameCount} frames`);
        const sampled = await sampleFrames(ffmpeg, cut, { count: 8, info });
        assert.deepEqual(sampled.indices, evenlySpacedIndices(info.frameCount, 8));
        sampled.indices.forEach((index, i) =>
          assertSameBytes(sampled.frames[i], frames[index], `frame ${index}`)
        );
      },
    );

    await t.step(
      "a decoder returning fewer frames than the probe counted is an error naming the file",
      async () => {
        // The old probe of the whole clip (40 frames) held against the cut file (fewer).
        const info = await ffmpeg.probe(clip);
        const cut = join(dir, "cut.mp4");
        await assert.rejects(
          () => sampleFrames(ffmpeg, cut, { count: 8, info }),
          (error: unknown) =>
            error instanceof FfmpegError &&
            /^Cannot decode ".*cut\.mp4": frames? [\d, .]+ did not decode, but the probe counted 40 decodable frames/
              .test(error.message),
        );
      },
    );

    await t.step("an index past the end is refused before decoding, naming the file", async () => {
      await assert.rejects(
        () => sampleFrames(ffmpeg, clip, { indices: [3, 40, 41] }),
        (error: unknown) =>
          error instanceof FfmpegError &&
          /^Cannot decode ".*pattern\.mp4": frames 40, 41 are past the end: the decoder returns 40 frames \(0 to 39\)$/
            .test(error.message),
      );
    });

    await t.step(
      "rotation metadata is applied: a 90-degree clip comes out portrait",
      async () => {
        const rotated = join(dir, "rotated.mp4");
        await ffmpeg.run({
          args: ["-i", clip, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated],
          inputs: [clip],
          outputs: [rotated],
        });
        const info = await ffmpeg.probe(rotated);
        assert.ok(info.rotation === 90 || info.rotation === 270, `rotation ${info.rotation}`);
        assert.deepEqual([info.width, info.height, info.codedWidth], [48, 64, 64]);
        const sampled = await sampleFrames(ffmpeg, rotated, { count: 2 });
        assert.deepEqual([sampled.width, sampled.height], [48, 64]);
        assert.equal(sampled.frames[0].length, 48 * 64 * 3);
        // The pixels themselves are turned, not just the size reported.
        const turned = [rotate90(frames[0], 64, 48, true), rotate90(frames[0], 64, 48, false)];
        assert.ok(
          turned.some((candidate) => sameBytes(sampled.frames[0], candidate)),
          "the portrait frame is the landscape frame turned by 90 degrees",
        );
      },
    );

    await t.step(
      "sampleFramesTogether() gives each video the frames sampleFrames gives it alone",
      async () => {
        const paths = [clip];
        for (let k = 1; k < 3; k++) {
          paths.push(join(dir, `together${k}.mp4`));
          // Other frames of the pattern (k * 40 onwards), so no two clips share a frame.
          const frames = Array.from({ length: 30 + k }, (_, i) => patternFrame(k * 40 + i, 64, 48));
          await encodeFrames(ffmpeg, paths[k], frames, {
            width: 64,
            height: 48,
            fps: 25,
            lossless: true,
          });
        }
        const infos = await Promise.all(paths.map((path) => ffmpeg.probe(path)));
        const videos = paths.map((path, k) => ({ path, info: infos[k], count: 7 }));
        // One of them by explicit indices, repeats included.
        videos[1] = { ...videos[1], indices: [30, 2, 2, 0] } as typeof videos[1];
        const runs: string[][] = [];
        const counting: Ffmpeg = {
          ...ffmpeg,
          run: (job) => {
            runs.push(job.args);
            return ffmpeg.run(job);
          },
        };
        const together = await sampleFramesTogether(counting, videos);
        assert.equal(runs.length, 1, "one ffmpeg run for the three videos");
        for (const [k, video] of videos.entries()) {
          const alone = await sampleFrames(ffmpeg, video.path, video);
          const result = together[k];
          assert.ok(!(result instanceof Error), String(result));
          assert.deepEqual(result.indices, alone.indices);
          assertSameFrames(result.frames, alone.frames, `video ${k}`);
        }
      },
    );

    await t.step(
      "sampleFramesTogether() names a broken video as sampleFrames would, and decodes the rest",
      async () => {
        const broken = join(dir, "broken.mp4");
        await Deno.writeFile(broken, new TextEncoder().encode("not a video\n".repeat(40)));
        const info = await ffmpeg.probe(clip);
        const results = await sampleFramesTogether(ffmpeg, [
          { path: clip, info, count: 4 },
          { path: broken, info, count: 4 },
          { path: clip, info, indices: [39] },
        ]);
        const alone = await sampleFrames(ffmpeg, broken, { info, count: 4 }).catch((e) => e);
        assert.ok(results[1] instanceof FfmpegError, String(results[1]));
        assert.equal(results[1].message, alone.message);
        assert.ok(!(results[0] instanceof Error) && results[0].frames.length === 4);
        assert.ok(!(results[2] instanceof Error));
        assertSameBytes(results[2].frames[0], frames[39], "frame 39");
      },
    );

    await t.step("sampleFramesTogether() refuses videos of different frame sizes", async () => {
      const info = await ffmpeg.probe(clip);
      await assert.rejects(
        () =>
          sampleFramesTogether(ffmpeg, [
            { path: clip, info },
            { path: clip, info: { ...info, width: 32 } },
          ]),
        RangeError,
      );
    });

    await t.step({
      name: "32 frames of the fixture clip come from one ffmpeg run",
      ignore: NO_CLIP,
      fn: async () => {
        const sampled = await sampleFrames(ffmpeg, HAMILTON);
        assert.equal(sampled.frames.length, 32);
        assert.deepEqual(sampled.indices, evenlySpacedIndices(275, 32));
        assert.ok(sampled.frames.every((frame) => frame.length === 640 * 360 * 3));
        // Different moments of real footage must differ.
        assert.ok(!sameBytes(sampled.frames[0], sampled.frames[31]));
      },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "sampleFrames() with native ffmpeg returns exactly the requested frames",
  ignore: skipWithout("ffmpeg", "media frame sampling (native)"),
  fn: (t) => withFfmpeg("native", (ffmpeg) => samplingCases(t, ffmpeg)),
});

Deno.test(
  "sampleFrames() with ffmpeg.wasm returns exactly the requested frames",
  (t) => withFfmpeg("wasm", (ffmpeg) => samplingCases(t, ffmpeg)),
);

Deno.test({
  name: "sampleFrames() gives byte-identical frames with native ffmpeg and ffmpeg.wasm",
  ignore: skipWithout("ffmpeg", "media frame sampling (native vs wasm)"),
  async fn(t) {
    const native = await openFfmpeg("native");
    const wasm = await openFfmpeg("wasm");
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_frames_nw_" });
    try {
      await t.step(
        "on a lossless clip at an awkward path, both equal the encoded frames",
        async () => {
          const clip = join(dir, `-a "b" é.mp4`);
          const frames = await patternClip(wasm, clip, { width: 255, height: 143, count: 12 });
          const a = await sampleFrames(native, clip, { count: 5 });
          const b = await sampleFrames(wasm, clip, { count: 5 });
          assert.deepEqual(a.indices, b.indices);
          assertSameFrames(a.frames, b.frames, "native vs wasm");
          a.indices.forEach((index, i) =>
            assertSameBytes(a.frames[i], frames[index], `frame ${index}`)
          );
        },
      );

      await t.step({
        name: "on the lossy yuv420p fixture clip, rgb conversion matches byte for byte",
        ignore: NO_CLIP,
        fn: async () => {
          const indices = [0, 137, 274];
          const a = await sampleFrames(native, HAMILTON, { indices });
          const b = await sampleFrames(wasm, HAMILTON, { indices });
          assertSameFrames(a.frames, b.frames, "native vs wasm");
        },
      });
    } finally {
      await wasm.close();
      await native.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
