import assert from "node:assert/strict";
import { aucByOperationChart } from "../report/charts.ts";
import { mimeBundle, show } from "../report/show.ts";

const CELLS = [
  { detector: "d", trainSet: "", opId: "unaltered", opCategory: "unaltered", auc: 0.9 },
  { detector: "d", trainSet: "", opId: "noise", opCategory: "noise", auc: 0.7 },
].map((c) => ({ ...c, negatives: 3, positives: 3 }));

Deno.test("mimeBundle() sends a chart as one Vega-Lite v5 + SVG + text bundle", async () => {
  const spec = aucByOperationChart(CELLS);
  const bundle = await mimeBundle(spec);
  assert.deepEqual(Object.keys(bundle).sort(), [
    "application/vnd.vegalite.v5+json",
    "image/svg+xml",
    "text/plain",
  ]);
  assert.equal(bundle["application/vnd.vegalite.v5+json"], spec);
  assert.match(String(bundle["image/svg+xml"]), /^<svg[\s\S]*aria-roledescription="bar"/);
  assert.equal(bundle["text/plain"], "<Vega-Lite chart: Video-level AUC per operation>");
});

Deno.test("mimeBundle() maps text, tables and images to their MIME types", async (t) => {
  await t.step("a string is text/plain", async () => {
    assert.deepEqual(await mimeBundle("hello"), { "text/plain": "hello" });
  });
  await t.step("markdown carries its HTML and text forms", async () => {
    assert.deepEqual(await mimeBundle({ markdown: "| a |", html: "<table></table>" }), {
      "text/markdown": "| a |",
      "text/html": "<table></table>",
      "text/plain": "| a |",
    });
  });
  await t.step("a PNG is base64 with its alt text", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const bundle = await mimeBundle({ png, alt: "frames" });
    assert.equal(bundle["image/png"], "iVBORw==");
    assert.equal(bundle["text/plain"], "frames");
  });
  await t.step("anything else is refused", async () => {
    // deno-lint-ignore no-explicit-any
    await assert.rejects(() => mimeBundle({ nope: 1 } as any), /cannot display nope/);
  });
});

Deno.test("show() prints the text form outside the Jupyter kernel", async () => {
  const printed: unknown[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    await show("plain text");
    await show(aucByOperationChart(CELLS));
  } finally {
    console.log = original;
  }
  assert.deepEqual(printed, ["plain text", "<Vega-Lite chart: Video-level AUC per operation>"]);
});
