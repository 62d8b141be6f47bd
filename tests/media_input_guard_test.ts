/**
 * A dataset's "video" is input from strangers (docs/security.md): ffmpeg may open only real
 * media containers (no HLS playlist, ffconcat list or image that names other files), and a video
 * over the frame limits is refused at its probe, before anything decodes it. Real ffmpeg, both
 * backends; the full distort + eval pipeline on one hostile dataset.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { type Ffmpeg, FfmpegError, openFfmpeg } from "../media/ffmpeg.ts";
import { sampleFrames } from "../media/frames.ts";
import { ACCEPTED_FORMATS, inputGuardOptions } from "../media/input_formats.ts";
import { frameLimits } from "../media/frame_limits.ts";
import { DEFAULT_LIMITS, parseLimitFlags, resolveLimits } from "../util/limits.ts";
import { scanStore } from "../store/store.ts";
import pl from "../deps/polars.ts";
import { makeClip, writeManifest } from "./distort_fixtures.ts";
import { writeSizeChangeVideo } from "./stream_fixtures.ts";
import { tinyDetector, tinySpec } from "./eval_fixtures.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";
import { copySharedFixture, sharedFixture } from "./_shared_fixture.ts";

const ROOT = new URL("..", import.meta.url).pathname;
/** Far more than a refusal needs (well under a second), far less than decoding 8K frames. */
const REFUSAL_MS = 30_000;

/** Rejects when `promise` takes longer than `ms`: a regression fails instead of eating memory. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The error `promise` rejects with, which must be an FfmpegError. */
async function refusal(promise: Promise<unknown>, what: string): Promise<FfmpegError> {
  try {
    await within(REFUSAL_MS, what, promise);
  } catch (error) {
    assert.ok(error instanceof FfmpegError, `${what}: ${error}`);
    return error;
  }
  throw new Error(`${what} was accepted`);
}

/** The hostile files of {@link writeHostileFiles} -> what the refusal must call each. */
const HOSTILE: Record<string, RegExp> = {
  "hls_absolute.mp4": /HLS playlist/,
  "hls_dotdot.mkv": /HLS playlist/,
  "hls_url.mp4": /HLS playlist/,
  "master_passwd.mp4": /HLS playlist/,
  "concat.mp4": /ffconcat list/,
  "concat.mkv": /ffconcat list/,
  "still.mp4": /still image/,
};

/** Hostile files ({@link HOSTILE}) in `dir/data`, pointing at a real video in `dir/outside`. */
async function writeHostileFiles(ffmpeg: Ffmpeg, dir: string): Promise<void> {
  const data = join(dir, "data");
  const outside = join(dir, "outside");
  await Deno.mkdir(data, { recursive: true });
  await Deno.mkdir(outside, { recursive: true });
  const segment = join(outside, "secret.ts");
  await ffmpeg.run({
    args: ["-f", "lavfi", "-i", "testsrc2=s=64x48:r=10:d=1", "-c:v", "libx264", "-f", "mpegts"]
      .concat([`file:${segment}`]),
    inputs: [],
    outputs: [segment],
  });
  const playlist = (uri: string) =>
    `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n${uri}\n#EXT-X-ENDLIST\n`;
  const files: Record<string, string> = {
    "hls_absolute.mp4": playlist(segment),
    "hls_dotdot.mkv": playlist("../outside/secret.ts"),
    "hls_url.mp4": playlist(`file://${segment}`),
    "master_passwd.mp4": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000\n/etc/passwd\n",
    "concat.mp4": `ffconcat version 1.0\nfile ${segment}\n`,
    "concat.mkv": `ffconcat version 1.0\nfile ../outside/secret.ts\n`,
  };
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(data, name), text);
  }
  // An image named as a video (image2 / png_pipe: not a video container).
  const still = join(data, "still.mp4");
  await ffmpeg.run({
    args: ["-f", "lavfi", "-i", "testsrc2=s=64x48", "-frames:v", "1", "-f", "image2"]
      .concat(["-c:v", "png", `file:${still}`]),
    inputs: [],
    outputs: [still],
  });
}

