/**
 * Issue 29 part 2 and issue 25 item 5: the report as something to print and share, on a
 * generated store of seven detector runs made in a non-alphabetical order (one with no signal).
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFixtureStore } from "./report_fixture.ts";
import { loadReportData } from "../report/collect.ts";
import { REPORT_FORMATS } from "../report/format_catalog.ts";
import { renderReport } from "../report/html.ts";
import type { ReportData } from "../report/report_data.ts";
import { deltaHeatmapChart, rocChart, severityChart } from "../report/charts.ts";
import { chanceWarnings } from "../report/chance_warning.ts";
import { tableOne } from "../metrics/table.ts";
import { modelLabel } from "../metrics/op_auc.ts";
import { describeOperation } from "../ops/describe.ts";
import { FAMILIES, getOperation, instanceOf } from "../ops/catalog.ts";
import type { OpFamily } from "../ops/operation.ts";
import { severityScale } from "../ops/severity_scale.ts";
import { scanStore } from "../store/store.ts";
import { skipSuite, skipWithout } from "./_tools.ts";
import { hasCommand } from "./_tools.ts";

/** The runs in the order they were made: not the alphabet's. */
const SEVEN = [
  ["mesonet4", "FF++c23"],
  ["mesoinception4", "FF++c23"],
  ["xception", "FF++c23"],
  ["capsule", "FF++c23"],
  ["efficientnet_b4", "DFDC"],
  ["sbi", "FF++raw"],
  ["demo_weak", "demo"],
] as const;

let shared: { store: string; data: ReportData } | undefined;

// One store and one load for every test of this file.
async function seven(): Promise<{ store: string; data: ReportData }> {
  if (shared) return shared;
  const dir = await Deno.makeTempDir({ prefix: "dfrobust-print-" });
  const store = join(dir, "store");
  await writeFixtureStore(store, { detectors: SEVEN, chanceDetector: "demo_weak" });
  shared = { store, data: await loadReportData(store, { bootstrapResamples: 200 }) };
  return shared;
}

function render(id: string, data: ReportData, options = {}): Promise<string> {
  return REPORT_FORMATS.find((f) => f.id === id)!.render(data, options);
}

// The Markdown Table I's lines (header, alignment, rows): from the first "|" to the first blank.
function firstTable(md: string): string[] {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => l.startsWith("|"));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith("|"));
  return lines.slice(start, end);
}

