/**
 * Links and non-regular files in a dataset (docs/security.md): links are read through to the
 * real file (relative, absolute, chains, linked folders), a link out of the dataset folder is
 * refused unless allowed, a FIFO or device is refused by name before any read, and a name that
 * merely starts with dots is inside. distort, verify and eval run as the CLI does, each under a
 * time limit so that a hang fails the test instead of stalling the suite.
 * @module
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { resolveInside } from "../dataset/manifest.ts";
import { DatasetFileError, resolveDatasetFile } from "../dataset/video_file.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { CACHE_DIR_ENV, sha256FileCached } from "../util/digest_cache.ts";
import { sha256File } from "../util/hash.ts";
import { isInside } from "../util/inside.ts";
import { NotRegularFileError } from "../util/regular_file.ts";
import { filesUnder, makeClip, writeManifest } from "./distort_fixtures.ts";
import { tinyDetector, tinySpec } from "./eval_fixtures.ts";
import { skipWithout } from "./_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname;
/** Far more than any of these runs needs (a few seconds), far less than a hang. */
const LIMIT_MS = 120_000;

/** Runs a task file with a time limit; a run killed by the limit fails the test. */
async function runTask(
  taskFile: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ROOT + taskFile, ...args],
    env: { DFROBUST_QUIET: "1", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(LIMIT_MS),
  }).output();
  const ms = performance.now() - started;
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  const result = {
    code: output.code,
    stdout: decode(output.stdout),
    stderr: decode(output.stderr),
  };
  assert.ok(
    output.signal === null && ms < LIMIT_MS,
    `${taskFile} ${args.join(" ")} hung (killed after ${Math.round(ms)} ms): ${result.stderr}`,
  );
  return { ...result, ms };
}

/**
 * Awaits `work` on a FIFO at most `ms`; past that, opens the FIFO for writing (which lets a
 * reader stuck in `open` go on to end-of-file) and fails.
 */
async function withinOrRelease<T>(work: Promise<T>, fifo: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      const writer = await Deno.open(fifo, { write: true });
      writer.close();
      reject(new Error(`reading the FIFO "${fifo}" hung (released after ${ms} ms)`));
    }, ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function makeFifo(path: string): Promise<void> {
  const { success } = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.ok(success, `mkfifo ${path}`);
}

async function tmpFilesUnder(dir: string): Promise<string[]> {
  return (await filesUnder(dir)).filter((f) => /\.tmp$/.test(f) || f.includes(".tmp"));
}

Deno.test("isInside() compares whole path segments", async (t) => {
  const cases: [string, string, boolean][] = [
    ["/data", "/data/a.mp4", true],
    ["/data", "/data/..dots.mp4", true],
    ["/data", "/data/sub/..x/y.mp4", true],
    ["/data", "/data/...", true],
    ["/data", "/data", false],
    ["/data", "/data/", false],
    ["/data", "/data/../etc/passwd", false],
    ["/data", "/database/a.mp4", false],
    ["/data", "/", false],
    ["/data/", "/data/a.mp4", true],
  ];
  for (const [root, path, inside] of cases) {
    await t.step(`${path} in ${root}: ${inside}`, () => {
      assert.equal(isInside(root, path), inside);
    });
  }
});

Deno.test("resolveInside() accepts names that start with dots and refuses .. segments", () => {
  assert.equal(resolveInside("/d", "..dots.mp4"), "/d/..dots.mp4");
  assert.equal(resolveInside("/d", "a/..b/..c.mp4"), "/d/a/..b/..c.mp4");
  assert.equal(resolveInside("/d", "a/../b.mp4"), "/d/b.mp4");
  assert.throws(() => resolveInside("/d", "../x.mp4"), /points outside/);
  assert.throws(() => resolveInside("/d", "a/../../x.mp4"), /points outside/);
  assert.throws(() => resolveInside("/d", "/etc/passwd"), /points outside/);
  assert.throws(() => resolveInside("/d", "."), /points outside/);
});

