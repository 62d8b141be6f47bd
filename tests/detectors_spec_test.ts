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
        field: /"input\.layout" must be one of "NCHW", "NHWC", "NCTHW", "NTCHW", "grid", got "CHW"/,
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
    [{ kind: "full" }, { kind: "full" }],
  ];
  for (const [given, parsed] of cases) {
    await t.step(String(given.kind), () => {
      assert.deepEqual(validateDetectorSpec({ ...MINIMAL, crop: given }).crop, parsed);
    });
  }
});

Deno.test("an unknown key anywhere in a spec file is an error naming the file, the key's path and the nearest key", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_spec_keys_" });
  const input = MINIMAL.input;
  const cases: { label: string; spec: Record<string, unknown>; message: string }[] = [
    {
      label: "top level, snake_case for camelCase",
      spec: { ...MINIMAL, video_rule: "max" },
      message: 'Unknown key "video_rule" in detector spec "<file>" at video_rule: ' +
        'did you mean "videoRule"?',
    },
    {
      label: "top level, snake_case beside the defaulted field",
      spec: { ...MINIMAL, fail_score: 0.5 },
      message: 'at fail_score: did you mean "failScore"?',
    },
    {
      label: "top level, another case",
      spec: { ...MINIMAL, FaceRule: "mean" },
      message: 'at FaceRule: did you mean "faceRule"?',
    },
    {
      label: "top level, a typo of two letters",
      spec: { ...MINIMAL, frmes: 16, modlPath: "m.onnx" },
      message: 'at frmes: did you mean "frames"?',
    },
    {
      label: "nested, American spelling beside the British key",
      spec: { ...MINIMAL, input: { ...input, color: "BGR", colour: "RGB" } },
      message: 'Unknown key "color" in detector spec "<file>" at input.color: ' +
        'did you mean "colour"?',
    },
    {
      label: "nested, a typo of one letter",
      spec: { ...MINIMAL, input: { ...input, maen: [0.5, 0.5, 0.5] } },
      message: 'at input.maen: did you mean "mean"?',
    },
    {
      label: "nested, two letters swapped in a crop number",
      spec: { ...MINIMAL, crop: { kind: "square", sacle: 1.3 } },
      message: 'at crop.sacle: did you mean "scale"?',
    },
    {
      label: "nested, a typo suggests a key of the kind given",
      spec: { ...MINIMAL, crop: { kind: "margin", fracton: 0.1 } },
      message: 'Unknown key "fracton" for crop kind "margin" in detector spec "<file>" at ' +
        'crop.fracton: did you mean "fraction"?',
    },
    {
      label: "nested, a misspelt kind",
      spec: { ...MINIMAL, crop: { knd: "square", scale: 1.3 } },
      message: 'Unknown key "knd" in detector spec "<file>" at crop.knd: did you mean "kind"?',
    },
    {
      label: "nested, a key of another crop kind",
      spec: { ...MINIMAL, crop: { kind: "square", scale: 1.3, fraction: 0.1 } },
      message: 'Unknown key "fraction" for crop kind "square" in detector spec "<file>" at ' +
        'crop.fraction: valid keys are "kind", "scale"',
    },
    {
      label: "nested, a number on a crop kind that takes none",
      spec: { ...MINIMAL, crop: { kind: "full", scale: 2 } },
      message:
        'Unknown key "scale" for crop kind "full" in detector spec "<file>" at crop.scale: ' +
        'valid keys are "kind"',
    },
    {
      label: "nested, snake_case in the output",
      spec: { ...MINIMAL, output: { kind: "softmax", fake_index: 0 } },
      message: 'at output.fake_index: did you mean "fakeIndex"?',
    },
    {
      label: "nested, a softmax key on a sigmoid output",
      spec: { ...MINIMAL, output: { kind: "sigmoid", fakeIndex: 1 } },
      message: 'Unknown key "fakeIndex" for output kind "sigmoid" in detector spec "<file>" at ' +
        'output.fakeIndex: valid keys are "kind", "invert"',
    },
    {
      label: "in a list entry",
      spec: { ...MINIMAL, sources: [{ repo: "a/b", file: "c.py" }, { repo: "a/b", notes: "x" }] },
      message: 'at sources[1].notes: did you mean "note"?',
    },
    {
      label: "a key with nothing near, top level",
      spec: { ...MINIMAL, threshold: 0.5 },
      message: 'Unknown key "threshold" in detector spec "<file>" at threshold: valid keys are ' +
        '"name", "description", "sources", "modelPath", "trainSet", "input", "crop", "faces", ' +
        '"faceRule", "output", "videoRule", "failScore", "frames", "clip", "minFaceScore", ' +
        '"minFaceSize", "differences"',
    },
    {
      label: "a key with nothing near, in a list entry",
      spec: { ...MINIMAL, differences: [{ what: "x", reason: "y" }] },
      message: 'at differences[0].reason: valid keys are "what", "why"',
    },
  ];
  try {
    for (const c of cases) {
      await t.step(c.label, async () => {
        const path = join(dir, `${c.label.replaceAll(/[ ,]+/g, "_")}.json`);
        await Deno.writeTextFile(path, JSON.stringify(c.spec));
        await assert.rejects(loadDetectorSpec(path), (error: Error) => {
          assert.ok(error instanceof DetectorSpecError, String(error));
          assert.ok(error.message.includes(c.message.replace("<file>", path)), error.message);
          return true;
        });
        // The same document through the library names its source the same way.
        assert.throws(
          () => validateDetectorSpec(c.spec, { source: "given" }),
          (error: Error) =>
            error instanceof DetectorSpecError &&
            error.message.includes(c.message.replace("<file>", "given")),
        );
      });
    }
    await t.step("every misspelt spec loads once the key is spelt right", async () => {
      const path = join(dir, "right.json");
      await Deno.writeTextFile(
        path,
        JSON.stringify({ ...MINIMAL, videoRule: "max", failScore: 0.5, input: { ...input } }),
      );
      const spec = await loadDetectorSpec(path);
      assert.equal(spec.videoRule, "max");
      assert.equal(spec.failScore, 0.5);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a spec field given the wrong type or null is an error, except a null failScore", async (t) => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["a null videoRule", { ...MINIMAL, videoRule: null }, /field "videoRule" must not be null/],
    ["a null faces", { ...MINIMAL, faces: null }, /field "faces" must not be null/],
    [
      "a null mean",
      { ...MINIMAL, input: { ...MINIMAL.input, mean: null } },
      /field "input\.mean" must not be null/,
    ],
    ["a number as description", { ...MINIMAL, description: 3 }, /"description" must be a string/],
    ["a string as failScore", { ...MINIMAL, failScore: "high" }, /"failScore" must be a finite/],
    ["a string as frames", { ...MINIMAL, frames: "all" }, /"frames" must be a finite number/],
    [
      "a string as invert",
      { ...MINIMAL, output: { kind: "sigmoid", invert: "yes" } },
      /"output\.invert" must be true or false/,
    ],
    ["a list as input", { ...MINIMAL, input: [1] }, /"input" must be an object/],
  ];
  for (const [label, spec, message] of cases) {
    await t.step(label, () => {
      assert.throws(() => validateDetectorSpec(spec, { source: "s.json" }), (error: Error) => {
        assert.ok(error instanceof DetectorSpecError);
        assert.match(error.message, /^Detector spec "s\.json": /);
        assert.match(error.message, message);
        return true;
      });
    });
  }
  await t.step("a null failScore leaves faceless videos out", () => {
    assert.equal(validateDetectorSpec({ ...MINIMAL, failScore: null }).failScore, null);
  });
});

Deno.test("a spec file saved with a UTF-8 byte-order mark loads the same spec; UTF-16 is refused", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_spec_bom_" });
  try {
    const text = JSON.stringify({ ...MINIMAL, description: "Windows Notepad, 'é'" }, null, 2);
    const plain = join(dir, "plain.json");
    await Deno.writeTextFile(plain, text);
    await t.step("with a UTF-8 byte-order mark", async () => {
      const path = join(dir, "bom.json");
      await Deno.writeFile(
        path,
        new Uint8Array([0xEF, 0xBB, 0xBF, ...new TextEncoder().encode(text)]),
      );
      assert.deepEqual(await loadDetectorSpec(path), await loadDetectorSpec(plain));
    });
    await t.step("UTF-16 with its mark says to save as UTF-8", async () => {
      const path = join(dir, "utf16.json");
      const bytes = new Uint8Array(2 + 2 * text.length);
      bytes.set([0xFF, 0xFE]);
      for (let i = 0; i < text.length; i++) bytes[2 + 2 * i] = text.charCodeAt(i) & 0xFF;
      await Deno.writeFile(path, bytes);
      await assert.rejects(
        loadDetectorSpec(path),
        (error: Error) =>
          error instanceof DetectorSpecError &&
          error.message.includes(`Detector spec "${path}" is UTF-16`) &&
          /save it as UTF-8/.test(error.message),
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a spec with several problems names them all in one error, each with its hint", async (t) => {
  const check = (spec: Record<string, unknown>, parts: RegExp[], count: number) => {
    assert.throws(() => validateDetectorSpec(spec, { source: "two.json" }), (error: Error) => {
      assert.ok(error instanceof DetectorSpecError, String(error));
      assert.match(
        error.message,
        new RegExp(`^Detector spec "two\\.json" has ${count} problems:\n`),
      );
      for (const part of parts) assert.match(error.message, part);
      assert.equal(error.message.split("\n  - ").length - 1, count, error.message);
      return true;
    });
  };
  await t.step("two misspelt keys at different depths", () => {
    const input = { ...MINIMAL.input, color: "RGB" };
    check({ ...MINIMAL, input, video_rule: "max" }, [
      /at input\.color: did you mean "colour"\?/,
      /at video_rule: did you mean "videoRule"\?/,
    ], 2);
  });
  await t.step("a misspelt key and bad values of other fields", () => {
    check({ ...MINIMAL, faceRul: "max", failScore: 2, faces: "biggest" }, [
      /at faceRul: did you mean "faceRule"\?/,
      /field "failScore" must be in \[0, 1\]/,
      /field "faces" must be one of "largest"/,
    ], 3);
  });
  await t.step("one problem keeps the one-line message", () => {
    assert.throws(
      () => validateDetectorSpec({ ...MINIMAL, video_rule: "max" }, { source: "one.json" }),
      (error: Error) =>
        /^Unknown key "video_rule" in detector spec "one\.json"/.test(error.message),
    );
  });
});
