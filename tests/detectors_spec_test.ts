import assert from "node:assert/strict";
import { join } from "node:path";
import { DetectorSpecError, validateDetectorSpec } from "../detectors/spec.ts";
import { loadDetectorSpec } from "../detectors/load.ts";
import { PRESET_NAMES, PRESETS } from "../detectors/presets.ts";
import { normalisationTables } from "../detectors/preprocess.ts";

const MINIMAL = {
  name: "mine",
  input: { layout: "NHWC", size: [64, 32], colour: "BGR", scale: "1/255" },
  crop: { kind: "margin", fraction: "1/8" },
  output: { kind: "sigmoid" },
};

Deno.test("every preset is a valid spec that survives a JSON round trip unchanged", async (t) => {
  for (const name of PRESET_NAMES) {
    await t.step(name, () => {
      const preset = PRESETS[name];
      const again = validateDetectorSpec(JSON.parse(JSON.stringify(preset)), { source: name });
      assert.deepEqual(again, JSON.parse(JSON.stringify(preset)));
      assert.equal(preset.name, name);
      assert.ok(preset.sources.length > 0, "presets cite their sources");
    });
  }
});

Deno.test("presets carry the upstream input sizes, crop rules and output mappings", async (t) => {
  const table = [
    { name: "xception", size: [299, 299], crop: { kind: "square", scale: 1.3 }, fake: 1 },
    { name: "capsule", size: [300, 300], crop: { kind: "radius", scale: 1.3 }, fake: 1 },
    { name: "sbi", size: [380, 380], crop: { kind: "margin", fraction: 1 / 8 }, fake: 1 },
  ];
  for (const row of table) {
    await t.step(row.name, () => {
      const spec = PRESETS[row.name];
      assert.deepEqual(spec.input.size, row.size);
      assert.deepEqual(spec.crop, row.crop);
      assert.equal(spec.input.layout, "NCHW");
      assert.equal(spec.input.colour, "RGB");
      assert.equal(spec.output.kind, "softmax");
      assert.equal(spec.output.kind === "softmax" && spec.output.fakeIndex, row.fake);
    });
  }
  await t.step(
    "sbi: faces at least half the largest, max per frame, mean per video, 0.5 fallback",
    () => {
      const sbi = PRESETS.sbi;
      assert.equal(sbi.faces, "all-above-half-largest");
      assert.equal(sbi.faceRule, "max");
      assert.equal(sbi.videoRule, "mean");
      assert.equal(sbi.failScore, 0.5);
      assert.equal(sbi.frames, 32);
    },
  );
  await t.step("capsule: the model's output is already a probability", () => {
    assert.deepEqual(PRESETS.capsule.output, { kind: "softmax", fakeIndex: 1, applied: true });
  });
});

Deno.test("a white, a black and a mid-grey pixel map to each preset's normalised values", async (t) => {
  // (value * scale - mean) / std per channel, worked out by hand from the upstream transforms.
  const table: { name: string; white: number[]; black: number[] }[] = [
    { name: "xception", white: [1, 1, 1], black: [-1, -1, -1] },
    {
      name: "capsule",
      white: [(1 - 0.485) / 0.229, (1 - 0.456) / 0.224, (1 - 0.406) / 0.225],
      black: [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225],
    },
    { name: "sbi", white: [1, 1, 1], black: [0, 0, 0] },
    { name: "mesonet", white: [1, 1, 1], black: [0, 0, 0] },
  ];
  for (const row of table) {
    await t.step(row.name, () => {
      const luts = normalisationTables(PRESETS[row.name].input);
      for (let c = 0; c < 3; c++) {
        assert.ok(Math.abs(luts[c][255] - row.white[c]) < 1e-6, `white, channel ${c}`);
        assert.ok(Math.abs(luts[c][0] - row.black[c]) < 1e-6, `black, channel ${c}`);
      }
    });
  }
});

