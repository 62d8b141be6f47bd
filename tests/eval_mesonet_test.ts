import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import sharp from "../deps/sharp.ts";
import { writeDatasetManifest } from "../dataset/manifest.ts";
import { encodeFrames } from "../media/encode.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { convertMesoNet } from "../onnx/mesonet.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { mesonetReference } from "./_mesonet_reference.ts";
import { skipWithout } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";

const MESO = join(FIXTURES, "mesonet");
const IMAGES = [
  { id: "df00204", file: "df/df00204.jpg", label: 1 as const },
  { id: "df01254", file: "df/df01254.jpg", label: 1 as const },
  { id: "real00240", file: "real/real00240.jpg", label: 0 as const },
  { id: "real00772", file: "real/real00772.jpg", label: 0 as const },
];
const SIDE = 256;
const FRAMES = 3;
const TASK = new URL("../tasks/eval.ts", import.meta.url).pathname;

Deno.test({
  name: "deno task eval --detector mesonet scores lossless clips of the authors' crops like the " +
    "reference forward pass",
  ignore: skipWithout("ffmpeg", "eval mesonet") || skipWithoutFixtures("mesonet", "eval mesonet"),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_meso_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const h5 = await Deno.readFile(join(MESO, "Meso4_DF.h5"));
      const model = join(tmp, "meso4_df.onnx");
      await Deno.writeFile(model, await convertMesoNet(h5, { arch: "meso4", source: "Meso4_DF" }));
      const reference = await mesonetReference(h5, "meso4");
      // Each crop, resized to the model's 256x256 as Keras' load_img does (nearest), becomes a
      // clip of identical frames in lossless RGB H.264, so decoding gives the same bytes back and
      // the full-frame crop is the model input itself.
      const expected = new Map<string, number>();
      await Deno.mkdir(join(tmp, "data", "videos"), { recursive: true });
      for (const image of IMAGES) {
        const rgb = new Uint8Array(
          await sharp(join(MESO, "test_images", image.file))
            .removeAlpha()
            .resize(SIDE, SIDE, { kernel: "nearest" })
            .raw()
            .toBuffer(),
        );
        await encodeFrames(
          ffmpeg,
          join(tmp, "data", "videos", `${image.id}.mp4`),
          [rgb, rgb, rgb],
          {
            width: SIDE,
            height: SIDE,
            fps: 25,
            lossless: true,
          },
        );
        expected.set(image.id, 1 - reference(Float32Array.from(rgb, (v) => v / 255)));
      }
      await writeDatasetManifest(
        join(tmp, "data", "dataset.csv"),
        IMAGES.map((i) => ({ id: i.id, relativePath: `videos/${i.id}.mp4`, label: i.label })),
      );
      const store = join(tmp, "store");
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          "--allow-ffi",
          "--allow-sys",
          "--allow-run=ffmpeg,ffprobe",
          TASK,
          "--detector",
          "mesonet",
          "--model",
          model,
          "--data",
          join(tmp, "data", "dataset.csv"),
          "--faces",
          "full",
          "--frames",
          String(FRAMES),
          "--store",
          store,
          "--json",
        ],
        env: { DFROBUST_QUIET: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      const summary = JSON.parse(new TextDecoder().decode(output.stdout));
      assert.equal(summary.copies[0].auc, 1);
      assert.deepEqual(summary.copies[0].statuses, { ok: IMAGES.length * FRAMES });
      const rows = pl.readParquet((await listParts(store))[0]).toRecords() as unknown as ScoreRow[];
      assert.equal(rows.length, IMAGES.length * FRAMES);
      for (const row of rows) {
        const want = expected.get(row.video_id)!;
        // Same pixels, so only float32 vs float64 arithmetic separates the two: 1e-4 as in the
        // conversion test.
        assert.ok(
          Math.abs(row.score! - want) <= 1e-4,
          `${row.video_id} frame ${row.frame_index}: eval ${row.score}, reference ${want}`,
        );
        assert.equal(row.detector, "mesonet");
      }
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
