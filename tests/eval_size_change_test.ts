/**
 * eval on videos whose frame size changes mid-stream, with sidecar boxes given in each frame's own
 * run's pixels: a plain dataset `.csv` (no copy manifest: the runs come from the probe) and
 * distort's copies (the runs recorded in the manifest) put each box on the frame's marker square
 * (tests/stream_fixtures.ts), on both ffmpeg backends; the reference mode maps the unaltered
 * copy's boxes (first-size pixels) through the first run's geometry.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { discoverCopies } from "../eval/copies.ts";
import { evaluate } from "../eval/evaluate.ts";
import { videoGeometry } from "../eval/video_geometry.ts";
import { referenceLocator } from "../faces/reference.ts";
import { type BackendChoice, openFfmpeg } from "../media/ffmpeg.ts";
import { frameGeometryAt } from "../ops/geometry.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";
import { tinyDetector, tinySpec } from "./eval_fixtures.ts";
import {
  H264_TS,
  markerBox,
  type SizeChangeSpec,
  VP8,
  writeSizeChangeVideo,
} from "./stream_fixtures.ts";

/** A switch up (VP8 WebM) and a switch down then up to another aspect (H.264 in MPEG-TS). */
const SPECS: SizeChangeSpec[] = [
  {
    file: "up.webm",
    codec: VP8,
    segments: [{ frames: 20, width: 320, height: 240 }, { frames: 20, width: 640, height: 480 }],
  },
  {
    file: "down_up.ts",
    codec: H264_TS,
    segments: [
      { frames: 14, width: 640, height: 480 },
      { frames: 13, width: 320, height: 240 },
      { frames: 13, width: 352, height: 198 },
    ],
  },
];

const starts = (spec: SizeChangeSpec) =>
  spec.segments.map((_, k) => spec.segments.slice(0, k).reduce((n, s) => n + s.frames, 0));
const total = (spec: SizeChangeSpec) => spec.segments.reduce((n, s) => n + s.frames, 0);
const runOf = (spec: SizeChangeSpec, i: number) => starts(spec).findLastIndex((s) => s <= i);

/** The sidecar: every frame's marker box, in the pixels of the frame's own run. */
function sidecarOf(): Record<string, unknown> {
  const videos: Record<string, Record<string, number[][]>> = {};
  for (const [v, spec] of SPECS.entries()) {
    videos[`v${v}`] = {};
    for (let i = 0; i < total(spec); i++) {
      const { width, height } = spec.segments[runOf(spec, i)];
      videos[`v${v}`][i] = [markerBox(runOf(spec, i), width, height)];
    }
  }
  return { schema: "dfrobust.faces/1", videos };
}

/** Frame i's marker in the first run's pixels (where every sampled frame is). */
function expectedBox(spec: SizeChangeSpec, i: number): number[] {
  const k = runOf(spec, i);
  const [w0, h0] = [spec.segments[0].width, spec.segments[0].height];
  const { width, height } = spec.segments[k];
  const [x, y, w, h] = markerBox(k, width, height);
  return [x * w0 / width, y * h0 / height, w * w0 / width, h * h0 / height];
}

async function readRows(store: string): Promise<ScoreRow[]> {
  const parts = await listParts(store);
  return pl.concat(parts.map((p) => pl.readParquet(p))).toRecords() as unknown as ScoreRow[];
}

const boxOf = (r: ScoreRow) => [r.box_x, r.box_y, r.box_w, r.box_h];
const near = (a: (number | null)[], b: number[]) =>
  a.every((v, k) => v !== null && Math.abs(v - b[k]) < 1e-6);

/** Every face row of `rows` sits on its frame's marker: the expected box, a bright crop. */
function assertOnMarker(rows: ScoreRow[], what: string, flipped = false): void {
  for (const [v, spec] of SPECS.entries()) {
    const video = rows.filter((r) => r.video_id === `v${v}`);
    assert.equal(video.length, 32, `${what} v${v}: ${video.length} rows`);
    // Frames of every run are sampled.
    const runs = new Set(video.map((r) => runOf(spec, r.frame_index)));
    assert.equal(runs.size, spec.segments.length, `${what} v${v}: runs sampled`);
    for (const row of video) {
      const where = `${what} v${v} frame ${row.frame_index}`;
      assert.equal(row.status, "ok", `${where}: ${row.status} ${row.error}`);
      if (!flipped) {
        assert.ok(near(boxOf(row), expectedBox(spec, row.frame_index)), `${where}: ${boxOf(row)}`);
      }
      // The tiny detector scores the crop's mean intensity: the white marker gives about 0.98,
      // the dark grey around it about 0.1.
      assert.ok(row.score! > 0.9, `${where}: score ${row.score} (box ${boxOf(row)})`);
    }
  }
}

