import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset } from "../artifacts/distort.ts";
import { type CopyManifest, readCopyManifest } from "../artifacts/copy_manifest.ts";
import { collectGarbage } from "../artifacts/gc.ts";
import { verifyCopies } from "../artifacts/verify.ts";
import { type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { filesUnder, makeClip, writeManifest } from "./distort_fixtures.ts";
import { skipWithout } from "./_tools.ts";

/** The real ffmpeg, counting jobs and optionally calling `after` when each one ends. */
function counting(real: Ffmpeg, after?: () => void): Ffmpeg & { jobs: number } {
  const wrapped = {
    backend: real.backend,
    jobs: 0,
    build: () => real.build(),
    probe: (path: string, options?: Parameters<Ffmpeg["probe"]>[1]) => real.probe(path, options),
    close: () => Promise.resolve(),
    run: async (job: Parameters<Ffmpeg["run"]>[0]) => {
      const result = await real.run(job);
      wrapped.jobs++;
      after?.();
      return result;
    },
  };
  return wrapped;
}

/** A manifest without what legitimately differs between runs (times, temp paths). */
function comparable(m: CopyManifest) {
  return {
    ...m,
    createdAt: "",
    videos: m.videos.map((v) => ({ ...v, seconds: 0, argv: [] })),
  };
}

async function manifestsOf(summary: Awaited<ReturnType<typeof distortDataset>>) {
  return await Promise.all(
    summary.copies.map(async (c) => comparable((await readCopyManifest(c.copyDir))!)),
  );
}

Deno.test({
  name:
    "an interrupted distort run resumes to the same manifests and hashes, and a rerun is a no-op",
  ignore: skipWithout("ffmpeg", "distort resume"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_resume_" });
    const real = await openFfmpeg("native");
    try {
      await makeClip(real, join(dir, "a.mp4"), { width: 64, height: 48, frames: 10 });
      await makeClip(real, join(dir, "b.mp4"), { width: 80, height: 48, frames: 10 });
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0], ["b", "b.mp4", 1]]);
      const options = { ops: "unaltered,hflip,noise,h264_crf40", jobs: 1 };
      const clean = await distortDataset(manifest, {
        ...options,
        out: join(dir, "clean"),
        ffmpeg: real,
      });
      const out = join(dir, "out");

      await t.step(
        "an abort after the first video leaves no manifest and no temp file",
        async () => {
          const controller = new AbortController();
          const ffmpeg = counting(real, () => controller.abort(new Error("stop here")));
          await assert.rejects(
            distortDataset(manifest, { ...options, out, ffmpeg, signal: controller.signal }),
            /stop here/,
          );
          assert.equal(ffmpeg.jobs, 1);
          const files = await filesUnder(out);
          assert.ok(!files.some((f) => f.endsWith("manifest.json")), files.join("\n"));
          assert.ok(!files.some((f) => f.endsWith(".tmp")));
          // What a killed ffmpeg leaves: a half-written temporary output.
          const copyDir = clean.copies.find((c) => c.opId === "noise")!.copyDir.replace(
            join(dir, "clean"),
            out,
          );
          await Deno.writeTextFile(join(copyDir, "videos", ".b.mp4.0badf00d.tmp"), "half");
        },
      );

      await t.step(
        "the rerun redoes only the unfinished video and matches a clean run",
        async () => {
          const ffmpeg = counting(real);
          const resumed = await distortDataset(manifest, { ...options, out, ffmpeg });
          // One split run and one quality comparison for video b, and the comparison of video a,
          // whose outputs were made before the abort stopped its comparison (copy quality,
          // docs/operations.md).
          assert.equal(ffmpeg.jobs, 3, "one split run for video b, a comparison for a and b");
          assert.deepEqual(
            resumed.copies.map((c) => c.artifactId),
            clean.copies.map((c) => c.artifactId),
          );
          assert.deepEqual(resumed.copies.map((c) => c.resumedVideos), [1, 1, 1, 1]);
          assert.deepEqual(await manifestsOf(resumed), await manifestsOf(clean));
          const files = await filesUnder(out);
          assert.ok(
            !files.some((f) => f.endsWith(".tmp") || f.includes(".records")),
            files.join("\n"),
          );
        },
      );

      await t.step("a rerun with the same inputs runs nothing and rewrites nothing", async () => {
        const before = await Promise.all(
          (await filesUnder(out)).map(async (f) => [f, (await Deno.stat(f)).mtime?.getTime()]),
        );
        const ffmpeg = counting(real);
        const again = await distortDataset(manifest, { ...options, out, ffmpeg });
        assert.equal(ffmpeg.jobs, 0);
        assert.deepEqual(again.copies.map((c) => c.state), [
          "reused",
          "reused",
          "reused",
          "reused",
        ]);
        const after = await Promise.all(
          (await filesUnder(out)).map(async (f) => [f, (await Deno.stat(f)).mtime?.getTime()]),
        );
        assert.deepEqual(after, before);
      });

      await t.step("--force redoes every copy with the same result", async () => {
        const ffmpeg = counting(real);
        const forced = await distortDataset(manifest, { ...options, out, ffmpeg, force: true });
        // Per video: one split run and one quality comparison.
        assert.equal(ffmpeg.jobs, 4);
        assert.deepEqual(await manifestsOf(forced), await manifestsOf(clean));
      });

      await t.step(
        "verify passes, then reports an output that changed and a source edited since",
        async () => {
          const report = await verifyCopies(out);
          assert.equal(report.ok, true);
          assert.equal(report.copies.length, 4);
          assert.equal(report.copies.reduce((n, c) => n + c.checked, 0), 8);
          const hflip = report.copies.find((c) => c.opId === "hflip")!;
          const victim = join(hflip.dir, "videos", "a.mp4");
          const bytes = await Deno.readFile(victim);
          bytes[bytes.length - 1] ^= 0xff;
          await Deno.writeFile(victim, bytes);
          const drifted = await verifyCopies(out);
          assert.equal(drifted.ok, false);
          assert.deepEqual(
            drifted.copies.flatMap((c) => c.drift.map((d) => [c.opId, d.videoId, d.kind])),
            [["hflip", "a", "output_changed"]],
          );
          // Editing a source in place: every copy reports source drift, and the unaltered copy,
          // a hard link to the source, drifts with it.
          await Deno.writeFile(join(dir, "b.mp4"), new Uint8Array([0]), { append: true });
          const edited = await verifyCopies(out);
          assert.deepEqual(
            edited.copies.flatMap((c) => c.sourceDrift.map((d) => [c.opId, d.videoId, d.kind]))
              .sort(),
            [
              ["h264_crf40", "b", "source_changed"],
              ["hflip", "b", "source_changed"],
              ["noise", "b", "source_changed"],
              ["unaltered", "b", "source_changed"],
            ],
          );
          assert.ok(
            edited.copies.some((c) => c.opId === "unaltered" && c.drift[0]?.videoId === "b"),
          );
        },
      );

      await t.step(
        "gc removes unfinished copies and stray files and keeps finished ones",
        async () => {
          const partial = join(out, "vflip", "0123456789abcdef");
          await Deno.mkdir(join(partial, "videos"), { recursive: true });
          await Deno.writeTextFile(join(partial, "videos", "a.mp4"), "partial");
          const finished = clean.copies[1].copyDir.replace(join(dir, "clean"), out);
          await Deno.writeTextFile(join(finished, "videos", ".x.mp4.12345678.tmp"), "tmp");
          await Deno.writeTextFile(join(out, "notes.txt"), "not ours");
          const dry = await collectGarbage(out, { dryRun: true });
          assert.equal(dry.removed.length, 2);
          const report = await collectGarbage(out);
          assert.deepEqual(
            report.removed.sort(),
            [partial, join(finished, "videos", ".x.mp4.12345678.tmp")].sort(),
          );
          assert.equal(report.kept, 4);
          assert.ok(await Deno.stat(join(out, "notes.txt")));
          assert.equal((await collectGarbage(out)).removed.length, 0);
        },
      );
    } finally {
      await real.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