/** A 199 KB H.264 stream of one 8192x8192 frame (a solid colour compresses to almost nothing). */
async function writeHuge(ffmpeg: Ffmpeg, dir: string): Promise<string[]> {
  const raw = join(dir, "huge.h264");
  const mp4 = join(dir, "huge.mp4");
  await ffmpeg.run({
    args: ["-f", "lavfi", "-i", "color=c=gray:s=8192x8192:r=1", "-frames:v", "1"]
      .concat(["-c:v", "libx264", "-preset", "ultrafast", "-crf", "51", "-threads", "1"])
      .concat(["-f", "h264", `file:${raw}`]),
    inputs: [],
    outputs: [raw],
  });
  await ffmpeg.run({
    args: ["-i", `file:${raw}`, "-c", "copy", "-f", "mp4", `file:${mp4}`],
    inputs: [raw],
    outputs: [mp4],
  });
  return [raw, mp4];
}

/** Each legit container the probe must still read, 10 frames of 64x48: encoder arguments. */
const LEGIT: Record<string, string[]> = {
  "a.mkv": ["-c:v", "libx264"],
  "a.webm": ["-c:v", "libvpx", "-b:v", "200k"],
  "a.avi": ["-c:v", "mpeg4"],
  "a.ts": ["-c:v", "libx264"],
  "a.mov": ["-c:v", "libx264"],
  "a.y4m": ["-pix_fmt", "yuv420p"],
  "a.h264": ["-c:v", "libx264"],
};

/** The inputs of the suites below, as {@link guardInputs} lays them out. */
interface GuardInputs {
  /** The fixture folder: `data/` (what a dataset holds) and `outside/` (what links lead to). */
  dir: string;
  /** `data/good.mp4`: 10 frames of 64x48. */
  good: string;
  /** `data/huge.h264` and `data/huge.mp4`: one 8192x8192 frame each ({@link writeHuge}). */
  huge: string[];
  /** `limits/clip.mp4`: 30 frames of 96x64 with audio. */
  clip: string;
  /** `limits/wide.mp4`: 4 frames of 320x240. */
  wide: string;
  /** `limits/sizes.ts`: 10 frames of 64x48, then 10 of 160x120. */
  sizes: string;
}

/**
 * Every input of this file's suites, written with native ffmpeg once per test run and shared by
 * both backends' suites and the pipeline suite (tests/_shared_fixture.ts): read only (the
 * pipeline suite works on a copy).
 */
async function guardInputs(): Promise<GuardInputs> {
  const key = { hostile: Object.keys(HOSTILE), legit: LEGIT };
  const dir = await sharedFixture("input-guard-files", key, async (dir) => {
    await withFfmpeg("native", async (native) => {
      await writeHostileFiles(native, dir);
      await makeClip(native, join(dir, "data", "good.mp4"), { width: 64, height: 48, frames: 10 });
      for (const [name, codec] of Object.entries(LEGIT)) {
        const path = join(dir, "data", name);
        await native.run({
          args: ["-f", "lavfi", "-i", "testsrc2=s=64x48:r=10", "-frames:v", "10", ...codec]
            .concat([`file:${path}`]),
          inputs: [],
          outputs: [path],
        });
      }
      await writeHuge(native, join(dir, "data"));
      const limits = join(dir, "limits");
      await Deno.mkdir(limits);
      const clip = join(limits, "clip.mp4");
      await makeClip(native, clip, { width: 96, height: 64, frames: 30, audio: true });
      await makeClip(native, join(limits, "wide.mp4"), { width: 320, height: 240, frames: 4 });
      await writeSizeChangeVideo(native, limits, {
        file: "sizes.ts",
        codec: ["-c:v", "libx264"],
        segments: [{ frames: 10, width: 64, height: 48 }, { frames: 10, width: 160, height: 120 }],
      });
    });
  });
  return {
    dir,
    good: join(dir, "data", "good.mp4"),
    huge: [join(dir, "data", "huge.h264"), join(dir, "data", "huge.mp4")],
    clip: join(dir, "limits", "clip.mp4"),
    wide: join(dir, "limits", "wide.mp4"),
    sizes: join(dir, "limits", "sizes.ts"),
  };
}

