import assert from "node:assert/strict";
import { join } from "node:path";
import type { DatasetEntry } from "../dataset/manifest.ts";
import pl from "../deps/polars.ts";
import { listParts } from "../store/store.ts";
import { evaluate } from "../eval/evaluate.ts";
import { groupedFrames } from "../eval/frame_groups.ts";
import { encodeFrames } from "../media/encode.ts";
import { type Ffmpeg, type FfmpegJob, openFfmpeg, type VideoInfo } from "../media/ffmpeg.ts";
import { sampleFrames } from "../media/frames.ts";
import { skipWithout } from "./_tools.ts";
import {
  type ClipSpec,
  expectedScore,
  tinyDetector,
  tinySpec,
  writeCopy,
} from "./eval_fixtures.ts";

/** `ffmpeg` with a record of the jobs it ran. */
function counting(ffmpeg: Ffmpeg): { ffmpeg: Ffmpeg; jobs: FfmpegJob[] } {
  const jobs: FfmpegJob[] = [];
  return {
    jobs,
    ffmpeg: {
      ...ffmpeg,
      run: (job) => {
        jobs.push(job);
        return ffmpeg.run(job);
      },
    },
  };
}

/** A lossless clip of `count` frames whose every pixel depends on `seed`, the frame and x, y. */
async function clip(ffmpeg: Ffmpeg, path: string, seed: number, size: [number, number]) {
  const [width, height] = size;
  const frames = Array.from({ length: 12 }, (_, k) => {
    const frame = new Uint8Array(width * height * 3);
    for (let i = 0; i < frame.length; i++) frame[i] = (seed * 37 + k * 11 + i * 3) & 255;
    return frame;
  });
  await encodeFrames(ffmpeg, path, frames, { width, height, fps: 25, lossless: true });
}

