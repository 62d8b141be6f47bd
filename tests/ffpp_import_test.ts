import assert from "node:assert/strict";
import { join } from "node:path";
import { FfppError, importFfpp, listFfpp } from "../dataset/ffpp.ts";
import { readDatasetManifest } from "../dataset/manifest.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";

const METHODS = ["Deepfakes", "Face2Face", "FaceSwap", "NeuralTextures"];

/**
 * Builds an FF++-shaped folder: split test = [["000","003"],["001","002"]], every video present
 * as a tiny dummy file except the ones in `leaveOut` (root-relative paths). Returns the root.
 */
async function makeFfpp(leaveOut: string[] = [], compression = "c23"): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "dfrobust_ffpp_" });
  await Deno.mkdir(join(root, "splits"));
  await Deno.writeTextFile(
    join(root, "splits", "test.json"),
    JSON.stringify([["000", "003"], ["001", "002"]]),
  );
  await Deno.writeTextFile(join(root, "splits", "train.json"), JSON.stringify([["010", "011"]]));
  const paths = ["000", "001", "002", "003", "010", "011"].map((id) =>
    `original_sequences/youtube/${compression}/videos/${id}.mp4`
  );
  for (const method of METHODS) {
    for (const pair of ["000_003", "003_000", "001_002", "002_001", "010_011", "011_010"]) {
      paths.push(`manipulated_sequences/${method}/${compression}/videos/${pair}.mp4`);
    }
  }
  for (const path of paths) {
    if (leaveOut.includes(path)) continue;
    await Deno.mkdir(join(root, path, ".."), { recursive: true });
    await Deno.writeFile(join(root, path), new Uint8Array([0]));
  }
  return root;
}

