import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "../deps/onnxruntime.ts";
import sharp from "../deps/sharp.ts";
import h5wasm from "../deps/h5wasm.ts";
import { KerasWeightsError, readKerasWeights } from "../onnx/keras_h5.ts";
import {
  convertMesoNet,
  MESONET_INPUT_NAME,
  MESONET_OUTPUT_NAME,
  type MesoNetArch,
  MesoNetWeightsError,
} from "../onnx/mesonet.ts";
import { MESOINCEPTION, MESONET } from "../detectors/mesonet.ts";
import { validateDetectorSpec } from "../detectors/spec.ts";
import { mesonetReference } from "./_mesonet_reference.ts";
import { runDenoTask } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";

const MESO = join(FIXTURES, "mesonet");
/** The tests that read the authors' weights and crops are ignored (loudly) without them. */
const NO_MESONET = skipWithoutFixtures("mesonet", "MesoNet import on the authors' weights");
const WEIGHTS: [string, MesoNetArch][] = [
  ["Meso4_DF.h5", "meso4"],
  ["Meso4_F2F.h5", "meso4"],
  ["MesoInception_DF.h5", "mesoinception4"],
  ["MesoInception_F2F.h5", "mesoinception4"],
];
const IMAGES = [
  { file: "df/df00204.jpg", real: false },
  { file: "df/df01254.jpg", real: false },
  { file: "real/real00240.jpg", real: true },
  { file: "real/real00772.jpg", real: true },
];
const SIDE = 256;

/** The test crops (208-342 px squares) as 256x256 RGB in [0, 1], HWC. */
async function loadImages(): Promise<Float32Array[]> {
  return await Promise.all(IMAGES.map(async ({ file }) => {
    // Keras' load_img(target_size=...) resizes with nearest neighbour by default.
    const raw = await sharp(join(MESO, "test_images", file))
      .removeAlpha()
      .resize(SIDE, SIDE, { kernel: "nearest" })
      .raw()
      .toBuffer();
    return Float32Array.from(raw, (v) => v / 255);
  }));
}

function toNchwBatch(images: Float32Array[]): Float32Array {
  const plane = SIDE * SIDE;
  const out = new Float32Array(images.length * 3 * plane);
  images.forEach((image, n) => {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[(n * 3 + c) * plane + p] = image[p * 3 + c];
    }
  });
  return out;
}

async function runOnnx(model: Uint8Array, images: Float32Array[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  try {
    const input = new ort.Tensor("float32", toNchwBatch(images), [images.length, 3, SIDE, SIDE]);
    const result = await session.run({ [MESONET_INPUT_NAME]: input });
    return result[MESONET_OUTPUT_NAME].data as Float32Array;
  } finally {
    await session.release();
  }
}

Deno.test({
  name: "convertMesoNet() scores the authors' test images like a plain reference forward pass",
  ignore: NO_MESONET,
}, async (t) => {
  const images = await loadImages();
  for (const [file, arch] of WEIGHTS) {
    const name = `${file} (${arch}) agrees with the reference to 1e-4` +
      (file.includes("_DF") ? " and scores the real images as real" : "");
    await t.step(
      name,
      async () => {
        const h5 = await Deno.readFile(join(MESO, file));
        const onnxScores = await runOnnx(await convertMesoNet(h5, { arch, source: file }), images);
        const reference = await mesonetReference(h5, arch);
        const refScores = images.map(reference);
        refScores.forEach((want, i) => {
          assert.ok(
            Math.abs(onnxScores[i] - want) <= 1e-4,
            `${IMAGES[i].file}: ONNX ${onnxScores[i]} vs reference ${want}`,
          );
        });
        if (file.includes("_DF")) {
          // The output is P(real): both real images score above both deepfakes.
          const real = refScores.filter((_, i) => IMAGES[i].real);
          const fake = refScores.filter((_, i) => !IMAGES[i].real);
          assert.ok(Math.min(...real) > 0.9 && Math.max(...fake) < 0.1, `scores ${refScores}`);
        }
      },
    );
  }
});

Deno.test({
  name: "convertMesoNet() writes the same bytes twice and names its input and output",
  ignore: NO_MESONET,
}, async () => {
  const h5 = await Deno.readFile(join(MESO, "Meso4_DF.h5"));
  const a = await convertMesoNet(h5, { arch: "meso4", source: "/somewhere/Meso4_DF.h5" });
  const b = await convertMesoNet(h5, { arch: "meso4", source: "/elsewhere/Meso4_DF.h5" });
  assert.deepEqual(a, b);
  const session = await ort.InferenceSession.create(a);
  assert.deepEqual(session.inputNames, [MESONET_INPUT_NAME]);
  assert.deepEqual(session.outputNames, [MESONET_OUTPUT_NAME]);
  await session.release();
});

Deno.test("readKerasWeights() reads the same layers and values as h5py", {
  ignore: NO_MESONET || !h5pyPresent(),
}, async () => {
  const path = join(MESO, "MesoInception_F2F.h5");
  const script = [
    "import h5py, json, sys",
    "f = h5py.File(sys.argv[1], 'r')",
    "out = []",
    "for name in f.attrs['layer_names']:",
    "    g = f[name.decode()]",
    "    ws = [w.decode() for w in g.attrs['weight_names']]",
    "    out.append([name.decode(), [[w, list(g[w].shape), float(g[w][()].sum()),",
    "                 float(g[w][()].ravel()[-1])] for w in ws]])",
    "print(json.dumps(out))",
  ].join("\n");
  const py = new Deno.Command("/usr/bin/python3", { args: ["-c", script, path] }).outputSync();
  assert.ok(py.success, new TextDecoder().decode(py.stderr));
  const expected = JSON.parse(new TextDecoder().decode(py.stdout)) as [
    string,
    [string, number[], number, number][],
  ][];
  const { layers, kerasVersion } = await readKerasWeights(await Deno.readFile(path));
  assert.equal(kerasVersion, "2.1.5");
  assert.deepEqual(layers.map((l) => l.name), expected.map(([name]) => name));
  layers.forEach((layer, i) => {
    const want = expected[i][1];
    assert.equal(layer.weights.length, want.length, layer.name);
    layer.weights.forEach((w, j) => {
      const [fullName, shape, sum, last] = want[j];
      assert.ok(fullName.endsWith(`/${w.name}:0`), `${fullName} vs ${w.name}`);
      assert.deepEqual(w.shape, shape);
      const total = w.data.reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(total - sum) < 1e-3 * Math.max(1, Math.abs(sum)), `${fullName} sum`);
      assert.equal(w.data[w.data.length - 1], Math.fround(last));
    });
  });
});

