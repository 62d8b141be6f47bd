import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "../deps/csv_parse.ts";
import { readDatasetManifest, writeDatasetManifest } from "../dataset/manifest.ts";
import { csvText, parseCsv, parseCsvRecords } from "../util/csv.ts";

Deno.test("csvText() quotes only the fields that need it", async (t) => {
  const cases: [string | number | null | undefined, string][] = [
    ["plain", "plain"],
    ["with space", "with space"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["carriage\rreturn", '"carriage\rreturn"'],
    [" leading", '" leading"'],
    ["trailing\t", '"trailing\t"'],
    [0, "0"],
    [0.25, "0.25"],
    [undefined, ""],
    [null, ""],
    ["", ""],
    ["é;#=", "é;#="],
  ];
  for (const [value, written] of cases) {
    await t.step(`${JSON.stringify(value) ?? "undefined"}`, () => {
      assert.equal(csvText([["x", value]]), `x,${written}\n`);
    });
  }
});

Deno.test("csvText() rows read back field for field with csv-parse", () => {
  const rows = [["id", "path", "label"], ["a b", "dir, with comma/x.mp4", "1"], [
    '"q"',
    " pad ",
    "two\nlines\rcr",
  ]];
  assert.deepEqual(parse(csvText(rows), { relax_column_count: false }), rows);
});

Deno.test("writeDatasetManifest() writes the manifest readDatasetManifest() reads", async () => {
  const dir = await Deno.makeTempDir();
  const csv = join(dir, "dataset.csv");
  await writeDatasetManifest(csv, [
    { id: "v1", relativePath: "videos/a b.mp4", label: 0 },
    { id: "v,2", relativePath: "videos/v2.mp4", label: 1, split: "test", method: "Deepfakes" },
  ]);
  assert.equal(
    await Deno.readTextFile(csv),
    "id,path,label,split,method\nv1,videos/a b.mp4,0,,\n" +
      '"v,2",videos/v2.mp4,1,test,Deepfakes\n',
  );
  const entries = await readDatasetManifest(csv);
  assert.deepEqual(entries.map((e) => [e.id, e.relativePath, e.label, e.split, e.method]), [
    ["v1", "videos/a b.mp4", 0, undefined, undefined],
    ["v,2", "videos/v2.mp4", 1, "test", "Deepfakes"],
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("csvText() guards spreadsheet formulas and parseCsv() reads them back", async (t) => {
  const cases: [string, string][] = [
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ["+1+2", "'+1+2"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["'=already", "''=already"],
    ["''@twice", "'''@twice"],
    ["-0.052", "-0.052"],
    ["+3", "+3"],
    ["-1e-5", "-1e-5"],
    ["'quoted", "'quoted"],
    ["a=b", "a=b"],
  ];
  for (const [value, written] of cases) {
    await t.step(JSON.stringify(value), () => {
      const text = csvText([["x"], [value]]);
      assert.equal(text.split("\n").slice(1).join("\n"), written + "\n");
      assert.deepEqual(parseCsv(text), [["x"], [value]]);
      assert.deepEqual(parseCsvRecords(text), [{ x: value }]);
    });
  }
});

Deno.test("a dataset manifest with formula-like ids and paths reads back as written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const csv = join(dir, "m.csv");
    const entries = [
      { id: "=cmd|' /C calc'!A0", relativePath: "-x.mp4", label: 1 as const },
      { id: "@evil", relativePath: "+y.mp4", label: 0 as const },
    ];
    await writeDatasetManifest(csv, entries);
    const text = await Deno.readTextFile(csv);
    for (const line of text.trim().split("\n").slice(1)) {
      assert.match(line, /^"?'/, `the id field of ${line} starts with the guard`);
    }
    const read = await readDatasetManifest(csv);
    assert.deepEqual(read.map((e) => e.id), entries.map((e) => e.id));
    assert.deepEqual(read.map((e) => e.relativePath), entries.map((e) => e.relativePath));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
