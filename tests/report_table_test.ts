import assert from "node:assert/strict";
import { parse } from "../deps/csv_parse.ts";
import type { AucCell } from "../metrics/op_auc.ts";
import { orderColumns } from "../metrics/columns.ts";
import { tableOne } from "../metrics/table.ts";
import {
  tableCsv,
  tableDetailsMarkdown,
  tableHtml,
  tableJson,
  tableMarkdown,
} from "../report/table_format.ts";

function cell(detector: string, opId: string, category: string, auc: number | null): AucCell {
  return {
    detector,
    trainSet: "FF++c23",
    opId,
    opCategory: category,
    auc,
    negatives: 5,
    positives: 5,
  };
}

// Deliberately shuffled input: the table must come out in the paper's order.
const CELLS: AucCell[] = [
  cell("xception", "vflip", "flip", 0.6),
  cell("xception", "unaltered", "unaltered", 0.99),
  cell("xception", "h264_crf40", "compression", 0.7),
  cell("xception", "noise_s5", "noise", 0.9),
  cell("xception", "noise", "noise", 0.8),
  cell("capsule", "unaltered", "unaltered", 0.95),
  cell("capsule", "vflip", "flip", null),
  cell("capsule", "h264_crf40", "compression", 0.75),
];

Deno.test("orderColumns() follows the paper and puts extra ladder levels after their category", () => {
  const ids = orderColumns(CELLS.map((c) => ({ opId: c.opId, category: c.opCategory })))
    .map((c) => c.opId);
  assert.deepEqual(ids, ["unaltered", "h264_crf40", "noise", "noise_s5", "vflip"]);
});

Deno.test("tableOne() averages the processed columns and skips missing values", () => {
  const table = tableOne(CELLS);
  assert.deepEqual(table.rows.map((r) => r.detector), ["capsule", "xception"]);
  const [capsule, xception] = table.rows;
  assert.equal(capsule.values.vflip, null);
  assert.equal(capsule.values.noise, null);
  assert.equal(capsule.average, 0.75);
  assert.ok(Math.abs(xception.average! - (0.7 + 0.8 + 0.9 + 0.6) / 4) < 1e-12);
  assert.ok(Math.abs(xception.categoryMeans.noise! - 0.85) < 1e-12);
  assert.equal(capsule.categoryMeans.flip, null);
  assert.equal("unaltered" in xception.categoryMeans, false);
});