Deno.test("convertMesoNet() refuses bad weight files with messages naming the file or layer", async (t) => {
  await t.step("a file that is not HDF5", async () => {
    await assert.rejects(
      convertMesoNet(new TextEncoder().encode("{}"), { arch: "meso4", source: "notes.json" }),
      (e) => e instanceof KerasWeightsError && /"notes\.json" is not an HDF5 file/.test(e.message),
    );
  });
  await t.step("an HDF5 file that holds no Keras weights", async () => {
    const Module = await h5wasm.ready;
    const path = "/dfrobust_test_plain.h5";
    const file = new h5wasm.File(path, "w");
    file.create_dataset({ name: "numbers", data: new Float32Array([1, 2, 3]) });
    file.close();
    const bytes = Module.FS.readFile(path);
    Module.FS.unlink(path);
    await assert.rejects(
      convertMesoNet(bytes, { arch: "meso4", source: "plain.h5" }),
      /"plain\.h5" is HDF5 but not a Keras weights file/,
    );
  });
  await t.step({
    name: "Meso4 weights converted as MesoInception4, and the reverse",
    ignore: NO_MESONET,
    fn: async () => {
      const meso4 = await Deno.readFile(join(MESO, "Meso4_DF.h5"));
      await assert.rejects(
        convertMesoNet(meso4, { arch: "mesoinception4", source: "Meso4_DF.h5" }),
        (e) =>
          e instanceof MesoNetWeightsError &&
          /"Meso4_DF\.h5": layer "conv2d_5" has weights \[3, 3, 3, 8\]/.test(e.message),
      );
      const inception = await Deno.readFile(join(MESO, "MesoInception_DF.h5"));
      await assert.rejects(
        convertMesoNet(inception, { arch: "meso4", source: "MesoInception_DF.h5" }),
        /layer "conv2d_1" has weights \[1, 1, 3, 1\] \[1\], but meso4 needs \[3, 3, 3, 8\] \[8\]/,
      );
    },
  });
});

Deno.test("the mesonet presets are valid detector specs that invert P(real)", () => {
  for (const preset of [MESONET, MESOINCEPTION]) {
    const spec = validateDetectorSpec(preset, { source: preset.name });
    assert.deepEqual(spec.input.size, [SIDE, SIDE]);
    assert.equal(spec.input.name, MESONET_INPUT_NAME);
    assert.equal(spec.input.scale, 1 / 255);
    assert.deepEqual(spec.output, { kind: "probability", invert: true });
  }
});

Deno.test("deno task import-mesonet writes a model and fails clearly on a missing file", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_mesonet_" });
  try {
    const run = (args: string[]) => runDenoTask("tasks/import_mesonet.ts", args);
    const out = join(dir, "meso4.onnx");
    await t.step({
      name: "writes a model",
      ignore: NO_MESONET,
      fn: async () => {
        const ok = await run([
          join(MESO, "Meso4_F2F.h5"),
          "--arch",
          "meso4",
          "--out",
          out,
          "--json",
        ]);
        assert.equal(ok.code, 0, ok.stderr);
        const result = JSON.parse(ok.stdout);
        assert.equal(result.bytes, (await Deno.stat(out)).size);
      },
    });
    await t.step("fails clearly on a missing file", async () => {
      const missing = await run([join(dir, "nope.h5"), "--arch", "meso4", "--out", out]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Cannot read weights ".*nope\.h5"/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function h5pyPresent(): boolean {
  try {
    const ok = new Deno.Command("/usr/bin/python3", {
      args: ["-c", "import h5py"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
    if (!ok) console.error("SKIPPED readKerasWeights h5py oracle: python3-h5py is not installed.");
    return ok;
  } catch {
    console.error("SKIPPED readKerasWeights h5py oracle: /usr/bin/python3 is missing.");
    return false;
  }
}
