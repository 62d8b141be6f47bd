/**
 * Nothing is left out silently, through the real pipeline (native ffmpeg, onnxruntime, Parquet,
 * the `eval` and `report` tasks): the awkward fixtures b08 (a video with faces in part of it, one
 * with none) and b12 (no face anywhere, a detector without a fail score), and a copy in which one
 * video could not be made (paired by default, `--unpaired` on request).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { evaluate } from "../eval/evaluate.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { rocAuc } from "../metrics/roc_auc.ts";
import type { ScoreRow } from "../store/schema.ts";
import type { LeftOutVideo } from "../store/left_out.ts";
import { listParts } from "../store/store.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import {
  type ClipSpec,
  expectedScore,
  tinyDetector,
  tinySpec,
  writeCopy,
} from "./eval_fixtures.ts";

const AWKWARD = join(FIXTURES, "awkward");
const DEMO_MODEL = new URL("../detectors/models/demo.onnx", import.meta.url).pathname;
// The b12 spec: the demo model's input, no fail score.
const NOFAIL = join(AWKWARD, "b12_det_nofail.json");

interface TableJson {
  rows: {
    detector: string;
    cells: Record<
      string,
      {
        auc: number | null;
        n: number;
        nReal: number;
        nFake: number;
        note?: string;
        faceShare?: unknown;
      }
    >;
  }[];
  pairing: string;
  leftOut: LeftOutVideo[];
}

async function readRows(store: string): Promise<ScoreRow[]> {
  const parts = await listParts(store);
  return pl.concat(parts.map((p) => pl.readParquet(p))).toRecords() as unknown as ScoreRow[];
}

async function evalTask(args: string[]) {
  const run = await runDenoTask("tasks/eval.ts", args);
  assert.equal(run.code, 0, run.stderr);
  return run;
}

async function reportTask(args: string[]) {
  const run = await runDenoTask("tasks/report.ts", args);
  assert.equal(run.code, 0, run.stderr);
  return run;
}

// Every chart spec inlined in a report, by id.
function chartSpecs(html: string): Map<string, unknown> {
  const specs = new Map<string, unknown>();
  for (
    const m of html.matchAll(
      /<script type="application\/json" id="spec-([a-z-]+)">(.*?)<\/script>/gs,
    )
  ) {
    specs.set(m[1], JSON.parse(m[2]));
  }
  return specs;
}

// Every `auc` in a chart's data is a finite number, or null with the reason beside it.
function assertAucsNamed(spec: unknown, where: string): void {
  const values = JSON.stringify(spec).match(/"auc":(null|-?[\d.e+-]+)[^}]*/g) ?? [];
  for (const v of values) {
    if (v.startsWith('"auc":null')) assert.match(v, /"missing":"[a-z ]+"/, `${where}: ${v}`);
    else assert.ok(Number.isFinite(Number(v.slice(6).split(",")[0])), `${where}: ${v}`);
  }
}

