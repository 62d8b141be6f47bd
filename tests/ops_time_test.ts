/**
 * Frame-rate reduction, freeze and temporal jitter on real footage: the shared clip, cut and
 * given an 8-bit frame-number barcode on every frame, so each decoded copy frame says which source
 * frame it holds. Checked independently of dfrobust's own arithmetic: barcodes read from every
 * decoded frame against the recorded time map, ffprobe's decoded frame count and rate, frame
 * differences for freeze and jitter, byte-identical reruns (native), the same frames on
 * ffmpeg.wasm, and eval's sidecar boxes landing on the copy frame that shows their source frame.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { INFINITE_PSNR } from "../artifacts/copy_quality.ts";
import { readCopyManifest, validateCopyManifest } from "../artifacts/copy_manifest.ts";
import { evaluate } from "../eval/evaluate.ts";
import { referenceLocator } from "../faces/reference.ts";
import { type BackendChoice, type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { getOperation } from "../ops/catalog.ts";
import { chainInstance } from "../ops/chain.ts";
import { identityFrameGeometry } from "../ops/geometry.ts";
import {
  sourceFrameOf,
  sourceFrames,
  timeFilter,
  type TimeMap,
  timeMapOf,
} from "../ops/time_map.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { barcodeDetector, barcodeSpec, readBarcode } from "./awkward_fixtures.ts";
import { writeManifest } from "./distort_fixtures.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import { sharedFixture } from "./_shared_fixture.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";

const CLIP = join(FIXTURES, "video", "short_hamilton_clip.mp4");
const ignore = skipWithout("ffmpeg", "time operations") ||
  skipWithoutFixtures("video", "time operations");

/** The source: 320x240 so the awkward fixtures' barcode reader fits it. */
const WIDTH = 320;
const HEIGHT = 240;
/** Frames of the 29.97 fps clip: one whole 60-frame jitter block, then a partial one. */
const FRAMES = 72;
/**
 * Frames of the clip ffmpeg.wasm distorts (4-7x slower than native): still one whole jitter block
 * and a partial one, a whole 30-frame freeze period and a partial one, a partial 5-frame block.
 */
const WASM_FRAMES = 64;

/** Barcode drawboxes: a black strip, band k white when bit k of the frame number is set. */
function barcodeFilter(): string {
  const strip = `ih*32/240`;
  const bands = Array.from(
    { length: 8 },
    (_, k) =>
      `drawbox=x=${k}*iw/8:y=0:w=iw/8:h=${strip}:color=white:t=fill:` +
      `enable='eq(mod(floor(n/pow(2\\,${k}))\\,2)\\,1)'`,
  );
  return [`drawbox=x=0:y=0:w=iw:h=${strip}:color=black:t=fill`, ...bands].join(",");
}

/**
 * Cuts the first `frames` frames of the real clip, scales them, stamps each frame's number and
 * stores them losslessly. Its video starts 0.84 s after its audio: timestamps start from 0 and
 * pass through, so no frame is duplicated to fill the gap (decoded frame n shows barcode n).
 */
async function writeBarcodedClip(ffmpeg: Ffmpeg, path: string, frames: number) {
  await ffmpeg.run({
    args: [
      ...["-i", `file:${CLIP}`, "-frames:v", String(frames), "-an", "-fps_mode", "passthrough"],
      ...["-vf", `setpts=PTS-STARTPTS,scale=${WIDTH}:${HEIGHT}:flags=bicubic,${barcodeFilter()}`],
      ...["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p", `file:${path}`],
    ],
    inputs: [CLIP],
    outputs: [path],
  });
}

/**
 * The barcoded clip of `frames` frames (native ffmpeg), built once per test run and shared read
 * only (tests/_shared_fixture.ts); linked to `path`.
 */
