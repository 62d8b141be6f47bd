/**
 * The copy manifest's one reader (artifacts/copy_manifest.ts) and finding copies under a folder
 * (artifacts/copies.ts), as eval and the report's provenance use them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  COPY_SCHEMA,
  CopyManifestError,
  readCopyManifest,
  recordedProbe,
  validateCopyManifest,
} from "../artifacts/copy_manifest.ts";
import { findCopies } from "../artifacts/copies.ts";
import { copyManifestIndex } from "../report/provenance.ts";

function manifest(artifactId: string, extra: Record<string, unknown> = {}) {
  return {
    schema: COPY_SCHEMA,
    artifactId,
    op: { id: "noise", category: "noise" },
    createdAt: "2026-12-01T00:00:00.000Z",
    ...extra,
  };
}

async function write(path: string, value: unknown): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(value));
}

Deno.test("validateCopyManifest() fills what older and hand-written manifests leave out", () => {
  const got = validateCopyManifest(manifest("a", { profile: { id: "lossless" } }), "m.json");
  assert.deepEqual(got.op, {
    id: "noise",
    family: "noise",
    category: "noise",
    severity: null,
    params: {},
  });
  assert.equal(got.profile, "lossless");
  assert.deepEqual(got.geometry, { hflip: false, vflip: false, scale: 1 });
  assert.deepEqual(got.videos, []);
});

Deno.test("validateCopyManifest() names the file and the field that is wrong", async (t) => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["no op", { schema: COPY_SCHEMA, artifactId: "a" }, /"m\.json": missing "op"/],
    ["an empty artifact id", manifest(""), /"m\.json": missing or empty "artifactId"/],
    ["no op category", manifest("a", { op: { id: "x" } }), /missing or empty "op\.category"/],
    [
      "a malformed video geometry",
      manifest("a", { videos: [{ id: "v", status: "ok", geometry: { width: 0 } }] }),
      /video "v" has a malformed "geometry"/,
    ],
  ];
  for (const [name, doc, message] of cases) {
    await t.step(name, () => {
      assert.throws(() => validateCopyManifest(doc, "m.json"), (e: Error) => {
        assert.ok(e instanceof CopyManifestError);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});

Deno.test("recordedProbe() trusts only a complete probe of an ok video", () => {
  const segment = { start: 0, width: 4, height: 2, codedWidth: 4, codedHeight: 2 };
  const probe = {
    streamIndex: 1,
    width: 4,
    height: 2,
    fps: 25,
    frameCount: 3,
    rotation: 0,
    segments: [{ ...segment, pixFmt: "yuv420p" }],
  };
  const video = { id: "v", status: "ok", validation: { probe } } as never;
  assert.deepEqual(recordedProbe(video), probe);
  assert.equal(recordedProbe({ ...(video as object), status: "failed" } as never), null);
  const partial = { id: "v", status: "ok", validation: { probe: { ...probe, fps: null } } };
  assert.equal(recordedProbe(partial as never), null);
  // Recorded before the video stream's index and the frame segments were: probed again.
  const { streamIndex: _s, segments: _g, ...older } = probe;
  assert.equal(
    recordedProbe({ id: "v", status: "ok", validation: { probe: older } } as never),
    null,
  );
});

Deno.test("validateCopyManifest() refuses malformed segments of an ok video", () => {
  const geometry = {
    sourceWidth: 640,
    sourceHeight: 480,
    width: 320,
    height: 240,
    crop: null,
    x: { scale: 0.5, offset: 0 },
    y: { scale: 0.5, offset: 0 },
  };
  const doc = (segments: unknown) => ({
    schema: "dfrobust.copy/1",
    artifactId: "a",
    op: { id: "unaltered", category: "unaltered" },
    videos: [{ id: "v", status: "ok", geometry: { ...geometry, sourceWidth: 320 }, segments }],
  });
  assert.doesNotThrow(() => validateCopyManifest(doc([{ start: 50, geometry }]), "m.json"));
  assert.doesNotThrow(() => validateCopyManifest(doc(undefined), "m.json"));
  for (
    const bad of [{}, [{ start: -1, geometry }], [{ start: 5, geometry: {} }], [
      { start: 9, geometry },
      { start: 9, geometry },
    ]]
  ) {
    assert.throws(() => validateCopyManifest(doc(bad), "m.json"), /m\.json.*malformed "segments"/);
  }
});

Deno.test("readCopyManifest() is null for an unfinished copy and refuses another schema", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await readCopyManifest(dir), null);
    await write(join(dir, "manifest.json"), { schema: "something/else" });
    await assert.rejects(() => readCopyManifest(dir), /is not a dfrobust\.copy\/1 manifest/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findCopies() finds copies in a sorted walk, skipping what is not a copy", async (t) => {
  const root = await Deno.makeTempDir();
  try {
    await write(join(root, "noise", "b", "manifest.json"), manifest("b"));
    await write(join(root, "deep", "er", "still", "c", "manifest.json"), manifest("c"));
    await write(join(root, "hflip", "a", "manifest.json"), manifest("a"));
    // Not copies: another tool's manifest, an unfinished (dot) folder, a copy's media folder.
    await write(join(root, "notes", "manifest.json"), { schema: "something/else" });
    await write(join(root, ".tmp-x", "manifest.json"), manifest("t"));
    await write(join(root, "hflip", "a", "videos", "manifest.json"), manifest("v"));
    await t.step("every copy, at any depth", async () => {
      const found = await findCopies(root);
      assert.deepEqual(found.map((c) => c.manifest.artifactId), ["c", "a", "b"]);
      assert.equal(found[1].dir, `${root}/hflip/a`);
      assert.equal(found[1].path, `${root}/hflip/a/manifest.json`);
    });
    await t.step("no deeper than maxDepth", async () => {
      const found = await findCopies(root, { maxDepth: 2 });
      assert.deepEqual(found.map((c) => c.manifest.artifactId), ["a", "b"]);
    });
    await t.step("a malformed copy manifest throws, or goes to onError", async () => {
      await write(join(root, "bad", "manifest.json"), { schema: COPY_SCHEMA, artifactId: "x" });
      await assert.rejects(() => findCopies(root), /bad\/manifest\.json": missing "op"/);
      const errors: string[] = [];
      const found = await findCopies(root, { onError: (path) => errors.push(path) });
      assert.equal(found.length, 3);
      assert.deepEqual(errors, [`${root}/bad/manifest.json`]);
    });
    await t.step("the report's provenance index reads the same copies", async () => {
      const errors: string[] = [];
      const index = await copyManifestIndex(root, { onError: (path) => errors.push(path) });
      assert.deepEqual([...index.keys()].sort(), ["a", "b", "c"]);
      assert.equal(index.get("a")!.createdAt, "2026-12-01T00:00:00.000Z");
      assert.equal(index.get("a")!.manifestPath, `${root}/hflip/a/manifest.json`);
      assert.equal(errors.length, 1);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("findCopies() of a missing folder finds nothing", async () => {
  assert.deepEqual(await findCopies("/no/such/folder/anywhere"), []);
});
