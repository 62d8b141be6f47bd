import assert from "node:assert/strict";
import { join } from "node:path";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { makeClip, writeManifest } from "./distort_fixtures.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";

Deno.test({
  name: "deno task distort, verify and gc report through exit codes and --json",
  ignore: skipWithout("ffmpeg", "distort CLI"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_cli_" });
    try {
      const ffmpeg = await openFfmpeg("native");
      await makeClip(ffmpeg, join(dir, "a.mp4"), { width: 64, height: 48, frames: 6 });
      await ffmpeg.close();
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0], ["gone", "gone.mp4", 1]]);
      const out = join(dir, "out");
      const distort = (...args: string[]) =>
        runDenoTask("tasks/distort.ts", ["--manifest", manifest, "--out", out, ...args]);

      await t.step(
        "a failed video makes distort exit 1 and appear in the JSON summary",
        async () => {
          const r = await distort("--ops", "hflip", "--json");
          assert.equal(r.code, 1, r.stderr);
          const summary = JSON.parse(r.stdout);
          assert.equal(summary.failures, 1);
          assert.match(summary.copies[0].failures[0].error, /gone\.mp4/);
        },
      );
      await t.step("the table names the failed file; a rerun reuses the copy", async () => {
        const r = await distort("--ops", "hflip");
        assert.equal(r.code, 1);
        assert.match(r.stdout, /hflip\s+[0-9a-f]{16}\s+reused/);
        assert.match(r.stdout, /hflip gone: Cannot read ".*gone\.mp4": no such file/);
      });
      await t.step(
        "bad flags and an unknown operation exit 2 with a message naming them",
        async () => {
          const bad = await distort("--profile", "fast");
          assert.equal(bad.code, 2);
          assert.match(bad.stderr, /--profile must be paper or lossless/);
          const unknown = await distort("--ops", "smudge");
          assert.equal(unknown.code, 2);
          assert.match(unknown.stderr, /Unknown operation "smudge"/);
        },
      );
      await t.step(
        "a chain file with a misspelt key fails, naming the file and the key",
        async () => {
          const chain = join(dir, "chain.json");
          await Deno.writeTextFile(chain, JSON.stringify({ name: "web", op: ["hflip"] }));
          const r = await distort("--ops", `chain:${chain}`);
          assert.notEqual(r.code, 0);
          assert.ok(
            r.stderr.includes(
              `Unknown key "op" in chain spec "${chain}" at op: did you mean "ops"?`,
            ),
            r.stderr,
          );
        },
      );
      await t.step("verify and gc without a folder exit 2 with the usage line", async () => {
        for (const file of ["tasks/verify.ts", "tasks/gc.ts"]) {
          const r = await runDenoTask(file, ["--json"]);
          assert.equal(r.code, 2);
          assert.match(r.stderr, /the copies folder is required \(deno task (verify|gc) <dir>\)/);
        }
      });
      await t.step("verify exits 0 on intact copies and gc keeps them", async () => {
        const v = await runDenoTask("tasks/verify.ts", [out, "--json"]);
        assert.equal(v.code, 0, v.stderr);
        assert.equal(JSON.parse(v.stdout).ok, true);
        const g = await runDenoTask("tasks/gc.ts", [out, "--json"]);
        assert.equal(g.code, 0, g.stderr);
        assert.deepEqual(JSON.parse(g.stdout).removed, []);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
