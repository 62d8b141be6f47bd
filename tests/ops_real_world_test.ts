/**
 * The codec, bitrate, enhancement and platform-like families on real footage (the shared
 * 640x360 clip, cut short): each property checked independently of dfrobust with ffprobe and
 * ffmpeg's own measuring filters (codec and profile, frame rate and decoded frame count, bitrate
 * against its target, luma and saturation from `signalstats`, PSNR from `psnr`), reruns
 * byte-identical on native ffmpeg, and a copy whose encoder ffmpeg.wasm lacks failed by name.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset } from "../artifacts/distort.ts";
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { getOperation } from "../ops/catalog.ts";
import { missingEncoder } from "../ops/profile.ts";
import { writeManifest } from "./distort_fixtures.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import { linkRealClip } from "./real_clip_fixtures.ts";
import { skipWithout } from "./_tools.ts";
import { probeStream } from "./_ffprobe_stream.ts";

const CLIP = join(FIXTURES, "video", "short_hamilton_clip.mp4");
const ignore = skipWithout("ffmpeg", "ops real world") ||
  skipWithoutFixtures("video", "ops real world");

async function command(args: string[]): Promise<string> {
  const out = await new Deno.Command(args[0], { args: args.slice(1), stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${args.join(" ")} failed: ${text}`);
  return text;
}

/** Cuts `seconds` of the real clip, scaled to `width`x`height`, stored losslessly (no audio). */
async function cut(path: string, seconds: number, width: number, height: number) {
  await command([
    "ffmpeg",
    ...["-v", "error", "-y", "-i", CLIP, "-t", String(seconds), "-an"],
    ...["-vf", `scale=${width}:${height}:flags=bicubic`, "-c:v", "libx264", "-qp", "0"],
    ...["-pix_fmt", "yuv420p", path],
  ]);
}

/** Mean over frames of signalstats' YAVG and SATAVG. */
async function signalStats(path: string): Promise<{ y: number; sat: number }> {
  const text = await command([
    "ffprobe",
    ...["-v", "error", "-f", "lavfi", "-i", `movie=${path},signalstats`],
    ...["-show_entries", "frame_tags=lavfi.signalstats.YAVG,lavfi.signalstats.SATAVG"],
    ...["-of", "json"],
  ]);
  const frames = JSON.parse(text).frames as { tags: Record<string, string> }[];
  const avg = (key: string) =>
    frames.reduce((a, f) => a + Number(f.tags[`lavfi.signalstats.${key}`]), 0) / frames.length;
  return { y: avg("YAVG"), sat: avg("SATAVG") };
}

/** Average PSNR (dB, all planes) of `path` against `reference`, from ffmpeg's psnr filter. */
async function psnrOf(path: string, reference: string): Promise<number> {
  const text = await command([
    "ffmpeg",
    ...["-hide_banner", "-nostats", "-i", path, "-i", reference],
    ...["-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"],
  ]);
  const m = /average:(\S+)/.exec(text);
  assert.ok(m, text);
  return m[1] === "inf" ? Infinity : Number(m[1]);
}

/** Output path of each copy of a run, by op id. */
async function outputs(summary: Awaited<ReturnType<typeof distortDataset>>) {
  const byOp = new Map<string, { path: string; sha: string | null; error: string | null }>();
  for (const copy of summary.copies) {
    const manifest = (await readCopyManifest(copy.copyDir))!;
    const video = manifest.videos[0];
    byOp.set(copy.opId, {
      path: video.output ? join(copy.copyDir, video.output) : "",
      sha: video.outputSha256,
      error: video.error,
    });
  }
  return byOp;
}

