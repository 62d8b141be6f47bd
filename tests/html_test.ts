import assert from "node:assert/strict";
import { tableOne } from "../metrics/table.ts";
import { leftOutHtml } from "../report/left_out_view.ts";
import { tableHtml } from "../report/table_format.ts";
import { escapeHtml, Html, joinHtml, raw, safeHtml } from "../util/html.ts";

Deno.test("safeHtml escapes every interpolated text and keeps markup it made", async (t) => {
  await t.step("text and attribute values are escaped", () => {
    const name = `<img src=x onerror="alert('x')">&`;
    assert.equal(
      String(safeHtml`<td title="${name}">${name}</td>`),
      '<td title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">' +
        "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</td>",
    );
  });
  await t.step("nested templates and raw() markup are inserted as they are", () => {
    const inner = safeHtml`<b>${"a<b"}</b>`;
    assert.ok(inner instanceof Html);
    assert.equal(String(safeHtml`<p>${inner}${raw("<br>")}</p>`), "<p><b>a&lt;b</b><br></p>");
  });
  await t.step("numbers print, arrays concatenate, null, undefined and false vanish", () => {
    const items = ["x", "<y>"].map((s) => safeHtml`<li>${s}</li>`);
    assert.equal(
      String(safeHtml`${0.5}|${items}|${null}${undefined}${false}|${["&", 1]}`),
      "0.5|<li>x</li><li>&lt;y&gt;</li>||&amp;1",
    );
  });
  await t.step("joinHtml() puts literal separators between escaped parts", () => {
    assert.equal(String(joinHtml([safeHtml`<i>a</i>`, "<b>"], "\n")), "<i>a</i>\n&lt;b&gt;");
  });
  await t.step("escapeHtml() covers the five characters HTML gives meaning to", () => {
    assert.equal(escapeHtml(`&<>"'`), "&amp;&lt;&gt;&quot;&#39;");
  });
});

Deno.test("text from a store cannot become markup in Table I or the left-out table", () => {
  const evil = "<script>alert(1)</script>";
  const table = tableHtml(tableOne([{
    detector: evil,
    trainSet: "a&b",
    opId: "unaltered",
    opCategory: "unaltered",
    auc: 0.9,
    positives: 2,
    negatives: 2,
    note: `"quoted" note`,
  }]));
  assert.ok(!table.includes("<script>"), table);
  assert.ok(table.includes("&lt;script&gt;alert(1)&lt;/script&gt;") && table.includes("a&amp;b"));
  assert.ok(table.includes("&quot;quoted&quot; note"), table);
  const leftOut = leftOutHtml([{
    runId: "r",
    detector: "d",
    trainSet: "",
    opId: "noise",
    artifactId: null,
    videoId: evil,
    label: 1,
    reason: "video_error",
    detail: 'Cannot decode "<x>.mp4"',
  }]);
  assert.ok(!leftOut.includes("<script>") && leftOut.includes("&lt;x&gt;.mp4"), leftOut);
});
