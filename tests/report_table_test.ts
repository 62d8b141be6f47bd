import assert from "node:assert/strict";
import { parse } from "../deps/csv_parse.ts";
import type { AucCell } from "../metrics/op_auc.ts";
import { orderColumns, tableOne } from "../metrics/table.ts";
import { tableCsv, tableHtml, tableJson, tableMarkdown } from "../report/table_format.ts";

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
  await t.step("Markdown has a header, an alignment row and one line per model", () => {
    const lines = tableMarkdown(table).trim().split("\n");
    assert.equal(lines.length, 4);
    assert.equal(
      lines[0],
      "| Detector | Train set | Unaltered | Compression: CRF 40 | Noise | Noise: noise_s5 | Flip: V-flip | Average |",
    );
    assert.equal(lines[2], "| capsule | FF++c23 | 0.950 | 0.750 | – | – | – | 0.750 |");
  });
  await t.step("CSV parses back with op ids as columns and empty missing fields", () => {
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
    ]);
    assert.equal(rows[1].detector, "xception");
    assert.equal(rows[1].noise, "0.800");
    assert.equal(rows[0].vflip, "");
  });
  await t.step("categoryMeans adds one mean column per altered category", () => {
    const [, xception] = parse(tableCsv(table, { categoryMeans: true }), {
      columns: true,
    }) as Record<string, string>[];
    assert.equal(xception.mean_noise, "0.850");
    assert.equal(xception.mean_flip, "0.600");
    assert.equal("mean_unaltered" in xception, false);
  });
  await t.step("JSON round-trips the table record", () => {
    assert.deepEqual(JSON.parse(tableJson(table)), JSON.parse(JSON.stringify(table)));
  });
  await t.step("HTML groups operations under category headers and escapes text", () => {
    const html = tableHtml(tableOne([...CELLS, cell("<b>", "unaltered", "unaltered", 0.5)]));
    assert.match(html, /<th colspan="2">Noise<\/th>/);
    assert.match(html, /<th rowspan="2">Detector<\/th>/);
    assert.ok(html.includes("&lt;b&gt;") && !html.includes("<b>"));
    assert.match(html, /<td class="best">0\.990<\/td>/);
    const withCi = tableHtml(tableOne([{ ...CELLS[1], ciLow: 0.95, ciHigh: 1 }]));
    assert.match(withCi, /<td class="best" title="95% CI 0\.950–1\.000">0\.990<\/td>/);
  });
});