Deno.test({
  name: "codec families write their codec and profile, keep every frame, and rerun byte-identical",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_codecs_" });
    try {
      await cut(join(dir, "a.mp4"), 2, 320, 180);
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const ops = "h265_crf28,h265_crf45,vp9_crf31,av1_crf35,mpeg4_q6,mpeg4_q24";
      // No copy quality in this file's runs: no assertion reads it (PSNR is measured here, by
      // ffmpeg's psnr filter), and it is a decode of every frame of every copy.
      const options = { ops, jobs: 1, quality: false };
      const first = await distortDataset(manifest, { out: join(dir, "one"), ...options });
      const second = await distortDataset(manifest, { out: join(dir, "two"), ...options });
      const a = await outputs(first);
      const b = await outputs(second);
      const source = await probeStream(join(dir, "a.mp4"));
      const expected: Record<string, [string, string]> = {
        h265_crf28: ["hevc", "Main"],
        h265_crf45: ["hevc", "Main"],
        vp9_crf31: ["vp9", "Profile 0"],
        av1_crf35: ["av1", "Main"],
        mpeg4_q6: ["mpeg4", "Simple Profile"],
        mpeg4_q24: ["mpeg4", "Simple Profile"],
      };
      for (const [id, [codec, profile]] of Object.entries(expected)) {
        const out = a.get(id)!;
        assert.equal(out.error, null, id);
        const p = await probeStream(out.path);
        assert.equal(p.codec, codec, id);
        assert.equal(p.profile, profile, id);
        assert.equal(p.frames, source.frames, `${id} keeps every frame`);
        assert.equal(p.rate, source.rate, id);
        assert.deepEqual([p.width, p.height], [320, 180], id);
        assert.equal(b.get(id)!.sha, out.sha, `${id} reruns byte-identical`);
        const recorded = (await readCopyManifest(
          first.copies.find((c) => c.opId === id)!.copyDir,
        ))!;
        assert.equal(recorded.op.encoder?.codec, getOperation(id).encoder!.codec);
        assert.match(recorded.op.encoder!.determinism, /pinned/);
      }
      // The ladder's direction: a higher CRF / quantiser gives a smaller, worse copy.
      const size = async (id: string) => (await Deno.stat(a.get(id)!.path)).size;
      assert.ok(await size("h265_crf45") < await size("h265_crf28"));
      assert.ok(await size("mpeg4_q24") < await size("mpeg4_q6"));
      const src = join(dir, "a.mp4");
      assert.ok(
        await psnrOf(a.get("h265_crf45")!.path, src) < await psnrOf(a.get("h265_crf28")!.path, src),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "bitrate targets land within 10% of the target (4 s of real footage) and rerun identical",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_bitrate_" });
    try {
      await cut(join(dir, "a.mp4"), 4, 640, 360);
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const ops = "bitrate_1000k,bitrate_150k";
      const run = (out: string) =>
        distortDataset(manifest, { out: join(dir, out), ops, quality: false });
      const a = await outputs(await run("one"));
      const b = await outputs(await run("two"));
      for (const [id, kbps] of [["bitrate_1000k", 1000], ["bitrate_150k", 150]] as const) {
        const p = await probeStream(a.get(id)!.path);
        assert.equal(p.codec, "h264");
        const ratio = p.bitRate / (kbps * 1000);
        assert.ok(Math.abs(ratio - 1) <= 0.1, `${id}: ${p.bitRate} bit/s is ${ratio}x its target`);
        assert.equal(b.get(id)!.sha, a.get(id)!.sha, `${id} reruns byte-identical`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "enhancement families move luma, saturation and PSNR the way their ladders say",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_enhance_" });
    try {
      const src = join(dir, "a.mp4");
      await cut(src, 1, 320, 180);
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const ops = [
        "gamma_g12,gamma_g20,saturation_s125,saturation_s25,blur_s05,blur_s4",
        "denoise_s2,denoise_s15,sharpen_a05,sharpen_a30,upscale_75pct,upscale_quarter",
      ].join(",");
      // Lossless: the decoded frames are exactly the filters' output.
      const run = (out: string) =>
        distortDataset(manifest, { out: join(dir, out), ops, profile: "lossless", quality: false });
      const out = await outputs(await run("one"));
      const again = await outputs(await run("two"));
      for (const [id, o] of out) assert.equal(again.get(id)!.sha, o.sha, `${id} reruns identical`);
      const path = (id: string) => out.get(id)!.path;
      const base = await signalStats(src);
      const g12 = await signalStats(path("gamma_g12"));
      const g20 = await signalStats(path("gamma_g20"));
      assert.ok(base.y < g12.y && g12.y < g20.y, `gamma brightens: ${base.y} ${g12.y} ${g20.y}`);
      const s125 = await signalStats(path("saturation_s125"));
      const s25 = await signalStats(path("saturation_s25"));
      assert.ok(base.sat < s125.sat && s125.sat < s25.sat, `saturation ${base.sat} ${s25.sat}`);
      assert.ok(Math.abs(s25.y - base.y) < 0.5, "saturation leaves luma alone");
      // Every enhancement moves the picture away from the source, more at a higher level.
      for (
        const [mild, strong] of [
          ["blur_s05", "blur_s4"],
          ["denoise_s2", "denoise_s15"],
          ["sharpen_a05", "sharpen_a30"],
          ["upscale_75pct", "upscale_quarter"],
        ]
      ) {
        const pm = await psnrOf(path(mild), src);
        const ps = await psnrOf(path(strong), src);
        assert.ok(ps < pm && pm < 60, `${mild} ${pm} dB, ${strong} ${ps} dB`);
        const strongSize = await probeStream(path(strong), { countFrames: false });
        assert.deepEqual([strongSize.width, strongSize.height], [320, 180]);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "platform_yt caps the short side at 720 and encodes H.264 High without B-frames",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_platform_" });
    try {
      // The 1440x810 second tests/ops_platform_test.ts reruns on, shared.
      await linkRealClip({ width: 1440, height: 810, seconds: 1 }, join(dir, "a.mp4"));
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const summary = await distortDataset(manifest, {
        out: join(dir, "o"),
        ops: "platform_yt",
        quality: false,
      });
      const video = (await readCopyManifest(summary.copies[0].copyDir))!.videos[0];
      assert.equal(video.error, null);
      const p = await probeStream(join(summary.copies[0].copyDir, video.output!));
      assert.deepEqual([p.codec, p.profile, p.width, p.height, p.bFrames], [
        "h264",
        "High",
        1280,
        720,
        0,
      ]);
      assert.equal(video.geometry!.x.scale, 1280 / 1440);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "on ffmpeg.wasm an AV1 copy fails each video with a message naming the missing encoder",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_wasm_av1_" });
    const ffmpeg = await openFfmpeg("wasm");
    try {
      const build = await ffmpeg.build();
      assert.match(missingEncoder(getOperation("av1_crf35"), build.configuration)!, /libsvtav1/);
      for (const id of ["h265_crf28", "vp9_crf31", "mpeg4_q6", "bitrate_500k"]) {
        assert.equal(missingEncoder(getOperation(id), build.configuration), null, id);
      }
      await cut(join(dir, "a.mp4"), 0.2, 64, 36);
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const summary = await distortDataset(manifest, {
        out: join(dir, "o"),
        ops: "av1_crf35",
        ffmpeg,
        quality: false,
      });
      const video = (await readCopyManifest(summary.copies[0].copyDir))!.videos[0];
      assert.equal(video.status, "failed");
      assert.match(video.error!, /a\.mp4.*av1_crf35.*no libsvtav1 encoder.*--enable-libsvtav1/);
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
