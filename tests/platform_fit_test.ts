/**
 * Platform records from the user's own pairs (issue 26): `platform-fit` on "platform copies" made
 * here with known settings from the real clip (scaled to 640x360, libx264 CRF 30, Main profile)
 * recovers the target resolution exactly and the CRF within 1 of the truth, and the estimate is
 * the first CRF whose re-encode's bitrate is below the copy's, checked with a direct ffmpeg loop;
 * unpaired files are listed and a broken copy fails alone. `distort --ops platform:<file>` writes
 * H.264 in the record's profile at the target size, byte-identical on rerun. A record's problems
 * (unknown key, bad values, unreadable file) are clear errors naming the file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { artifactId } from "../artifacts/artifact_id.ts";
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { fitRule, pairFiles } from "../artifacts/platform_fit.ts";
import {
  platformChoice,
  platformInstance,
  type PlatformRecord,
  PlatformRecordError,
  readPlatformRecord,
} from "../ops/platform_record.ts";
import { selectOperations } from "../ops/select.ts";
import { writeManifest } from "./distort_fixtures.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { probeStream } from "./_ffprobe_stream.ts";

const CLIP = join(FIXTURES, "video", "short_hamilton_clip.mp4");
const ignore = skipWithout("ffmpeg", "platform-fit") ||
  skipWithoutFixtures("video", "platform-fit");

/** The CRF, size and profile the test's "platform" applies. */
const TRUTH = { crf: 30, width: 640, height: 360, profile: "main" };

async function command(args: string[]): Promise<string> {
  const out = await new Deno.Command(args[0], { args: args.slice(1), stdout: "piped" }).output();
  if (!out.success) throw new Error(`${args.join(" ")} failed`);
  return new TextDecoder().decode(out.stdout);
}

async function ffmpeg(...args: string[]): Promise<void> {
  await command(["ffmpeg", "-v", "error", "-y", ...args]);
}

/**
 * 1 s of the real clip from `start`, scaled up to 1280x720, lossless (an "original upload"). The
 * fit compares re-encodes of the same frames, so length hardly matters: on 1 s and on 2 s the
 * estimates were 30 and 31 and one CRF step moved the bitrate by about 9% (measured).
 */
async function original(path: string, start: number): Promise<void> {
  await ffmpeg(
    ...["-ss", String(start), "-t", "1", "-i", CLIP, "-an", "-vf", "scale=1280:720"],
    ...["-c:v", "libx264", "-qp", "0", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path],
  );
}

/** The bitrate of `source` re-encoded independently as the method says, at `crf`. */
async function directBitRate(source: string, crf: number, dir: string): Promise<number> {
  const out = join(dir, `direct_${crf}.mp4`);
  await ffmpeg(
    ...["-i", source, "-an", "-vf", `scale=${TRUTH.width}:${TRUTH.height}`, "-c:v", "libx264"],
    ...["-crf", String(crf), "-profile:v", TRUTH.profile, "-pix_fmt", "yuv420p"],
    ...["-threads", "4", out],
  );
  return (await probeStream(out, { countFrames: false })).bitRate;
}