Deno.test("inputGuardOptions() lists every accepted demuxer once and only the file protocol", () => {
  const args = inputGuardOptions();
  const formats = args[args.indexOf("-format_whitelist") + 1].split(",");
  assert.deepEqual(formats, ACCEPTED_FORMATS.map((f) => f.demuxer));
  assert.equal(new Set(formats).size, formats.length);
  for (const indirection of ["hls", "dash", "concat", "image2", "tty", "lavfi", "data"]) {
    assert.ok(!formats.includes(indirection), indirection);
  }
  assert.equal(args[args.indexOf("-protocol_whitelist") + 1], "file");
});

Deno.test("the frame limits admit 4K, DCI 4K and portrait phone video by default, and check overrides", () => {
  const { frameWidth, frameHeight, framePixels, videoFrames } = DEFAULT_LIMITS;
  for (const [w, h] of [[3840, 2160], [4096, 2160], [2160, 3840], [1920, 1080]]) {
    assert.ok(w <= frameWidth && h <= frameHeight && w * h <= framePixels, `${w}x${h}`);
  }
  assert.ok(7680 * 4320 > framePixels, "8K is refused");
  assert.equal(videoFrames, 300_000);
  assert.deepEqual(frameLimits({ framePixels: 5 }).framePixels, 5);
  // A run's whole limits may be given; only the frame limits are kept.
  assert.deepEqual(frameLimits({ batch: 7, videoFrames: 9 }), {
    frameWidth: 4096,
    frameHeight: 4096,
    framePixels: 4096 * 2160,
    videoFrames: 9,
  });
  assert.throws(() => frameLimits({ videoFrames: 0 }), RangeError);
  assert.throws(() => frameLimits({ frameWidth: 1.5 }), RangeError);
  // One registry, one flag: the frame limits are --limit names on distort and eval.
  assert.deepEqual(
    parseLimitFlags(["frame-width=7680", "frame-height=4320", "frame-pixels=33177600"], "distort"),
    { frameWidth: 7680, frameHeight: 4320, framePixels: 33177600 },
  );
  assert.deepEqual(parseLimitFlags(["video-frames=10", "frames=64"], "eval"), {
    videoFrames: 10,
    frames: 64,
  });
  assert.throws(() => parseLimitFlags(["frame-width=0"], "distort"), /positive integer, got "0"/);
  assert.throws(() => parseLimitFlags(["frame-size=8192x4320"], "distort"), /name=value/);
  for (const name of ["batch", "frames", "faces-per-frame", "crop-side", "input-side"]) {
    assert.throws(
      () => parseLimitFlags([`${name}=5`], "distort"),
      new RegExp(`--limit ${name} applies to eval only \\(distort's limits: frame-width, `),
    );
  }
  assert.throws(() => resolveLimits({ batch: 5 }, "distort"), /batch applies to eval only/);
  assert.equal(resolveLimits({ videoFrames: 5 }, "distort").videoFrames, 5);
});