Deno.test({
  name: "groupedFrames() decodes a copy's videos a few per ffmpeg run, each as sampleFrames alone",
  ignore: skipWithout("ffmpeg", "eval frame groups"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_groups_" });
    const native = await openFfmpeg("native");
    try {
      // v0..v3 share a size; v4 is larger; v5 has no probe; v6..v7 share v0's size again.
      const sizes: [number, number][] = [[32, 16], [32, 16], [32, 16], [32, 16], [48, 32]]
        .concat([[32, 16], [32, 16], [32, 16]]) as [number, number][];
      const videos: DatasetEntry[] = [];
      const probes = new Map<string, VideoInfo>();
      for (const [k, size] of sizes.entries()) {
        const path = join(dir, `v${k}.mp4`);
        await clip(native, path, k, size);
        videos.push({ id: `v${k}`, path, label: 0 } as DatasetEntry);
        if (k !== 5) probes.set(`v${k}`, await native.probe(path));
      }
      // v2 is damaged after it was probed: its group must still name it as alone.
      await Deno.writeFile(videos[2].path, new TextEncoder().encode("damaged\n".repeat(30)));

      await t.step("frames and errors are those of sampleFrames, video by video", async () => {
        const { ffmpeg, jobs } = counting(native);
        const { frames } = groupedFrames(ffmpeg, videos, {
          count: 5,
          probes,
          maxVideos: 3,
          quickBytes: 0,
        });
        // As the eval pipeline's prefetch asks: a few videos ahead, in order.
        const results = await Promise.all(
          videos.map((video) => frames(video).then((r) => r, (e: Error) => e)),
        );
        for (const [k, video] of videos.entries()) {
          const alone = await sampleFrames(native, video.path, {
            count: 5,
            info: probes.get(video.id),
          }).then((r) => r, (e: Error) => e);
          const result = results[k];
          if (alone instanceof Error) {
            assert.ok(result instanceof Error, `v${k} should fail`);
            assert.equal(result.message, alone.message);
            continue;
          }
          assert.ok(!(result instanceof Error), `v${k}: ${result}`);
          assert.deepEqual(result.indices, alone.indices);
          result.frames.forEach((frame, i) => assert.deepEqual(frame, alone.frames[i], `v${k}`));
        }
        // Groups start at one video and double, up to 3: v0 alone, [v1 v2] (fails at v2, then
        // each alone), v3 alone (v4 is larger), v4 alone, v5 probed (no run) and decoded alone,
        // [v6 v7]. Concurrent runs finish in any order.
        const decodes = jobs.map((job) => job.inputs.map((p) => p.slice(dir.length + 1)).join(" "));
        assert.deepEqual(
          decodes.sort(),
          [
            "v0.mp4",
            "v1.mp4 v2.mp4",
            "v1.mp4",
            "v2.mp4",
            "v3.mp4",
            "v4.mp4",
            "v5.mp4",
            "v6.mp4 v7.mp4",
          ].sort(),
        );
      });

      await t.step(
        "a done group's memory decodes a later one; frames read after done() read as empty",
        async () => {
          const same = [0, 1, 3, 6, 7].map((k) => videos[k]);
          const { ffmpeg, jobs } = counting(native);
          const grouped = groupedFrames(ffmpeg, same, {
            count: 5,
            probes,
            maxVideos: 2,
            quickBytes: 0,
          });
          const first = await grouped.frames(same[0]);
          const pair = [await grouped.frames(same[1]), await grouped.frames(same[2])];
          const expected = await Promise.all(
            same.map((video) => sampleFrames(native, video.path, { count: 5 })),
          );
          pair.forEach((got, k) => assert.deepEqual(got.frames, expected[k + 1].frames));
          // v1 and v3 decoded together: views of one output.
          const pairMemory = pair[0].frames[0].buffer;
          assert.equal(pair[1].frames[0].buffer, pairMemory);
          for (const video of same.slice(0, 3)) grouped.done(video);
          const later = [await grouped.frames(same[3]), await grouped.frames(same[4])];
          later.forEach((got, k) => assert.deepEqual(got.frames, expected[k + 3].frames));
          // [v6 v7] was read into the memory of [v1 v3], the same size: those frames are gone
          // (empty, never another video's pixels). v0, decoded alone, is left as it was.
          assert.equal(jobs.length, 3);
          assert.equal(jobs[0].stdoutInto, undefined);
          assert.notEqual(jobs[1].stdoutInto, undefined);
          assert.equal(jobs[2].stdoutInto, pairMemory);
          assert.ok(pair.every((got) => got.frames.every((frame) => frame.length === 0)));
          assert.deepEqual(first.frames, expected[0].frames);
        },
      );

      await t.step(
        "small frames fill a group up to the quick bytes from the first group on",
        async () => {
          const same = [0, 1, 3].map((k) => videos[k]);
          const bytes = 5 * 32 * 16 * 3;
          const cases: [number, string[]][] = [
            [3 * bytes, ["v0.mp4 v1.mp4 v3.mp4"]],
            [2 * bytes, ["v0.mp4 v1.mp4", "v3.mp4"]],
          ];
          for (const [quickBytes, expected] of cases) {
            const { ffmpeg, jobs } = counting(native);
            const { frames } = groupedFrames(ffmpeg, same, { count: 5, probes, quickBytes });
            const got = await Promise.all(same.map((video) => frames(video)));
            const alone = await Promise.all(
              same.map((video) => sampleFrames(native, video.path, { count: 5 })),
            );
            got.forEach((g, k) => assert.deepEqual(g.frames, alone[k].frames));
            assert.deepEqual(
              jobs.map((job) => job.inputs.map((p) => p.slice(dir.length + 1)).join(" ")).sort(),
              [...expected].sort(),
              `quickBytes ${quickBytes}`,
            );
          }
        },
      );

      await t.step("a byte budget keeps groups small", async () => {
        const { ffmpeg, jobs } = counting(native);
        const { frames } = groupedFrames(ffmpeg, videos.slice(5), {
          count: 5,
          probes,
          maxBytes: 5 * 32 * 16 * 3,
        });
        for (const video of videos.slice(5)) await frames(video);
        assert.equal(jobs.length, 3, "one video per run");
      });
    } finally {
      await native.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "evaluate() over a copy with probes scores every video as its own frames say",
  ignore: skipWithout("ffmpeg", "eval with grouped decoding"),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_groups_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const clips: ClipSpec[] = Array.from({ length: 6 }, (_, k) => ({
        id: `v${k}`,
        label: (k < 3 ? 0 : 1) as 0 | 1,
        grey: 40 + 30 * k,
      }));
      const data = join(tmp, "copies");
      const dir = await writeCopy(ffmpeg, data, {
        opId: "unaltered",
        family: "unaltered",
        category: "unaltered",
        artifactId: "a1",
      }, clips);
      // Record probes as distort does, so eval decodes the videos in groups.
      const manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
      for (const video of manifest.videos) {
        video.validation = { probe: await ffmpeg.probe(join(dir, "videos", `${video.id}.mp4`)) };
      }
      await Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(manifest));
      const model = join(tmp, "tiny.onnx");
      await Deno.writeFile(model, tinyDetector("mean"));
      const summary = await evaluate({
        spec: tinySpec(),
        modelPath: model,
        data,
        store: join(tmp, "store"),
        faces: "full",
        frames: 4,
        batch: 3,
        ffmpeg,
        timings: true,
      });
      assert.equal(summary.facesScored, 6 * 4);
      assert.equal(summary.copies[0].auc, 1);
      // Fewer ffmpeg runs than videos: the videos were decoded together.
      const decodes = summary.timings!.stages.decode.calls;
      assert.ok(decodes < clips.length, `${decodes} decode runs for ${clips.length} videos`);
      const parts = await listParts(join(tmp, "store"));
      const rows = pl.concat(parts.map((p) => pl.readParquet(p))).toRecords();
      assert.equal(rows.length, 6 * 4);
      for (const row of rows) {
        const grey = clips.find((c) => c.id === row.video_id)!.grey;
        assert.ok(
          Math.abs((row.score as number) - expectedScore(grey)) < 1e-5,
          row.video_id as string,
        );
      }
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
