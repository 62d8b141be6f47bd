// One Markdown rule for every table the report writes (util/markdown.ts) and one order for the
// video counts (report/video_count.ts): the same p-value, interval and count read the same in
// Table I's details, the slice tables, the detector comparison and the decision view.
import assert from "node:assert/strict";
import type { AucCell } from "../metrics/op_auc.ts";
import type { RunComparison } from "../metrics/run_comparison.ts";
import type { Slice } from "../metrics/slices.ts";
import { tableOne } from "../metrics/table.ts";
import { comparisonMarkdown } from "../report/comparison_format.ts";
import { sliceMarkdown } from "../report/slice_format.ts";
import { tableDetailsMarkdown, tableMarkdown } from "../report/table_format.ts";
import { markdownText } from "../util/markdown.ts";

// A cell with a tiny p-value, an interval and 7 fakes against 3 reals.
function cell(opId: string, category: string, auc: number): AucCell {
  return {
    detector: "xception",
    trainSet: "c23",
    opId,
    opCategory: category,
    auc,
    ciLow: 0.5,
    ciHigh: 0.75,
    positives: 7,
    negatives: 3,
    ...(opId === "unaltered"
      ? {}
      : { deltaAuc: -0.3, deltaCiLow: -0.4, deltaCiHigh: -0.2, p: 0.0001, pHolm: 0.0002 }),
  } as AucCell;
}
const CELLS = [cell("unaltered", "unaltered", 0.9), cell("h264_crf40", "compression", 0.6)];

const COMPARISON: RunComparison = {
  metric: "auc",
  runA: { runId: "a", label: "xception (c23)" },
  runB: { runId: "b", label: "sbi" },
  rows: [{
    opId: "h264_crf40",
    opCategory: "compression",
    n: 10,
    nReal: 3,
    nFake: 7,
    valueA: 0.6,
    valueB: 0.8,
    difference: 0.2,
    p: 0.0001,
    pHolm: 0.0002,
    deltaA: -0.3,
    deltaB: -0.1,
    deltaDifference: 0.2,
    deltaDifferenceLow: 0.1,
    deltaDifferenceHigh: 0.3,
  }],
  cells: [],
  notes: [],
};

const SLICE: Slice = {
  by: "method",
  value: "Deepfakes",
  protocol: "all-reals",
  cells: CELLS as never,
};

function tables(): Record<string, string> {
  const table = tableOne(CELLS);
  return {
    "Table I": tableMarkdown(table),
    "Table I details": tableDetailsMarkdown(table),
    slices: sliceMarkdown([SLICE]),
    comparison: comparisonMarkdown(COMPARISON),
  };
}

Deno.test("every Markdown table writes p-values, intervals and counts the same way", async (t) => {
  for (const [name, md] of Object.entries(tables())) {
    await t.step(`${name}: no HTML entity and no escaped bracket in dfrobust's own text`, () => {
      assert.doesNotMatch(md, /&lt;|&gt;|&amp;/, md);
      assert.doesNotMatch(md, /\\\[|\\\]/, md);
    });
  }
  const all = tables();
  await t.step("p below 0.001 reads <0.001 wherever it is printed", () => {
    assert.match(all["Table I details"], /\| <0\.001 \|/);
    assert.match(all.slices, /p<0\.001/);
    assert.match(all.comparison, /\| <0\.001 \|/);
  });
  await t.step("intervals are plain brackets", () => {
    assert.match(all["Table I details"], /0\.600 \[0\.500, 0\.750\]/);
    assert.match(all.comparison, /\+0\.200 \[\+0\.100, \+0\.300\]/);
  });
  await t.step("counts are fake/real in every table", () => {
    assert.match(all["Table I details"], /\| n \(fake\/real\) \|/);
    assert.match(all["Table I details"], /\| 10 \(7\/3\) \|/);
    assert.match(all.comparison, /\| n \(fake\/real\) \|/);
    assert.match(all.comparison, /\| 10 \(7\/3\) \|/);
    assert.match(all.slices, /7 fake, 3 real/);
  });
});

Deno.test("markdownText() keeps data inert but leaves plain text plain", async (t) => {
  const cases: [string, string][] = [
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)>"],
    ["</script><!-- x --><?php", "&lt;/script>&lt;!-- x -->&lt;?php"],
    ["<javascript:alert(1)>", "&lt;javascript:alert(1)>"],
    ["&lt; &#60; &amp", "&amp;lt; &amp;#60; &amp;amp"],
    ["[a](javascript:x) ![i](x) [r][1] [d]: x", "[a\\](javascript:x) ![i\\](x) [r\\][1] [d\\]: x"],
    ["> quote", "&gt; quote"],
    ["a | b `c` \\d", "a \\| b \\`c\\` \\\\d"],
    ["line\nbreak\r", "line break "],
    ["p<0.001, a > b, [0.7, 0.9], R & D 5 < 6", "p<0.001, a > b, [0.7, 0.9], R & D 5 < 6"],
  ];
  for (const [input, want] of cases) {
    await t.step(JSON.stringify(input), () => assert.equal(markdownText(input), want));
  }
});
