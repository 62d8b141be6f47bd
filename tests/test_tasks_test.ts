import assert from "node:assert/strict";

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
  assert.match(test, /\bdeno test --parallel\b/);
  assert.match(test, /--doc\b/);
  const flags = (command: string) => command.split(/\s+/).filter((w) => w.startsWith("--allow-"));
  assert.deepEqual(flags(quick), flags(test));
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

Deno.test("test starts its heaviest files first, files that exist, then every test file", async () => {
  const words = (await taskCommand("test")).split(/\s+/);
  const first = words.filter((w) => w.startsWith("tests/"));
  assert.ok(first.length > 0, "test names no heaviest-first files");
  for (const path of first) {
    assert.match(path, /^tests\/[a-z0-9_]+_test\.ts$/, path);
    assert.ok((await Deno.stat(new URL(path, ROOT))).isFile, `${path} does not exist`);
  }
  assert.equal(new Set(first).size, first.length, "a file is listed twice");
  // The last path is the repository: every other test file (and the doc examples) still runs;
  // deno test runs a file named twice once, in its first place.
  assert.equal(words.at(-1), ".");
});