for (const backend of ["native", "wasm"] as const) {
  Deno.test({
    name: `${backend}: a playlist, concat list or image named as a video is refused by name, ` +
      `and real containers are read`,
    ignore: skipWithout("ffmpeg", "input guard"),
    async fn(t) {
      const { dir, good } = await guardInputs();
      const hostile = HOSTILE;
      await withFfmpeg(backend, async (ffmpeg) => {
        await t.step("the probe refuses each, naming the file and what it is", async () => {
          for (const [name, reason] of Object.entries(hostile)) {
            const path = join(dir, "data", name);
            const error = await refusal(ffmpeg.probe(path), name);
            assert.ok(error.message.includes(path), error.message);
            assert.match(error.message, reason);
            assert.match(error.message, /only self-contained video files are read/);
          }
        });
        await t.step("real containers are still read", async () => {
          for (const name of ["good.mp4", ...Object.keys(LEGIT)]) {
            const info = await ffmpeg.probe(join(dir, "data", name));
            assert.deepEqual([info.width, info.height, info.frameCount], [64, 48, 10], name);
          }
        });
        await t.step(
          "decoding with a recorded probe (a copy manifest's) refuses the playlist too",
          async () => {
            const info = await ffmpeg.probe(good);
            for (const name of ["hls_absolute.mp4", "concat.mkv"]) {
              const path = join(dir, "data", name);
              const error = await refusal(sampleFrames(ffmpeg, path, { info, count: 2 }), name);
              assert.ok(error.message.includes(path), error.message);
              assert.match(error.message, /HLS playlist|ffconcat list/);
            }
            // The backend still works after the refusals.
            const frames = await sampleFrames(ffmpeg, good, { info, count: 2 });
            assert.equal(frames.frames.length, 2);
          },
        );
      });
    },
  });

  Deno.test({
    name: `${backend}: a video over the frame limits is refused at its probe, quickly, with the ` +
      `limit and how to raise it`,
    ignore: skipWithout("ffmpeg", "frame limits"),
    async fn(t) {
      const { huge, clip, wide, sizes } = await guardInputs();
      await withFfmpeg(backend, async (ffmpeg) => {
        await t.step("8192x8192 frames in a 199 KB file", async () => {
          for (const path of huge) {
            assert.ok((await Deno.stat(path)).size < 400_000);
            const error = await refusal(ffmpeg.probe(path), basename(path));
            assert.ok(error.message.includes(path), error.message);
            assert.match(error.message, /8192x8192/);
            // Every limit it is over, each with how to raise it.
            assert.match(
              error.message,
              /limit of 4096 pixels of frame width \(raise it with --limit frame-width=N; library: limits\.frameWidth/,
            );
            assert.match(
              error.message,
              /limit of 4096 pixels of frame height \(raise it with --limit frame-height=N/,
            );
            assert.match(
              error.message,
              /limit of 8847360 pixels per frame \(raise it with --limit frame-pixels=N/,
            );
          }
        });
        await t.step("a lowered limit refuses, a raised one admits (the override)", async () => {
          const narrow = await refusal(
            ffmpeg.probe(clip, { limits: { frameWidth: 95 } }),
            "narrow",
          );
          assert.match(narrow.message, /96x64 .* limit of 95 pixels of frame width/);
          assert.doesNotMatch(narrow.message, /frame-height|frame-pixels/);
          const short = await refusal(
            ffmpeg.probe(clip, { limits: { frameHeight: 63 } }),
            "short",
          );
          assert.match(short.message, /96x64 .* limit of 63 .* --limit frame-height=N/);
          const few = await refusal(
            ffmpeg.probe(clip, { limits: { framePixels: 6143 } }),
            "px",
          );
          assert.match(
            few.message,
            /6144 pixels\), over .* 6143 pixels .*--limit frame-pixels=N/,
          );
          const info = await ffmpeg.probe(clip, {
            limits: { frameWidth: 96, frameHeight: 64, framePixels: 6144 },
          });
          assert.deepEqual([info.width, info.height], [96, 64]);
        });
        await t.step("a frame size later in the stream counts too", async () => {
          const error = await refusal(
            ffmpeg.probe(sizes, { limits: { framePixels: 64 * 48 * 2 } }),
            "sizes",
          );
          assert.match(error.message, /160x120/);
          const info = await ffmpeg.probe(sizes);
          assert.equal(info.segments.length, 2);
        });
        await t.step("more frames than the limit (audio packets beside them)", async () => {
          const error = await refusal(
            ffmpeg.probe(clip, { limits: { videoFrames: 20 } }),
            "frames",
          );
          assert.match(
            error.message,
            /over the limit of 20 frames in a video \(raise it with --limit video-frames=N; library: limits\.videoFrames/,
          );
          assert.equal(
            (await ffmpeg.probe(clip, { limits: { videoFrames: 30 } })).frameCount,
            30,
          );
        });
        await t.step(
          "sampling holds a recorded probe to the limits before decoding",
          async () => {
            const info = await ffmpeg.probe(clip);
            const error = await refusal(
              sampleFrames(ffmpeg, clip, { info, count: 2, limits: { frameHeight: 32 } }),
              "sample",
            );
            assert.match(error.message, /^Cannot decode ".*clip\.mp4": its frames are 96x64/);
            // A recorded probe that understates the size (8x8 for 320x240: its decoder may
            // allocate 136x136 pixels): the decoder refuses the real frames.
            const real = await ffmpeg.probe(wide);
            const small = {
              ...real,
              segments: real.segments.map((s) => ({ ...s, codedWidth: 8, codedHeight: 8 })),
            };
            const lied = await refusal(
              sampleFrames(ffmpeg, wide, { info: small, count: 2 }),
              "lie",
            );
            assert.match(
              lied.message,
              /wide\.mp4".*a frame of 320x240 is larger than its probe found/,
            );
            assert.equal(
              (await sampleFrames(ffmpeg, wide, { info: real, count: 2 })).frames.length,
              2,
            );
          },
        );
      });
    },
  });
}

Deno.test({
  name: "distort and eval on a dataset with a playlist and an 8192x8192 video record each as a " +
    "failed video by name, and finish the rest",
  ignore: skipWithout("ffmpeg", "hostile pipeline"),
  async fn(t) {
    const dir = join(await Deno.makeTempDir({ prefix: "dfrobust_hostile_" }), "inputs");
    const native = await openFfmpeg("native");
    try {
      // A copy: the manifest is written into data/. Its playlists still point at the shared
      // fixture's outside/ (absolute paths), out of this data folder just the same.
      const inputs = await guardInputs();
      await copySharedFixture(inputs.dir, dir);
      const data = join(dir, "data");
      const [huge] = inputs.huge;
      await makeClip(native, join(data, "real.mp4"), { width: 64, height: 48, frames: 8 });
      await makeClip(native, join(data, "fake.mp4"), { width: 64, height: 48, frames: 8 });
      const manifest = await writeManifest(data, [
        ["real", "real.mp4", 0],
        ["fake", "fake.mp4", 1],
        ["playlist", "hls_absolute.mp4", 1],
        ["passwd", "master_passwd.mp4", 0],
        ["concat", "concat.mkv", 1],
        ["huge", basename(huge), 1],
      ]);
      const run = async (task: string, args: string[]) => {
        const output = await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", ROOT + task, ...args],
          env: { DFROBUST_QUIET: "1", NO_COLOR: "1" },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
          signal: AbortSignal.timeout(240_000),
        }).output();
        const text = (b: Uint8Array) => new TextDecoder().decode(b);
        return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
      };
      const bad: Record<string, RegExp> = {
        playlist: /hls_absolute\.mp4": it is an HLS playlist/,
        passwd: /master_passwd\.mp4": it is an HLS playlist/,
        concat: /concat\.mkv": it is an ffconcat list/,
        huge: /huge\.h264": its frames are 8192x8192/,
      };
      const out = join(dir, "out");
      await t.step("distort: each hostile file is a failed video naming it", async () => {
        const r = await run("tasks/distort.ts", [
          ...["--manifest", manifest, "--out", out, "--ops", "unaltered,hflip", "--json"],
        ]);
        assert.equal(r.code, 1, r.stderr);
        const summary = JSON.parse(r.stdout);
        assert.equal(summary.copies.length, 2);
        for (const copy of summary.copies) {
          const errors = Object.fromEntries(
            copy.failures.map((f: { videoId: string; error: string }) => [f.videoId, f.error]),
          );
          assert.deepEqual(Object.keys(errors).sort(), Object.keys(bad).sort(), copy.opId);
          for (const [id, reason] of Object.entries(bad)) assert.match(errors[id], reason, id);
          assert.equal(copy.ok, 2, copy.opId);
        }
      });
      await Deno.writeFile(join(dir, "tiny.onnx"), tinyDetector("mean"));
      await Deno.writeTextFile(join(dir, "tiny.json"), JSON.stringify(tinySpec()));
      const evaluate = (source: string, store: string, ...extra: string[]) =>
        run("tasks/eval.ts", [
          ...["--detector", join(dir, "tiny.json"), "--model", join(dir, "tiny.onnx")],
          ...["--data", source, "--store", store, "--faces", "full", "--frames", "2", "--json"],
          ...extra,
        ]);
      const errorsIn = async (store: string) => {
        const frame = (await scanStore(store)).filter(pl.col("status").eq(pl.lit("video_error")))
          .select("video_id", "error").collectSync();
        return frame.toRecords() as { video_id: string; error: string }[];
      };
      await t.step("eval on the dataset itself: a video_error row for each, named", async () => {
        const store = join(dir, "store_dataset");
        const r = await evaluate(manifest, store);
        assert.equal(r.code, 0, r.stderr);
        const [copy] = JSON.parse(r.stdout).copies;
        assert.equal(copy.statuses.video_error, 4, JSON.stringify(copy));
        assert.equal(copy.statuses.ok, 4, JSON.stringify(copy));
        const rows = await errorsIn(store);
        for (const [id, reason] of Object.entries(bad)) {
          const row = rows.find((x) => x.video_id === id);
          assert.ok(row, id);
          assert.match(row.error, reason, id);
        }
      });
      await t.step("eval on the copies: the failed videos are video_error rows", async () => {
        const r = await evaluate(out, join(dir, "store_copies"));
        assert.equal(r.code, 0, r.stderr);
        for (const copy of JSON.parse(r.stdout).copies) {
          assert.equal(copy.statuses.video_error, 4, JSON.stringify(copy));
          assert.equal(copy.statuses.ok, 4, JSON.stringify(copy));
        }
      });
      await t.step("a lowered --limit frame-pixels refuses the real videos too", async () => {
        const store = join(dir, "store_low");
        const r = await evaluate(manifest, store, "--limit", "frame-pixels=100");
        assert.equal(r.code, 0, r.stderr);
        const [copy] = JSON.parse(r.stdout).copies;
        assert.equal(copy.statuses.video_error, 6, JSON.stringify(copy));
        const rows = await errorsIn(store);
        assert.match(
          rows.find((x) => x.video_id === "real")!.error,
          /64x48 .* 100 pixels per frame \(raise it with --limit frame-pixels=N/,
        );
        const usage = await evaluate(manifest, store, "--limit", "frame-pixels=big");
        assert.equal(usage.code, 2, usage.stderr);
        assert.match(usage.stderr, /--limit frame-pixels must be a positive integer, got "big"/);
      });
      await t.step("distort takes the frame limits as --limit and refuses eval's", async () => {
        const low = await run("tasks/distort.ts", [
          ...["--manifest", manifest, "--out", join(dir, "out_low"), "--ops", "unaltered"],
          ...["--limit", "video-frames=5", "--json"],
        ]);
        assert.equal(low.code, 1, low.stderr);
        const [copy] = JSON.parse(low.stdout).copies;
        assert.equal(copy.ok, 0, JSON.stringify(copy));
        const real = copy.failures.find((f: { videoId: string }) => f.videoId === "real");
        assert.match(real.error, /over the limit of 5 frames in a video .*--limit video-frames=N/);
        const usage = await run("tasks/distort.ts", [
          ...["--manifest", manifest, "--out", join(dir, "out_usage"), "--limit", "batch=512"],
        ]);
        assert.equal(usage.code, 2, usage.stderr);
        assert.match(usage.stderr, /--limit batch applies to eval only/);
        const help = await run("tasks/distort.ts", ["--help"]);
        assert.match(
          help.stdout,
          /frame-width \(4096\), frame-height \(4096\), frame-pixels \(8847360\), video-frames \(300000\)/,
        );
      });
    } finally {
      await native.close();
      await Deno.remove(join(dir, ".."), { recursive: true });
    }
  },
});
