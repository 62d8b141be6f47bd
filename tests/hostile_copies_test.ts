/**
 * A copies folder from strangers (docs/security.md, "Copies folders"): a manifest `output` with
 * `..` segments or an absolute path, a copy's video that is a link to a file outside, a `source`
 * outside the dataset it names. Through the real `deno task verify`, `gc` and `eval`: each bad
 * video is named, the file outside is never hashed, named in the store or deleted, and the rest
 * of the run goes on. And eval works on a copies folder it cannot write (`.verified.json`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "../deps/polars.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { COPY_MANIFEST_FILE } from "../artifacts/copy_manifest.ts";
import { listCopyFolders } from "../artifacts/copies.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { listParts } from "../store/store.ts";
import { sha256File } from "../util/hash.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { tinyDetector, tinySpec, writeClips } from "./eval_fixtures.ts";

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

async function storeText(store: string): Promise<string> {
  const parts = await listParts(store);
  return JSON.stringify(pl.concat(parts.map((p) => pl.readParquet(p))).toRecords());
}

Deno.test({
  name: "a hostile copies folder: verify, gc and eval name each bad video, never read, name or " +
    "delete the file outside, and go on with the rest",
  ignore: skipWithout("ffmpeg", "hostile copies folder"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_hostile_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const csv = await writeClips(ffmpeg, join(tmp, "data"), [
        { id: "r", label: 0, grey: 50 },
        { id: "f", label: 1, grey: 210 },
        { id: "g", label: 1, grey: 180 },
      ]);
      const copies = join(tmp, "copies");
      await distortDataset(csv, {
        out: copies,
        ops: "unaltered,hflip",
        profile: "lossless",
        ffmpeg,
      });
      const secret = join(tmp, "outside", "secret.bin");
      await Deno.mkdir(join(tmp, "outside"));
      await Deno.writeFile(secret, crypto.getRandomValues(new Uint8Array(4096)));
      const secretSha = await sha256File(secret);

      const folders = await listCopyFolders(copies);
      const unaltered = folders.find((f) => f.opId === "unaltered")!;
      const hflip = folders.find((f) => f.opId === "hflip")!;
      const edit = async (dir: string, change: (videos: Record<string, unknown>[]) => void) => {
        const path = join(dir, COPY_MANIFEST_FILE);
        const manifest = JSON.parse(await Deno.readTextFile(path));
        change(manifest.videos);
        await Deno.writeTextFile(path, JSON.stringify(manifest, null, 2));
      };
      const byId = (videos: Record<string, unknown>[], id: string) =>
        videos.find((v) => v.id === id)!;
      // hflip: r's output climbs out with `..`, f's is absolute; both claim the secret's hash.
      await edit(hflip.dir, (videos) => {
        Object.assign(byId(videos, "r"), {
          output: "../../../outside/secret.bin",
          outputSha256: secretSha,
        });
        Object.assign(byId(videos, "f"), { output: secret, outputSha256: secretSha });
      });
      // unaltered: f's video is a link to the secret; r's source is the secret.
      const linked = join(unaltered.dir, "videos", "f.mp4");
      await Deno.remove(linked);
      await Deno.symlink(secret, linked);
      await edit(unaltered.dir, (videos) => {
        Object.assign(byId(videos, "r"), { source: secret, sourceSha256: "0".repeat(64) });
      });
      const hflipVideos = [...Deno.readDirSync(join(hflip.dir, "videos"))].map((e) => e.name);

      const noSecret = (text: string, what: string) => {
        assert.ok(!text.includes(secretSha), `${what} holds the secret's SHA-256`);
        assert.ok(!text.includes(secret), `${what} names the secret`);
      };

      await t.step("verify names each bad output, hashes nothing outside", async () => {
        const run = await runDenoTask("tasks/verify.ts", [copies, "--json"]);
        assert.equal(run.code, 1, run.stderr);
        const report = JSON.parse(run.stdout);
        const kinds = (dir: string) =>
          report.copies.find((c: { dir: string }) => c.dir === dir).drift
            .map((d: { kind: string; videoId: string }) => `${d.kind} ${d.videoId}`).sort();
        assert.deepEqual(kinds(hflip.dir), ["output_refused f", "output_refused r"]);
        assert.deepEqual(kinds(unaltered.dir), ["output_refused f"]);
        const source = report.copies.find((c: { dir: string }) => c.dir === unaltered.dir)
          .sourceDrift;
        assert.deepEqual(source.map((d: { kind: string; videoId: string }) => d.kind), [
          "source_refused",
        ]);
        // The report names the manifest's claim about the source (a local report), never its hash.
        assert.ok(!run.stdout.includes(secretSha));
        for (const d of report.copies.flatMap((c: { drift: unknown[] }) => c.drift)) {
          assert.equal((d as { actual: string | null }).actual, null);
        }
        const text = await runDenoTask("tasks/verify.ts", [copies]);
        assert.match(text.stdout, /output_refused r .*manifest\.json/);
        assert.match(text.stdout, /not a relative path inside the copy folder/);
        assert.match(text.stdout, /is a link leading outside the copy folder/);
      });

      await t.step("eval scores the rest; the bad videos are named rows", async () => {
        await Deno.writeFile(join(tmp, "tiny.onnx"), tinyDetector("mean"));
        await Deno.writeTextFile(
          join(tmp, "tiny.json"),
          JSON.stringify({ ...tinySpec(), modelPath: "tiny.onnx" }),
        );
        const store = join(tmp, "store");
        const run = await runDenoTask("tasks/eval.ts", [
          ...["--detector", join(tmp, "tiny.json"), "--data", copies, "--store", store],
          ...["--faces", "full", "--frames", "2", "--json"],
        ]);
        assert.ok(run.code === 0 || run.code === 1, run.stderr);
        const summary = JSON.parse(run.stdout);
        const statuses = Object.fromEntries(
          summary.copies.map((c: { opId: string; statuses: Record<string, number> }) => [
            c.opId,
            c.statuses,
          ]),
        );
        // hflip: r and f refused, g scored; unaltered: f refused, r and g scored.
        assert.deepEqual(statuses.hflip, { ok: 2, video_error: 2 });
        assert.deepEqual(statuses.unaltered, { ok: 4, video_error: 1 });
        const rows = await storeText(store);
        // The refusal of dataset.csv's link names where it leads (dataset/video_file.ts: a path
        // the folder's author chose); the file's content, its hash, never reaches the store.
        assert.ok(!rows.includes(secretSha), "the store holds the secret's SHA-256");
        assert.ok(!(run.stdout + run.stderr).includes(secretSha));
        assert.match(rows, /video \\"r\\" has an output that is not a relative path inside/);
        assert.match(rows, /f\.mp4\\" leads to .*, outside the dataset folder/);
        for (const dir of [hflip.dir, unaltered.dir]) {
          const cache = join(dir, ".verified.json");
          if (await exists(cache)) noSecret(await Deno.readTextFile(cache), cache);
        }
      });

      await t.step(
        "gc leaves a copy with a refused output as it is, deletes nothing outside",
        async () => {
          const run = await runDenoTask("tasks/gc.ts", [copies, "--json"]);
          assert.equal(run.code, 1, run.stderr);
          const report = JSON.parse(run.stdout);
          assert.equal(report.errors.length, 2);
          assert.match(report.errors[0], new RegExp(`${hflip.artifactId}.*manifest\\.json`));
          assert.ok(await exists(secret), "the file outside was deleted");
          assert.equal(await sha256File(secret), secretSha);
          const after = [...Deno.readDirSync(join(hflip.dir, "videos"))].map((e) => e.name);
          assert.deepEqual(after.sort(), hflipVideos.sort(), "gc deleted the copy's real videos");
          // The link inside the unaltered copy is a listed output: kept, and what it leads to too.
          assert.ok(await exists(linked));
          noSecret(run.stdout.replaceAll(`"${linked}"`, ""), "gc's report");
        },
      );
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "eval works on a copies folder where it cannot write .verified.json, and says nothing of it",
  ignore: skipWithout("ffmpeg", "read-only copies folder"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_readonly_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const csv = await writeClips(ffmpeg, join(tmp, "data"), [
        { id: "r", label: 0, grey: 50 },
        { id: "f", label: 1, grey: 210 },
      ]);
      const copies = join(tmp, "copies");
      await distortDataset(csv, {
        out: copies,
        ops: "unaltered,hflip",
        profile: "lossless",
        ffmpeg,
      });
      await Deno.writeFile(join(tmp, "tiny.onnx"), tinyDetector("mean"));
      await Deno.writeTextFile(
        join(tmp, "tiny.json"),
        JSON.stringify({ ...tinySpec(), modelPath: "tiny.onnx" }),
      );
      const folders = await listCopyFolders(copies);
      const evalRun = (store: string) =>
        runDenoTask("tasks/eval.ts", [
          ...["--detector", join(tmp, "tiny.json"), "--data", copies, "--store", join(tmp, store)],
          ...["--faces", "full", "--frames", "2", "--json"],
        ], { env: { HOME: join(tmp, "home") } });
      const quiet = (stderr: string) =>
        assert.doesNotMatch(stderr, /verified|EACCES|EISDIR|Permission denied|read-only/i, stderr);

      await t.step(".verified.json a folder (a write that fails, even as root)", async () => {
        for (const folder of folders) {
          await Deno.remove(join(folder.dir, ".verified.json")).catch(() => {});
          await Deno.mkdir(join(folder.dir, ".verified.json"));
          // Touched: the check cannot stop at stat and hashes, then tries to write the cache.
          await Deno.utime(join(folder.dir, "videos", "r.mp4"), new Date(), new Date(0));
        }
        const run = await evalRun("store1");
        assert.equal(run.code, 0, run.stderr);
        const summary = JSON.parse(run.stdout);
        for (const copy of summary.copies) assert.deepEqual(copy.statuses, { ok: 4 });
        quiet(run.stderr);
        for (const folder of folders) await Deno.remove(join(folder.dir, ".verified.json"));
      });

      await t.step({
        name: "a copies folder chmod'ed read-only (skipped as root: root writes anyway)",
        ignore: Deno.uid() === 0,
        fn: async () => {
          for (const folder of folders) await Deno.chmod(folder.dir, 0o555);
          try {
            const run = await evalRun("store2");
            assert.equal(run.code, 0, run.stderr);
            for (const copy of JSON.parse(run.stdout).copies) {
              assert.deepEqual(copy.statuses, { ok: 4 });
            }
            quiet(run.stderr);
          } finally {
            for (const folder of folders) await Deno.chmod(folder.dir, 0o755);
          }
        },
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
