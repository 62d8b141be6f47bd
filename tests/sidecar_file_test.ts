import assert from "node:assert/strict";
import { join } from "node:path";
import { readSidecar, SidecarError } from "../faces/sidecar.ts";

const SIDECAR = {
  schema: "dfrobust.faces/1",
  videos: { a: { "0": [[10, 20, 30, 40]], "7": [[0, 0, 10, 10, 0.9]] } },
};

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_sidecar_file_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("an unknown key in a sidecar is an error naming the file, the key and the nearest key", async (t) => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "a typo of one letter",
      { schema: SIDECAR.schema, video: SIDECAR.videos },
      'Unknown key "video" in face sidecar "<file>" at video: did you mean "videos"?',
    ],
    [
      "another case",
      { Schema: SIDECAR.schema, videos: SIDECAR.videos },
      'Unknown key "Schema" in face sidecar "<file>" at Schema: did you mean "schema"?',
    ],
    [
      "an extra key beside valid ones",
      { ...SIDECAR, coordinates: "normalised" },
      'Unknown key "coordinates" in face sidecar "<file>" at coordinates: valid keys are ' +
      '"schema", "videos"',
    ],
  ];
  for (const [label, doc, message] of cases) {
    await t.step(label, async () => {
      await withDir(async (dir) => {
        const path = join(dir, "faces.json");
        await Deno.writeTextFile(path, JSON.stringify(doc));
        await assert.rejects(readSidecar(path), (error: Error) => {
          assert.ok(error instanceof SidecarError, String(error));
          assert.equal(error.message, message.replace("<file>", path));
          return true;
        });
      });
    });
  }
  await t.step("another schema's file is named by its schema, not its keys", async () => {
    await withDir(async (dir) => {
      const path = join(dir, "manifest.json");
      await Deno.writeTextFile(path, JSON.stringify({ schema: "dfrobust.copy/1", op: {} }));
      await assert.rejects(readSidecar(path), /"schema" must be "dfrobust\.faces\/1"/);
    });
  });
});

Deno.test("a sidecar saved with a UTF-8 byte-order mark reads the same; UTF-16 is refused", async (t) => {
  const text = JSON.stringify(SIDECAR, null, 2);
  await t.step("with a UTF-8 byte-order mark", async () => {
    await withDir(async (dir) => {
      const path = join(dir, "bom.json");
      await Deno.writeFile(
        path,
        new Uint8Array([0xEF, 0xBB, 0xBF, ...new TextEncoder().encode(text)]),
      );
      assert.deepEqual(await readSidecar(path), SIDECAR);
    });
  });
  await t.step("UTF-16 LE with its mark (Windows 'Unicode') says to save as UTF-8", async () => {
    await withDir(async (dir) => {
      const path = join(dir, "utf16.json");
      const bytes = new Uint8Array(2 + 2 * text.length);
      bytes.set([0xFF, 0xFE]);
      for (let i = 0; i < text.length; i++) bytes[2 + 2 * i] = text.charCodeAt(i);
      await Deno.writeFile(path, bytes);
      await assert.rejects(readSidecar(path), (error: Error) => {
        assert.ok(error instanceof SidecarError);
        assert.equal(
          error.message,
          `Face sidecar "${path}" is UTF-16 (byte-order mark FF FE): save it as UTF-8 ` +
            `(without a byte-order mark)`,
        );
        return true;
      });
    });
  });
});
