import assert from "node:assert/strict";
import { join } from "node:path";
import { PAPER_OP_IDS } from "../ops/catalog.ts";
import type { DemoSummary } from "../demo/pipeline.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";

Deno.test({
  name: "deno task demo scores all 12 operations plus unaltered and reuses its work on a rerun",
  ignore: skipWithout("ffmpeg", "deno task demo end to end"),
  async fn(t) {
    const out = await Deno.makeTempDir({ prefix: "dfrobust demo -" });
    try {
      let first: DemoSummary;
      await t.step("the first run writes report.html, summary.json and the store", async () => {
        const run = await runDenoTask("tasks/demo.ts", ["--out", out, "--json"]);
        assert.equal(run.code, 0, run.stderr);
        first = JSON.parse(run.stdout);
        const saved = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
        assert.deepEqual(saved.auc, first.auc);
        assert.deepEqual(Object.keys(first.auc), [...PAPER_OP_IDS]);
        for (const [op, auc] of Object.entries(first.auc)) {
          assert.ok(auc !== null && auc >= 0 && auc <= 1, `${op}: ${auc}`);
        }
        assert.ok(first.cleanAuc !== null && first.cleanAuc >= 0.9, `clean AUC ${first.cleanAuc}`);
        // Every AUC ranks the same 48 videos; none is left out on the demo data.
        assert.deepEqual(Object.values(first.n), PAPER_OP_IDS.map(() => 48));
        assert.deepEqual(first.leftOut, []);
        assert.equal(first.failures, 0);
        const html = await Deno.readTextFile(join(out, "report.html"));
        assert.match(html, /Table I/);
        assert.match(html, /<svg/);
        for (const op of PAPER_OP_IDS) assert.ok(html.includes(op), `report lacks ${op}`);
        assert.match(html, /Provenance/);
        assert.match(html, /libx264/);
      });

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

      await t.step("a rerun reuses every copy and every stored unit", async () => {
        const before = await modificationTimes(out);
        const run = await runDenoTask("tasks/demo.ts", ["--out", out, "--json"]);
        assert.equal(run.code, 0, run.stderr);
        const again: DemoSummary = JSON.parse(run.stdout);
        assert.deepEqual(again.auc, first.auc);
        // Nothing was redone: every video, copy manifest and store part is the same file as before.
        const after = await modificationTimes(out);
        assert.ok(before.size > 13 * 48, `only ${before.size} files`);
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
