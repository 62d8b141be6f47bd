import assert from "node:assert/strict";
import { join } from "node:path";
import { readJsonFile } from "../util/json_file.ts";

class ThingError extends Error {
  override name = "ThingError";
}

Deno.test("readJsonFile() names the file and the failed step in the caller's error class", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_json_" });
  const options = { what: "test thing", error: (message: string) => new ThingError(message) };
  try {
    await t.step("a valid file parses", async () => {
      const path = join(dir, "ok.json");
      await Deno.writeTextFile(path, '{"a": [1, 2]}');
      assert.deepEqual(await readJsonFile(path, options), { a: [1, 2] });
    });
    await t.step("a missing file cannot be read", async () => {
      await assert.rejects(
        readJsonFile(join(dir, "gone.json"), options),
        ThingError,
        `Cannot read test thing "${join(dir, "gone.json")}"`,
      );
    });
    await t.step("broken JSON is named as such, capitalised", async () => {
      const path = join(dir, "bad.json");
      await Deno.writeTextFile(path, "{nope");
      await assert.rejects(
        readJsonFile(path, options),
        /^ThingError: Test thing ".*bad\.json" is not valid JSON: /,
      );
    });
    await t.step("allowMissing resolves to undefined for a missing file only", async () => {
      assert.equal(
        await readJsonFile(join(dir, "gone.json"), { ...options, allowMissing: true }),
        undefined,
      );
      await assert.rejects(
        readJsonFile(join(dir, "bad.json"), { what: "x", allowMissing: true }),
        /X ".*bad\.json" is not valid JSON/,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
