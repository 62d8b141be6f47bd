/**
 * Copy quality (issue 23): the PSNR/SSIM distort records per video and copy equal an independent
 * computation (tests/quality_oracle.py: scikit-image's PSNR on frames decoded by ffmpeg, ffmpeg's
 * ssim filter run standalone on references built with numpy) on real footage, an odd-sized 4:4:4
 * clip and a resolution ladder; older copies get the numbers from `verify --quality` or the next
 * distort without any video remade; both ffmpeg backends measure alike.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset } from "../artifacts/distort.ts";
import {
  type CopyManifest,
  readCopyManifest,
  validateCopyManifest,
} from "../artifacts/copy_manifest.ts";
import { INFINITE_PSNR, summarizeQuality, videoQuality } from "../artifacts/copy_quality.ts";
import { measureFidelity, parseFidelityLog } from "../artifacts/quality_measure.ts";
import { verifyCopies } from "../artifacts/verify.ts";
import { decodersPerProcess } from "../media/decoder_budget.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { cropFilter } from "../ops/geometry.ts";
import { QUALITY_SCALER } from "../ops/quality_reference.ts";
import { selectOperations } from "../ops/select.ts";
import { contactSheet, exampleVideo } from "../report/contact_sheet.ts";
import { contactSheetHtml } from "../report/contact_sheet_view.ts";
import { OptionError } from "../util/option_error.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import { runJson, skipWithout } from "./_tools.ts";

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`,
  );
}

/** Width and height from a baseline JPEG's start-of-frame marker (FFC0). */
function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  for (let i = 2; i + 8 < bytes.length;) {
    if (bytes[i] !== 0xff) throw new Error(`not a JPEG marker at ${i}`);
    const marker = bytes[i + 1];
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (marker === 0xc0) {
      return {
        height: (bytes[i + 5] << 8) | bytes[i + 6],
        width: (bytes[i + 7] << 8) | bytes[i + 8],
      };
    }
    i += 2 + length;
  }
  throw new Error("no start-of-frame marker");
}

const ORACLE = new URL("./quality_oracle.py", import.meta.url).pathname;

interface OracleAnswer {
  psnr: number | "inf";
  ssim: number;
  frames: number;
}

/** The oracle's comparison for one record of a copy of `manifest` (see quality_oracle.py). */
function oracleRequest(manifest: CopyManifest, copyDir: string, id: string) {
  const record = manifest.videos.find((v) => v.id === id)!;
  const g = record.geometry!;
  const inW = g.crop ? g.crop.width : g.sourceWidth;
  const inH = g.crop ? g.crop.height : g.sourceHeight;
  const resized = g.width !== inW || g.height !== inH;
  const hflip = g.x.scale < 0;
  const vflip = g.y.scale < 0;
  const scale = (w: number, h: number) => `scale=w=${w}:h=${h}:flags=${QUALITY_SCALER}`;
  const base = { source: record.source, copy: join(copyDir, record.output!) };
  if (resized && manifest.op.category === "chain") {
    const vf = [
      ...(g.crop ? [cropFilter(g.crop)] : []),
      ...(hflip ? ["hflip"] : []),
      ...(vflip ? ["vflip"] : []),
      scale(g.width, g.height),
    ];
    return { ...base, refVf: vf.join(",") };
  }
  const crop = g.crop ? [g.crop.x, g.crop.y, g.crop.width, g.crop.height] : null;
  return { ...base, crop, hflip, vflip, copyVf: resized ? scale(inW, inH) : null };
}

function oracle(requests: unknown[]): Promise<OracleAnswer[]> {
  return runJson("oracle", "/usr/bin/python3", [ORACLE], requests);
}

/**
 * A dataset of real footage (10 frames: the copies' numbers are compared with the oracle's over
 * the same frames, so their count does not matter; 25 copies of each frame are made and measured),
 * the odd 4:4:4 fixture and a generated 97x55 clip.
 */