Deno.test("the Markdown Table I is numbers only, titled by its metric, details in a second table", async () => {
  const { data } = await seven();
  const md = await render("md", data);
  assert.match(md, /^## Table I: video-level AUC\n/);
  const rows = firstTable(md).slice(2);
  assert.equal(rows.length, SEVEN.length);
  for (const row of rows) {
    const cells = row.split(" | ").slice(2);
    for (const cell of cells) {
      assert.match(cell.replace(/ \|$/, ""), /^(\d\.\d{3}( ▼)?|–)$/, `not a number: "${cell}"`);
    }
  }
  assert.doesNotMatch(firstTable(md).join("\n"), /n=|Holm|\(/);
  // The second table: one line per run and operation, with n, Δ, p and Holm p.
  assert.match(md, /\nDetails per cell:\n\n\| Detector \| Operation \| n \(fake\/real\) \|/);
  const table = tableOne(data.cells, { runOrder: data.runOrder });
  const cell = table.rows[0].cells.h264_crf40;
  const line = md.split("\n").find((l) => l.startsWith(`| ${SEVEN[0][0]} | CRF 40 |`))!;
  assert.ok(
    line.includes(`| ${cell.deltaAuc!.toFixed(3)} [${cell.deltaCiLow!.toFixed(3)}, `),
    line,
  );
  assert.ok(line.includes(`| 12 (6/6) |`), line);
  const eer = await render("md", data, { metric: "eer" });
  assert.match(eer, /^## Table I: video-level EER\n/);
});

Deno.test("rows and panels follow the order the runs were made, or named, not the alphabet", async () => {
  const { store, data } = await seven();
  const names = SEVEN.map(([d, t]) => modelLabel(d, t));
  const md = await render("md", data);
  assert.deepEqual(
    firstTable(md).slice(2).map((l) => l.split(" | ")[0].slice(2)),
    SEVEN.map(([d]) => d),
  );
  const html = await renderReport(data, { interactive: false });
  const table = html.slice(html.indexOf('<table class="table-one">'));
  const htmlRows = [...table.matchAll(/<tr><th scope="row">([^<]+)<\/th>/g)].map((m) => m[1]);
  assert.deepEqual(htmlRows.slice(0, SEVEN.length), SEVEN.map(([d]) => d));
  const roc = rocChart(data.rocs) as unknown as { facet: { sort: string[] }; columns: number };
  assert.deepEqual(roc.facet.sort, names);
  assert.ok(roc.columns < SEVEN.length, "ROC panels wrap into rows");
  const heat = deltaHeatmapChart(data.cells) as unknown as {
    layer: { encoding: { y: { sort: string[] } } }[];
  };
  assert.deepEqual(heat.layer[0].encoding.y.sort, names);
  // Named with --run: the order named.
  const chosen = await loadReportData(store, { bootstrapResamples: 0, runs: ["sbi", "capsule"] });
  assert.deepEqual(
    tableOne(chosen.cells, { runOrder: chosen.runOrder }).rows.map((r) => r.detector),
    ["sbi", "capsule"],
  );
  assert.deepEqual(chosen.provenance.runs.map((r) => r.detector), ["sbi", "capsule"]);
});

Deno.test("the HTML report prints each cell's delta and Holm p, the details, and has print CSS", async () => {
  const { data } = await seven();
  const html = await renderReport(data, { interactive: false });
  assert.match(html, /@media print \{/);
  assert.match(html, /section \{ break-before: page; \}/);
  assert.match(html, /\.vis svg \{ max-width: 100%; height: auto; \}/);
  const table = tableOne(data.cells, { runOrder: data.runOrder });
  for (const row of table.rows) {
    for (const column of table.columns.filter((c) => c.opId !== "unaltered")) {
      const cell = row.cells[column.opId];
      const p = cell.pHolm! < 0.001 ? "<0.001" : `=${cell.pHolm!.toFixed(3)}`;
      const printed = `<span class="stats">Δ ${cell.deltaAuc!.toFixed(3)}</span>` +
        `<span class="stats">p${p.replace("<", "&lt;")}</span>`;
      assert.ok(html.includes(printed), `${row.detector} ${column.opId}: ${printed}`);
    }
  }
  const details = html.slice(html.indexOf('<section id="table-details">'));
  const cell = table.rows[2].cells.noise;
  assert.ok(
    details.includes(
      `${cell.auc!.toFixed(3)} [${cell.ciLow!.toFixed(3)}, ${cell.ciHigh!.toFixed(3)}]`,
    ),
  );
});

Deno.test("operations are described from their records, with units on severity axes", async (t) => {
  await t.step("the catalog's H.264 level reads as the issue asks", () => {
    assert.equal(
      describeOperation(getOperation("h264_crf40")).line,
      "H.264, CRF 40, libx264 preset medium",
    );
    assert.equal(
      describeOperation(getOperation("noise")).line,
      "noise (strength 10, seed 20230417); then H.264, CRF 23, libx264 preset medium",
    );
    assert.match(describeOperation(getOperation("lighten"), "lossless").line, /lossless \(QP 0\)/);
    assert.equal(describeOperation(getOperation("unaltered")).encode, "no re-encode");
  });
  await t.step("a new family record is described without any edit elsewhere", () => {
    const family: OpFamily = {
      id: "posterize",
      category: "filter",
      description: "Fewer colour levels per channel.",
      reason: "test",
      parametric: true,
      levels: [
        { severity: 1, id: "posterize_b6", params: { bits: 6 } },
        { severity: 2, id: "posterize_b3", params: { bits: 3 } },
      ],
      filter: (p) => `lutrgb=r=bitand(val\\,${256 - 2 ** (8 - Number(p.bits))})`,
      encoder: () => ({ codec: "libx265", args: ["-crf", "30"], library: null, determinism: "" }),
      geometry: () => ({ hflip: false, vflip: false, scale: 1 }),
    };
    const words = describeOperation(instanceOf(family, family.levels[1]));
    assert.equal(words.line, "lutrgb (bits 3); then H.265 (HEVC), CRF 30, libx265 preset medium");
    assert.equal(words.what, "Fewer colour levels per channel.");
  });
  await t.step("every parametric family of the catalog has a severity axis in its unit", () => {
    for (const family of FAMILIES.filter((f) => f.parametric && f.levels.length > 1)) {
      const scale = severityScale(family.id);
      assert.notEqual(scale.title, "Ladder level", family.id);
      assert.equal(scale.values.size, family.levels.length, family.id);
    }
    assert.deepEqual([...severityScale("res").values.values()], [0.75, 0.5, 1 / 3, 0.25, 0.125]);
    assert.equal(severityScale("res").reversed, true);
    assert.equal(severityScale("h264").reversed, false);
  });
  await t.step(
    "the report lists every column in words and draws one severity panel per family",
    async () => {
      const { data } = await seven();
      const html = await renderReport(data, { interactive: false });
      const section = html.slice(html.indexOf('<section id="operations">'));
      for (const opId of new Set(data.cells.map((c) => c.opId))) {
        const line = describeOperation(getOperation(opId)).line.replaceAll("'", "&#39;");
        assert.ok(section.includes(`<code>${opId}</code></td><td>${line}</td>`), opId);
      }
      const spec = severityChart(data.cells) as unknown as {
        concat: { layer: { encoding?: { x?: { title: string } } }[] }[];
      };
      const titles = spec.concat.map((p) => p.layer.find((l) => l.encoding?.x)!.encoding!.x!.title);
      assert.deepEqual(titles, [severityScale("h264").title, severityScale("res").title]);
    },
  );
});

Deno.test("a detector whose Unaltered AUC interval includes 0.5 is named: its drops cannot be read", async () => {
  const { data } = await seven();
  const warnings = chanceWarnings(data.cells);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /^demo_weak \(demo\): its Unaltered AUC is 0\.\d{3} \(95% interval/);
  assert.match(warnings[0], /cannot be read/);
  const html = await renderReport(data, { interactive: false });
  assert.match(html, /<section id="chance">[^]*demo_weak \(demo\): its Unaltered AUC/);
  const md = await render("md", data);
  assert.match(md, /\n\*\*Warning:\*\* demo_weak \(demo\): its Unaltered AUC is/);
});

Deno.test("the Dataset section counts videos, frames and frames without a face as the store holds them", async () => {
  const { store, data } = await seven();
  const dataset = data.dataset!;
  // An independent count over the stored rows.
  const rows = (await scanStore(store)).collectSync().toRecords();
  const frames = new Map<string, boolean>();
  for (const r of rows) {
    if (Number(r.frame_index) < 0) continue;
    const key = `${r.run_id}/${r.op_id}/${r.video_id}/${r.frame_index}`;
    frames.set(key, (frames.get(key) ?? true) && r.status === "no_face");
  }
  for (const locator of dataset.locators) {
    const own = [...frames].filter(([k]) => k.startsWith(`${locator.runId}/`));
    const counts = dataset.noFace.filter((n) => n.runId === locator.runId);
    assert.equal(counts.reduce((s, n) => s + n.framesRead, 0), own.length);
    assert.equal(
      counts.reduce((s, n) => s + n.framesWithoutFace, 0),
      own.filter(([, v]) => v).length,
    );
    assert.equal(locator.faceModelSha256, "f1ace".padEnd(64, "0"));
  }
  const videos = new Set(rows.map((r) => `${r.video_id}/${r.label}`));
  assert.equal(dataset.videos, videos.size);
  assert.equal(dataset.fake, [...videos].filter((v) => v.endsWith("/1")).length);
  assert.deepEqual(dataset.framesPerVideo, { min: 4, median: 4, max: 4 });
  const html = await renderReport(data, { interactive: false });
  const section = html.slice(html.indexOf('<section id="dataset">'));
  assert.match(section, /<p>12 videos: 6 real, 6 fake; 4 sampled frames per video and copy\./);
  assert.match(
    section,
    /<td>mesonet4 \(FF\+\+c23\)<\/td><td>ultraface<\/td><td>face model <code>f1ace0+<\/code><\/td><td>14 of 672 \(2\.1%\)<\/td>/,
  );
});

Deno.test({
  name: "the seven-detector report printed to PDF carries every cell's numbers and all ROC panels",
  ignore: skipWithout("chromium", "report printed to PDF") ||
    (!hasCommand("pdftotext", "-v") &&
      skipSuite("report printed to PDF", "needs pdftotext (Debian poppler-utils)")),
  fn: async () => {
    const { data } = await seven();
    const dir = await Deno.makeTempDir({ prefix: "dfrobust-pdf-" });
    try {
      const page = join(dir, "report.html");
      await Deno.writeTextFile(page, await renderReport(data));
      const pdf = join(dir, "report.pdf");
      const profile = join(dir, "profile");
      const out = await new Deno.Command("chromium", {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          `--user-data-dir=${profile}`,
          "--virtual-time-budget=5000",
          "--no-pdf-header-footer",
          `--print-to-pdf=${pdf}`,
          `file://${page}`,
        ],
        stdout: "null",
        stderr: "null",
      }).output();
      assert.ok(out.success, "chromium --print-to-pdf failed");
      const text = new TextDecoder().decode(
        (await new Deno.Command("pdftotext", { args: ["-raw", pdf, "-"], stdout: "piped" })
          .output())
          .stdout,
      );
      const table = tableOne(data.cells, { runOrder: data.runOrder });
      for (const row of table.rows) {
        const delta = row.cells.h264_crf40.deltaAuc!.toFixed(3);
        assert.ok(text.includes(`Δ ${delta}`), `${row.detector}: Δ ${delta} not printed`);
      }
      for (const [detector, trainSet] of SEVEN) {
        // Table row, ROC panel, severity legend and more: each run is named in print.
        const label = modelLabel(detector, trainSet);
        assert.ok(text.split(label).length - 1 >= 3, `${label} printed fewer than 3 times`);
      }
      assert.match(text, /False positive rate/);
      assert.match(text, /CRF \(libx264 constant rate factor/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
