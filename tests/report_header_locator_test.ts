// The HTML report's small print: paths wrap between folder names, the face-locator table says
// what its hash is of, and a run with no frame lacking a face says "none".
import assert from "node:assert/strict";
import type { DatasetSummary } from "../report/dataset_summary.ts";
import { datasetHtml } from "../report/dataset_view.ts";
import { pathHtml } from "../report/path_html.ts";
import type { Provenance } from "../report/provenance.ts";
import { renderReport } from "../report/html.ts";
import type { ReportData } from "../report/report_data.ts";

Deno.test("pathHtml() lets a path break after its separators only, and escapes it", () => {
  assert.equal(
    pathHtml("/work/a long/results.store").text,
    "<code>/<wbr>work/<wbr>a long/<wbr>results.store</code>",
  );
  assert.equal(pathHtml("C:\\runs\\<x>").text, "<code>C:\\<wbr>runs\\<wbr>&lt;x&gt;</code>");
  assert.equal(pathHtml("store").text, "<code>store</code>");
});

const PROVENANCE: Provenance = {
  dfrobustVersion: "0",
  denoVersion: "2",
  generatedAt: "now",
  store: "/s",
  runs: [],
  copies: [],
};
const HASH = "ab".repeat(32);

function dataset(locators: DatasetSummary["locators"], noFace: DatasetSummary["noFace"]) {
  return {
    videos: 2,
    real: 1,
    fake: 1,
    methods: [],
    framesPerVideo: { min: 4, median: 4, max: 4 },
    locators,
    noFace,
  } as DatasetSummary;
}

Deno.test("the face-locator table names what its hash is of and says none for no faceless frame", async (t) => {
  const html = datasetHtml(
    dataset(
      [
        { runId: "u", faceMode: "ultraface", faceModelSha256: HASH },
        { runId: "s", faceMode: "sidecar", faceModelSha256: HASH },
        { runId: "f", faceMode: "full", faceModelSha256: null },
        { runId: "e", faceMode: "ultraface", faceModelSha256: null },
      ],
      [
        { runId: "u", opId: "unaltered", framesRead: 8, framesWithoutFace: 0, videos: 0 },
        { runId: "s", opId: "h264_crf40", framesRead: 8, framesWithoutFace: 2, videos: 1 },
      ],
    ),
    PROVENANCE,
    [],
  ).text;
  const row = (runId: string) => html.match(new RegExp(`<tr><td>${runId}</td>.*</tr>`))![0];
  await t.step("the column says the hash is of what gave the boxes", () => {
    assert.doesNotMatch(html, /<th>Model SHA-256<\/th>/);
    assert.match(html, /<th>Face boxes from \(SHA-256\)<\/th>/);
  });
  await t.step("face model in locator modes, sidecar file in sidecar mode", () => {
    assert.match(row("u"), new RegExp(`<td>face model <code>${HASH}</code></td>`));
    assert.match(row("s"), new RegExp(`<td>sidecar file <code>${HASH}</code></td>`));
    assert.match(row("f"), /<td>none \(whole frame\)<\/td>/);
    assert.match(row("e"), /<td>not recorded<\/td>/);
  });
  await t.step("the copy with the most faceless frames: named, none, or no frame read", () => {
    assert.match(row("s"), /<td>most in h264_crf40: 2 of 8 \(25\.0%\) in 1 video<\/td><\/tr>/);
    assert.match(row("u"), /<td>none \(every frame had a face\)<\/td><\/tr>/);
    assert.match(row("f"), /<td>– \(no frame read\)<\/td><\/tr>/);
  });
});

Deno.test("the report's header and provenance wrap the store path between folder names", async () => {
  const data = {
    cells: [],
    rocs: [],
    notes: [],
    provenance: { ...PROVENANCE, store: "runs/long-folder-name/results", dataDir: "d/copies" },
  } as unknown as ReportData;
  const html = await renderReport(data, { interactive: false });
  const header = html.slice(html.indexOf("<header>"), html.indexOf("</header>"));
  assert.match(header, /<code>runs\/<wbr>long-folder-name\/<wbr>results<\/code>/);
  assert.match(html, /<dd><code>d\/<wbr>copies<\/code><\/dd>/);
  // No style breaks a code span at any letter; a name longer than the line still wraps.
  assert.doesNotMatch(html, /word-break:\s*break-all/);
  assert.match(html, /code \{[^}]*overflow-wrap: anywhere/);
});