Deno.test({
  name: "b08: partly faceless and faceless videos are scored, given the fail score, or named",
  ignore: skipWithout("ffmpeg", "left-out videos through the pipeline") ||
    skipWithoutFixtures("awkward", "left-out videos through the pipeline"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_b08_" });
    const store = join(tmp, "store");
    const common = [
      "--data",
      join(AWKWARD, "b08_manifest.csv"),
      "--store",
      store,
      "--faces",
      "sidecar",
      "--sidecar",
      join(AWKWARD, "b08_sidecar.json"),
    ];
    try {
      await t.step(
        "with a fail score (demo): 13 scored frames, the faceless video at 0.5",
        async () => {
          const summary = JSON.parse(
            (await evalTask(["--detector", "demo", ...common, "--json"])).stdout,
          );
          const rows = (await readRows(store)).filter((r) => r.detector === "demo");
          const partial = rows.filter((r) => r.video_id === "b08_partial");
          assert.equal(partial.filter((r) => r.status === "ok").length, 13);
          assert.equal(partial.filter((r) => r.status === "no_face").length, 19);
          const noface = rows.filter((r) => r.video_id === "b08_noface");
          assert.ok(noface.length === 32 && noface.every((r) => r.status === "no_face"));
          assert.deepEqual(summary.leftOut, []);
          assert.deepEqual([summary.copies[0].n, summary.copies[0].leftOut], [4, 0]);
        },
      );
      await t.step("without a fail score: the faceless video is left out and named", async () => {
        const args = ["--detector", NOFAIL, "--model", DEMO_MODEL, ...common];
        const summary = JSON.parse((await evalTask([...args, "--json"])).stdout);
        assert.deepEqual(
          summary.leftOut.map((v: LeftOutVideo) => [v.opId, v.videoId, v.label, v.reason]),
          [["unaltered", "b08_noface", 1, "no_face"]],
        );
        assert.deepEqual([summary.copies[0].n, summary.copies[0].leftOut], [3, 1]);
        assert.match(summary.notes.join("\n"), /b08_noface \(fake\) left out .*no_face/);
        // The human summary of a rerun (read back from the store) names it too.
        const human = (await evalTask(args)).stdout;
        assert.match(human, /unaltered\s+unaltered\s+4\s+128\s+77\s+51\s+0\s+3\s/);
        assert.match(
          human,
          /left out of the AUCs[^]*b08_noface \(fake\)[^]*no face in any sampled frame/,
        );
      });
      await t.step("the report names it with its reason; Table I shows n", async () => {
        const json: TableJson = JSON.parse(
          (await reportTask(["--store", store, "--format", "json"])).stdout,
        );
        assert.equal(json.pairing, "paired");
        assert.deepEqual(json.leftOut.map((v) => [v.detector, v.videoId, v.reason]), [
          ["nofail", "b08_noface", "no_face"],
        ]);
        const n = Object.fromEntries(json.rows.map((r) => {
          const c = r.cells.unaltered;
          return [r.detector, [c.n, c.nReal, c.nFake]];
        }));
        assert.deepEqual(n, { demo: [4, 2, 2], nofail: [3, 2, 1] });
        // The face share: frames with an ok face of the frames read, over the videos behind n
        // (nofail leaves b08_noface out); b08_partial has faces in 13 of its 32 sampled frames.
        const rows = await readRows(store);
        for (const row of json.rows) {
          const used = rows.filter((r) =>
            r.detector === row.detector &&
            !(row.detector === "nofail" && r.video_id === "b08_noface")
          );
          const frames = (keep: (r: ScoreRow) => boolean) =>
            new Set(used.filter(keep).map((r) => `${r.video_id}/${r.frame_index}`)).size;
          const withFace = frames((r) => r.status === "ok");
          const read = frames((r) => r.frame_index >= 0);
          assert.deepEqual(row.cells.unaltered.faceShare, {
            framesWithFace: withFace,
            framesRead: read,
            videos: row.cells.unaltered.n,
            share: withFace / read,
          });
          assert.equal(frames((r) => r.video_id === "b08_partial" && r.status === "ok"), 13);
        }
        const out = join(tmp, "report.html");
        const run = await reportTask(["--store", store, "--out", out]);
        assert.match(run.stderr, /note: nofail \(unknown\): video b08_noface \(fake\) left out/);
        const html = await Deno.readTextFile(out);
        const section = html.slice(html.indexOf('<section id="left-out">'));
        assert.match(
          section,
          /<td>b08_noface<\/td><td>fake<\/td><td>unaltered<\/td>.*<code>no_face<\/code>/,
        );
        assert.match(
          html,
          /<span class="n">n=3<\/span>(<span class="stats">[^<]*<\/span>)*<span class="faces" title="face \d+\/96 frames/,
        );
        const md = (await reportTask(["--store", store, "--format", "md"])).stdout;
        assert.match(
          md,
          /\| nofail \| [^|]+ \| 3 \(\d\/\d\) \|[^\n]*\| face \d+\/96 frames \(\d+%\), 3 videos \|/,
        );
      });
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "b12: a run with no video scored stays in Table I and every chart, each cell named",
  ignore: skipWithout("ffmpeg", "left-out videos through the pipeline") ||
    skipWithoutFixtures("awkward", "left-out videos through the pipeline"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_b12_" });
    const store = join(tmp, "store");
    const copies = join(tmp, "copies");
    const OPS = ["unaltered", "h264_crf23", "h264_crf40", "hflip"];
    try {
      await distortDataset(join(AWKWARD, "b12_manifest.csv"), { out: copies, ops: OPS.join(",") });
      await t.step("the eval summary names the run, its videos and the reason", async () => {
        const summary = JSON.parse(
          (await evalTask([
            ...["--detector", NOFAIL, "--model", DEMO_MODEL, "--data", copies, "--store", store],
            ...["--faces", "sidecar", "--sidecar", join(AWKWARD, "b12_sidecar_empty.json")],
            "--json",
          ])).stdout,
        );
        assert.deepEqual(summary.copies.map((c: { opId: string }) => c.opId), OPS);
        for (const copy of summary.copies) {
          assert.deepEqual([copy.auc, copy.n, copy.leftOut], [null, 0, 4]);
          assert.match(copy.note, /^no videos scored \(4 videos left out: 4 no_face/);
        }
        assert.equal(summary.leftOut.length, 16);
        assert.deepEqual(summary.notes, [
          "nofail (unknown): no video scored in any of its 4 copies; 4 videos left out " +
          "(b12_v1, b12_v2, b12_v3, b12_v4): no_face for 4 videos in every copy (no face in any " +
          "sampled frame, and the detector has no fail score).",
        ]);
      });
      await t.step("Table I keeps the row, every cell 'no videos scored' with a note", async () => {
        const json: TableJson = JSON.parse(
          (await reportTask(["--store", store, "--format", "json"])).stdout,
        );
        assert.equal(json.rows.length, 1);
        for (const op of OPS) {
          const cell = json.rows[0].cells[op];
          assert.deepEqual([cell.auc, cell.n, cell.nReal, cell.nFake], [null, 0, 0, 0], op);
          assert.match(cell.note!, /^no videos scored/);
        }
        const md = (await reportTask(["--store", store, "--format", "md"])).stdout;
        assert.match(md, /\| nofail \| unknown( \| no videos scored){4} \| – \|/);
        const csv = (await reportTask(["--store", store, "--format", "csv"])).stdout;
        // n, then the face share: 0 frames with a face, 0 read, 0 videos per column.
        assert.match(csv, /^nofail,unknown,,,,,,0,0,0,0(,0){12}$/m);
      });
      await t.step(
        "every chart draws the run and names its empty cells; specs are valid JSON",
        async () => {
          const out = join(tmp, "report.html");
          await reportTask(["--store", store, "--out", out, "--static"]);
          const html = await Deno.readTextFile(out);
          assert.equal(
            (html.match(/<td class="none"[^>]*>no videos scored<\/td>/g) ?? []).length,
            4,
          );
          const specs = chartSpecs(html);
          assert.deepEqual([...specs.keys()], ["auc-by-operation", "delta-auc", "roc", "severity"]);
          for (const [id, spec] of specs) {
            const text = JSON.stringify(spec);
            assert.ok(text.includes("nofail"), `${id}: the run is missing`);
            assert.ok(text.includes("no videos scored"), `${id}: the empty cells are not named`);
            assertAucsNamed(spec, id);
          }
          assert.match(html, /id="left-out"/);
          for (const v of ["b12_v1", "b12_v2", "b12_v3", "b12_v4"]) {
            assert.ok(html.includes(`<td>${v}</td>`));
          }
        },
      );
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "a video distort could not make in one copy leaves every column, unless --unpaired",
  ignore: skipWithout("ffmpeg", "left-out videos through the pipeline") ||
    skipWithoutFixtures("awkward", "left-out videos through the pipeline"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_paired_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      // Unaltered AUC with all four videos: 0.75 (fake_b ranks below real_a); without real_a: 1.
      const clips: ClipSpec[] = [
        { id: "real_a", label: 0, grey: 150 },
        { id: "fake_a", label: 1, grey: 170 },
        { id: "real_b", label: 0, grey: 90 },
        { id: "fake_b", label: 1, grey: 120 },
      ];
      const darker = clips.map((c) => ({ ...c, grey: c.grey - 30 }));
      const data = join(tmp, "copies");
      await writeCopy(ffmpeg, data, {
        opId: "unaltered",
        family: "unaltered",
        category: "unaltered",
        artifactId: "u1",
      }, clips);
      // The darkened copy of real_a failed: absent from dataset.csv, `failed` in the manifest.
      const dir = await writeCopy(ffmpeg, data, {
        opId: "darken",
        family: "darken",
        category: "brightness",
        artifactId: "d1",
        severity: 1,
      }, darker.filter((c) => c.id !== "real_a"));
      const manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
      manifest.videos.push({ id: "real_a", label: 0, status: "failed", error: "ffmpeg exited 1" });
      await Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(manifest));
      const model = join(tmp, "tiny.onnx");
      await Deno.writeFile(model, tinyDetector("mean"));
      const store = join(tmp, "store");
      // The fail score must not stand in for a video that was not made.
      const spec = tinySpec({ failScore: 0.5 });
      const summary = await evaluate({
        spec,
        modelPath: model,
        data,
        store,
        faces: "full",
        frames: 2,
        ffmpeg,
      });
      const score = (set: ClipSpec[], id: string) =>
        expectedScore(set.find((c) => c.id === id)!.grey);
      const auc = (set: ClipSpec[], ids: string[]) =>
        rocAuc(
          ids.map((id) => set.find((c) => c.id === id)!.label),
          ids.map((id) => score(set, id)),
        );
      const paired = ["fake_a", "real_b", "fake_b"];
      await t.step("the eval summary ranks the paired videos and names the dropped one", () => {
        assert.deepEqual(summary.copies.map((c) => [c.opId, c.n, c.leftOut]), [
          ["unaltered", 3, 1],
          ["darken", 3, 1],
        ]);
        assert.ok(Math.abs(summary.copies[0].auc! - auc(clips, paired)) < 1e-6);
        assert.equal(summary.copies[0].auc, 1);
        assert.deepEqual(summary.leftOut.map((v) => [v.opId, v.videoId, v.reason]), [
          ["unaltered", "real_a", "paired"],
          ["darken", "real_a", "video_error"],
        ]);
        assert.match(
          summary.leftOut[1].detail,
          /distort could not make this copy of "real_a".*ffmpeg exited 1/,
        );
      });
      await t.step("the report, paired by default: same videos in every column", async () => {
        const json: TableJson = JSON.parse(
          (await reportTask(["--store", store, "--format", "json"])).stdout,
        );
        const cells = json.rows[0].cells;
        assert.deepEqual([cells.unaltered.n, cells.darken.n], [3, 3]);
        assert.ok(Math.abs(cells.unaltered.auc! - auc(clips, paired)) < 1e-6);
        assert.ok(Math.abs(cells.darken.auc! - auc(darker, paired)) < 1e-6);
        assert.deepEqual(json.leftOut.map((v) => [v.opId, v.videoId, v.reason]), [
          ["unaltered", "real_a", "paired"],
          ["darken", "real_a", "video_error"],
        ]);
        const html = join(tmp, "report.html");
        await reportTask(["--store", store, "--out", html, "--static"]);
        const page = await Deno.readTextFile(html);
        assert.match(
          page,
          /<td>real_a<\/td><td>real<\/td><td>unaltered<\/td><td[^>]*><code>paired<\/code>/,
        );
        assert.match(
          page,
          /<td>real_a<\/td><td>real<\/td><td>darken<\/td><td[^>]*><code>video_error<\/code>/,
        );
        assert.match(page, /Paired: every column of a row ranks the same videos/);
      });
      await t.step("--unpaired: each copy ranks its own usable videos", async () => {
        const json: TableJson = JSON.parse(
          (await reportTask(["--store", store, "--format", "json", "--unpaired"])).stdout,
        );
        const cells = json.rows[0].cells;
        assert.equal(json.pairing, "unpaired");
        assert.deepEqual([cells.unaltered.n, cells.darken.n], [4, 3]);
        assert.ok(Math.abs(cells.unaltered.auc! - auc(clips, clips.map((c) => c.id))) < 1e-6);
        assert.equal(cells.unaltered.auc, 0.75);
        assert.ok(Math.abs(cells.darken.auc! - auc(darker, paired)) < 1e-6);
        assert.deepEqual(json.leftOut.map((v) => [v.opId, v.videoId, v.reason]), [
          ["darken", "real_a", "video_error"],
        ]);
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