Deno.test("Table I formats carry the same numbers", async (t) => {
  const table = tableOne(CELLS);
  // Issue 8: every format shows the number of videos behind each AUC (n).
  await t.step("Markdown has a header, an alignment row and one line of numbers per model", () => {
    const lines = tableMarkdown(table).trim().split("\n");
    assert.equal(lines.length, 4);
    assert.equal(
      lines[0],
      "| Detector | Train set | Unaltered | Compression: CRF 40 | Noise | Noise strength 5 | Flip: V-flip | Average |",
    );
    assert.equal(lines[2], "| capsule | FF++c23 | 0.950 | 0.750 | – | – | – | 0.750 |");
  });
  // Issue 25: n and the rest go to a second table, one line per run and operation.
  await t.step("the details table has n (fake/real) for every cell", () => {
    const lines = tableDetailsMarkdown(table).trim().split("\n");
    const cells = table.rows.reduce((s, r) => s + Object.keys(r.cells).length, 0);
    assert.equal(lines.length, 2 + cells);
    assert.match(
      lines.find((l) => l.startsWith("| capsule | Unaltered |"))!,
      /\| 10 \(\d+\/\d+\) \| 0\.950 \|/,
    );
  });
  await t.step(
    "CSV parses back with op ids as columns, n_<op> columns, empty missing fields",
    () => {
      const rows = parse(tableCsv(table), { columns: true }) as Record<string, string>[];
      assert.deepEqual(Object.keys(rows[0]), [
        "detector",
        "train_set",
        "unaltered",
        "h264_crf40",
        "noise",
        "noise_s5",
        "vflip",
        "average",
        "n_unaltered",
        "n_h264_crf40",
        "n_noise",
        "n_noise_s5",
        "n_vflip",
      ]);
      assert.equal(rows[1].detector, "xception");
      assert.equal(rows[1].noise, "0.800");
      assert.equal(rows[0].vflip, "");
      assert.equal(rows[0].n_vflip, "10");
      // capsule has no noise copy at all: no n either.
      assert.equal(rows[0].n_noise, "");
    },
  );
  await t.step("categoryMeans adds one mean column per altered category", () => {
    const [, xception] = parse(tableCsv(table, { categoryMeans: true }), {
      columns: true,
    }) as Record<string, string>[];
    assert.equal(xception.mean_noise, "0.850");
    assert.equal(xception.mean_flip, "0.600");
    assert.equal("mean_unaltered" in xception, false);
  });
  await t.step("JSON round-trips the table record, with n, nReal and nFake per cell", () => {
    // The record, with its metric named even for AUC (where the record leaves it out).
    assert.equal(table.metric, undefined);
    assert.deepEqual(JSON.parse(tableJson(table)), {
      ...JSON.parse(JSON.stringify(table)),
      metric: "auc",
    });
    assert.equal(JSON.parse(tableJson({ ...table, metric: "ap" })).metric, "ap");
    const capsule = JSON.parse(tableJson(table)).rows[0];
    assert.deepEqual(
      [capsule.cells.vflip.n, capsule.cells.vflip.nReal, capsule.cells.vflip.nFake],
      [10, 5, 5],
    );
  });
  await t.step("HTML groups operations under category headers and escapes text", () => {
    const html = tableHtml(tableOne([...CELLS, cell("<b>", "unaltered", "unaltered", 0.5)]));
    assert.match(html, /<th colspan="2">Noise<\/th>/);
    assert.match(html, /<th rowspan="2">Detector<\/th>/);
    assert.ok(html.includes("&lt;b&gt;") && !html.includes("<b>"));
    assert.match(
      html,
      /<td class="best" title="5 fake, 5 real">0\.990<span class="n">n=10<\/span><\/td>/,
    );
    const withCi = tableHtml(tableOne([{ ...CELLS[1], ciLow: 0.95, ciHigh: 1 }]));
    assert.match(
      withCi,
      /<td class="best" title="5 fake, 5 real; 95% CI 0\.950–1\.000">0\.990<span class="n">n=10</,
    );
  });
});

Deno.test("a cell with no video scored reads so in every Table I format", () => {
  const note = "no videos scored (4 videos left out: 4 no_face (no face in any sampled frame))";
  const empty = (opId: string, category: string): AucCell => ({
    ...cell("nofail", opId, category, null),
    positives: 0,
    negatives: 0,
    note,
  });
  const table = tableOne([empty("unaltered", "unaltered"), empty("hflip", "flip")]);
  assert.equal(table.rows.length, 1, "the run keeps its row");
  assert.ok(table.notes.includes(`nofail/FF++c23, hflip: ${note}`));
  const md = tableMarkdown(table).trim().split("\n")[2];
  assert.equal(md, "| nofail | FF++c23 | no videos scored | no videos scored | – |");
  const [csv] = parse(tableCsv(table), { columns: true }) as Record<string, string>[];
  assert.deepEqual([csv.unaltered, csv.n_unaltered, csv.hflip, csv.n_hflip], ["", "0", "", "0"]);
  const json = JSON.parse(tableJson(table));
  assert.deepEqual(json.rows[0].cells.hflip, {
    opId: "hflip",
    auc: null,
    n: 0,
    nReal: 0,
    nFake: 0,
    note,
  });
  const html = tableHtml(table);
  assert.equal(
    (html.match(/<td class="none" title="no videos scored \(4 videos/g) ?? []).length,
    2,
  );
  assert.match(html, />no videos scored<\/td>/);
});