Deno.test({
  name: "platform-fit recovers a known platform's resolution and CRF from pairs, lists unpaired " +
    "files and fails a broken copy alone; distort --ops platform:<file> applies it " +
    "byte-identically",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_platform_fit_" });
    try {
      const originals = join(dir, "originals");
      const shared = join(dir, "shared");
      await Deno.mkdir(originals);
      await Deno.mkdir(shared);
      // Pair b: a QuickTime upload downloaded as Matroska (paired by stem; Matroska states no
      // stream bitrate, so the copy's is read from its stream copied into MP4).
      for (const [name, copyName, start] of [["a.mp4", "a.mp4", 0], ["b.mov", "b.mkv", 4]]) {
        await original(join(originals, name as string), start as number);
        // The "platform": another thread count than dfrobust's, so the bytes are not its own.
        await ffmpeg(
          ...["-i", join(originals, name as string), "-vf", `scale=${TRUTH.width}:${TRUTH.height}`],
          ...["-c:v", "libx264", "-crf", String(TRUTH.crf), "-profile:v", TRUTH.profile],
          ...["-pix_fmt", "yuv420p", "-threads", "1", join(shared, copyName as string)],
        );
      }
      await Deno.copyFile(join(originals, "a.mp4"), join(originals, "lonely.mp4"));
      await Deno.copyFile(join(shared, "a.mp4"), join(shared, "stray.mp4"));
      await Deno.copyFile(join(originals, "a.mp4"), join(originals, "broken.mp4"));
      await Deno.writeTextFile(join(shared, "broken.mp4"), "not a video");

      const recordPath = join(dir, "my_platform.json");
      // Below truth - 1, the lowest estimate the test accepts: the search walks up to it, and the
      // check one CRF below the estimate always runs.
      const crfMin = TRUTH.crf - 2;
      const run = await runDenoTask("tasks/platform_fit.ts", [
        ...["--originals", originals, "--shared", shared, "--name", "my_platform"],
        ...["--crf-min", String(crfMin), "--out", recordPath, "--json"],
      ]);
      // One broken pair: the work failed (exit 1), the record is written from the rest.
      assert.equal(run.code, 1, run.stderr);
      const summary = JSON.parse(run.stdout);
      assert.deepEqual(summary.unpaired, { originals: ["lonely.mp4"], shared: ["stray.mp4"] });
      assert.equal(summary.failures.length, 1);
      assert.equal(summary.failures[0].file, "broken.mp4");
      assert.match(summary.failures[0].reason, /shared[/\\]broken\.mp4/);
      assert.equal(summary.pairs, 2);
      assert.deepEqual(summary.samples.map((x: { file: string }) => x.file), [
        "a.mp4",
        "b.mov -> b.mkv",
      ]);

      const record = await readPlatformRecord(recordPath);
      assert.equal(record.profile, "main", "platform other: Main profile");
      assert.deepEqual(record.targets.map((t) => [t.resolution, t.originals]), [
        ["640x360", ["1280x720"]],
      ]);
      const samples = record.provenance.samples!;
      for (const s of samples) {
        assert.equal(s.target, "640x360");
        assert.ok(Math.abs(s.crf - TRUTH.crf) <= 1, `${s.file}: CRF ${s.crf}, truth ${TRUTH.crf}`);
      }
      assert.ok(Math.abs(record.targets[0].crf - TRUTH.crf) <= 1);
      // The property, independently: at the estimate the bitrate is below the copy's, one
      // CRF lower it is not.
      const a = samples.find((s) => s.file === "a.mp4")!;
      const copyRate = (await probeStream(join(shared, "a.mp4"), { countFrames: false })).bitRate;
      assert.ok(await directBitRate(join(originals, "a.mp4"), a.crf, dir) < copyRate);
      if (a.crf > crfMin) {
        assert.ok(await directBitRate(join(originals, "a.mp4"), a.crf - 1, dir) >= copyRate);
      }

      // distort with the record: H.264 Main at the target size, the same bytes on rerun.
      const manifest = await writeManifest(originals, [["a", "a.mp4", 0]]);
      const copy = async (out: string) => {
        const done = await distortDataset(manifest, {
          out: join(dir, out),
          ops: `platform:${recordPath}`,
          // The rerun is compared by its bytes only; the first run's quality is read.
          quality: out === "one",
        });
        const m = (await readCopyManifest(done.copies[0].copyDir))!;
        assert.equal(m.videos[0].error, null);
        return { m, path: join(done.copies[0].copyDir, m.videos[0].output!) };
      };
      const one = await copy("one");
      const two = await copy("two");
      assert.equal(two.m.videos[0].outputSha256, one.m.videos[0].outputSha256, "rerun");
      const p = await probeStream(one.path, { countFrames: false });
      assert.deepEqual([p.codec, p.profile, p.width, p.height, p.pixFmt], [
        "h264",
        "Main",
        640,
        360,
        "yuv420p",
      ]);
      assert.equal(one.m.op.id, "my_platform");
      assert.equal(one.m.op.category, "platform");
      assert.match(String(one.m.videos[0].quality?.reference), /scaled back/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

function record(overrides: Partial<PlatformRecord> = {}): PlatformRecord {
  return {
    schema: "dfrobust.platform/1",
    name: "plat",
    codec: "libx264",
    profile: "main",
    pixFmt: "yuv420p",
    targets: [
      { resolution: "1280x720", crf: 27, originals: ["1920x1080", "1280x720"] },
      { resolution: "640x360", crf: 31, originals: ["854x480", "640x360"] },
    ],
    provenance: { method: "test" },
    ...overrides,
  };
}

Deno.test("platformChoice() takes the exact original, else the closest pixel area, and keeps a portrait video portrait", () => {
  const r = record();
  assert.deepEqual(platformChoice(r, 1280, 720), {
    width: 1280,
    height: 720,
    crf: 27,
    matched: "1280x720",
  });
  // 1024x576 (589824 px) is nearer 854x480 (409920) than 1280x720 (921600).
  assert.equal(platformChoice(r, 1024, 576).matched, "854x480");
  assert.equal(platformChoice(r, 3840, 2160).matched, "1920x1080");
  assert.equal(platformChoice(r, 100, 100).crf, 31);
  // A portrait video: nearest by area is 1920x1080, target transposed.
  assert.deepEqual(platformChoice(r, 1080, 1920), {
    width: 720,
    height: 1280,
    crf: 27,
    matched: "1920x1080",
  });
});

Deno.test("pairFiles() pairs by name, then by a stem unique on both sides", () => {
  const { pairs, unpaired } = pairFiles(
    new Set(["a.mp4", "b.mov", "c.mp4", "c.mov", "d.mp4"]),
    new Set(["a.mp4", "b.mp4", "c.webm", "e.mp4"]),
  );
  assert.deepEqual(pairs, [
    { original: "a.mp4", shared: "a.mp4" },
    { original: "b.mov", shared: "b.mp4" },
  ]);
  assert.deepEqual(unpaired, {
    originals: ["c.mov", "c.mp4", "d.mp4"],
    shared: ["c.webm", "e.mp4"],
  });
});

Deno.test("fitRule() maps each original to its most frequent target and averages CRFs per target, truncated", () => {
  const s = (file: string, original: string, target: string, crf: number) => ({
    file,
    original,
    target,
    crf,
    targetKbps: 1,
    profile: "Main",
  });
  const { targets, mixedTargets } = fitRule([
    s("a", "1920x1080", "1280x720", 26),
    s("b", "1920x1080", "1280x720", 27),
    s("c", "1920x1080", "854x480", 30),
    s("d", "854x480", "854x480", 33),
  ]);
  assert.deepEqual(targets, [
    { resolution: "1280x720", crf: 26, originals: ["1920x1080"] },
    { resolution: "854x480", crf: 31, originals: ["854x480"] },
  ]);
  assert.deepEqual(mixedTargets, [{ original: "1920x1080", targets: ["1280x720", "854x480"] }]);
});

Deno.test("a platform record's copy id changes with any fitted value and its geometry follows the target", () => {
  const id = (r: PlatformRecord) =>
    artifactId({
      sources: [],
      op: platformInstance(r),
      profile: "paper",
      build: null,
      catalogVersion: "test",
    });
  const base = id(record());
  const t = record().targets;
  assert.notEqual(id(record({ targets: [{ ...t[0], crf: 28 }, t[1]] })), base);
  assert.notEqual(id(record({ targets: [{ ...t[0], resolution: "1280x718" }, t[1]] })), base);
  assert.notEqual(id(record({ targets: [t[0], { ...t[1], originals: ["854x480"] }] })), base);
  assert.notEqual(id(record({ profile: "high" })), base);
  assert.equal(id(record({ provenance: { method: "other words" } })), base, "provenance");
  const op = platformInstance(record());
  assert.deepEqual(op.expectedSize(1920, 1080), { width: 1280, height: 720 });
  assert.equal(op.filterFor!(1920, 1080), "scale=w=1280:h=720:flags=bicubic");
  assert.deepEqual(op.encoderFor!(854, 480).args.slice(0, 4), ["-crf", "31", "-profile:v", "main"]);
  const g = op.frameGeometry(1920, 1080);
  assert.deepEqual([g.width, g.height, g.x.scale, g.y.scale], [1280, 720, 2 / 3, 2 / 3]);
});

Deno.test("a bad platform record is a clear error naming the file", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_platform_record_" });
  try {
    const write = async (name: string, value: unknown) => {
      const path = join(dir, name);
      await Deno.writeTextFile(path, typeof value === "string" ? value : JSON.stringify(value));
      return path;
    };
    const cases: [string, unknown, RegExp][] = [
      [
        "unknown key",
        { ...record(), profle: "main" },
        /Unknown key "profle".*did you mean "profile"/,
      ],
      [
        "unknown key in a target",
        record({
          targets: [{ resolution: "640x360", crf: 30, originals: ["1280x720"], crf2: 1 }] as never,
        }),
        /Unknown key "crf2".*targets\[0\]\.crf2/,
      ],
      [
        "unknown provenance key",
        record({ provenance: { method: "m", pairz: 3 } as never }),
        /"pairz".*did you mean "pairs"/,
      ],
      ["bad JSON", "{ not json", /not valid JSON/],
      [
        "odd target side",
        record({ targets: [{ resolution: "641x360", crf: 30, originals: ["1280x720"] }] }),
        /even sides/,
      ],
      [
        "CRF out of range",
        record({ targets: [{ resolution: "640x360", crf: 60, originals: ["1280x720"] }] }),
        /integer 0\.\.51/,
      ],
      ["bad profile", record({ profile: "mian" }), /did you mean "main"/],
      ["catalog name", record({ name: "h264_crf40" }), /taken by the catalog/],
      [
        "original twice",
        record({
          targets: [{ resolution: "640x360", crf: 30, originals: ["1280x720"] }, {
            resolution: "320x180",
            crf: 30,
            originals: ["1280x720"],
          }],
        }),
        /1280x720 is listed under/,
      ],
      ["missing key", { schema: "dfrobust.platform/1", name: "x" }, /"codec" is missing/],
    ];
    for (const [what, value, pattern] of cases) {
      await t.step(what, async () => {
        const path = await write(`${what.replaceAll(" ", "_")}.json`, value);
        await assert.rejects(readPlatformRecord(path), (e: Error) => {
          assert.ok(e instanceof PlatformRecordError, String(e));
          assert.match(e.message, pattern);
          assert.ok(e.message.includes(path), `names the file: ${e.message}`);
          return true;
        });
      });
    }
    await t.step("through --ops, and a missing file", async () => {
      const missing = join(dir, "nope.json");
      await assert.rejects(
        selectOperations(`platform:${missing}`),
        (e: Error) => e instanceof PlatformRecordError && e.message.includes(missing),
      );
      const good = await write("good.json", record());
      const ops = await selectOperations(`h264_crf40,platform:${good}`);
      assert.deepEqual(ops.map((o) => o.id), ["h264_crf40", "plat"]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("platform-fit refuses a bad name before any work (exit 2)", async () => {
  const run = await runDenoTask("tasks/platform_fit.ts", [
    ...["--originals", "nowhere", "--shared", "nowhere", "--name", "Bad Name"],
  ]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /--name "Bad Name" must be lowercase/);
});