Deno.test("loadDetectorSpec() reads presets by name and JSON files with defaults filled", async () => {
  const sbi = await loadDetectorSpec("sbi");
  assert.deepEqual(sbi, PRESETS.sbi);
  sbi.input.size[0] = 1;
  assert.equal(PRESETS.sbi.input.size[0], 380, "a loaded preset is a copy");

  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "mine.json");
    await Deno.writeTextFile(path, JSON.stringify({ ...MINIMAL, modelPath: "m.onnx" }));
    const spec = await loadDetectorSpec(path);
    assert.equal(spec.input.scale, 1 / 255);
    assert.deepEqual(spec.crop, { kind: "margin", fraction: 0.125 });
    assert.deepEqual(spec.input.mean, [0, 0, 0]);
    assert.deepEqual(spec.input.std, [1, 1, 1]);
    assert.equal(spec.faces, "largest");
    assert.equal(spec.faceRule, "max");
    assert.equal(spec.videoRule, "mean");
    assert.equal(spec.failScore, null);
    assert.equal(spec.modelPath, join(dir, "m.onnx"), "modelPath is relative to the spec file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadDetectorSpec() errors name the file and the bad field", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const cases: { label: string; spec: unknown; field: RegExp }[] = [
      {
        label: "wrong layout",
        spec: { ...MINIMAL, input: { ...MINIMAL.input, layout: "CHW" } },
        field: /"input\.layout" must be one of "NCHW", "NHWC", got "CHW"/,
      },
      {
        label: "size not [h, w]",
        spec: { ...MINIMAL, input: { ...MINIMAL.input, size: [299] } },
        field: /"input\.size"/,
      },
      {
        label: "zero std",
        spec: { ...MINIMAL, input: { ...MINIMAL.input, std: [1, 0, 1] } },
        field: /"input\.std\[1\]" must not be 0/,
      },
      {
        label: "softmax without fakeIndex",
        spec: { ...MINIMAL, output: { kind: "softmax" } },
        field: /"output\.fakeIndex"/,
      },
      {
        label: "unknown crop",
        spec: { ...MINIMAL, crop: { kind: "circle" } },
        field: /"crop\.kind"/,
      },
      {
        label: "reflect crop without a scale",
        spec: { ...MINIMAL, crop: { kind: "reflect" } },
        field: /"crop\.scale" must be a finite number/,
      },
      {
        label: "radius crop with scale 0",
        spec: { ...MINIMAL, crop: { kind: "radius", scale: 0 } },
        field: /"crop\.scale" must be > 0/,
      },
      {
        label: "failScore out of range",
        spec: { ...MINIMAL, failScore: 2 },
        field: /"failScore" must be in \[0, 1\]/,
      },
      { label: "missing name", spec: { ...MINIMAL, name: undefined }, field: /"name"/ },
    ];
    for (const c of cases) {
      await t.step(c.label, async () => {
        const path = join(dir, `${c.label.replaceAll(" ", "_")}.json`);
        await Deno.writeTextFile(path, JSON.stringify(c.spec));
        await assert.rejects(loadDetectorSpec(path), (error: Error) => {
          assert.ok(error instanceof DetectorSpecError);
          assert.ok(error.message.includes(path), error.message);
          assert.match(error.message, c.field);
          return true;
        });
      });
    }
    await t.step("invalid JSON", async () => {
      const path = join(dir, "broken.json");
      await Deno.writeTextFile(path, "{ nope");
      await assert.rejects(loadDetectorSpec(path), /broken\.json" is not valid JSON/);
    });
    await t.step("an unknown name lists the presets", async () => {
      await assert.rejects(
        loadDetectorSpec("resnet"),
        /Unknown detector "resnet".*xception, capsule, sbi/,
      );
    });
    await t.step("a missing file names the file", async () => {
      await assert.rejects(
        loadDetectorSpec(join(dir, "nope.json")),
        /Cannot read detector spec ".*nope\.json"/,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a JSON spec may name any crop rule, with its number", async (t) => {
  const cases = [
    [{ kind: "square", scale: "1.3" }, { kind: "square", scale: 1.3 }],
    [{ kind: "margin", fraction: "1/8" }, { kind: "margin", fraction: 0.125 }],
    [{ kind: "radius", scale: 1.3 }, { kind: "radius", scale: 1.3 }],
    [{ kind: "reflect", scale: 1.1 }, { kind: "reflect", scale: 1.1 }],
    [{ kind: "box" }, { kind: "box" }],
    [{ kind: "full", scale: 2 }, { kind: "full" }],
  ];
  for (const [given, parsed] of cases) {
    await t.step(String(given.kind), () => {
      assert.deepEqual(validateDetectorSpec({ ...MINIMAL, crop: given }).crop, parsed);
    });
  }
});