Deno.test("listFfpp() lists reals a and b and fakes a_b and b_a of every split pair", async () => {
  const root = await makeFfpp();
  try {
    const { videos, missing } = await listFfpp(root, { split: "test", compression: "c23" });
    assert.deepEqual(missing, []);
    assert.deepEqual(
      videos.filter((v) => v.label === 0).map((v) => v.id),
      ["000", "001", "002", "003"],
    );
    const fakes = videos.filter((v) => v.label === 1);
    assert.equal(fakes.length, 16);
    assert.deepEqual(
      fakes.filter((v) => v.method === "Face2Face").map((v) => v.id),
      ["Face2Face_000_003", "Face2Face_001_002", "Face2Face_002_001", "Face2Face_003_000"],
    );
    assert.equal(
      fakes.find((v) => v.id === "Deepfakes_003_000")?.rootPath,
      "manipulated_sequences/Deepfakes/c23/videos/003_000.mp4",
    );
    assert.ok(videos.every((v) => v.split === "test"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("importFfpp() writes a manifest in the root that readDatasetManifest() accepts", async () => {
  const gone = "manipulated_sequences/FaceSwap/c23/videos/001_002.mp4";
  const root = await makeFfpp([gone, "original_sequences/youtube/c23/videos/002.mp4"]);
  try {
    const result = await importFfpp(root, {
      split: "test",
      compression: "c23",
      methods: ["Deepfakes", "FaceSwap"],
    });
    assert.equal(result.out, join(root, "ffpp_test_c23.csv"));
    assert.deepEqual(result.missing.sort(), [
      gone,
      "original_sequences/youtube/c23/videos/002.mp4",
    ]);
    assert.equal(result.reals, 3);
    assert.equal(result.fakes, 7);
    const entries = await readDatasetManifest(result.out);
    assert.equal(entries.length, 10);
    const fake = entries.find((e) => e.id === "FaceSwap_000_003")!;
    assert.equal(fake.relativePath, "manipulated_sequences/FaceSwap/c23/videos/000_003.mp4");
    assert.equal(fake.path, join(root, fake.relativePath));
    assert.equal(fake.label, 1);
    assert.equal(fake.method, "FaceSwap");
    assert.equal(entries.find((e) => e.id === "000")?.method, undefined);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("importFfpp() handles missing videos, --strict and bad inputs with clear errors", async (t) => {
  const root = await makeFfpp(["manipulated_sequences/Deepfakes/c23/videos/000_003.mp4"]);
  try {
    await t.step("--strict refuses to write when a listed video is missing", async () => {
      await assert.rejects(
        importFfpp(root, { split: "test", compression: "c23", strict: true }),
        /1 video\(s\) of split "test" missing .*Deepfakes\/c23\/videos\/000_003\.mp4/,
      );
      await assert.rejects(Deno.stat(join(root, "ffpp_test_c23.csv")), Deno.errors.NotFound);
    });
    await t.step("a split file that does not exist", async () => {
      await assert.rejects(
        importFfpp(root, { split: "val", compression: "c23" }),
        (e) =>
          e instanceof FfppError &&
          /Cannot read FF\+\+ split ".*splits\/val\.json"/.test(e.message),
      );
    });
    await t.step("a split file that is not a list of pairs", async () => {
      await Deno.writeTextFile(join(root, "splits", "bad.json"), JSON.stringify([["000"]]));
      await assert.rejects(
        importFfpp(root, { split: "bad", compression: "c23" }),
        /splits\/bad\.json" entry 0: expected a pair/,
      );
    });
    await t.step("a compression with no videos at all", async () => {
      await assert.rejects(
        importFfpp(root, { split: "test", compression: "c40" }),
        /No video of split "test" \(c40\) found .*original_sequences\/youtube\/c40\/videos\/000\.mp4/,
      );
    });
    await t.step("an unknown method", async () => {
      await assert.rejects(
        listFfpp(root, { split: "test", compression: "c23", methods: ["DeepFakeDetection"] }),
        /Unknown FF\+\+ method "DeepFakeDetection"/,
      );
    });
    await t.step("an --out outside the root without --link", async () => {
      const elsewhere = await Deno.makeTempDir();
      try {
        await assert.rejects(
          importFfpp(root, { split: "test", compression: "c23", out: join(elsewhere, "m.csv") }),
          /is not in the FF\+\+ root folder .* add --link <name>/,
        );
      } finally {
        await Deno.remove(elsewhere, { recursive: true });
      }
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("importFfpp() with link writes paths through a symbolic link beside the CSV", async () => {
  const root = await makeFfpp();
  const elsewhere = await Deno.makeTempDir({ prefix: "dfrobust_ffpp_out_" });
  try {
    const out = join(elsewhere, "lists", "test.csv");
    const result = await importFfpp(root, { split: "test", compression: "c23", out, link: "ffpp" });
    assert.equal(result.link, join(elsewhere, "lists", "ffpp"));
    const entries = await readDatasetManifest(out);
    assert.equal(entries[0].relativePath, "ffpp/original_sequences/youtube/c23/videos/000.mp4");
    assert.deepEqual(await Deno.readFile(entries[0].path), new Uint8Array([0]));
    // A second import reuses the link; a link name taken by something else is refused.
    await importFfpp(root, { split: "train", compression: "c23", out, link: "ffpp" });
    await Deno.mkdir(join(elsewhere, "lists", "taken"));
    await assert.rejects(
      importFfpp(root, { split: "test", compression: "c23", out, link: "taken" }),
      /lists\/taken" already exists and is not a link to the FF\+\+ root/,
    );
  } finally {
    await Deno.remove(elsewhere, { recursive: true });
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "an imported FF++ manifest points at videos ffmpeg can read",
  ignore: skipWithout("ffmpeg", "ffpp_import real video") ||
    skipWithoutFixtures("video", "ffpp_import real video"),
  fn: async () => {
    const root = await makeFfpp(["original_sequences/youtube/c23/videos/000.mp4"]);
    const ffmpeg = await openFfmpeg("native");
    try {
      await Deno.copyFile(
        join(FIXTURES, "video", "short_hamilton_clip.mp4"),
        join(root, "original_sequences/youtube/c23/videos/000.mp4"),
      );
      const { out } = await importFfpp(root, { split: "test", compression: "c23" });
      const real = (await readDatasetManifest(out)).find((e) => e.id === "000")!;
      const info = await ffmpeg.probe(real.path);
      assert.deepEqual([info.width, info.height, info.frameCount], [640, 360, 275]);
    } finally {
      await ffmpeg.close();
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("deno task import-ffpp warns about missing videos on stderr and prints JSON", async () => {
  const root = await makeFfpp(["manipulated_sequences/NeuralTextures/c23/videos/001_002.mp4"]);
  try {
    const output = await runDenoTask("tasks/import_ffpp.ts", ["--root", root, "--json"]);
    assert.equal(output.code, 0, output.stderr);
    assert.match(output.stderr, /warning: 1 video\(s\) listed by the split are missing/);
    assert.match(output.stderr, /NeuralTextures\/c23\/videos\/: 1 missing: 001_002\.mp4/);
    const result = JSON.parse(output.stdout);
    assert.deepEqual([result.reals, result.fakes], [4, 15]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
