import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { discoverCopies } from "../eval/copies.ts";
import { evaluate } from "../eval/evaluate.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { skipWithout } from "./_tools.ts";
import { expectedScore, SLOPE, tinyDetector, tinySpec, writeClips } from "./eval_fixtures.ts";

Deno.test({
  name: "evaluate() reads what distort writes, and records videos distort could not make",
  ignore: skipWithout("ffmpeg", "eval over distort"),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_distort_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const csv = await writeClips(ffmpeg, join(tmp, "source"), [
        { id: "real", label: 0, grey: 70 },
        { id: "broken", label: 1, grey: 0, corrupt: true },
        { id: "fake", label: 1, grey: 190 },
      ]);
      const out = join(tmp, "copies");
      const distorted = await distortDataset(csv, {
        out,
        ops: "unaltered,hflip,vflip",
        profile: "lossless",
        ffmpeg,
      });
      assert.ok(distorted.failures > 0, "the corrupt source fails in distort");
      // Each copy carries distort's probe of its videos, so eval does not probe them again.
      for (const copy of await discoverCopies(out)) {
        assert.deepEqual([...copy.probes!.keys()].sort(), ["fake", "real"], copy.op.id);
        for (const [id, probe] of copy.probes!) {
          assert.deepEqual(probe, await ffmpeg.probe(join(copy.dir, `videos/${id}.mp4`)));
        }
      }
      const model = join(tmp, "tiny.onnx");
      await Deno.writeFile(model, tinyDetector("mean"));
      const store = join(tmp, "store");
      const summary = await evaluate({
        spec: tinySpec(),
        modelPath: model,
        data: out,
        store,
        faces: "full",
        frames: 2,
        ffmpeg,
      });
      assert.deepEqual(summary.copies.map((c) => c.opId), ["unaltered", "hflip", "vflip"]);
      for (const copy of summary.copies) {
        assert.equal(copy.videos, 3);
        assert.equal(copy.statuses.ok, 4, copy.opId);
        assert.equal(copy.statuses.video_error, 1, copy.opId);
        assert.equal(copy.auc, 1);
      }
      const rows = pl.concat((await listParts(store)).map((p) => pl.readParquet(p)))
        .toRecords() as unknown as ScoreRow[];
      for (const row of rows) {
        if (row.video_id === "broken") {
          assert.equal(row.status, "video_error");
          assert.match(row.error!, /broken\.mp4/);
          continue;
        }
        // Flips move no grey level; the lossless profile's yuv420p round trip may move a flat
        // grey by a few code values (70 comes back as 68), so the implied grey is compared within 3.
        const grey = row.video_id === "real" ? 70 : 190;
        const implied = 255 * (0.5 + Math.log(row.score! / (1 - row.score!)) / SLOPE);
        assert.ok(Math.abs(implied - grey) <= 3, `${row.op_id}/${row.video_id}: grey ${implied}`);
        if (row.op_id === "unaltered") assert.ok(Math.abs(row.score! - expectedScore(grey)) < 1e-5);
        assert.equal(row.profile, row.op_id === "unaltered" ? "source" : "lossless");
        assert.equal(row.op_category, row.op_id === "unaltered" ? "unaltered" : "flip");
      }
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
