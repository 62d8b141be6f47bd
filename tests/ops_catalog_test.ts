import assert from "node:assert/strict";
import { artifactId, type SourceFingerprint } from "../artifacts/artifact_id.ts";
import { safeFileStem } from "../artifacts/file_names.ts";
import { chunkForBudget, splitGraphArgs } from "../artifacts/split_graph.ts";
import { inputGuardOptions } from "../media/input_formats.ts";
import {
  ALL_OP_IDS,
  CATALOG_VERSION,
  FAMILIES,
  getOperation,
  opLabel,
  PAPER_OP_IDS,
  UnknownOperationError,
} from "../ops/catalog.ts";
import { levelLabel } from "../ops/level_label.ts";
import { ChainError, chainInstance, composeGeometry, parseChainSpec } from "../ops/chain.ts";
import { encoderArgs, missingEncoder } from "../ops/profile.ts";
import { parseSeverity, selectOperations } from "../ops/select.ts";

Deno.test("the catalog has the paper's 12 operations with the architecture's ids and categories", () => {
  const expected: Record<string, string> = {
    unaltered: "unaltered",
    h264_crf23: "compression",
    h264_crf40: "compression",
    lighten: "brightness",
    darken: "brightness",
    contrast: "contrast",
    noise: "noise",
    hflip: "flip",
    vflip: "flip",
    res_half: "resolution",
    res_quarter: "resolution",
    grayscale: "filter",
    vintage: "filter",
  };
  assert.deepEqual([...PAPER_OP_IDS], Object.keys(expected));
  for (const [id, category] of Object.entries(expected)) {
    const op = getOperation(id);
    assert.equal(op.category, category, id);
    assert.equal(op.paper, true, id);
  }
});

Deno.test("each paper level carries its Table I column name; chains and unknown ids name themselves", () => {
  // The paper's column headers (Lu & Ebrahimi 2023, Table I), from the records in ops/.
  assert.deepEqual(PAPER_OP_IDS.map((id) => getOperation(id).label), [
    "Unaltered",
    "CRF 23",
    "CRF 40",
    "Lighten",
    "Darken",
    "Contrast",
    "Noise",
    "H-flip",
    "V-flip",
    "1/2",
    "1/4",
    "Grayscale",
    "Vintage",
  ]);
  for (const id of PAPER_OP_IDS) assert.equal(opLabel(id), getOperation(id).label);
  assert.equal(chainInstance({ name: "social", ops: ["res_half", "h264_crf40"] }).label, "social");
  assert.equal(opLabel("social"), "social");
  assert.equal(opLabel("not_an_op"), "not_an_op");
});

Deno.test("every other ladder level gets a short column name read off its record, never its id", async (t) => {
  // Levels of a family named by value in the paper read the same way; other families put their
  // name first so labels stay unique across the whole catalog (Table I groups by category only).
  const expected: Record<string, string> = {
    h264_crf33: "CRF 33",
    res_third: "1/3",
    h265_crf28: "H265 CRF 28",
    lighten_y45: "Lighten y 0.45",
    darken_y45: "Darken y 0.45",
    gamma_g12: "Gamma 1.2",
    bitrate_2000k: "Bitrate 2000 kbit/s",
    framerate_1of2: "Framerate 1/2 frames",
    freeze_h6: "Freeze hold 6",
    jitter_w4: "Jitter window 4",
    upscale_half: "Upscale 1/2",
    platform_fb: "Facebook-like",
  };
  for (const [id, label] of Object.entries(expected)) {
    await t.step(`${id} reads "${label}"`, () => {
      assert.equal(getOperation(id).label, label);
      assert.equal(opLabel(id), label);
    });
  }
  await t.step(
    "every level of every family has a label that is not its id, unique in the catalog",
    () => {
      const seen = new Map<string, string>();
      for (const id of ALL_OP_IDS) {
        const label = opLabel(id);
        assert.notEqual(label, id, `${id} is labelled by its id`);
        assert.doesNotMatch(label, /_/, `${id}: "${label}" looks like an id`);
        assert.equal(seen.get(label), undefined, `${id} and ${seen.get(label)} share "${label}"`);
        seen.set(label, id);
      }
    },
  );
  await t.step("a new record without labels gets them from its parameters", () => {
    const family = {
      ...FAMILIES.find((f) => f.id === "blur")!,
      id: "wobble",
      levels: [
        { severity: 1, id: "wobble_a", params: { amplitude: 2, seed: 7 } },
        { severity: 2, id: "wobble_b", params: { amplitude: 5, seed: 7 } },
      ],
    };
    assert.deepEqual(family.levels.map((l) => levelLabel(family, l)), [
      "Wobble amplitude 2",
      "Wobble amplitude 5",
    ]);
  });
});

