/**
 * The native backend remembers probes of unchanged files (media/_probe_memo.ts): a file written
 * just now is not remembered (its times may not move on a write in the same clock tick); once
 * settled, a second probe of it is the remembered one (a copy: a caller's change does not reach
 * the next caller), and a file changed in any way since (rewritten in place at the same size
 * with its modification time put back, or replaced by a rename) is probed again and tells its
 * new frames.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { frameLimits } from "../media/frame_limits.ts";
import { _probeKey, _recalledProbe } from "../media/_probe_memo.ts";
import { SETTLED_MS } from "../util/file_stamp.ts";
import { makeClip } from "./distort_fixtures.ts";
import { skipWithout } from "./_tools.ts";

Deno.test({
  name: "probes of unchanged files are remembered; a file changed since is probed again",
  ignore: skipWithout("ffmpeg", "probe memo"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_probe_memo_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const a = join(tmp, "a.mp4");
      const b = join(tmp, "b.mp4");
      await makeClip(ffmpeg, a, { width: 64, height: 48, frames: 6 });
      await makeClip(ffmpeg, b, { width: 64, height: 48, frames: 9 });
      // The same size for both (trailing bytes after the last box are ignored by the demuxer).
      const [bytesA, bytesB] = [await Deno.readFile(a), await Deno.readFile(b)];
      const size = Math.max(bytesA.length, bytesB.length);
      const padded = (bytes: Uint8Array) => {
        const out = new Uint8Array(size);
        out.set(bytes);
        return out;
      };
      await Deno.writeFile(a, padded(bytesA));
      const keyOf = async (path: string) => {
        const real = await Deno.realPath(path);
        return _probeKey(real, await Deno.stat(real), frameLimits())!;
      };
      const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLED_MS + 100));

      await t.step("a file written just now is probed, not remembered", async () => {
        assert.equal((await ffmpeg.probe(a)).frameCount, 6);
        assert.equal(_recalledProbe(await keyOf(a)), undefined);
      });

      await t.step("a second probe is the remembered one, as a copy", async () => {
        await settle();
        const first = await ffmpeg.probe(a);
        assert.equal(first.frameCount, 6);
        assert.deepEqual(_recalledProbe(await keyOf(a)), first);
        first.frameCount = 1000;
        const second = await ffmpeg.probe(a);
        assert.equal(second.frameCount, 6);
      });

      await t.step(
        "rewritten in place at the same size, mtime put back: probed again",
        async () => {
          const before = await Deno.stat(a);
          const oldKey = await keyOf(a);
          await Deno.writeFile(a, padded(bytesB));
          await Deno.utime(a, before.atime!, before.mtime!);
          const after = await Deno.stat(a);
          assert.equal(after.size, before.size);
          assert.equal(after.mtime!.getTime(), before.mtime!.getTime());
          assert.equal(after.ino, before.ino);
          const newKey = await keyOf(a);
          assert.notEqual(newKey, oldKey, "the status-change time tells the files apart");
          assert.equal(_recalledProbe(newKey), undefined);
          assert.equal((await ffmpeg.probe(a)).frameCount, 9);
        },
      );

      await t.step("replaced by a rename: probed again", async () => {
        const c = join(tmp, "c.mp4");
        await makeClip(ffmpeg, c, { width: 32, height: 24, frames: 4 });
        assert.equal((await ffmpeg.probe(b)).frameCount, 9);
        assert.equal(_recalledProbe(await keyOf(b))?.frameCount, 9, "b had settled: remembered");
        await Deno.rename(c, b);
        const info = await ffmpeg.probe(b);
        assert.deepEqual([info.frameCount, info.width, info.height], [4, 32, 24]);
      });

      await t.step("other frame limits are another probe", async () => {
        await assert.rejects(
          () => ffmpeg.probe(b, { limits: { videoFrames: 3 } }),
          /frames/,
        );
        assert.equal((await ffmpeg.probe(b)).frameCount, 4);
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
