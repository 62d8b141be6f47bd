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

Deno.test("readJsonFile() skips a UTF-8 byte-order mark and refuses other encodings with a clear message", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_json_bom_" });
  const options = { what: "test thing", error: (message: string) => new ThingError(message) };
  const text = '{"name": "été", "n": [1, 2]}';
  const utf8 = new TextEncoder().encode(text);
  const utf16le = (withMark: boolean) => {
    const out = new Uint8Array((withMark ? 2 : 0) + text.length * 2);
    if (withMark) out.set([0xFF, 0xFE]);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      out[(withMark ? 2 : 0) + 2 * i] = code & 0xFF;
      out[(withMark ? 2 : 0) + 2 * i + 1] = code >> 8;
    }
    return out;
  };
  const utf16be = utf16le(true).map((_, i, a) => i % 2 === 0 ? a[i + 1] : a[i - 1]);
  const write = async (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    await Deno.writeFile(path, bytes);
    return path;
  };
  try {
    await t.step("UTF-8 with a byte-order mark parses like UTF-8 without one", async () => {
      const path = await write("bom.json", new Uint8Array([0xEF, 0xBB, 0xBF, ...utf8]));
      assert.deepEqual(await readJsonFile(path, options), { name: "été", n: [1, 2] });
    });
    await t.step("a second byte-order mark is not skipped (it is text, not a mark)", async () => {
      const path = await write(
        "bom2.json",
        new Uint8Array([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, ...utf8]),
      );
      await assert.rejects(readJsonFile(path, options), /is not valid JSON/);
    });
    const refused: [string, Uint8Array, RegExp][] = [
      ["UTF-16 LE with its mark", utf16le(true), /is UTF-16 \(byte-order mark FF FE\)/],
      ["UTF-16 BE with its mark", utf16be, /is UTF-16 \(byte-order mark FE FF\)/],
      ["UTF-16 LE without a mark", utf16le(false), /holds NUL bytes \(UTF-16 or UTF-32 text\?\)/],
      [
        "UTF-32 LE with its mark",
        new Uint8Array([0xFF, 0xFE, 0, 0, 0x7B, 0, 0, 0, 0x7D, 0, 0, 0]),
        /is UTF-32 \(byte-order mark FF FE 00 00\)/,
      ],
      ["Latin-1", new Uint8Array([0x22, 0xE9, 0x74, 0xE9, 0x22]), /is not UTF-8 text/],
    ];
    for (const [label, bytes, problem] of refused) {
      await t.step(`${label} is refused with "save it as UTF-8", naming the file`, async () => {
        const path = await write(`${label.replaceAll(" ", "_")}.json`, bytes);
        await assert.rejects(readJsonFile(path, options), (error: Error) => {
          assert.ok(error instanceof ThingError);
          assert.ok(error.message.startsWith(`Test thing "${path}" `), error.message);
          assert.match(error.message, problem);
          assert.match(error.message, /save it as UTF-8/);
          assert.doesNotMatch(error.message, /Unexpected token/);
          return true;
        });
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