Deno.test("every parametric family has at least five graded levels and unique ids", async (t) => {
  assert.equal(new Set(ALL_OP_IDS).size, ALL_OP_IDS.length);
  for (const family of FAMILIES) {
    await t.step(`${family.id} is a complete record`, () => {
      assert.ok(family.description.length > 10 && family.reason.length > 10);
      if (family.parametric) assert.ok(family.levels.length >= 5, family.id);
      else assert.equal(family.levels.length, 1);
      // The paper's families mark its level; every other family cites where its mapping
      // comes from (docs/operations.md repeats it).
      if (family.source === undefined) {
        assert.ok(family.levels.some((l) => l.paper), `${family.id} marks its paper level`);
      } else {
        assert.ok(family.source.length > 20, `${family.id} cites a source`);
        assert.ok(!family.levels.some((l) => l.paper), `${family.id} is not the paper's`);
      }
      family.levels.forEach((l, i) => assert.equal(l.severity, i + 1));
    });
  }
});

Deno.test("ladder ids follow the documented pattern and params map to ffmpeg", () => {
  assert.equal(getOperation("h264_crf51").crf, 51);
  assert.equal(getOperation("h264_crf40").filter, null);
  assert.equal(getOperation("noise_s5").filter, "noise=alls=5:allf=t:all_seed=20230417");
  assert.equal(getOperation("lighten").filter, "curves=m='0/0 0.4/0.5 1/1'");
  assert.equal(getOperation("darken").filter, "curves=m='0/0 0.5/0.4 1/1'");
  assert.equal(getOperation("contrast").filter, "eq=contrast=1.5");
  assert.equal(getOperation("grayscale").filter, "hue=s=0");
  assert.equal(getOperation("vintage").filter, "curves=preset=vintage");
  assert.equal(getOperation("hflip").severity, null);
  assert.equal(getOperation("noise").severity, 2);
  assert.equal(CATALOG_VERSION, "2");
});

Deno.test("resolution operations round output sizes down to even numbers", async (t) => {
  const cases: [string, number, number, number, number][] = [
    ["res_half", 640, 360, 320, 180],
    ["res_quarter", 640, 360, 160, 90],
    ["res_quarter", 96, 64, 24, 16],
    ["res_third", 640, 360, 212, 120],
    ["res_eighth", 100, 60, 12, 6],
    ["res_half", 66, 50, 32, 24],
    ["hflip", 65, 49, 65, 49],
  ];
  for (const [id, w, h, ew, eh] of cases) {
    await t.step(`${id} maps ${w}x${h} to ${ew}x${eh}`, () => {
      assert.deepEqual(getOperation(id).expectedSize(w, h), { width: ew, height: eh });
    });
  }
  assert.deepEqual(getOperation("res_half").geometry, { hflip: false, vflip: false, scale: 0.5 });
});

