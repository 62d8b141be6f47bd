import assert from "node:assert/strict";
import { join } from "node:path";
import { COPY_SCHEMA } from "../artifacts/copy_manifest.ts";
import { CopyDiscoveryError, discoverCopies } from "../eval/copies.ts";
import { evalRunId, evalUnitId } from "../eval/run_id.ts";
import { tinySpec } from "./eval_fixtures.ts";

async function writeManifest(dir: string, manifest: Record<string, unknown>): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  await Deno.writeTextFile(join(dir, "dataset.csv"), "id,path,label\nv1,videos/v1.mp4,1\n");
}

function copyManifest(opId: string, artifactId: string, extra: Record<string, unknown> = {}) {
  return {
    schema: COPY_SCHEMA,
    artifactId,
    op: { id: opId, family: opId.split("_")[0], category: "compression", severity: 2, params: {} },
    profile: "paper",
    geometry: { hflip: true, vflip: false, scale: 0.5 },
    ...extra,
  };
}

Deno.test("discoverCopies() finds every copy manifest and puts the unaltered copy first", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writeManifest(join(root, "h264_crf40", "b"), copyManifest("h264_crf40", "b"));
    await writeManifest(join(root, "h264_crf23", "c"), copyManifest("h264_crf23", "c"));
    await writeManifest(
      join(root, "unaltered", "z"),
      copyManifest("unaltered", "z", { op: { id: "unaltered", category: "unaltered" } }),
    );
    // Another tool's manifest.json and an unfinished (dot) folder are not copies.
    await writeManifest(join(root, "notes"), { schema: "something/else" });
    await writeManifest(join(root, ".tmp-x"), copyManifest("noise", "t"));
    const copies = await discoverCopies(root);
    assert.deepEqual(copies.map((c) => c.op.id), ["unaltered", "h264_crf23", "h264_crf40"]);
    const crf40 = copies[2];
    assert.deepEqual(crf40.op, {
      id: "h264_crf40",
      family: "h264",
      category: "compression",
      severity: 2,
      params: {},
    });
    assert.deepEqual(crf40.geometry, { hflip: true, vflip: false, scale: 0.5 });
    assert.equal(crf40.profile, "paper");
    assert.equal(crf40.videos[0].path, join(root, "h264_crf40", "b", "videos", "v1.mp4"));
    assert.equal(copies[0].op.severity, null);
    assert.equal(copies[0].op.family, "unaltered");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("discoverCopies() treats a dataset .csv as one unaltered copy hashed by its videos", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(root, "videos"));
    await Deno.writeTextFile(join(root, "videos", "a.mp4"), "first bytes");
    const csv = join(root, "dataset.csv");
    await Deno.writeTextFile(csv, "id,path,label\na,videos/a.mp4,0\nb,videos/missing.mp4,1\n");
    const [copy] = await discoverCopies(csv);
    assert.equal(copy.op.id, "unaltered");
    assert.equal(copy.profile, "source");
    assert.deepEqual(copy.geometry, { hflip: false, vflip: false, scale: 1 });
    assert.equal(copy.videos.length, 2);
    assert.equal((await discoverCopies(csv))[0].artifactId, copy.artifactId);
    await Deno.writeTextFile(join(root, "videos", "a.mp4"), "other bytes");
    assert.notEqual((await discoverCopies(csv))[0].artifactId, copy.artifactId);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("discoverCopies() names the file for an empty folder or a malformed manifest", async (t) => {
  const root = await Deno.makeTempDir();
  try {
    await t.step("an empty folder", async () => {
      await assert.rejects(() => discoverCopies(root), (e: Error) => {
        assert.ok(e instanceof CopyDiscoveryError);
        assert.match(e.message, /No copy found/);
        return true;
      });
    });
    await t.step("a copy manifest without op id", async () => {
      const dir = join(root, "bad");
      await writeManifest(dir, { schema: COPY_SCHEMA, artifactId: "x", op: { category: "c" } });
      await assert.rejects(() => discoverCopies(root), /bad\/manifest\.json.*op\.id/);
    });
    await t.step("a missing --data path", async () => {
      await assert.rejects(() => discoverCopies(join(root, "nope")), /Cannot read --data/);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("evalRunId() changes with what changes scores and ignores descriptions", () => {
  const base = { spec: tinySpec(), modelSha256: "ab", faceMode: "full", frames: 32 };
  const id = evalRunId(base);
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.equal(evalRunId({ ...base, spec: { ...tinySpec(), description: "other words" } }), id);
  assert.notEqual(evalRunId({ ...base, frames: 16 }), id);
  assert.notEqual(evalRunId({ ...base, faceMode: "ultraface" }), id);
  assert.notEqual(evalRunId({ ...base, modelSha256: "cd" }), id);
  assert.notEqual(evalRunId({ ...base, spec: tinySpec({ failScore: 0.5 }) }), id);
  assert.notEqual(evalUnitId(id, "a"), evalUnitId(id, "b"));
});
