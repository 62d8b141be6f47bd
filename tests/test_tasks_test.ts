import assert from "node:assert/strict";

import { HEAVIEST_FIRST, suiteArgs, suiteJobs } from "./run_suite.ts";

const ROOT = new URL("../", import.meta.url);

/** The command of the deno.json task `name`. */
async function taskCommand(name: string): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const task = config.tasks[name];
  return typeof task === "string" ? task : task.command;
}

/** The files `test:quick` leaves out (its `--ignore=` list). */
async function quickIgnores(): Promise<string[]> {
  const command = await taskCommand("test:quick");
  const flag = command.split(/\s+/).find((word) => word.startsWith("--ignore="));
  assert.ok(flag, `test:quick has no --ignore= list: ${command}`);
  return flag.slice("--ignore=".length).split(",");
}

Deno.test("test and test:quick run test files in parallel with the same permissions", async () => {
  const test = await taskCommand("test");
  const quick = await taskCommand("test:quick");
  assert.match(test, /\btests\/run_suite\.ts$/);
  const suite = suiteArgs([]);
  assert.deepEqual(suite.slice(0, 2), ["test", "--parallel"]);
  assert.ok(suite.includes("--doc"));
  const flags = (words: string[]) => words.filter((w) => w.startsWith("--allow-"));
  assert.deepEqual(flags(quick.split(/\s+/)), flags(suite));
  assert.match(quick, /\bdeno test --parallel\b/);
});

Deno.test("test:quick leaves out test files that exist, and docs/testing.md names each", async () => {
  const ignored = await quickIgnores();
  assert.ok(ignored.length > 0);
  const docs = await Deno.readTextFile(new URL("docs/testing.md", ROOT));
  for (const path of ignored) {
    assert.match(path, /^tests\/[a-z0-9_]+_test\.ts$/, path);
    assert.ok((await Deno.stat(new URL(path, ROOT))).isFile, `${path} does not exist`);
    const file = path.slice("tests/".length);
    assert.ok(docs.includes(`\`${file}\``), `docs/testing.md does not name ${file}`);
  }
});

Deno.test("test starts its heaviest files first, files that exist, then every test file", async (t) => {
  await t.step("the whole suite: the heaviest files, then the repository", async () => {
    const paths = suiteArgs([]).filter((w) => !w.startsWith("-") && w !== "test");
    assert.deepEqual(paths, [...HEAVIEST_FIRST, "."]);
    assert.equal(new Set(HEAVIEST_FIRST).size, HEAVIEST_FIRST.length, "a file is listed twice");
    for (const path of HEAVIEST_FIRST) {
      assert.match(path, /^tests\/[a-z0-9_]+_test\.ts$/, path);
      assert.ok((await Deno.stat(new URL(path, ROOT))).isFile, `${path} does not exist`);
    }
  });
  await t.step("paths given run only those; flags are passed on", () => {
    const args = suiteArgs(["--filter", "csv", "tests/csv_test.ts"]);
    assert.deepEqual(args.slice(-3), ["--filter", "csv", "tests/csv_test.ts"]);
    assert.ok(!args.includes("."));
  });
  await t.step("one worker more than CPUs unless DENO_JOBS says", () => {
    assert.equal(suiteJobs(undefined, 2), "3");
    assert.equal(suiteJobs("", 16), "17");
    assert.equal(suiteJobs("1", 2), "1");
  });
});
