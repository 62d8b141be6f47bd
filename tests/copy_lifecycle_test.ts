import assert from "node:assert/strict";
import { join } from "node:path";
import { copyState } from "../artifacts/copy_lifecycle.ts";
import { type CopyManifest, readCopyManifest } from "../artifacts/copy_manifest.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { recordPath } from "../artifacts/video_records.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { parseProfile, PROFILES, UnknownProfileError } from "../ops/profile.ts";
import { atomicWriteJson } from "../util/atomic.ts";
import { makeClip, writeManifest } from "./distort_fixtures.ts";
import { skipWithout } from "./_tools.ts";

/** A manifest without what differs between runs and folders (times, paths). */
function comparable(m: CopyManifest) {
  return {
    ...m,
    createdAt: "",
    sourceManifest: "",
    videos: m.videos.map((v) => ({ ...v, seconds: 0, argv: [], source: "" })),
  };
}

Deno.test("parseProfile() accepts exactly PROFILES and names them when it refuses", async (t) => {
  for (const name of PROFILES) {
    await t.step(name, () => assert.equal(parseProfile(name), name));
  }
  for (const name of ["source", "Paper", "", "fast"]) {
    await t.step(`"${name}" is refused`, () => {
      assert.throws(
        () => parseProfile(name),
        (error) =>
          error instanceof UnknownProfileError &&
          error.message === `Unknown profile "${name}": use paper or lossless` +
              (name === "Paper" ? ` (did you mean "paper"?)` : ""),
      );
    });
  }
});

Deno.test({
  name: "distortDataset() refuses an unknown profile before it writes anything",
  ignore: skipWithout("ffmpeg", "distort profile check"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_profile_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      await makeClip(ffmpeg, join(dir, "a.mp4"), { frames: 4 });
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const out = join(dir, "out");
      await assert.rejects(
        // deno-lint-ignore no-explicit-any
        distortDataset(manifest, { out, ops: "hflip", profile: "fast" as any, ffmpeg }),
        UnknownProfileError,
      );
      await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "copyState() tells a copy claimed by another shard, one that needs merge, and a done one",
  ignore: skipWithout("ffmpeg", "copy lifecycle"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_lifecycle_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      for (const name of ["a", "b", "c"]) {
        await makeClip(ffmpeg, join(dir, `${name}.mp4`), { frames: 6 });
      }
      const ids = ["a", "b", "c"];
      const manifest = await writeManifest(dir, [
        ["a", "a.mp4", 0],
        ["b", "b.mp4", 1],
        ["c", "c.mp4", 0],
      ]);
      const options = { ops: "hflip", ffmpeg };
      const plain = await distortDataset(manifest, { ...options, out: join(dir, "plain") });
      const sharded = await distortDataset(manifest, {
        ...options,
        out: join(dir, "sharded"),
        shard: { index: 0, count: 2 },
      });
      const copyDir = sharded.copies[0].copyDir;
      assert.equal(sharded.copies[0].artifactId, plain.copies[0].artifactId);

      await t.step(
        "shard 0 of 2 made a and c: the copy waits for b, claimed by shard 1",
        async () => {
          assert.deepEqual(await copyState(copyDir, ids), { kind: "claimed", missing: ["b"] });
          assert.equal(sharded.copies[0].state, "recorded");
        },
      );

      await t.step("with b recorded, the copy needs merge; --finish merges it", async () => {
        // b's output and record, as shard 1 would leave them (the plain run made the same bytes).
        const plainCopy = plain.copies[0].copyDir;
        const b = (await readCopyManifest(plainCopy))!.videos.find((v) => v.id === "b")!;
        await Deno.copyFile(join(plainCopy, b.output!), join(copyDir, b.output!));
        await atomicWriteJson(recordPath(copyDir, "b"), b);
        const state = await copyState(copyDir, ids);
        assert.equal(state.kind, "needs merge");
        const finish = await distortDataset(manifest, {
          ...options,
          out: join(dir, "sharded"),
          finish: true,
        });
        assert.deepEqual(finish.incomplete, []);
        assert.equal(finish.copies[0].state, "made");
      });

      await t.step("merged, the copy is done and equals the plain run's", async () => {
        const state = await copyState(copyDir, ids);
        assert.equal(state.kind, "done");
        assert.deepEqual(
          comparable((await readCopyManifest(copyDir))!),
          comparable((await readCopyManifest(plain.copies[0].copyDir))!),
        );
      });

      await t.step("shard 0 of 1 is the plain run: it writes the manifest at once", async () => {
        const one = await distortDataset(manifest, {
          ...options,
          out: join(dir, "one"),
          shard: { index: 0, count: 1 },
        });
        assert.equal(one.copies[0].state, "made");
        assert.deepEqual(
          comparable((await readCopyManifest(one.copies[0].copyDir))!),
          comparable((await readCopyManifest(plain.copies[0].copyDir))!),
        );
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
