import assert from "node:assert/strict";
import { join } from "node:path";
import { copySharedFixture, SHARED_FIXTURES_ROOT, sharedFixture } from "./_shared_fixture.ts";

// A fresh name per test run of this file, so that a rerun in the same process builds again.
const unique = () => `t-${crypto.randomUUID().slice(0, 8)}`;

Deno.test("sharedFixture() builds once for concurrent callers and returns one folder", async () => {
  const name = unique();
  let builds = 0;
  const build = async (dir: string) => {
    builds++;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Deno.writeTextFile(join(dir, "made.txt"), "once");
  };
  const dirs = await Promise.all([1, 2, 3].map(() => sharedFixture(name, { n: 1 }, build)));
  assert.equal(builds, 1);
  assert.equal(new Set(dirs).size, 1);
  assert.ok(dirs[0].startsWith(SHARED_FIXTURES_ROOT), dirs[0]);
  assert.equal(await Deno.readTextFile(join(dirs[0], "made.txt")), "once");
  // Another key is another build, in another folder.
  const other = await sharedFixture(name, { n: 2 }, build);
  assert.equal(builds, 2);
  assert.notEqual(other, dirs[0]);
});

Deno.test("sharedFixture() forgets a failed build: the next caller builds again", async () => {
  const name = unique();
  await assert.rejects(
    sharedFixture(name, {}, () => Promise.reject(new Error("ffmpeg is broken"))),
    /ffmpeg is broken/,
  );
  const dir = await sharedFixture(name, {}, (dir) => Deno.writeTextFile(join(dir, "ok"), ""));
  assert.deepEqual(
    (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(),
    [".done", "ok"],
  );
  assert.throws(() => sharedFixture("Bad Name", {}, async () => {}), /lowercase/);
});

Deno.test("sharedFixture() builds once for test workers of one process (as deno test --parallel)", async () => {
  const name = unique();
  const counter = await Deno.makeTempFile({ prefix: "dfrobust_shared_count_" });
  try {
    const worker = () =>
      new Promise<string>((resolve, reject) => {
        const w = new Worker(new URL("./_shared_fixture_worker.ts", import.meta.url), {
          type: "module",
        });
        w.onmessage = (event) => {
          w.terminate();
          resolve(event.data);
        };
        w.onerror = (event) => {
          w.terminate();
          reject(new Error(event.message));
        };
        w.postMessage({ name, counter });
      });
    const dirs = await Promise.all([worker(), worker()]);
    assert.equal(new Set(dirs).size, 1);
    // Each build appends one line to the counter file.
    assert.equal(await Deno.readTextFile(counter), "built\n");
  } finally {
    await Deno.remove(counter);
  }
});

Deno.test("copySharedFixture() copies the files, not the build's marks", async () => {
  const dir = await sharedFixture(unique(), {}, async (dir) => {
    await Deno.mkdir(join(dir, "sub"));
    await Deno.writeTextFile(join(dir, "sub", "a.txt"), "a");
  });
  const dest = await Deno.makeTempDir({ prefix: "dfrobust_shared_copy_" });
  try {
    await copySharedFixture(dir, join(dest, "copy"));
    await Deno.writeTextFile(join(dest, "copy", "sub", "a.txt"), "changed");
    assert.equal(await Deno.readTextFile(join(dir, "sub", "a.txt")), "a");
    assert.deepEqual((await Array.fromAsync(Deno.readDir(join(dest, "copy")))).map((e) => e.name), [
      "sub",
    ]);
  } finally {
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("sharedFixture() removes the folders of earlier runs whose process is gone", async () => {
  // Pid 2^22 + 1 is above Linux's pid_max limit: no process has it.
  const dead = join(SHARED_FIXTURES_ROOT, `${2 ** 22 + 1}-12345`);
  await Deno.mkdir(join(dead, "old-fixture"), { recursive: true });
  const dir = await sharedFixture(unique(), {}, async () => {});
  await assert.rejects(Deno.stat(dead), Deno.errors.NotFound);
  assert.ok((await Deno.stat(dir)).isDirectory);
});