Deno.test("getOperation() rejects an unknown id with a message listing the families and sets", () => {
  assert.throws(() => getOperation("sepia"), (error: Error) => {
    assert.ok(error instanceof UnknownOperationError);
    assert.match(error.message, /Unknown operation "sepia"/);
    assert.match(error.message, /families \(unaltered, h264, .*noise,/);
    assert.match(error.message, /sets \(paper, all\)/);
    return true;
  });
});

Deno.test("chains compose filters in order, end in their compression and compose geometry", () => {
  const chain = chainInstance({
    name: "social",
    ops: ["res_half", "vintage", "hflip", "h264_crf40"],
  });
  assert.equal(chain.id, "social");
  assert.equal(chain.category, "chain");
  assert.equal(chain.crf, 40);
  assert.equal(
    chain.filter,
    `${getOperation("res_half").filter},curves=preset=vintage,hflip`,
  );
  assert.deepEqual(chain.geometry, { hflip: true, vflip: false, scale: 0.5 });
  assert.deepEqual(chain.expectedSize(640, 360), { width: 320, height: 180 });
  const twice = chainInstance({ name: "tiny", ops: ["res_half", "res_half", "hflip", "hflip"] });
  assert.deepEqual(twice.geometry, { hflip: false, vflip: false, scale: 0.25 });
  assert.deepEqual(twice.expectedSize(100, 60), { width: 24, height: 14 });
  assert.deepEqual(
    composeGeometry({ hflip: true, vflip: true, scale: 0.5 }, {
      hflip: true,
      vflip: false,
      scale: 0.5,
    }),
    { hflip: false, vflip: true, scale: 0.25 },
  );
});

Deno.test("chainInstance() refuses bad chains with a message saying what to fix", async (t) => {
  const cases: [string, { name: string; ops: string[] }, RegExp][] = [
    [
      "a compression step in the middle",
      { name: "x", ops: ["h264_crf40", "hflip"] },
      /must be last/,
    ],
    ["a name taken by the catalog", { name: "hflip", ops: ["vflip"] }, /taken/],
    ["a name with spaces", { name: "my chain", ops: ["vflip"] }, /lowercase/],
    ["an empty chain", { name: "empty", ops: [] }, /no operations/],
    ["unaltered as a step", { name: "u", ops: ["unaltered"] }, /cannot be a step/],
  ];
  for (const [what, spec, message] of cases) {
    await t.step(`it refuses ${what}`, () => {
      assert.throws(
        () => chainInstance(spec),
        (e: Error) => e instanceof ChainError && message.test(e.message),
      );
    });
  }
  assert.throws(() => chainInstance({ name: "z", ops: ["blur"] }), UnknownOperationError);
});

Deno.test("parseChainSpec() reads inline specs and JSON files", async () => {
  assert.deepEqual(await parseChainSpec("social=res_half+vintage+h264_crf40"), {
    name: "social",
    ops: ["res_half", "vintage", "h264_crf40"],
  });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/c.json`, JSON.stringify({ name: "web", ops: ["res_half"] }));
    assert.deepEqual(await parseChainSpec(`${dir}/c.json`), { name: "web", ops: ["res_half"] });
    await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ name: 3 }));
    await assert.rejects(parseChainSpec(`${dir}/bad.json`), /must be \{"name"/);
    await assert.rejects(parseChainSpec(`${dir}/none.json`), /Cannot read chain spec/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("selectOperations() expands sets, families, severities and chains", async (t) => {
  await t.step("paper is unaltered plus the 12 paper settings", async () => {
    assert.deepEqual((await selectOperations("paper")).map((o) => o.id), [...PAPER_OP_IDS]);
  });
  await t.step("all is every ladder level", async () => {
    assert.deepEqual((await selectOperations("all")).map((o) => o.id), [...ALL_OP_IDS]);
  });
  await t.step("a family id means its paper levels", async () => {
    assert.deepEqual((await selectOperations("h264")).map((o) => o.id), [
      "h264_crf23",
      "h264_crf40",
    ]);
  });
  await t.step("--severity replaces the levels of the named families", async () => {
    const ops = await selectOperations("noise,hflip", { severity: [1, 5] });
    assert.deepEqual(ops.map((o) => o.id), ["noise_s5", "noise_s30", "hflip"]);
    const all = await selectOperations("darken", { severity: "all" });
    assert.equal(all.length, 5);
  });
  await t.step("chains come last, after catalog order", async () => {
    const ops = await selectOperations("chain:social=res_half+h264_crf40,vflip,unaltered");
    assert.deepEqual(ops.map((o) => o.id), ["unaltered", "vflip", "social"]);
  });
  await t.step("an unknown id fails naming it and listing valid ids", async () => {
    await assert.rejects(selectOperations("hflip,sepia"), /Unknown operation "sepia".*vintage/s);
  });
  await t.step("a level a family lacks fails", async () => {
    await assert.rejects(selectOperations("noise", { severity: [9] }), /levels 1\.\.5/);
  });
  assert.deepEqual(parseSeverity("1, 3"), [1, 3]);
  assert.equal(parseSeverity("all"), "all");
  assert.throws(() => parseSeverity("0"), /--severity/);
});

Deno.test("encoderArgs() encodes filters at CRF 23 (paper) or QP 0 (lossless), compression at its own CRF", () => {
  const take = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(take(encoderArgs(getOperation("hflip"), "paper"), "-crf"), "23");
  assert.equal(take(encoderArgs(getOperation("hflip"), "lossless"), "-qp"), "0");
  assert.equal(take(encoderArgs(getOperation("h264_crf40"), "lossless"), "-crf"), "40");
  assert.ok(encoderArgs(getOperation("noise"), "paper").includes("-an"));
  assert.equal(take(encoderArgs(getOperation("noise"), "paper"), "-pix_fmt"), "yuv420p");
  assert.throws(() => encoderArgs(getOperation("unaltered"), "source"));
});

/** Probe facts of a 320x240 video whose stream `streamIndex` is the video. */
function oneSize(streamIndex: number) {
  const segment = { start: 0, width: 320, height: 240, codedWidth: 320, codedHeight: 240 };
  return { streamIndex, rotation: 0, segments: [{ ...segment, pixFmt: "yuv420p" }] };
}

Deno.test("splitGraphArgs() decodes once and maps one labelled branch per output", () => {
  const args = splitGraphArgs("/v/a b.mp4", [
    { op: getOperation("hflip"), path: "/o/1.tmp" },
    { op: getOperation("h264_crf40"), path: "/o/2.tmp" },
  ], { profile: "paper", info: oneSize(0) });
  // The container allow-list and the decoder's frame cap (media/video_stream.ts) come first.
  const guard = args.indexOf("-reinit_filter");
  assert.deepEqual(args.slice(0, guard - 2), inputGuardOptions());
  assert.deepEqual(args.slice(guard - 2, guard), [
    "-max_pixels",
    String((320 + 128) * (240 + 128)),
  ]);
  assert.deepEqual(args.slice(guard, guard + 6), [
    "-reinit_filter",
    "0",
    "-i",
    "file:/v/a b.mp4",
    "-filter_complex",
    "[0:0]split=2[s0][s1];[s0]hflip[o0];[s1]null[o1]",
  ]);
  assert.equal(args.filter((a) => a === "-map").length, 2);
  assert.equal(args.at(-1), "file:/o/2.tmp");
  const single = splitGraphArgs(
    "/v/a.mp4",
    [{ op: getOperation("vflip"), path: "/o/1.tmp" }],
    { profile: "paper", info: oneSize(1) },
  );
  assert.equal(single[guard + 5], "[0:1]vflip[o0]");
});

Deno.test("splitGraphArgs() scales every frame to the first frame's size before the operation when the size changes", () => {
  const info = oneSize(0);
  info.segments.push({ ...info.segments[0], start: 50, width: 640, height: 480 });
  info.segments[1].codedWidth = 640;
  info.segments[1].codedHeight = 480;
  const crop = { x: 0, y: 0, width: 320, height: 240 };
  const single = splitGraphArgs("/v/a.webm", [{ op: getOperation("hflip"), path: "/o/1", crop }], {
    profile: "paper",
    info,
  });
  assert.equal(
    single[single.indexOf("-filter_complex") + 1],
    "[0:0]scale=w=320:h=240:flags=bicubic,format=yuv420p,crop=w=320:h=240:x=0:y=0:exact=1,hflip[o0]",
  );
  const split = splitGraphArgs("/v/a.webm", [
    { op: getOperation("hflip"), path: "/o/1" },
    { op: getOperation("noise"), path: "/o/2" },
  ], { profile: "paper", info });
  assert.match(
    split[split.indexOf("-filter_complex") + 1],
    /^\[0:0\]scale=w=320:h=240:flags=bicubic,format=yuv420p,split=2\[s0\]\[s1\];/,
  );
});

Deno.test("chunkForBudget() keeps every run within the memory budget", () => {
  const ops = [1, 2, 3, 4, 5];
  const perOp = 1280 * 720 * 1.5 * 150;
  assert.deepEqual(chunkForBudget(ops, { width: 1280, height: 720, budgetBytes: perOp * 2.5 }), [
    [1, 2],
    [3, 4],
    [
      5,
    ],
  ]);
  assert.deepEqual(chunkForBudget(ops, { width: 64, height: 64, budgetBytes: 2 ** 30 }), [ops]);
  assert.deepEqual(
    chunkForBudget(ops, { width: 64, height: 64, budgetBytes: 2 ** 30, maxPerRun: 1 }).length,
    5,
  );
  assert.deepEqual(chunkForBudget(ops, { width: 8000, height: 8000, budgetBytes: 1 }).length, 5);
});

Deno.test("artifactId() is stable, order-free and changes with any input that decides the bytes", () => {
  const sources: SourceFingerprint[] = [
    { id: "b", sha256: "22", label: 1 },
    { id: "a", sha256: "11", label: 0 },
  ];
  const build = {
    backend: "native" as const,
    ffmpegVersion: "5.1.9",
    libx264: "core 164",
    configuration: "",
  };
  const base = {
    sources,
    op: getOperation("noise"),
    profile: "paper" as const,
    build,
    catalogVersion: "1",
  };
  const id = artifactId(base);
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.equal(artifactId({ ...base, sources: [...sources].reverse() }), id);
  assert.equal(artifactId({ ...base, build: { ...build, configuration: "other" } }), id);
  for (
    const changed of [
      { sources: [{ ...sources[0], sha256: "33" }, sources[1]] },
      { sources: [{ ...sources[0], label: 0 as const }, sources[1]] },
      { op: getOperation("noise_s5") },
      { profile: "lossless" as const },
      { build: { ...build, libx264: "core 165" } },
      { build: { ...build, backend: "wasm" as const } },
      { catalogVersion: "2" },
    ]
  ) assert.notEqual(artifactId({ ...base, ...changed }), id, JSON.stringify(changed));
  const unaltered = { ...base, op: getOperation("unaltered"), profile: "source" as const };
  assert.equal(artifactId({ ...unaltered, build: null }), artifactId(unaltered));
});

Deno.test("safeFileStem() keeps plain ids and makes odd ones safe and distinct", async (t) => {
  assert.equal(safeFileStem("000_003"), "000_003");
  for (const id of ["a b", "-rf", "../x", "é", "a'b\"c", ".hidden", "a/b"]) {
    await t.step(`"${id}" becomes a safe name`, () => {
      const stem = safeFileStem(id);
      assert.match(stem, /^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
    });
  }
  assert.notEqual(safeFileStem("a b"), safeFileStem("a_b"));
  assert.notEqual(safeFileStem("é"), safeFileStem("è"));
});

Deno.test("docs/operations.md documents every operation id of the catalog", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/operations.md", import.meta.url));
  for (const id of ALL_OP_IDS) assert.ok(doc.includes(`\`${id}\``), id);
  for (const id of PAPER_OP_IDS) {
    assert.match(doc, new RegExp(`\\| \`${id}\` +\\|`), `${id} has a table row`);
  }
  assert.ok(doc.includes(`now \`${CATALOG_VERSION}\``), "the catalog version is current");
});