async function dataset(ffmpeg: Ffmpeg, dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const real = join(dir, "real.mp4");
  await ffmpeg.run({
    args: [
      "-i",
      `file:${join(FIXTURES, "video/short_hamilton_clip.mp4")}`,
      "-frames:v",
      "10",
      "-an",
      "-c:v",
      "libx264",
      "-crf",
      "18",
      "-pix_fmt",
      "yuv420p",
      `file:${real}`,
    ],
    inputs: [join(FIXTURES, "video/short_hamilton_clip.mp4")],
    outputs: [real],
  });
  await Deno.symlink(join(FIXTURES, "awkward/odd_333x187_yuv444.mp4"), join(dir, "odd.mp4"));
  const small = join(dir, "small.mp4");
  await ffmpeg.run({
    args: [
      "-f",
      "lavfi",
      "-i",
      "testsrc2=s=97x55:r=25",
      "-frames:v",
      "12",
      "-c:v",
      "libx264",
      "-crf",
      "12",
      "-pix_fmt",
      "yuv444p",
      `file:${small}`,
    ],
    inputs: [],
    outputs: [small],
  });
  const csv = join(dir, "dataset.csv");
  await Deno.writeTextFile(
    csv,
    "id,path,label\nreal,real.mp4,0\nodd,odd.mp4,1\nsmall,small.mp4,1\n",
  );
  return csv;
}

