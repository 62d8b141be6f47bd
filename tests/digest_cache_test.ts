import assert from "node:assert/strict";
import { join } from "node:path";
import { CACHE_DIR_ENV, digestCacheFile, sha256FileCached } from "../util/digest_cache.ts";
import type { EnvLookup } from "../util/env_lookup.ts";
import { sha256File, sha256Hex } from "../util/hash.ts";

/**
 * The environment the cache sees: only DFROBUST_CACHE_DIR, set to `cacheDir` (test files run in
 * parallel workers of one process, so the tests never change the process's own environment).
 */
let env: EnvLookup = () => undefined;

/** Runs `body` with the digest cache in a fresh folder (DFROBUST_CACHE_DIR). */
async function withCache(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_digest_" });
  env = cacheDirEnv(join(dir, "cache"));
  try {
    await body(dir);
  } finally {
    env = () => undefined;
    await Deno.remove(dir, { recursive: true });
  }
}

function cacheDirEnv(cacheDir: string): EnvLookup {
  return (name) => name === CACHE_DIR_ENV ? cacheDir : undefined;
}

/** Overwrites the cached hash of `path` with `sha256`, keeping its file stamp. */
async function plant(path: string, sha256: string): Promise<void> {
  const file = digestCacheFile(env)!;
  const cache = JSON.parse(await Deno.readTextFile(file));
  cache.files[path].sha256 = sha256;
  await Deno.writeTextFile(file, JSON.stringify(cache));
}

Deno.test("sha256FileCached() hashes a file once and reads the cache while it is unchanged", async (t) => {
  await withCache(async (dir) => {
    const path = join(dir, "model.onnx");
    await Deno.writeFile(path, new TextEncoder().encode("weights v1"));
    await t.step("a file changed less than a second ago is hashed but not remembered", async () => {
      assert.equal(await sha256FileCached(path, { env }), await sha256File(path));
      await assert.rejects(Deno.stat(digestCacheFile(env)!), Deno.errors.NotFound);
    });
    // File times come from a coarse clock: only a file left alone for a second is remembered.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await t.step(
      "the first call hashes the file and records it under the cache folder",
      async () => {
        assert.equal(await sha256FileCached(path, { env }), await sha256File(path));
        assert.equal(digestCacheFile(env), join(dir, "cache", "sha256.json"));
        // Without `env`, the same rule reads this process's environment.
        assert.equal(digestCacheFile(), digestCacheFile((name) => Deno.env.get(name) || undefined));
        const cache = JSON.parse(await Deno.readTextFile(digestCacheFile(env)!));
        assert.equal(cache.schema, "dfrobust.sha256-cache/1");
        assert.deepEqual(Object.keys(cache.files), [path]);
      },
    );
    await t.step("an unchanged file is answered from the cache, without reading it", async () => {
      // A planted value proves the answer came from the cache.
      const planted = sha256Hex("planted");
      await plant(path, planted);
      assert.equal(await sha256FileCached(path, { env }), planted);
    });
    await t.step("a rewrite with the same size and modification time is hashed again", async () => {
      const { mtime } = await Deno.stat(path);
      await Deno.writeFile(path, new TextEncoder().encode("weights v2"));
      // Setting the modification time back does not set back the change time (ctime).
      await Deno.utime(path, mtime!, mtime!);
      assert.equal(await sha256FileCached(path, { env }), sha256Hex("weights v2"));
    });
    await t.step("a file replaced by another (a new inode) is hashed again", async () => {
      await Deno.writeFile(join(dir, "next.onnx"), new TextEncoder().encode("weights v3"));
      const { mtime } = await Deno.stat(path);
      await Deno.utime(join(dir, "next.onnx"), mtime!, mtime!);
      await Deno.rename(join(dir, "next.onnx"), path);
      assert.equal(await sha256FileCached(path, { env }), sha256Hex("weights v3"));
    });
  });
});

Deno.test("sha256FileCached() hashes every time when the cache cannot be used", async (t) => {
  await withCache(async (dir) => {
    const path = join(dir, "model.onnx");
    await Deno.writeFile(path, new TextEncoder().encode("weights"));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await t.step("a cache file that is not JSON is ignored and replaced", async () => {
      await Deno.mkdir(join(dir, "cache"), { recursive: true });
      await Deno.writeTextFile(digestCacheFile(env)!, "{ not json");
      assert.equal(await sha256FileCached(path, { env }), sha256Hex("weights"));
      assert.equal(JSON.parse(await Deno.readTextFile(digestCacheFile(env)!)).files[path].size, 7);
    });
    await t.step("a cache folder that cannot be written costs nothing but the read", async () => {
      env = cacheDirEnv(join(path, "under-a-file"));
      assert.equal(await sha256FileCached(path, { env }), sha256Hex("weights"));
    });
    await t.step("a missing file still throws as reading it would", async () => {
      await assert.rejects(
        sha256FileCached(join(dir, "absent.onnx"), { env }),
        Deno.errors.NotFound,
      );
    });
  });
});