Deno.test("a chain spec file is strict about its keys and may carry a UTF-8 byte-order mark", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_chain_json_" });
  try {
    await t.step("a misspelt key names the file, the key and the nearest key", async () => {
      const path = `${dir}/typo.json`;
      await Deno.writeTextFile(path, JSON.stringify({ name: "web", ops: ["res_half"], op: [] }));
      await assert.rejects(
        parseChainSpec(path),
        (e: Error) =>
          e instanceof ChainError &&
          e.message === `Unknown key "op" in chain spec "${path}" at op: did you mean "ops"?`,
      );
    });
    await t.step("a UTF-8 byte-order mark is skipped", async () => {
      const path = `${dir}/bom.json`;
      const text = JSON.stringify({ name: "web", ops: ["res_half"] });
      await Deno.writeFile(
        path,
        new Uint8Array([0xEF, 0xBB, 0xBF, ...new TextEncoder().encode(text)]),
      );
      assert.deepEqual(await parseChainSpec(path), { name: "web", ops: ["res_half"] });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the new families leave every existing copy id as it was (golden ids from before)", () => {
  // Computed with the catalog before issue 26 (commit a354494): the encoder member is absent
  // for libx264 CRF and filter operations, so it is not hashed.
  const build = {
    backend: "native" as const,
    ffmpegVersion: "5.1.9",
    libx264: "core 164",
    configuration: "",
  };
  const sources = [{ id: "a", sha256: "00", label: 0 as const }];
  const id = (op: string, profile: "paper" | "lossless") =>
    artifactId({ sources, op: getOperation(op), profile, build, catalogVersion: CATALOG_VERSION });
  assert.equal(id("h264_crf40", "paper"), "b696659daf66e2a4");
  assert.equal(id("noise", "lossless"), "540f93c4f3b5fb4b");
  assert.equal(id("res_half", "paper"), "758ef1e19ee3754d");
});

Deno.test("codec, bitrate and platform records map to their encoder under either profile", () => {
  for (const profile of ["paper", "lossless"] as const) {
    assert.deepEqual(encoderArgs(getOperation("h265_crf28"), profile).slice(0, 4), [
      "-c:v",
      "libx265",
      "-crf",
      "28",
    ]);
    const vp9 = encoderArgs(getOperation("vp9_crf31"), profile);
    assert.deepEqual(vp9.slice(0, 6), ["-c:v", "libvpx-vp9", "-crf", "31", "-b:v", "0"]);
    assert.ok(!vp9.includes("libx264") && vp9.includes("-an") && vp9.includes("yuv420p"));
    assert.deepEqual(encoderArgs(getOperation("bitrate_300k"), profile).slice(0, 8), [
      "-c:v",
      "libx264",
      "-b:v",
      "300k",
      "-maxrate",
      "300k",
      "-bufsize",
      "300k",
    ]);
  }
  assert.equal(getOperation("av1_crf35").encoder!.library, "--enable-libsvtav1");
  assert.equal(getOperation("mpeg4_q6").encoder!.library, null);
  assert.equal(getOperation("h265_crf28").crf, undefined);
  assert.equal(getOperation("blur_s1").filter, "gblur=sigma=1:steps=1");
  assert.equal(getOperation("gamma_g14").filter, "eq=gamma=1.4");
  // platform_yt caps the short side at 720, portrait too, and leaves smaller frames alone.
  const yt = getOperation("platform_yt");
  assert.deepEqual(yt.expectedSize(1920, 1080), { width: 1280, height: 720 });
  assert.deepEqual(yt.expectedSize(1080, 1920), { width: 720, height: 1280 });
  assert.deepEqual(yt.expectedSize(333, 187), { width: 333, height: 187 });
});

Deno.test("missingEncoder() names the library a build lacks; ffmpeg's own encoders always pass", () => {
  const wasm = "--enable-gpl --enable-libx264 --enable-libx265 --enable-libvpx --enable-zlib";
  assert.match(missingEncoder(getOperation("av1_crf35"), wasm)!, /no libsvtav1 encoder/);
  assert.equal(missingEncoder(getOperation("h265_crf28"), wasm), null);
  assert.equal(missingEncoder(getOperation("mpeg4_q6"), ""), null);
  assert.equal(missingEncoder(getOperation("noise"), ""), null);
  // A chain ending in a codec step needs that codec.
  const chain = chainInstance({ name: "c", ops: ["res_half", "av1_crf35"] });
  assert.match(missingEncoder(chain, wasm)!, /libsvtav1/);
});

Deno.test("upscale runs a per-size graph; a chain passes each step the size before it", () => {
  const up = getOperation("upscale_half");
  assert.match(up.filter!, /<input width>/);
  assert.equal(
    up.filterFor!(330, 200),
    "scale=w=max(2\\,trunc(iw*1/2/2)*2):h=max(2\\,trunc(ih*1/2/2)*2):flags=bicubic," +
      "scale=w=330:h=200:flags=lanczos",
  );
  assert.deepEqual(up.expectedSize(330, 200), { width: 330, height: 200 });
  const chain = chainInstance({ name: "c", ops: ["res_half", "upscale_half", "h265_crf28"] });
  assert.match(chain.filterFor!(640, 360)!, /scale=w=320:h=180:flags=lanczos$/);
  assert.equal(chain.encoder!.codec, "libx265");
  assert.throws(
    () => chainInstance({ name: "c", ops: ["vp9_crf31", "hflip"] }),
    /compression step "vp9_crf31" must be last/,
  );
});

Deno.test("a family the paper does not use means its whole ladder in --ops", async () => {
  assert.deepEqual((await selectOperations("gamma")).map((o) => o.id), [
    "gamma_g12",
    "gamma_g14",
    "gamma_g16",
    "gamma_g18",
    "gamma_g20",
  ]);
  assert.deepEqual((await selectOperations("vp9", { severity: [2] })).map((o) => o.id), [
    "vp9_crf31",
  ]);
  assert.deepEqual((await selectOperations("h264")).map((o) => o.id), ["h264_crf23", "h264_crf40"]);
});
