import assert from "node:assert/strict";
import { join } from "node:path";
import { PAPER_OP_IDS } from "../ops/catalog.ts";
import type { DemoSummary } from "../demo/pipeline.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { findCopies } from "../artifacts/copies.ts";
import { LOCATOR_CHANGE_IOU } from "../metrics/locator_changes.ts";
import { videoSet } from "../metrics/video_set.ts";
import { loadReportData } from "../report/collect.ts";
import { scanStore } from "../store/store.ts";
import { oracleCells } from "./_locator_oracle.ts";

// The demo's stages and assertions on a quarter of its videos and half its frames: 6 real + 6
// fake clips of 32 frames (eval samples all 32), 12 videos x 13 copies. The README's default
// (24 + 24 clips of 64 frames) runs the same code on more of the same generated clips; it costs
// 4x the CPU of this whole suite file and is run by the newcomer check (docs/testing.md).
const DEMO_ARGS = ["--reals", "6", "--frames", "32"];
const VIDEOS = 12;

Deno.test({
  name: "deno task demo scores all 12 operations plus unaltered and reuses its work on a rerun",
  ignore: skipWithout("ffmpeg", "deno task demo end to end"),
  async fn(t) {
    const out = await Deno.makeTempDir({ prefix: "dfrobust demo -" });
    try {
      let first: DemoSummary;
      await t.step("the first run writes report.html, summary.json and the store", async () => {
        const run = await runDenoTask("tasks/demo.ts", [...DEMO_ARGS, "--out", out, "--json"]);
        assert.equal(run.code, 0, run.stderr);
        first = JSON.parse(run.stdout);
        const saved = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
        assert.deepEqual(saved.auc, first.auc);
        assert.deepEqual(Object.keys(first.auc), [...PAPER_OP_IDS]);
        for (const [op, auc] of Object.entries(first.auc)) {
          assert.ok(auc !== null && auc >= 0 && auc <= 1, `${op}: ${auc}`);
        }
        assert.ok(first.cleanAuc !== null && first.cleanAuc >= 0.9, `clean AUC ${first.cleanAuc}`);
        // Every AUC ranks the same videos; none is left out on the demo data.
        assert.deepEqual(Object.values(first.n), PAPER_OP_IDS.map(() => VIDEOS));
        assert.deepEqual(first.leftOut, []);
        assert.equal(first.failures, 0);
        const html = await Deno.readTextFile(join(out, "report.html"));
        assert.match(html, /Table I/);
        assert.match(html, /<svg/);
        for (const op of PAPER_OP_IDS) assert.ok(html.includes(op), `report lacks ${op}`);
        assert.match(html, /Provenance/);
        assert.match(html, /libx264/);
      });

      await t.step(
        "the report's locator changes equal DuckDB's IoU over the demo store",
        async () => {
          const store = join(out, "store");
          const data = await loadReportData(store, { bootstrapResamples: 0 });
          const behind = new Set(
            videoSet(await scanStore(store)).videos.map((v) => `${v.runId}/${v.opId}/${v.videoId}`),
          );
          // Each copy's recorded geometry, from its manifest: the oracle maps the Unaltered boxes
          // forward through it and compares them with each copy's own boxes.
          const geometries = (await findCopies(join(out, "copies"))).flatMap(({ manifest }) =>
            manifest.videos.filter((v) => v.status === "ok" && v.geometry).map((v) => ({
              artifact_id: manifest.artifactId,
              video_id: v.id,
              sx: v.geometry!.x.scale,
              ox: v.geometry!.x.offset,
              sy: v.geometry!.y.scale,
              oy: v.geometry!.y.offset,
            }))
          );
          for (const way of ["source", "geometry"] as const) {
            const oracle = await oracleCells(store, {
              way,
              threshold: LOCATOR_CHANGE_IOU,
              geometries,
              videos: behind,
            });
            // PAPER_OP_IDS: unaltered and the 12 operations.
            assert.equal(oracle.length, PAPER_OP_IDS.length, way);
            for (const cell of oracle) {
              // Unaltered against itself: all compared, none moved; the report shows none there.
              if (cell.op_id === "unaltered") {
                assert.deepEqual([cell.compared, cell.moved], [cell.scored, 0], way);
                continue;
              }
              const shown = data.cells.find((c) => c.opId === cell.op_id)!.locatorChange!;
              assert.deepEqual(
                [shown.scoredFaces, shown.comparedFaces, shown.movedFaces],
                [cell.scored, cell.compared, cell.moved],
                `${way} ${cell.op_id}`,
              );
              // The demo's sidecar boxes are the same faces in every copy: all compared.
              assert.equal(cell.compared, cell.scored, `${way} ${cell.op_id}`);
            }
          }
          const html = await Deno.readTextFile(join(out, "report.html"));
          assert.match(html, /<section id="face-locator">/);
          assert.match(html, /box moved 0\/\d+ faces \(0%\)/);
        },
      );

      await t.step({
        name: "both notebooks execute headless on the demo store with every output present",
        ignore: skipWithout("jupyter", "notebooks on the demo store"),
        fn: async () => {
          const run = await runDenoTask("tasks/notebooks.ts", [
            ...["--store", join(out, "store"), "--data", join(out, "copies")],
            ...["--out", join(out, "notebooks"), "--json"],
          ]);
          assert.equal(run.code, 0, run.stderr + run.stdout);
          const runs: { notebook: string; html?: string; problems: string[] }[] = JSON.parse(
            run.stdout,
          );
          assert.equal(runs.length, 2);
          for (const notebook of runs) {
            assert.deepEqual(notebook.problems, [], notebook.notebook);
            assert.match(await Deno.readTextFile(notebook.html!), /<svg/);
          }
        },
      });

      await t.step(
        "a demo of another size in the same folder is refused, naming both",
        async () => {
          const run = await runDenoTask("tasks/demo.ts", ["--reals", "4", "--out", out, "--json"]);
          assert.equal(run.code, 2, run.stderr);
          assert.match(run.stderr, /6 real \+ 6 fake clips of 32 frames, not 4 real \+ 4 fake/);
          assert.match(run.stderr, /another --out/);
        },
      );

      await t.step("a rerun reuses every copy and every stored unit", async () => {
        const before = await modificationTimes(out);
        const run = await runDenoTask("tasks/demo.ts", [...DEMO_ARGS, "--out", out, "--json"]);
        assert.equal(run.code, 0, run.stderr);
        const again: DemoSummary = JSON.parse(run.stdout);
        assert.deepEqual(again.auc, first.auc);
        // Nothing was redone: every video, copy manifest and store part is the same file as before.
        const after = await modificationTimes(out);
        assert.ok(before.size > 13 * VIDEOS, `only ${before.size} files`);
        for (const [path, mtime] of before) assert.equal(after.get(path), mtime, path);
      });
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

/** Modification times of the videos, copy manifests and store parts under `dir`. */
async function modificationTimes(dir: string): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  async function walk(folder: string): Promise<void> {
    for await (const entry of Deno.readDir(folder)) {
      const path = join(folder, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (/\.(mp4|parquet)$|manifest\.json$/.test(entry.name)) {
        times.set(path, (await Deno.stat(path)).mtime!.getTime());
      }
    }
  }
  await walk(dir);
  return times;
}