for (const backend of ["native", "wasm"] as BackendChoice[]) {
  Deno.test({
    name: `${backend}: eval of a plain dataset .csv puts sidecar boxes given in a later run's ` +
      `pixels on their frame's content, as through distort's unaltered copy`,
    ignore: skipWithout("ffmpeg", `eval of size-changing videos (${backend})`),
    async fn(t) {
      const dir = await Deno.makeTempDir({ prefix: "dfrobust_eval_sizes_" });
      const ffmpeg = await openFfmpeg(backend);
      try {
        await withFfmpeg("native", async (native) => {
          for (const spec of SPECS) await writeSizeChangeVideo(native, dir, spec);
        });
        const csv = join(dir, "dataset.csv");
        await Deno.writeTextFile(
          csv,
          "id,path,label\n" + SPECS.map((s, v) => `v${v},${s.file},${v % 2}\n`).join(""),
        );
        const sidecar = join(dir, "faces.json");
        await Deno.writeTextFile(sidecar, JSON.stringify(sidecarOf()));
        const model = join(dir, "tiny.onnx");
        await Deno.writeFile(model, tinyDetector("mean"));
        const run = (data: string, store: string) =>
          evaluate({
            spec: tinySpec({ crop: { kind: "box" } }),
            modelPath: model,
            data,
            store,
            faces: "sidecar",
            sidecar,
            frames: 32,
            ffmpeg,
          });

        let plain: ScoreRow[] = [];
        await t.step("plain .csv: every box on its marker, no warning", async () => {
          const summary = await run(csv, join(dir, "store_plain"));
          assert.equal(summary.failures, 0);
          plain = await readRows(join(dir, "store_plain"));
          assert.deepEqual(plain.filter((r) => r.status === "warning"), []);
          assertOnMarker(plain, "plain");
        });

        const copies = join(dir, "copies");
        const ops = backend === "native" ? "unaltered,hflip,res_half" : "unaltered,hflip";
        await distortDataset(csv, { out: copies, ops, ffmpeg });
        await t.step("distort's copies: the same boxes, crops and scores", async () => {
          const summary = await run(copies, join(dir, "store_copies"));
          assert.equal(summary.failures, 0);
          const rows = await readRows(join(dir, "store_copies"));
          const unaltered = rows.filter((r) => r.op_id === "unaltered");
          const key = (r: ScoreRow) =>
            [r.video_id, r.frame_index, ...boxOf(r), r.crop_x, r.crop_y, r.crop_w, r.crop_h]
              .join(" ");
          assert.deepEqual(unaltered.map(key).sort(), plain.map(key).sort());
          assertOnMarker(unaltered, "unaltered copy");
          assertOnMarker(rows.filter((r) => r.op_id === "hflip"), "hflip copy", true);
          if (backend === "native") {
            assertOnMarker(rows.filter((r) => r.op_id === "res_half"), "res_half copy", true);
          }
        });

        await t.step("the probe and the copy manifest give the same geometry", async () => {
          const [plainCopy] = await discoverCopies(csv);
          const found = await discoverCopies(copies);
          const unaltered = found.find((c) => c.op.id === "unaltered")!;
          for (const [v, spec] of SPECS.entries()) {
            const id = `v${v}`;
            const info = await ffmpeg.probe(join(dir, spec.file));
            const fromProbe = videoGeometry(plainCopy, id, info)!;
            assert.deepEqual(fromProbe.segments.map((s) => s.start), starts(spec).slice(1));
            assert.deepEqual(
              {
                geometry: unaltered.frameGeometries!.get(id),
                segments: unaltered.frameSegments!.get(id),
              },
              { geometry: fromProbe.geometry, segments: fromProbe.segments },
            );
            assert.deepEqual(videoGeometry(unaltered, id, info), fromProbe);
          }
        });
      } finally {
        await ffmpeg.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test("reference mode maps the unaltered copy's boxes of every run through the first run's geometry", async () => {
  // The unaltered copy's sampled frames all have the first size (320x240): a recorded box of a
  // later run is in those pixels already, so a later run's geometry must not apply again.
  const spec = SPECS[0];
  const info = {
    width: 320,
    height: 240,
    segments: [
      { start: 0, width: 320, height: 240 },
      { start: 20, width: 640, height: 480 },
    ],
  };
  const recording = {
    schema: "dfrobust.faces/1" as const,
    videos: { v0: { "5": [[40, 120, 80, 60]], "30": [[200, 120, 80, 60]] } },
  };
  const copies = await discoverCopiesOfHflip();
  const geometry = videoGeometry(copies, "v0", info)!;
  assert.equal(geometry.segments.length, 1);
  const frame = { data: new Uint8Array(320 * 240 * 3), width: 320, height: 240 };
  const located = await referenceLocator(recording, copies.geometry).locate(
    "v0",
    [frame, frame],
    [5, 30],
    { geometry },
  );
  // hflip about 320: x -> 320 - x - w; never scaled by the later run's 1/2.
  assert.deepEqual(located.map(([b]) => [b.x, b.y, b.w, b.h]), [
    [200, 120, 80, 60],
    [40, 120, 80, 60],
  ]);
  assert.ok(frameGeometryAt(geometry.geometry, geometry.segments, 30).sourceWidth === 640);
  assert.equal(total(spec), 40);
});

/** An hflip copy's eval view with the recorded geometry distort gives a 320x240 -> 640x480 video. */
function discoverCopiesOfHflip() {
  const first = {
    sourceWidth: 320,
    sourceHeight: 240,
    width: 320,
    height: 240,
    crop: null,
    x: { scale: -1, offset: 320 },
    y: { scale: 1, offset: 0 },
  };
  const later = {
    ...first,
    sourceWidth: 640,
    sourceHeight: 480,
    x: { scale: -0.5, offset: 320 },
    y: { scale: 0.5, offset: 0 },
  };
  return {
    artifactId: "a",
    op: { id: "hflip", family: "hflip", category: "flip", severity: null, params: {} },
    profile: "paper",
    geometry: { hflip: true, vflip: false, scale: 1 },
    dir: "/nowhere",
    datasetCsv: "/nowhere/dataset.csv",
    videos: [],
    failedVideos: [],
    frameGeometries: new Map([["v0", first]]),
    frameSegments: new Map([["v0", [{ start: 20, geometry: later }]]]),
  };
}
