/**
 * `verify` and `gc` given a path that is not a copies folder (a typo, a file, a results store for
 * verify, an empty folder) fail naming it (exit 1), never "0 copies verified" with exit 0.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { NotCopiesFolderError, requireCopiesFolder } from "../artifacts/copies_folder.ts";
import { verifyCopies } from "../artifacts/verify.ts";
import { runDenoTask } from "./_tools.ts";

async function layout(): Promise<Record<string, string>> {
  const tmp = await Deno.makeTempDir({ prefix: "dfrobust_copies folder_" });
  const file = join(tmp, "table.json");
  await Deno.writeTextFile(file, "{}");
  const empty = join(tmp, "empty");
  await Deno.mkdir(empty);
  const store = join(tmp, "store");
  await Deno.mkdir(join(store, "det=demo", "op=unaltered"), { recursive: true });
  // A folder named like an operation, with no copy folder in it, is not a copies folder either.
  const other = join(tmp, "other");
  await Deno.mkdir(join(other, "hflip", "not-an-artifact"), { recursive: true });
  return { tmp, missing: join(tmp, "nope"), file, empty, store, other };
}

Deno.test("verifyCopies() refuses a path that is not a copies folder, naming it", async () => {
  const p = await layout();
  try {
    const cases: [string, RegExp][] = [
      [p.missing, /no such folder/],
      [p.file, /not a folder \(a file\)/],
      [p.empty, /is not a copies folder: no copy manifests found/],
      [p.store, /is not a copies folder: no copy manifests found/],
      [p.other, /is not a copies folder: no copy manifests found/],
    ];
    for (const [path, message] of cases) {
      await assert.rejects(() => verifyCopies(path), (error: Error) => {
        assert.ok(error instanceof NotCopiesFolderError, String(error));
        assert.match(error.message, message);
        assert.ok(error.message.includes(`"${path}"`), error.message);
        return true;
      });
    }
    // A copy folder, even unfinished, makes it one.
    await Deno.mkdir(join(p.other, "hflip", "0123456789abcdef"));
    assert.equal(await requireCopiesFolder(p.other), 1);
  } finally {
    await Deno.remove(p.tmp, { recursive: true });
  }
});

Deno.test("verify and gc exit 1 naming a path that is no copies folder (or store, for gc)", async (t) => {
  const p = await layout();
  try {
    for (
      const [args, message] of [
        [["nope"], /Cannot read the copies folder "nope": no such folder/],
        [["table.json", "--json"], /"table\.json": not a folder \(a file\)/],
        [["store", "--quality"], /"store" is not a copies folder/],
      ] as const
    ) {
      await t.step(`verify ${args.join(" ")}`, async () => {
        const r = await runDenoTask("tasks/verify.ts", args, { cwd: p.tmp });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, message);
        assert.equal(r.stdout, "");
      });
    }
    for (
      const [args, message] of [
        [["nope"], /Cannot clean "nope": no such folder/],
        [["empty", "--dry-run"], /"empty" is neither a copies folder .* nor a results store/],
      ] as const
    ) {
      await t.step(`gc ${args.join(" ")}`, async () => {
        const r = await runDenoTask("tasks/gc.ts", args, { cwd: p.tmp });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, message);
      });
    }
    await t.step("gc on a results store still runs", async () => {
      const r = await runDenoTask("tasks/gc.ts", ["store", "--json"], { cwd: p.tmp });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).removed, []);
    });
  } finally {
    await Deno.remove(p.tmp, { recursive: true });
  }
});
