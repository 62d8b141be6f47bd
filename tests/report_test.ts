import assert from "node:assert/strict";
import { basename, join, relative } from "node:path";
import { QUALITY_CHART, REPORT_CHARTS } from "../report/chart_catalog.ts";
import { loadReportData } from "../report/collect.ts";
import { REPORT_FORMATS, UnknownFormatError } from "../report/format_catalog.ts";
import { writeReport } from "../report/write_report.ts";
import { renderReport } from "../report/html.ts";
import { chromiumDom, runDenoTask, skipWithout } from "./_tools.ts";
import { FIXTURE_DETECTORS, FIXTURE_OPS, writeFixtureStore } from "./report_fixture.ts";

const report = (args: string[]) => runDenoTask("tasks/report.ts", args);

Deno.test("renderReport() writes a self-contained page with Table I, SVG charts and provenance", async () => {
  const store = await Deno.makeTempDir();
  await writeFixtureStore(store);
  const data = await loadReportData(store, { referenceDetector: "xception" });
  assert.equal(data.cells.length, FIXTURE_DETECTORS.length * FIXTURE_OPS.length);
  assert.deepEqual(data.notes, []);
  // 95% bootstrap intervals bracket every AUC.
  for (const cell of data.cells) {
    assert.ok(cell.ciLow! <= cell.auc! && cell.auc! <= cell.ciHigh!, JSON.stringify(cell));
  }
  assert.equal(data.relative?.errors.find((e) => e.detector === "xception")?.mce, 1);
  const html = await renderReport(data);
  // Nothing is fetched from outside: no script, stylesheet, image or font with a remote source.
  assert.doesNotMatch(html, /<(script|img|iframe)[^>]+src=["']?(https?:)?\/\//i);
  assert.doesNotMatch(html, /<link[^>]+href=["']?(https?:)?\/\//i);
  assert.doesNotMatch(html, /@import|url\(\s*["']?https?:/i);
  assert.match(html, /<table class="table-one">/);
  assert.match(html, /Table I/);
  // Every chart of the catalog applies to the fixture store and is drawn as inline SVG, but the
  // quality chart, which needs the copies' manifests (--data; tests/charts_test.ts).
  const drawn = REPORT_CHARTS.filter((c) => c.id !== QUALITY_CHART.id);
  assert.ok((html.match(/<svg/g) ?? []).length >= drawn.length, "charts missing");
  assert.ok(!html.includes(`id="${QUALITY_CHART.id}"`));
  for (const chart of drawn) {
    assert.ok(html.includes(`<section class="chart" id="${chart.id}">`), chart.id);
  }
  // The bundled vega builds are inlined for the interactive charts.
  assert.ok(html.includes("vegaEmbed"));
  assert.ok(html.length > 500_000);
  for (const [detector] of FIXTURE_DETECTORS) assert.ok(html.includes(`run-${detector}`));
  assert.match(html, /Corruption error relative to xception/);
  const staticHtml = await renderReport(data, { interactive: false });
  assert.ok(!staticHtml.includes("vegaEmbed") && staticHtml.includes("<svg"));
});

Deno.test("writeReport() writes every format of the catalog", async (t) => {
  const store = await Deno.makeTempDir();
  await writeFixtureStore(store, { ops: ["unaltered", "noise"] });
  const starts: Record<string, RegExp> = {
    html: /^<!doctype html>/,
    md: /^## Table I: video-level AUC\n\n\| Detector \| Train set \| Unaltered \| Noise \|/,
    csv: /^detector,train_set,unaltered,noise,average,n_unaltered,n_noise,delta_noise,/,
    json: /^\{\n {2}"columns": \[/,
  };
  assert.deepEqual(REPORT_FORMATS.map((f) => f.id), Object.keys(starts));
  for (const format of REPORT_FORMATS) {
    await t.step(format.id, async () => {
      const out = join(store, `report.${format.extension}`);
      await writeReport(store, out, { format: format.id, interactive: false });
      assert.match(await Deno.readTextFile(out), starts[format.id]);
    });
  }
  await t.step("an unknown format is refused before the store is read", async () => {
    await assert.rejects(
      () => writeReport("/nonexistent", "x.pdf", { format: "pdf" }),
      UnknownFormatError,
      'must be one of html, md, csv, json, got "pdf"',
    );
  });
  await Deno.remove(store, { recursive: true });
});

Deno.test("deno task report handles good and bad input", async (t) => {
  await t.step("--help prints the flags and exits 0", async () => {
    const { code, stdout } = await report(["--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /--store <dir>/);
    assert.match(stdout, /--reference-detector <detector\|run>/);
    assert.match(stdout, /run id \(its first 6\+ characters\)/);
    // The --format choices come from the format catalog.
    assert.match(stdout, /--format <html\|md\|csv\|json>/);
    for (const f of REPORT_FORMATS) assert.ok(stdout.includes(`${f.id}: ${f.description}`));
  });
  await t.step("a missing --store or a bad --format is a usage error", async () => {
    assert.equal((await report([])).code, 2);
    const bad = await report(["--store", "x", "--format", "pdf"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be one of html, md, csv, json/);
  });
  await t.step("an empty store fails with a message naming it", async () => {
    const store = await Deno.makeTempDir();
    const { code, stderr } = await report(["--store", store, "--format", "md"]);
    assert.equal(code, 1);
    assert.ok(stderr.includes(store) && /empty/.test(stderr), stderr);
  });
  await t.step("Table I goes to stdout as Markdown, CSV and JSON", async () => {
    const store = await Deno.makeTempDir();
    await writeFixtureStore(store);
    const md = await report(["--store", store, "--format", "md"]);
    assert.equal(md.code, 0, md.stderr);
    assert.match(
      md.stdout,
      /^## Table I: video-level AUC\n\n\| Detector \| Train set \| Unaltered \| Compression: CRF 23 \|/,
    );
    // The title, the table, then (issue 9) the sentence that explains its significance marks,
    // (issue 25) the details of every cell in a second table, then (issue 22) the decision
    // view: per run its threshold, named, and its table.
    const [, tableOne, legend, detailsIntro, details, ...rest] = md.stdout.split("\n\n");
    const lines = tableOne.trim().split("\n");
    assert.equal(lines.filter((l) => l.startsWith("| ")).length, 2 + FIXTURE_DETECTORS.length);
    assert.match(legend, /^▼ marks a drop in AUC that is significant after Holm/);
    assert.equal(detailsIntro, "Details per cell:");
    assert.match(details, /^\| Detector \| Operation \| n \(fake\/real\) \|/);
    assert.match(
      rest[0],
      /^\*\*\w+ \/ FF\+\+\w+\*\* at threshold \d\.\d{3}, EER point of Unaltered:$/,
    );
    const csv = await report(["--store", store, "--format", "csv"]);
    assert.match(csv.stdout, /^detector,train_set,unaltered,h264_crf23,h264_crf33,h264_crf40,/);
    const json = JSON.parse((await report(["--store", store, "--format", "json"])).stdout);
    assert.equal(json.rows.length, FIXTURE_DETECTORS.length);
    // The metric is named for the default AUC too, as it is for --metric ap.
    assert.equal(json.metric, "auc");
  });
  await t.step(
    "--metric shows Table I in another cell metric; an unknown one is refused",
    async () => {
      const store = await Deno.makeTempDir();
      await writeFixtureStore(store, { ops: ["unaltered", "noise"] });
      const ap = await report(["--store", store, "--format", "json", "--metric", "ap"]);
      assert.equal(ap.code, 0, ap.stderr);
      const table = JSON.parse(ap.stdout);
      assert.equal(table.metric, "ap");
      for (const row of table.rows) {
        for (const [opId, value] of Object.entries(row.values)) {
          assert.equal(value, row.cells[opId].metrics.ap);
        }
      }
      const html = join(store, "ap.html");
      assert.equal((await report(["--store", store, "--metric", "eer", "--out", html])).code, 0);
      assert.match(await Deno.readTextFile(html), /<h2>Table I: video-level EER<\/h2>/);
      const bad = await report(["--store", store, "--metric", "f1"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /Unknown metric "f1" \(want one of auc, ap, eer, tpr, fpr/);
    },
  );
  await t.step(
    "the decision view takes its threshold rule from --threshold-rule, --fpr, --threshold or --metric",
    async () => {
      const store = await Deno.makeTempDir();
      await writeFixtureStore(store, { ops: ["unaltered", "noise", "h264_crf40"] });
      const json = await report(["--store", store, "--format", "json", "--fpr", "0.05"]);
      assert.equal(json.code, 0, json.stderr);
      const table = JSON.parse(json.stdout);
      for (const row of table.rows) {
        assert.equal(row.threshold.name, "FPR <= 0.05 on Unaltered");
        for (const cell of Object.values(row.cells) as TableCellJson[]) {
          const d = cell.decision;
          assert.equal(d.threshold, row.threshold.value, "one threshold per run");
          assert.equal(d.tp + d.fn, cell.nFake);
          assert.equal(d.tn + d.fp, cell.nReal);
        }
        assert.ok(row.cells.unaltered.decision.fpr <= 0.05);
      }
      const tpr = await report(["--store", store, "--format", "json", "--metric", "tpr@t0.5"]);
      assert.equal(tpr.code, 0, tpr.stderr);
      const atHalf = JSON.parse(tpr.stdout);
      assert.equal(atHalf.metric, "tpr");
      for (const row of atHalf.rows) {
        assert.equal(row.threshold.value, 0.5);
        for (const [opId, value] of Object.entries(row.values)) {
          assert.equal(value, row.cells[opId].decision.tpr);
        }
      }
      const csv = await report(["--store", store, "--format", "csv", "--threshold", "0.5"]);
      assert.match(csv.stdout.split("\n")[0], /,threshold,threshold_rule,tpr_unaltered,/);
      for (
        const [args, message] of [
          [["--threshold-rule", "fpr"], /--threshold-rule fpr needs --fpr/],
          [["--fpr", "2"], /--fpr wants a number in \[0, 1\]/],
          [["--threshold-rule", "eer", "--threshold", "0.5"], /takes neither --fpr nor/],
          [["--metric", "tpr@eer", "--fpr", "0.1"], /names its threshold rule/],
          [["--metric", "tpr@fpr2"], /Unknown threshold "fpr2"/],
        ] as const
      ) {
        const bad = await report(["--store", store, "--format", "json", ...args]);
        assert.equal(bad.code, 2, args.join(" "));
        assert.match(bad.stderr, message);
      }
    },
  );
  await t.step("a copy with one class only gets no AUC and a note", async () => {
    const store = await Deno.makeTempDir();
    await writeFixtureStore(store, { oneClassOp: "noise" });
    const { code, stdout, stderr } = await report(["--store", store, "--format", "json"]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /xception \(FF\+\+c23\) on noise: only fake videos \(12\): AUC undefined/);
    const table = JSON.parse(stdout);
    assert.equal(table.rows[0].values.noise, null);
    assert.equal(typeof table.rows[0].values.vflip, "number");
  });
  await t.step("a missing unaltered copy omits the deltas with a note", async () => {
    const store = await Deno.makeTempDir();
    await writeFixtureStore(store, { withoutUnalteredFor: "sbi" });
    const out = join(store, "report.html");
    const { code, stderr } = await report(["--store", store, "--out", out]);
    assert.equal(code, 0, stderr);
    assert.match(
      stderr,
      /No unaltered copy scored for sbi \(FF\+\+raw\): its delta AUC is omitted/,
    );
    const html = await Deno.readTextFile(out);
    assert.match(html, /No unaltered copy scored for sbi/);
    assert.match(html, /Delta AUC against the unaltered copy/);
  });
  await t.step("a corrupt Parquet part is named and the other parts still read", async () => {
    const store = await Deno.makeTempDir();
    const parts = await writeFixtureStore(store);
    const bad = parts.find((p) => p.includes("op=vflip") && p.includes("det=sbi"))!;
    await Deno.writeTextFile(bad, "this is not parquet");
    const { code, stdout, stderr } = await report(["--store", store, "--format", "json"]);
    assert.equal(code, 0, stderr);
    // Named relative to the store (the report holds no absolute path of this machine).
    assert.ok(stderr.includes(`${basename(store)}/${relative(store, bad)}`), stderr);
    const sbi = JSON.parse(stdout).rows.find((r: { detector: string }) => r.detector === "sbi");
    assert.equal(sbi.values.vflip, null);
    assert.equal(typeof sbi.values.hflip, "number");
  });
  await t.step("an unknown reference detector is named with the ones present", async () => {
    const store = await Deno.makeTempDir();
    await writeFixtureStore(store, { ops: ["unaltered", "noise"] });
    const out = join(store, "r.html");
    const { code, stderr } = await report([
      "--store",
      store,
      "--out",
      out,
      "--reference-detector",
      "mesonet",
    ]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /Reference detector "mesonet" names no run: give a detector, a run label or a run id \(have: .*xception/,
    );
  });
});

// A Table I cell in the JSON form, as far as these tests read it.
interface TableCellJson {
  nReal: number;
  nFake: number;
  decision: { threshold: number; tp: number; fn: number; tn: number; fp: number };
}

Deno.test({
  name: "the report's charts turn interactive in Chromium, offline",
  ignore: skipWithout("chromium", "report in Chromium"),
  async fn() {
    const store = await Deno.makeTempDir();
    await writeFixtureStore(store, { ops: ["unaltered", "h264_crf23", "h264_crf40", "noise"] });
    const page = join(store, "report.html");
    await Deno.writeTextFile(page, await renderReport(await loadReportData(store)));
    const dom = await chromiumDom(page);
    // Every chart of the catalog (AUC, delta, ROC, severity), swapped for vega-embed's live view;
    // the quality chart needs the copies' manifests (--data).
    assert.equal(
      (dom.match(/class="vis interactive"/g) ?? []).length,
      REPORT_CHARTS.filter((c) => c.id !== QUALITY_CHART.id).length,
      dom.slice(0, 500),
    );
  },
});
