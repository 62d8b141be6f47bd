import assert from "node:assert/strict";
import { join } from "node:path";
import { type CopyResult, distortDataset } from "../artifacts/distort.ts";
import { type CopyManifest, readCopyManifest } from "../artifacts/copy_manifest.ts";
import { copyLockPath } from "../artifacts/copy_lock.ts";
import { checkOutputs } from "../artifacts/output_check.ts";
import { verifyCopies } from "../artifacts/verify.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { tryLock } from "../util/lock.ts";
import { currentOwner, type Owner, ownerTag } from "../util/owner.ts";
import { sleep } from "../util/sleep.ts";
import { filesUnder, makeClip, writeManifest } from "./distort_fixtures.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** `deno task distort <args>` as a user types it, from the repository root. */
function spawnDistortTask(args: string[], env: Record<string, string> = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["task", "distort", ...args],
    cwd: ROOT,
    env: { DFROBUST_QUIET: "1", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(child: Deno.ChildProcess) {
  const output = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** What must match a clean run: the copy ids and each video's status and output hash. */
async function contents(copies: { copyDir: string }[]) {
  const out = [];
  for (const copy of copies) {
    const m = (await readCopyManifest(copy.copyDir))!;
    out.push({
      artifactId: m.artifactId,
      videos: m.videos.map((v) => [v.id, v.status, v.outputSha256]),
    });
  }
  return out.sort((a, b) => a.artifactId.localeCompare(b.artifactId));
}

/**
 * A manifest without what legitimately differs between runs: times, and the argv of split runs
 * (a retried video is made in a process of its own).
 */
function comparable(m: CopyManifest) {
  return { ...m, createdAt: "", videos: m.videos.map((v) => ({ ...v, seconds: 0, argv: [] })) };
}

/** Pids of processes whose command line matches `pattern` (pgrep -f). */
async function processesMatching(pattern: string): Promise<string[]> {
  const { stdout } = await new Deno.Command("pgrep", { args: ["-f", pattern], stdout: "piped" })
    .output();
  return new TextDecoder().decode(stdout).split("\n").filter((l) => l.trim() !== "");
}

/** The owner of a process that has exited (and was reaped). */
async function deadOwner(): Promise<Owner> {
  const child = new Deno.Command("true", { stdout: "null", stderr: "null" }).spawn();
  await child.status;
  return { ...currentOwner(), pid: child.pid, start: 1 };
}

Deno.test({
  name: "two distort runs on one --out share the work, and the copies equal a clean run's",
  ignore: skipWithout("ffmpeg", "distort concurrency"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_twice_" });
    try {
      const ffmpeg = await openFfmpeg("native");
      for (const [id, width] of [["a", 96], ["b", 80], ["c", 64]] as const) {
        await makeClip(ffmpeg, join(dir, `${id}.mp4`), { width, height: 48, frames: 20 });
      }
      const manifest = await writeManifest(dir, [
        ["a", "a.mp4", 0],
        ["b", "b.mp4", 1],
        ["c", "c.mp4", 1],
      ]);
      const ops = "unaltered,hflip,noise,h264_crf40,res_half";
      const clean = await distortDataset(manifest, { out: join(dir, "clean"), ops, ffmpeg });
      await ffmpeg.close();
      const out = join(dir, "out");
      const args = ["--manifest", manifest, "--out", out, "--ops", ops, "--json"];
      // Started together, as a researcher who starts the same command twice, or two cluster jobs.
      const [first, second] = await Promise.all([
        finish(spawnDistortTask(args)),
        finish(spawnDistortTask(args)),
      ]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(second.code, 0, second.stderr);
      const states = [first, second].map((r) =>
        (JSON.parse(r.stdout).copies as CopyResult[]).map((c) => [c.opId, c.state])
      );
      // Every copy was made by exactly one of the two runs; the other read it back.
      for (const [i, [opId, state]] of states[0].entries()) {
        assert.deepEqual(
          [state, states[1][i][1]].sort(),
          ["made", "reused"],
          `copy ${opId}: ${state} and ${states[1][i][1]}`,
        );
      }
      const rerun = await runDenoTask("tasks/distort.ts", args);
      assert.equal(rerun.code, 0, rerun.stderr);
      const summary = JSON.parse(rerun.stdout);
      assert.ok(summary.copies.every((c: CopyResult) => c.state === "reused"));
      assert.deepEqual(await contents(summary.copies), await contents(clean.copies));
      const files = await filesUnder(out);
      assert.ok(!files.some((f) => f.endsWith(".tmp") || f.endsWith(".lock")), files.join("\n"));
      assert.equal((await verifyCopies(out)).ok, true);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a rerun retries a video that failed for a passing reason and redoes a damaged one",
  ignore: skipWithout("ffmpeg", "distort retry"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_retry_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      await makeClip(ffmpeg, join(dir, "a.mp4"), { width: 64, height: 48, frames: 10 });
      await makeClip(ffmpeg, join(dir, "b.mp4"), { width: 80, height: 48, frames: 10 });
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0], ["b", "b.mp4", 1]]);
      const options = { ops: "hflip,noise", ffmpeg };
      const clean = await distortDataset(manifest, { ...options, out: join(dir, "clean") });
      const out = join(dir, "out");
      const plan = await distortDataset(manifest, { ...options, out, dryRun: true });
      const hflip = plan.copies.find((c) => c.opId === "hflip")!.copyDir;

      await t.step("a folder in the way of one output fails that video alone", async () => {
        // A passing failure that root cannot write around: the rename into place fails.
        await Deno.mkdir(join(hflip, "videos", "a.mp4", "in-the-way"), { recursive: true });
        const run = await distortDataset(manifest, { ...options, out });
        assert.equal(run.failures, 1);
        const failed = run.copies.find((c) => c.opId === "hflip")!.failures[0];
        assert.equal(failed.videoId, "a");
        assert.match(failed.error, /a\.mp4/);
      });

      await t.step(
        "the plain rerun retries it, finishes the copy and equals a clean run",
        async () => {
          await Deno.remove(join(hflip, "videos", "a.mp4"), { recursive: true });
          const run = await distortDataset(manifest, { ...options, out });
          assert.equal(run.failures, 0);
          const copy = run.copies.find((c) => c.opId === "hflip")!;
          assert.deepEqual([copy.state, copy.retried, copy.resumedVideos], ["made", 1, 1]);
          assert.equal(run.copies.find((c) => c.opId === "noise")!.state, "reused");
          for (const c of clean.copies) {
            const other = run.copies.find((r) => r.opId === c.opId)!;
            assert.deepEqual(
              comparable((await readCopyManifest(other.copyDir))!),
              comparable((await readCopyManifest(c.copyDir))!),
            );
          }
          const again = await distortDataset(manifest, { ...options, out });
          assert.deepEqual(again.copies.map((c) => [c.state, c.retried]), [["reused", 0], [
            "reused",
            0,
          ]]);
        },
      );

      await t.step("a flipped byte is not reused: the rerun redoes that video", async () => {
        const noise = plan.copies.find((c) => c.opId === "noise")!.copyDir;
        const victim = join(noise, "videos", "b.mp4");
        const bytes = await Deno.readFile(victim);
        bytes[Math.floor(bytes.length / 2)] ^= 0x01;
        await Deno.writeFile(victim, bytes);
        const run = await distortDataset(manifest, { ...options, out });
        const copy = run.copies.find((c) => c.opId === "noise")!;
        assert.deepEqual([copy.state, copy.retried, copy.failed], ["made", 1, 0]);
        assert.equal((await verifyCopies(out)).ok, true);
      });

      await t.step("a truncated file is caught by its size, without hashing", async () => {
        const victim = join(hflip, "videos", "b.mp4");
        const bytes = await Deno.readFile(victim);
        await Deno.writeFile(victim, bytes.subarray(0, bytes.length - 100));
        const m = (await readCopyManifest(hflip))!;
        const b = m.videos.find((v) => v.id === "b")!;
        const problems = await checkOutputs(hflip, [{
          output: b.output!,
          sha256: b.outputSha256!,
        }]);
        assert.deepEqual(problems.map((p) => p.kind), ["size"]);
        assert.match(problems[0].message, /b\.mp4" has \d+ bytes/);
        const run = await distortDataset(manifest, { ...options, out });
        assert.equal(run.copies.find((c) => c.opId === "hflip")!.state, "made");
        assert.equal((await verifyCopies(out)).ok, true);
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "SIGTERM or SIGINT to deno task distort stops ffmpeg, leaves no temp file, exits 143/130",
  ignore: skipWithout("ffmpeg", "distort signals"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_signal_" });
    try {
      const ffmpeg = await openFfmpeg("native");
      // Long enough that the 12-branch encode is still running when the signal comes.
      await makeClip(ffmpeg, join(dir, "clip.mp4"), { width: 640, height: 360, frames: 250 });
      await ffmpeg.close();
      const manifest = await writeManifest(dir, [["clip", "clip.mp4", 0]]);
      for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
        await t.step(`${signal} exits ${code}`, async () => {
          const out = join(dir, `out-${signal}`);
          const child = spawnDistortTask(["--manifest", manifest, "--out", out, "--ops", "paper"]);
          const writing = async () =>
            (await filesUnder(out).catch(() => [])).some((f) => f.endsWith(".tmp")) &&
            (await processesMatching(`ffmpeg -hide_banner .*${out}`)).length > 0;
          const deadline = Date.now() + 120_000;
          try {
            while (!await writing()) {
              assert.ok(Date.now() < deadline, "ffmpeg never started writing");
              await sleep(100);
            }
          } catch (error) {
            child.kill("SIGKILL");
            await child.output();
            throw error;
          }
          child.kill(signal);
          if (signal === "SIGINT") {
            // Ctrl-C under `deno task` often reaches the run twice (from the terminal and
            // forwarded): that is one request, and cleanup must still run.
            await sleep(10);
            child.kill(signal);
          }
          const result = await finish(child);
          assert.equal(result.code, code, result.stderr);
          await sleep(3000);
          assert.deepEqual(await processesMatching(`ffmpeg -hide_banner .*${out}`), []);
          const files = await filesUnder(out);
          assert.ok(
            !files.some((f) =>
              f.endsWith(".tmp") || f.endsWith(".lock") || f.endsWith("manifest.json")
            ),
            files.join("\n"),
          );
          // What is left is resumable: a plain rerun finishes the copies.
          if (signal === "SIGINT") {
            const rerun = await runDenoTask("tasks/distort.ts", [
              "--manifest",
              manifest,
              "--out",
              out,
              "--ops",
              "hflip",
            ]);
            assert.equal(rerun.code, 0, rerun.stderr);
          }
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "gc removes stale temp files and locks in copies and stores, but not a live run's",
  ignore: skipWithout("ffmpeg", "gc ownership"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_gc_" });
    try {
      const ffmpeg = await openFfmpeg("native");
      await makeClip(ffmpeg, join(dir, "a.mp4"), { width: 64, height: 48, frames: 6 });
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      const out = join(dir, "out");
      const run = await distortDataset(manifest, { out, ops: "hflip,vflip", ffmpeg });
      await ffmpeg.close();
      const [hflip, vflip] = run.copies.map((c) => c.copyDir);
      const dead = ownerTag(await deadOwner());
      const live = ownerTag(currentOwner());
      const deadTemps = [
        join(hflip, `.manifest.json.${dead}.0000000a.tmp`),
        join(hflip, "videos", `.a.mp4.${dead}.0000000b.tmp`),
      ];
      const liveTemps = [
        join(hflip, `.dataset.csv.${live}.0000000c.tmp`),
        join(hflip, "videos", `.a.mp4.${live}.0000000d.tmp`),
      ];
      // A store with the temp files a killed eval leaves, and a live eval's.
      const partDir = join(dir, "store", "det=tiny", "op=hflip");
      await Deno.mkdir(partDir, { recursive: true });
      deadTemps.push(join(partDir, `.part-0123.parquet.${dead}.0000000e.tmp`));
      liveTemps.push(join(partDir, `.part-4567.parquet.${live}.0000000f.tmp`));
      for (const path of [...deadTemps, ...liveTemps]) await Deno.writeTextFile(path, "half");
      // A lock a killed run left on one copy and one unit; a live lock (this process) on vflip.
      const deadLocks = [copyLockPath(hflip), join(partDir, ".part-0123.parquet.lock")];
      for (const path of deadLocks) {
        const [host, pid, start] = dead.split("+");
        await Deno.writeTextFile(
          path,
          JSON.stringify({
            schema: "dfrobust.lock/1",
            host,
            pid: Number(pid),
            start: Number(start),
            acquiredAt: "",
            purpose: "killed",
            nonce: "x",
          }),
        );
      }
      const held = await tryLock(copyLockPath(vflip));
      assert.ok("lock" in held);
      // Files of the copy a live run holds are its business, even unreferenced ones.
      await Deno.writeTextFile(join(vflip, "videos", "stray.mp4"), "being written");
      try {
        const copies = await runDenoTask("tasks/gc.ts", [out, "--json"]);
        assert.equal(copies.code, 0, copies.stderr);
        const report = JSON.parse(copies.stdout);
        const expectedCopies = [...deadTemps.slice(0, 2), deadLocks[0]].sort();
        assert.deepEqual([...report.removed].sort(), expectedCopies);
        assert.deepEqual(report.busy, [vflip]);
        const store = await runDenoTask("tasks/gc.ts", [join(dir, "store"), "--json"]);
        assert.equal(store.code, 0, store.stderr);
        assert.deepEqual(
          [...JSON.parse(store.stdout).removed].sort(),
          [deadTemps[2], deadLocks[1]].sort(),
        );
        for (const path of [...liveTemps, join(vflip, "videos", "stray.mp4")]) {
          assert.ok(await Deno.stat(path), `${path} kept`);
        }
        assert.equal((await verifyCopies(out)).ok, true);
      } finally {
        await held.lock.release();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