async function linkBarcodedClip(path: string, frames = FRAMES): Promise<void> {
  const dir = await sharedFixture(
    "barcoded-real-clip",
    { frames },
    (dir) =>
      withFfmpeg("native", (native) => writeBarcodedClip(native, join(dir, "a.mp4"), frames)),
  );
  await Deno.link(join(dir, "a.mp4"), path).catch(() => Deno.copyFile(join(dir, "a.mp4"), path));
}

/** Every decoded frame of `path` as rgb24 (the decoder's frames, whatever the container says). */
async function decodeRgb(ffmpeg: Ffmpeg, path: string): Promise<Uint8Array[]> {
  const { stdout } = await ffmpeg.run({
    args: [
      ...["-i", `file:${path}`, "-fps_mode", "passthrough"],
      ...["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
    ],
    inputs: [path],
    outputs: [],
    captureStdout: true,
  });
  const size = WIDTH * HEIGHT * 3;
  const frames: Uint8Array[] = [];
  for (let at = 0; at + size <= stdout.length; at += size) {
    frames.push(stdout.subarray(at, at + size));
  }
  return frames;
}

async function command(args: string[]): Promise<string> {
  const out = await new Deno.Command(args[0], { args: args.slice(1), stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`${args.join(" ")} failed`);
  return text;
}

/** ffprobe's decoded frame count and rates of a file's video stream. */
async function probe(path: string): Promise<{ frames: number; rate: string; avg: string }> {
  const json = JSON.parse(
    await command([
      "ffprobe",
      ...["-v", "error", "-count_frames", "-select_streams", "v:0", "-of", "json"],
      ...["-show_entries", "stream=nb_read_frames,r_frame_rate,avg_frame_rate", path],
    ]),
  );
  const s = json.streams[0];
  return { frames: Number(s.nb_read_frames), rate: s.r_frame_rate, avg: s.avg_frame_rate };
}

/** Mean absolute luma-ish difference of two rgb frames below the barcode strip. */
function difference(a: Uint8Array, b: Uint8Array): number {
  const from = WIDTH * 3 * 40;
  let sum = 0;
  for (let i = from; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / (a.length - from);
}

const TIME_OPS = [
  "framerate_4of5",
  "framerate_3of5",
  "framerate_1of2",
  "framerate_2of5",
  "framerate_1of5",
  "freeze_h3",
  "freeze_h24",
  "jitter_w2",
  "jitter_w10",
];

Deno.test("time maps follow their rules: framerate keeps ceil(j*of/keep), freeze holds, jitter permutes windows", async (t) => {
  await t.step("framerate k of d: copy frame j shows source frame ceil(j * d / k)", () => {
    for (const [id, keep, of] of [["framerate_3of5", 3, 5], ["framerate_2of5", 2, 5]] as const) {
      const time = timeMapOf(getOperation(id).time!, 72);
      const expected: number[] = [];
      for (let j = 0; Math.ceil(j * of / keep) < 72; j++) expected.push(Math.ceil(j * of / keep));
      assert.deepEqual(sourceFrames(time), expected, id);
    }
    assert.equal(timeMapOf(getOperation("framerate_1of2").time!, 7).frames, 4);
  });
  await t.step("freeze: the first of every 30 frames is held for `hold` frames", () => {
    const time = timeMapOf(getOperation("freeze_h6").time!, 65);
    const expected = Array.from({ length: 65 }, (_, j) => (j % 30 < 6 ? j - (j % 30) : j));
    assert.deepEqual(sourceFrames(time), expected);
  });
  await t.step("jitter: each window of w frames is a permutation of itself", () => {
    for (const w of [2, 3, 4, 6, 10]) {
      const frames = sourceFrames(timeMapOf(getOperation(`jitter_w${w}`).time!, 120));
      for (let start = 0; start < 120; start += w) {
        const window = frames.slice(start, start + w).sort((a, b) => a - b);
        assert.deepEqual(window, Array.from({ length: w }, (_, i) => start + i), `w${w}@${start}`);
      }
      assert.ok(frames.some((s, j) => s !== j), `jitter_w${w} moves frames`);
    }
  });
  await t.step("a partial last block shows the last frame where its pattern points past it", () => {
    const time = timeMapOf(getOperation("jitter_w10").time!, 63);
    for (let j = 60; j < 63; j++) assert.ok(sourceFrameOf(time, j) <= 62);
    assert.throws(() => sourceFrameOf(time, 63), RangeError);
  });
  await t.step(
    "the graph: padded, shuffled, trimmed; retimed only where frames are dropped",
    () => {
      const timing = { frames: 72, fpsFraction: "2997/100" };
      assert.equal(
        getOperation("framerate_3of5").filterFor!(320, 240, timing),
        "tpad=stop=4:stop_mode=clone,shuffleframes=mapping=0|-1|2|-1|4,trim=end_frame=43," +
          "settb=expr=1/(8991/500),setpts=N,fps=fps=8991/500",
      );
      assert.match(getOperation("freeze_h3").filterFor!(320, 240, timing)!, /trim=end_frame=72$/);
      // A source whose rate ffprobe does not know cannot be given a lower one: refused by name.
      assert.throws(
        () => timeFilter(getOperation("framerate_1of2").time!, { frames: 9, fpsFraction: "0/1" }),
        /frame rate is unknown/,
      );
      assert.ok(timeFilter(getOperation("jitter_w2").time!, { frames: 9, fpsFraction: "0/1" }));
    },
  );
  await t.step("a copy manifest with a malformed time map is refused by name", () => {
    const time = timeMapOf(getOperation("freeze_h3").time!, 40);
    const doc = (t: unknown) => ({
      schema: "dfrobust.copy/1",
      artifactId: "x",
      op: { id: "freeze_h3", category: "time" },
      videos: [{ id: "v", status: "ok", output: "videos/v.mp4", time: t }],
    });
    assert.equal(validateCopyManifest(doc(time), "/c/manifest.json").videos[0].time, time);
    assert.throws(
      () => validateCopyManifest(doc({ ...time, frames: 39 }), "/c/manifest.json"),
      /manifest\.json.*video "v" has a malformed "time" map/,
    );
  });
  await t.step("a chain holds at most one time step; one keeps its pattern", () => {
    assert.throws(
      () => chainInstance({ name: "twice", ops: ["freeze_h3", "jitter_w2"] }),
      /at most one time step/,
    );
    const chain = chainInstance({ name: "jf", ops: ["jitter_w4", "hflip", "h264_crf40"] });
    assert.deepEqual(chain.time, getOperation("jitter_w4").time);
  });
  await t.step(
    "reference mode refuses a time copy by name instead of losing its boxes",
    async () => {
      const time = timeMapOf(getOperation("freeze_h3").time!, 30);
      const frame = { data: new Uint8Array(12), width: 2, height: 2 };
      const located = referenceLocator(
        { schema: "dfrobust.faces/1", videos: { v: { "0": [[0, 0, 1, 1]] } } },
        { hflip: false, vflip: false, scale: 1 },
      ).locate("v", [frame], [1], {
        geometry: { geometry: identityFrameGeometry(2, 2), segments: [], time },
      });
      await assert.rejects(located, /Reference mode.*"v".*ultraface or sidecar/);
    },
  );
});

/** The copy of op `id` in a distort summary: its video's file, hash and time map. */
async function copyOf(summary: Awaited<ReturnType<typeof distortDataset>>, id: string) {
  const copy = summary.copies.find((c) => c.opId === id)!;
  const manifest = (await readCopyManifest(copy.copyDir))!;
  const video = manifest.videos[0];
  assert.equal(video.error, null, `${id}: ${video.error}`);
  return {
    path: join(copy.copyDir, video.output!),
    sha: video.outputSha256,
    time: video.time as TimeMap,
    manifest,
  };
}

for (const backend of ["native", "wasm"] as BackendChoice[]) {
  Deno.test({
    name: `${backend}: every time copy's frame j shows the barcode of the source frame its time ` +
      `map names, at the frame count and rate ffprobe reads`,
    ignore,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: `dfrobust_time_${backend}_` });
      const ffmpeg = await openFfmpeg(backend);
      try {
        const count = backend === "native" ? FRAMES : WASM_FRAMES;
        await linkBarcodedClip(join(dir, "a.mp4"), count);
        const source = await probe(join(dir, "a.mp4"));
        assert.equal(source.frames, count);
        const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
        // ffmpeg.wasm is 4-7x slower: one level of each family there.
        const ops = backend === "native"
          ? TIME_OPS.join(",")
          : "framerate_3of5,freeze_h6,jitter_w4";
        // The rerun's copy quality is left out: only its bytes are compared.
        const run = (out: string, quality = true) =>
          distortDataset(manifest, {
            out: join(dir, out),
            ops,
            profile: "lossless",
            ffmpeg,
            quality,
          });
        const first = await run("one");
        for (const id of ops.split(",")) {
          const copy = await copyOf(first, id);
          const expected = sourceFrames(copy.time);
          const frames = await decodeRgb(ffmpeg, copy.path);
          assert.equal(frames.length, copy.time.frames, `${id}: decoded frames`);
          const barcodes = frames.map((f) => readBarcode(f, WIDTH, HEIGHT));
          assert.deepEqual(barcodes, expected, `${id}: barcodes`);
          const p = await probe(copy.path);
          assert.equal(p.frames, copy.time.frames, `${id}: ffprobe count`);
          assert.deepEqual(copy.time, timeMapOf(getOperation(id).time!, count));
          assert.deepEqual(copy.manifest.op.time, getOperation(id).time);
          // Copy quality (issue 23) pairs copy frame j with the source frame its map names: a
          // lossless time copy equals that reference (pairing frame j with source frame j, or a
          // wrong map, gives a finite PSNR).
          const quality = copy.manifest.videos[0].quality!;
          assert.match(quality.reference ?? "", /time map/, `${id}: ${JSON.stringify(quality)}`);
          assert.equal(quality.psnrY, null, `${id}: ${JSON.stringify(quality)}`);
          assert.equal(quality.absent?.psnrY, INFINITE_PSNR, id);
          assert.equal(quality.ssimY, 1, id);
          if (id.startsWith("framerate")) {
            // 29.97 fps x keep / of, constant.
            const [keep, of] = id.slice("framerate_".length).split("of").map(Number);
            const rate = 2997 * keep / (100 * of);
            const [n, d] = p.rate.split("/").map(Number);
            assert.ok(Math.abs(n / d - rate) < 1e-6 * rate, `${id}: ${p.rate} against ${rate}`);
            assert.equal(p.avg, p.rate, `${id}: constant rate`);
          } else {
            assert.equal(p.rate, source.rate, `${id} keeps the rate`);
          }
          if (id.startsWith("freeze")) {
            // Held frames are the same picture; the frame after a hold is not.
            const hold = Number(id.slice("freeze_h".length));
            for (let j = 1; j < frames.length; j++) {
              const d = difference(frames[j], frames[j - 1]);
              if (j % 30 !== 0 && j % 30 < hold) assert.ok(d < 0.01, `${id} frame ${j}: ${d}`);
            }
            assert.ok(difference(frames[hold], frames[hold - 1]) > 0.5, `${id}: after the hold`);
          }
        }
        if (backend === "native") {
          const second = await run("two", false);
          for (const id of TIME_OPS) {
            assert.equal((await copyOf(second, id)).sha, (await copyOf(first, id)).sha, id);
          }
          // The paper profile (CRF 23) reruns byte-identical too.
          const paper = (out: string, quality = true) =>
            distortDataset(manifest, {
              out: join(dir, out),
              ops: "framerate_2of5,jitter_w6",
              quality,
            });
          const p1 = await paper("p1");
          const p2 = await paper("p2", false);
          for (const id of ["framerate_2of5", "jitter_w6"]) {
            assert.equal((await copyOf(p2, id)).sha, (await copyOf(p1, id)).sha, `${id} paper`);
            // A CRF 23 encode of the mapped frames: high, finite fidelity.
            const psnr = (await copyOf(p1, id)).manifest.videos[0].quality!.psnrY!;
            assert.ok(psnr > 30 && psnr < 80, `${id} paper: PSNR ${psnr}`);
          }
        }
      } finally {
        await ffmpeg.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

async function readRows(store: string): Promise<ScoreRow[]> {
  const parts = await listParts(store);
  return pl.concat(parts.map((p) => pl.readParquet(p))).toRecords() as unknown as ScoreRow[];
}

Deno.test({
  name: "eval puts each sidecar box of source frame s on the copy frame showing s (32 sampled " +
    "frames of the decoded count; barcode detector and box agree)",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_time_eval_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      await linkBarcodedClip(join(dir, "a.mp4"));
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const ops = "unaltered,framerate_2of5,freeze_h15,jitter_w6,chain:jflip=jitter_w3+hflip";
      // No copy quality: eval does not read it.
      await distortDataset(manifest, { out: join(dir, "copies"), ops, ffmpeg, quality: false });
      // Source frame s has one box whose x is s: the stored box names the source frame.
      const frames: Record<string, number[][]> = {};
      for (let s = 0; s < 72; s++) frames[s] = [[s, 100, 40, 40]];
      const sidecar = join(dir, "faces.json");
      await Deno.writeTextFile(
        sidecar,
        JSON.stringify({ schema: "dfrobust.faces/1", videos: { a: frames } }),
      );
      const model = join(dir, "barcode.onnx");
      await Deno.writeFile(model, barcodeDetector());
      const store = join(dir, "store");
      const summary = await evaluate({
        spec: barcodeSpec(),
        modelPath: model,
        data: join(dir, "copies"),
        store,
        faces: "sidecar",
        sidecar,
        frames: 32,
        ffmpeg,
      });
      assert.equal(summary.failures, 0);
      const rows = await readRows(store);
      const copies = join(dir, "copies");
      for (const opId of ["unaltered", "framerate_2of5", "freeze_h15", "jitter_w6", "jflip"]) {
        const mine = rows.filter((r) => r.op_id === opId);
        const folder = [...Deno.readDirSync(join(copies, opId))].find((e) => e.isDirectory)!;
        const video = (await readCopyManifest(join(copies, opId, folder.name)))!.videos[0];
        const time = video.time ?? null;
        const count = time ? time.frames : 72;
        // numpy.linspace(0, count - 1, 32).astype(int), computed here; a copy shorter than 32
        // frames (framerate_2of5 keeps 29) repeats indices, each scored once.
        const linspace = new Set(
          Array.from({ length: 32 }, (_, i) => Math.floor(i * (count - 1) / 31)),
        );
        assert.deepEqual(
          mine.map((r) => r.frame_index).sort((a, b) => a - b),
          [...linspace],
          `${opId}: sampled frames`,
        );
        for (const row of mine) {
          const s = time ? sourceFrameOf(time, row.frame_index) : row.frame_index;
          const where = `${opId} frame ${row.frame_index} (source ${s})`;
          assert.equal(row.status, "ok", `${where}: ${row.error}`);
          // The box is source frame s's (mirrored about 320 in the hflip chain).
          const x = opId === "jflip" ? WIDTH - s - 40 : s;
          assert.ok(Math.abs(row.box_x! - x) < 1e-6, `${where}: box x ${row.box_x}`);
          if (opId !== "jflip") {
            assert.equal(Math.round(row.score! * 255), s, `${where}: barcode`);
          }
        }
      }
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