Deno.test({
  name: "distort records per-video PSNR and SSIM of luma equal to scikit-image and a standalone " +
    "ffmpeg ssim, on real footage, odd sizes and a resolution ladder",
  ignore: skipWithout("ffmpeg", "copy quality") ||
    skipWithout("python-skimage", "copy quality") ||
    skipWithoutFixtures(["video", "awkward"], "copy quality"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_quality_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const csv = await dataset(ffmpeg, join(tmp, "data"));
      const out = join(tmp, "copies");
      const ops = await selectOperations(
        "unaltered,h264_crf40,lighten,noise,hflip,vflip,res,chain:vres=vflip+res_half",
        { severity: "all" },
      );
      const options = { out, ops, ffmpeg, allowOutsideLinks: true, jobs: 1 };
      const summary = await distortDataset(csv, options);
      const copies = new Map<string, { dir: string; manifest: CopyManifest }>();
      for (const copy of summary.copies) {
        copies.set(copy.opId, {
          dir: copy.copyDir,
          manifest: (await readCopyManifest(copy.copyDir))!,
        });
      }

      await t.step("every ok video of an encoded copy matches the oracle", async () => {
        const cases: { opId: string; id: string; dir: string; manifest: CopyManifest }[] = [];
        for (const [opId, { dir, manifest }] of copies) {
          if (opId === "unaltered") continue;
          for (const v of manifest.videos) {
            if (v.status === "ok") cases.push({ opId, id: v.id, dir, manifest });
          }
        }
        // The ladder reaches res_eighth; odd sizes crop; real footage is in every copy.
        assert.ok(cases.some((c) => c.opId === "res_eighth"));
        assert.ok(cases.some((c) => c.id === "odd" && c.opId === "res_third"));
        const answers = await oracle(cases.map((c) => oracleRequest(c.manifest, c.dir, c.id)));
        cases.forEach((c, k) => {
          const q = c.manifest.videos.find((v) => v.id === c.id)!.quality!;
          const a = answers[k];
          const where = `${c.opId}/${c.id}`;
          assert.ok(a.psnr !== "inf", where);
          assert.ok(q.psnrY !== null, where);
          near(q.psnrY, a.psnr as number, 0.01, `${where}: PSNR`);
          near(q.ssimY!, a.ssim, 0.001, `${where}: SSIM`);
        });
      });

      await t.step(
        "each family names its reference; size and bitrate come from the file",
        async () => {
          const ref = (opId: string) => copies.get(opId)!.manifest.videos[0].quality!.reference;
          assert.deepEqual(ref("h264_crf40"), "source");
          assert.deepEqual(ref("hflip"), "mirrored source");
          assert.deepEqual(
            ref("res_half"),
            `copy scaled back to the source size (${QUALITY_SCALER})`,
          );
          assert.deepEqual(ref("vres"), `source through the chain's geometry (${QUALITY_SCALER})`);
          const { dir, manifest } = copies.get("h264_crf40")!;
          for (const v of manifest.videos) {
            const size = (await Deno.stat(join(dir, v.output!))).size;
            const probe = v.validation!.probe!;
            assert.deepEqual(v.quality!.sizeBytes, size);
            near(
              v.quality!.bitrateKbps!,
              size * 8 / (probe.frameCount / probe.fps) / 1000,
              0.001,
              "bitrate",
            );
          }
          // The copy's summary is the mean over its videos.
          const psnrs = manifest.videos.map((v) => v.quality!.psnrY!);
          near(manifest.quality!.psnrY!.mean, psnrs.reduce((a, b) => a + b) / 3, 1e-9, "mean");
        },
      );

      await t.step("the unaltered copy is identical: PSNR absent with its reason, never 0", () => {
        const { manifest } = copies.get("unaltered")!;
        for (const v of manifest.videos) {
          assert.deepEqual(v.quality!.psnrY, null);
          assert.deepEqual(v.quality!.absent?.psnrY, INFINITE_PSNR);
          assert.deepEqual(v.quality!.ssimY, 1);
        }
        assert.deepEqual(manifest.quality!.psnrY, null);
        assert.deepEqual(manifest.quality!.psnrInfinite, 3);
      });

      await t.step("every ok video of every copy has its quality; none is 0", () => {
        for (const { manifest } of copies.values()) {
          for (const v of manifest.videos.filter((v) => v.status === "ok")) {
            assert.ok(v.quality, `${manifest.op.id}/${v.id}`);
            assert.notEqual(v.quality.psnrY, 0);
            assert.ok(v.quality.psnrY !== null || v.quality.absent?.psnrY);
          }
        }
      });

      // An older copy: no quality in its manifest.
      const strip = async (opId: string) => {
        const path = join(copies.get(opId)!.dir, "manifest.json");
        const raw = JSON.parse(await Deno.readTextFile(path));
        delete raw.quality;
        for (const v of raw.videos) delete v.quality;
        await Deno.writeTextFile(path, JSON.stringify(raw, null, 2));
      };
      const before = async (opId: string) => (await readCopyManifest(copies.get(opId)!.dir))!;

      await t.step("verify --quality fills an older copy without remaking a video", async () => {
        await strip("h264_crf40");
        await strip("res_half");
        // odd.mp4 is a link to the fixtures folder, as distort was told.
        const report = await verifyCopies(out, { quality: true, ffmpeg, allowOutsideLinks: true });
        assert.ok(report.ok);
        assert.deepEqual(report.quality!.filled, 6);
        assert.deepEqual(report.quality!.manifests, 2);
        for (const opId of ["h264_crf40", "res_half"]) {
          const now = await before(opId);
          const then = copies.get(opId)!.manifest;
          assert.deepEqual(now.createdAt, then.createdAt);
          assert.deepEqual(
            now.videos.map((v) => v.outputSha256),
            then.videos.map((v) => v.outputSha256),
          );
          assert.deepEqual(now.videos.map((v) => v.quality), then.videos.map((v) => v.quality));
          assert.deepEqual(now.quality, then.quality);
        }
      });

      await t.step("the next distort fills an older copy, its videos kept", async () => {
        await strip("hflip");
        const again = await distortDataset(csv, options);
        assert.deepEqual(again.copies.find((c) => c.opId === "hflip")!.state, "reused");
        const now = await before("hflip");
        assert.deepEqual(now.createdAt, copies.get("hflip")!.manifest.createdAt);
        assert.deepEqual(
          now.videos.map((v) => v.quality),
          copies.get("hflip")!.manifest.videos.map((v) => v.quality),
        );
      });

      // swscale's C code (wasm) and its x86 code (native) round a bicubic scale differently: the
      // references that scale agree to a few hundredths of a dB, the others exactly.
      await t.step("ffmpeg.wasm measures the same numbers as native ffmpeg", async () => {
        const wasm = await openFfmpeg("wasm");
        try {
          const inputs = ["h264_crf40", "hflip", "res_half", "vres"].map((opId) => {
            const { dir, manifest } = copies.get(opId)!;
            const v = manifest.videos.find((v) => v.id === "small")!;
            return {
              op: manifest.op,
              geometry: v.geometry!,
              path: join(dir, v.output!),
              streamIndex: 0,
            };
          });
          const source = join(tmp, "data", "small.mp4");
          const info = await ffmpeg.probe(source);
          const native = await measureFidelity(ffmpeg, source, info, inputs);
          const viaWasm = await measureFidelity(wasm, source, info, inputs);
          assert.deepEqual(viaWasm.slice(0, 2), native.slice(0, 2));
          for (const k of [2, 3]) {
            near(viaWasm[k].psnrY, native[k].psnrY, 0.05, "wasm PSNR");
            near(viaWasm[k].ssimY, native[k].ssimY, 0.001, "wasm SSIM");
          }
        } finally {
          await wasm.close();
        }
      });

      await t.step(
        "the contact sheet shows one frame of the chosen video through every copy",
        async () => {
          const list = [...copies].map(([opId, c]) => ({ opId, ...c }));
          // Every video is ok in every copy: the smallest id; one failure moves the choice.
          assert.deepEqual(exampleVideo(list), "odd");
          const fewer = list.map((c) =>
            c.opId !== "hflip" ? c : {
              ...c,
              manifest: {
                ...c.manifest,
                videos: c.manifest.videos.map((v) =>
                  v.id === "odd" ? { ...v, status: "failed" as const } : v
                ),
              },
            }
          );
          assert.deepEqual(exampleVideo(fewer), "real");
          const sheet = (await contactSheet(ffmpeg, list, { example: "small" }))!;
          assert.deepEqual(sheet.videoId, "small");
          assert.deepEqual(sheet.chosenBy, "--example");
          assert.deepEqual(sheet.frame, 6);
          assert.deepEqual(sheet.frames.map((f) => f.opId), list.map((c) => c.opId));
          for (const f of sheet.frames) {
            assert.ok(f.image?.startsWith("data:image/jpeg;base64,"), f.opId);
            const jpeg = Uint8Array.from(atob(f.image!.split(",")[1]), (c) => c.charCodeAt(0));
            assert.equal(jpegSize(jpeg).width, 192, f.opId);
            const q = copies.get(f.opId)!.manifest.videos.find((v) => v.id === "small")!.quality!;
            assert.equal(
              f.quality,
              f.opId === "unaltered"
                ? `identical, ${Math.round(q.bitrateKbps!)} kbit/s`
                : `${q.psnrY!.toFixed(1)} dB, ${Math.round(q.bitrateKbps!)} kbit/s`,
            );
          }
          // In the report: one embedded image per copy, captioned; no file is referenced.
          const html = String(contactSheetHtml({ contactSheet: sheet }));
          assert.equal(
            (html.match(/<img src="data:image\/jpeg;base64,/g) ?? []).length,
            list.length,
          );
          assert.match(html, /Video <code>small<\/code> \(chosen by --example\), frame 6/);
          assert.match(
            String(contactSheetHtml({ contactSheetNote: "No contact sheet: no --data." })),
            /No contact sheet: no --data\./,
          );
          // The failed copy beside one good one: only hflip's frame is asserted on, so the other
          // copies are left out (each costs a decode).
          const odd = (await contactSheet(
            ffmpeg,
            fewer.filter((c) => c.opId === "hflip" || c.opId === "unaltered"),
            { example: "odd" },
          ))!;
          assert.ok(odd.frames.find((f) => f.opId === "unaltered")!.image);
          assert.deepEqual(odd.frames.find((f) => f.opId === "hflip")!.image, null);
          assert.ok(odd.frames.find((f) => f.opId === "hflip")!.reason!.startsWith("failed"));
          await assert.rejects(
            () => contactSheet(ffmpeg, list, { example: "nobody" }),
            OptionError,
          );
        },
      );
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("copy quality is absent with a reason, never 0, and summaries leave infinite PSNR out", () => {
  const measured = videoQuality(1000, { frameCount: 25, fps: 25 }, {
    reference: "source",
    psnrY: 30,
    ssimY: 0.9,
  });
  assert.deepEqual(measured.bitrateKbps, 8);
  assert.deepEqual(measured.absent, undefined);
  const identical = videoQuality(1000, { frameCount: 25, fps: 25 }, {
    reference: "source",
    psnrY: Infinity,
    ssimY: 1,
  });
  assert.deepEqual(identical.psnrY, null);
  assert.deepEqual(identical.absent?.psnrY, INFINITE_PSNR);
  const failed = videoQuality(1000, null, "Cannot measure: ffmpeg exited with code 1");
  assert.deepEqual([failed.bitrateKbps, failed.psnrY, failed.ssimY], [null, null, null]);
  assert.ok(failed.absent?.bitrateKbps && failed.absent.psnrY && failed.absent.ssimY);
  const summary = summarizeQuality([
    { status: "ok", quality: measured },
    { status: "ok", quality: identical },
    { status: "ok", quality: failed },
    { status: "ok" },
    { status: "failed" },
  ])!;
  assert.deepEqual(summary.psnrY, { n: 1, mean: 30, sd: null, min: 30, max: 30 });
  assert.deepEqual(summary.psnrInfinite, 1);
  assert.deepEqual(summary.ssimY!.n, 2);
  assert.deepEqual(summary.bitrateKbps!.n, 2);
  assert.deepEqual(summary.unmeasured, 1);
  assert.deepEqual(summarizeQuality([{ status: "failed" }]), null);
});

Deno.test("parseFidelityLog reads each named filter's summary and refuses a missing one", () => {
  const log = [
    "[ssim@q1 @ 0x5] SSIM Y:0.913772 (10.6) U:0.9 V:0.9 All:0.9 (11.4)",
    "[psnr@q1 @ 0x6] PSNR y:30.176253 u:32.1 v:30.7 average:30.5 min:30.1 max:31.6",
    "[psnr@q0 @ 0x7] PSNR y:inf u:inf v:inf average:inf min:inf max:inf",
    "[ssim@q0 @ 0x8] SSIM Y:1.000000 (inf) U:1.000000 (inf) V:1.000000 (inf) All:1.000000 (inf)",
  ].join("\n");
  assert.deepEqual(parseFidelityLog(log, 2), [
    { psnrY: Infinity, ssimY: 1 },
    { psnrY: 30.176253, ssimY: 0.913772 },
  ]);
  assert.throws(() => parseFidelityLog(log, 3), /comparison 2/);
});

Deno.test("one comparison process decodes at most 16 copies, fewer of large frames", () => {
  assert.equal(decodersPerProcess(640, 360), 16);
  // The paper's 12 copies of a 1080p video in one process; of a 4K one, three at a time.
  assert.equal(decodersPerProcess(1920, 1080), 14);
  assert.equal(decodersPerProcess(4096, 2160), 3);
  assert.equal(decodersPerProcess(16384, 16384), 1);
});

Deno.test("a malformed quality record in a copy manifest reads as unmeasured, never as numbers", () => {
  const good = videoQuality(10, { frameCount: 1, fps: 1 }, {
    reference: "source",
    psnrY: 30,
    ssimY: 1,
  });
  const doc = {
    schema: "dfrobust.copy/1",
    artifactId: "abc",
    op: { id: "h264_crf40", category: "compression" },
    quality: { psnrY: "high" },
    videos: [
      { id: "a", status: "ok", output: "videos/a.mp4", quality: good },
      { id: "b", status: "ok", output: "videos/b.mp4", quality: { sizeBytes: "big" } },
    ],
  };
  const manifest = validateCopyManifest(doc, "/copies/x/abc/manifest.json");
  assert.ok(!("quality" in manifest));
  assert.deepEqual(manifest.videos[0].quality, good);
  assert.ok(!("quality" in manifest.videos[1]));
  const summary = summarizeQuality(manifest.videos)!;
  assert.equal(summary.unmeasured, 1);
  assert.equal(summary.psnrY!.mean, 30);
});