Deno.test("a FIFO or /dev/zero is refused by name before any read, never hashed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_fifo_" });
  try {
    const fifo = join(dir, "pipe.mp4");
    await makeFifo(fifo);
    const zero = join(dir, "zero.onnx");
    await Deno.symlink("/dev/zero", zero);
    const cacheDir = join(dir, "cache");
    await Deno.mkdir(cacheDir);
    for (const path of [fifo, zero]) {
      await assert.rejects(
        () => withinOrRelease(sha256File(path), fifo),
        (e: Error) =>
          e instanceof NotRegularFileError && e.message.includes(path) &&
          /FIFO|character device/.test(e.message),
      );
      // A cache folder of its own (DFROBUST_CACHE_DIR), without changing the process's
      // environment, which parallel test workers share.
      const env = (name: string) => name === CACHE_DIR_ENV ? cacheDir : undefined;
      await assert.rejects(
        () => withinOrRelease(sha256FileCached(path, { env }), fifo),
        NotRegularFileError,
      );
    }
    await assert.rejects(
      () => withinOrRelease(resolveDatasetFile(dir, fifo), fifo),
      (e: Error) => e instanceof DatasetFileError && /pipe\.mp4" is a FIFO/.test(e.message),
    );
    await assert.rejects(
      () => resolveDatasetFile(dir, zero, { allowOutsideLinks: true }),
      (e: Error) =>
        e instanceof DatasetFileError &&
        /zero\.onnx" \(it leads to "\/dev\/zero"\) is a character device/.test(e.message),
    );
    await assert.rejects(
      () => resolveDatasetFile(dir, join(dir, "cache")),
      /is a folder, not a regular file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The dataset of the link cases: what each row is, and whether distort makes it by default. */
interface LinkCase {
  id: string;
  path: string;
  /** Made without --allow-outside-links. */
  ok: boolean;
  /** Made with it. */
  okAllowed: boolean;
  /** Part of the error when refused. */
  error?: RegExp;
}

/**
 * Builds `<dir>/data/` (manifest.csv and every kind of link) and `<dir>/outside/`; returns the
 * manifest and the real file each made row must copy.
 */
async function linkDataset(dir: string): Promise<{
  manifest: string;
  cases: LinkCase[];
  real: Map<string, string>;
}> {
  const data = join(dir, "data");
  const outside = join(dir, "outside");
  await Deno.mkdir(join(data, "clips"), { recursive: true });
  await Deno.mkdir(join(data, "sub"), { recursive: true });
  await Deno.mkdir(join(outside, "dir"), { recursive: true });
  const ffmpeg = await openFfmpeg("native");
  try {
    let n = 0;
    const clip = (path: string) =>
      makeClip(ffmpeg, path, { width: 64, height: 48, frames: 6 + (n++ % 3) });
    for (const name of ["a", "b", "c", "d"]) await clip(join(data, "clips", `${name}.mp4`));
    await clip(join(data, "..dots.mp4"));
    await clip(join(outside, "far.mp4"));
    await clip(join(outside, "dir", "e.mp4"));
  } finally {
    await ffmpeg.close();
  }
  await Deno.symlink("clips/a.mp4", join(data, "rel.mp4"));
  await Deno.symlink(join(data, "clips", "b.mp4"), join(data, "abs.mp4"));
  await Deno.symlink("clips/c.mp4", join(data, "hop.mp4"));
  await Deno.symlink("hop.mp4", join(data, "chain.mp4"));
  await Deno.symlink(join(data, "chain.mp4"), join(data, "chain2.mp4"));
  await Deno.symlink("clips", join(data, "linked"));
  await Deno.symlink("../clips/a.mp4", join(data, "sub", "up.mp4"));
  await Deno.symlink("../outside/far.mp4", join(data, "outside.mp4"));
  await Deno.symlink(join(outside, "dir"), join(data, "fardir"));
  await makeFifo(join(data, "pipe.mp4"));
  await Deno.symlink("/dev/zero", join(data, "zero.mp4"));
  await Deno.symlink("clips/nothing.mp4", join(data, "gone.mp4"));
  const cases: LinkCase[] = [
    { id: "rel", path: "rel.mp4", ok: true, okAllowed: true },
    { id: "abs", path: "abs.mp4", ok: true, okAllowed: true },
    { id: "chain", path: "chain2.mp4", ok: true, okAllowed: true },
    { id: "dirlink", path: "linked/d.mp4", ok: true, okAllowed: true },
    { id: "up", path: "sub/up.mp4", ok: true, okAllowed: true },
    { id: "dots", path: "..dots.mp4", ok: true, okAllowed: true },
    {
      id: "outside",
      path: "outside.mp4",
      ok: false,
      okAllowed: true,
      error:
        /outside\.mp4" leads to ".*outside\/far\.mp4", outside the dataset folder .*--allow-outside-links/,
    },
    {
      id: "fardir",
      path: "fardir/e.mp4",
      ok: false,
      okAllowed: true,
      error: /fardir\/e\.mp4" leads to ".*outside\/dir\/e\.mp4", outside the dataset folder/,
    },
    {
      id: "pipe",
      path: "pipe.mp4",
      ok: false,
      okAllowed: false,
      error: /pipe\.mp4" is a FIFO \(named pipe\), not a regular file/,
    },
    {
      id: "zero",
      path: "zero.mp4",
      ok: false,
      okAllowed: false,
      error:
        /zero\.mp4" (\(it leads to "\/dev\/zero"\) is a character device|leads to "\/dev\/zero", outside)/,
    },
    {
      id: "gone",
      path: "gone.mp4",
      ok: false,
      okAllowed: false,
      error: /gone\.mp4": it is a link to "clips\/nothing\.mp4", which leads to no file/,
    },
  ];
  const manifest = await writeManifest(
    data,
    cases.map((c, i) => [c.id, c.path, (i % 2) as 0 | 1]),
  );
  const real = new Map<string, string>();
  for (const c of cases) {
    if (c.okAllowed) real.set(c.id, await Deno.realPath(join(data, c.path)));
  }
  return { manifest, cases, real };
}

interface CopySummaryJson {
  opId: string;
  artifactId: string;
  ok: number;
  failed: number;
  failures: { videoId: string; error: string }[];
}

/**
 * Checks one distort run's copies against the cases: the made videos' unaltered copies are
 * regular files with the real file's bytes, the others failed naming the file; no `.tmp` left.
 */
async function checkRun(
  out: string,
  summary: { copies: CopySummaryJson[] },
  cases: LinkCase[],
  real: Map<string, string>,
  allowed: boolean,
): Promise<void> {
  const made = cases.filter((c) => allowed ? c.okAllowed : c.ok);
  for (const copy of summary.copies) {
    assert.equal(copy.ok, made.length, `${copy.opId}: ${JSON.stringify(copy.failures)}`);
    assert.equal(copy.failed, cases.length - made.length);
    for (const c of cases.filter((c) => !made.includes(c))) {
      const failure = copy.failures.find((f) => f.videoId === c.id);
      assert.ok(failure, `${copy.opId} lists ${c.id} as failed`);
      assert.match(failure.error, c.error!);
    }
  }
  for (const copy of summary.copies.filter((c) => c.opId === "unaltered")) {
    const copyDir = join(out, "unaltered", copy.artifactId);
    const manifest = JSON.parse(await Deno.readTextFile(join(copyDir, "manifest.json")));
    for (const c of made) {
      const video = manifest.videos.find((v: { id: string }) => v.id === c.id);
      assert.equal(video.status, "ok", c.id);
      const file = join(copyDir, video.output);
      const info = await Deno.lstat(file);
      assert.ok(info.isFile && !info.isSymlink, `${file} is a regular file, not a link`);
      assert.equal(await sha256File(file), await sha256File(real.get(c.id)!), c.id);
      assert.equal(video.sourceSha256, await sha256File(real.get(c.id)!), c.id);
    }
  }
  assert.deepEqual(await tmpFilesUnder(out), [], "no temporary files are left");
}

Deno.test({
  name: "distort, verify and eval read linked videos through to their real files and refuse " +
    "links out of the folder, FIFOs and devices by name, without hanging",
  ignore: skipWithout("ffmpeg", "dataset links"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_links_" });
    try {
      const { manifest, cases, real } = await linkDataset(dir);
      const out = join(dir, "out");
      const distort = (...extra: string[]) =>
        runTask("tasks/distort.ts", [
          "--manifest",
          manifest,
          "--out",
          out,
          "--ops",
          "unaltered,hflip",
          "--json",
          ...extra,
        ]);
      const verify = async () => {
        const v = await runTask("tasks/verify.ts", [out, "--json"]);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.equal(JSON.parse(v.stdout).ok, true);
      };

      await t.step(
        "by default: links inside are copied as files, the rest fail by name",
        async () => {
          const r = await distort();
          assert.equal(r.code, 1, r.stderr);
          await checkRun(out, JSON.parse(r.stdout), cases, real, false);
          await verify();
        },
      );
      await t.step("a rerun fails the same videos and leaves no temporary files", async () => {
        const r = await distort();
        assert.equal(r.code, 1, r.stderr);
        await checkRun(out, JSON.parse(r.stdout), cases, real, false);
        await verify();
      });
      await t.step(
        "--allow-outside-links copies links out; FIFOs and devices still fail",
        async () => {
          const r = await distort("--allow-outside-links");
          assert.equal(r.code, 1, r.stderr);
          await checkRun(out, JSON.parse(r.stdout), cases, real, true);
          await verify();
        },
      );
      await t.step(
        "an unaltered copy made by the old code (a hard link of the link) is redone on a rerun",
        async () => {
          const copies = (await filesUnder(join(out, "unaltered"))).filter((f) =>
            f.endsWith("/videos/rel.mp4")
          );
          assert.ok(copies.length > 0);
          for (const file of copies) {
            // What the old code left: a hard link of the relative link itself, dangling here.
            await Deno.remove(file);
            await Deno.link(join(dir, "data", "rel.mp4"), file);
            assert.ok((await Deno.lstat(file)).isSymlink);
          }
          // Both copies (made with and without --allow-outside-links) are redone.
          const r = await distort();
          assert.equal(r.code, 1, r.stderr);
          await checkRun(out, JSON.parse(r.stdout), cases, real, false);
          const allowed = await distort("--allow-outside-links");
          assert.equal(allowed.code, 1, allowed.stderr);
          await checkRun(out, JSON.parse(allowed.stdout), cases, real, true);
          for (const file of copies) assert.ok((await Deno.lstat(file)).isFile);
          await verify();
        },
      );

      await Deno.writeFile(join(dir, "tiny.onnx"), tinyDetector("mean"));
      await Deno.writeTextFile(join(dir, "tiny.json"), JSON.stringify(tinySpec()));
      const evaluate = (data: string, model: string, ...extra: string[]) =>
        runTask("tasks/eval.ts", [
          "--detector",
          join(dir, "tiny.json"),
          "--model",
          model,
          "--data",
          data,
          "--store",
          join(dir, "store"),
          "--faces",
          "full",
          "--frames",
          "2",
          "--json",
          ...extra,
        ]);
      await t.step("eval scores every video of the copies made from links", async () => {
        const r = await evaluate(out, join(dir, "tiny.onnx"));
        assert.equal(r.code, 0, r.stderr);
        const summary = JSON.parse(r.stdout);
        const made = cases.filter((c) => c.okAllowed).length;
        const allowedCopies = summary.copies.filter((c: { videos: number; failedVideos: number }) =>
          c.videos - c.failedVideos === made
        );
        assert.equal(allowedCopies.length, 2, r.stdout);
        for (const copy of allowedCopies) {
          assert.equal(copy.statuses.damaged_video ?? 0, 0, JSON.stringify(copy));
          assert.equal(copy.statuses.ok, made * 2, JSON.stringify(copy));
        }
      });
      await t.step(
        "eval on the linked dataset itself refuses the same videos by name",
        async () => {
          const r = await evaluate(manifest, join(dir, "tiny.onnx"));
          assert.equal(r.code, 0, r.stderr);
          const [copy] = JSON.parse(r.stdout).copies;
          const refused = cases.filter((c) => !c.ok);
          assert.equal(copy.statuses.video_error, refused.length, JSON.stringify(copy));
          assert.match(r.stdout, /pipe\.mp4\\" is a FIFO \(named pipe\)/);
          assert.match(r.stdout, /outside\.mp4\\" leads to .*outside the dataset folder/);
          assert.equal(copy.statuses.ok, (cases.length - refused.length) * 2, JSON.stringify(copy));
          const allowed = await evaluate(manifest, join(dir, "tiny.onnx"), "--allow-outside-links");
          assert.equal(allowed.code, 0, allowed.stderr);
          const [all] = JSON.parse(allowed.stdout).copies;
          assert.equal(all.statuses.video_error, cases.filter((c) => !c.okAllowed).length);
        },
      );
      await t.step(
        "a FIFO, /dev/zero or a folder as --model or as the spec fails by name",
        async () => {
          const pipe = join(dir, "data", "pipe.mp4");
          for (const [model, kind] of [[pipe, "FIFO"], ["/dev/zero", "character device"]]) {
            const r = await evaluate(out, model);
            assert.equal(r.code, 1, r.stdout);
            assert.ok(r.stderr.includes(model), r.stderr);
            assert.match(r.stderr, new RegExp(kind));
          }
          const spec = await runTask("tasks/eval.ts", [
            "--detector",
            pipe,
            "--model",
            join(dir, "tiny.onnx"),
            "--data",
            out,
            "--store",
            join(dir, "store"),
            "--faces",
            "full",
          ]);
          assert.notEqual(spec.code, 0);
          assert.match(spec.stderr, /pipe\.mp4" is a FIFO/);
          const specModel = join(dir, "zero_spec.json");
          await Deno.writeTextFile(
            specModel,
            JSON.stringify({ ...tinySpec(), modelPath: "data/pipe.mp4" }),
          );
          const viaSpec = await runTask("tasks/eval.ts", [
            "--detector",
            specModel,
            "--data",
            out,
            "--store",
            join(dir, "store"),
            "--faces",
            "full",
          ]);
          assert.equal(viaSpec.code, 1);
          assert.ok(viaSpec.stderr.includes(resolve(dir, "data/pipe.mp4")), viaSpec.stderr);
          assert.match(viaSpec.stderr, /FIFO/);
        },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
