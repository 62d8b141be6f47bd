import assert from "node:assert/strict";
import { basename, join, relative } from "node:path";
import pl from "../deps/polars.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { evaluate, type EvaluateOptions } from "../eval/evaluate.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import type { ScoreRow } from "../store/schema.ts";
import { listParts } from "../store/store.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { tinyDetector, tinySpec, writeClips } from "./eval_fixtures.ts";

function readRows(path: string): ScoreRow[] {
  return pl.readParquet(path).toRecords() as unknown as ScoreRow[];
}

async function storeRows(store: string): Promise<ScoreRow[]> {
  return (await listParts(store)).flatMap(readRows);
}

Deno.test({
  name: "eval names damaged videos and parts instead of scoring or stopping, and never scores " +
    "a unit twice",
  ignore: skipWithout("ffmpeg", "eval reliability"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_reliable_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const csv = await writeClips(ffmpeg, join(tmp, "source"), [
        { id: "real", label: 0, grey: 70 },
        { id: "fake", label: 1, grey: 190 },
        { id: "fake2", label: 1, grey: 200 },
      ]);
      const out = join(tmp, "copies");
      const distort = () =>
        distortDataset(csv, { out, ops: "unaltered,hflip,vflip", profile: "lossless", ffmpeg });
      const made = await distort();
      const hflipDir = made.copies.find((c) => c.opId === "hflip")!.copyDir;
      const model = join(tmp, "tiny.onnx");
      await Deno.writeFile(model, tinyDetector("mean"));
      await Deno.writeTextFile(
        join(tmp, "tiny.json"),
        JSON.stringify({ ...tinySpec(), modelPath: "tiny.onnx" }),
      );
      const store = join(tmp, "store");
      const options: EvaluateOptions = {
        spec: tinySpec(),
        modelPath: model,
        data: out,
        store,
        faces: "full",
        frames: 2,
        ffmpeg,
      };

      await t.step("a video altered after distort is named and not scored", async () => {
        const victim = join(hflipDir, "videos", "fake.mp4");
        const bytes = await Deno.readFile(victim);
        bytes[Math.floor(bytes.length / 2)] ^= 0x01;
        await Deno.writeFile(victim, bytes);
        const r = await runDenoTask("tasks/eval.ts", [
          "--detector",
          join(tmp, "tiny.json"),
          "--data",
          out,
          "--store",
          store,
          "--faces",
          "full",
          "--frames",
          "2",
        ]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /1 videos not scored \(damaged_video\)/);
        // Left out of the AUCs with its own reason and the message naming the file (issue 12:
        // it used to read "no_score").
        assert.match(r.stdout, /damaged_video in hflip \(Not scored: "[^"]*fake\.mp4" /);
        const rows = (await storeRows(store)).filter((row) => row.op_id === "hflip");
        const fake = rows.filter((row) => row.video_id === "fake");
        assert.equal(fake.length, 1);
        assert.equal(fake[0].status, "damaged_video");
        assert.equal(fake[0].frame_index, -1);
        assert.equal(fake[0].score, null);
        assert.equal(fake[0].fail_score, null);
        assert.ok(fake[0].error!.includes(victim), fake[0].error!);
        assert.match(fake[0].error!, /SHA-256/);
        assert.equal(rows.filter((row) => row.status === "ok").length, 4);
      });

      await t.step("distort's rerun redoes it, and eval scores the remade copy again", async () => {
        const again = await distort();
        const hflip = again.copies.find((c) => c.opId === "hflip")!;
        assert.deepEqual([hflip.state, hflip.retried], ["made", 1]);
        const summary = await evaluate(options);
        assert.deepEqual(
          summary.copies.map((c) => [c.opId, c.skipped]),
          [["unaltered", true], ["hflip", false], ["vflip", true]],
        );
        const rows = (await storeRows(store)).filter((row) => row.op_id === "hflip");
        assert.deepEqual(rows.map((row) => row.status), Array(6).fill("ok"));
      });

      const vflipPart = (await listParts(store)).find((p) => p.includes("op=vflip"))!;
      const vflipRows = readRows(vflipPart);

      await t.step("report names a truncated part in its JSON and HTML", async () => {
        const bytes = await Deno.readFile(vflipPart);
        await Deno.writeFile(vflipPart, bytes.subarray(0, Math.floor(bytes.length / 2)));
        const json = await runDenoTask("tasks/report.ts", ["--store", store, "--format", "json"]);
        assert.equal(json.code, 0, json.stderr);
        const damaged = JSON.parse(json.stdout).damagedParts;
        assert.equal(damaged.length, 1);
        // The shared report names a part by its path under the store (no absolute path).
        const shown = join(basename(store), relative(store, vflipPart));
        assert.equal(damaged[0].path, shown);
        assert.match(damaged[0].reason, /PAR1 missing: truncated/);
        const html = join(tmp, "report.html");
        const page = await runDenoTask("tasks/report.ts", ["--store", store, "--out", html]);
        assert.equal(page.code, 0, page.stderr);
        // Paths are shown breakable after separators (report/path_html.ts): read the plain text.
        const text = (await Deno.readTextFile(html)).replaceAll("<wbr>", "");
        const section = text.slice(text.indexOf('<section id="damaged-parts">'));
        assert.ok(section.length < text.length, "a damaged-parts section");
        assert.ok(section.slice(0, section.indexOf("</section>")).includes(shown));
        assert.ok(!text.includes(store), "no absolute store path in the shared report");
      });

      await t.step("eval scores the unit of a truncated part again and rewrites it", async () => {
        const summary = await evaluate(options);
        assert.deepEqual(
          summary.copies.map((c) => [c.opId, c.skipped]),
          [["unaltered", true], ["hflip", true], ["vflip", false]],
        );
        const strip = (rows: ScoreRow[]) => rows.map((r) => ({ ...r, created_at: "" }));
        assert.deepEqual(strip(readRows(vflipPart)), strip(vflipRows));
        const json = await runDenoTask("tasks/report.ts", ["--store", store, "--format", "json"]);
        assert.deepEqual(JSON.parse(json.stdout).damagedParts, []);
      });

      await t.step("two evals on one store score each unit once between them", async () => {
        const shared = { ...options, store: join(tmp, "store2") };
        const [a, b] = await Promise.all([evaluate(shared), evaluate(shared)]);
        assert.equal(a.copies.length, 3);
        assert.equal(b.copies.length, 3);
        const scoredNow = [...a.copies, ...b.copies].filter((c) => !c.skipped);
        assert.deepEqual(scoredNow.map((c) => c.opId).sort(), ["hflip", "unaltered", "vflip"]);
        assert.equal((await listParts(shared.store)).length, 3);
        const files = await Array.fromAsync(
          Deno.readDir(join(shared.store, "det=tiny", "op=hflip")),
        );
        assert.deepEqual(files.map((f) => f.name.startsWith("part-")), [true]);
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
