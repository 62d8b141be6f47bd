import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset } from "../artifacts/distort.ts";
import { QUALITY_CHART, REPORT_CHARTS } from "../report/chart_catalog.ts";
import { checkHtmlCharts, checkNotebookOutputs, KERNEL_NAME } from "../report/notebook_run.ts";
import {
  decisionFlips,
  detectorVideoScores,
  flipsTable,
  frameStrip,
  scoreDistributionChart,
} from "../report/explore.ts";
import { copyManifestIndex } from "../report/provenance.ts";
import { renderSvg } from "../report/svg.ts";
import { discoverCopies } from "../eval/copies.ts";
import { getOperation } from "../ops/catalog.ts";
import { scoreRow } from "./store_fixtures.ts";
import { writeUnit } from "../store/store.ts";
import { chromiumDom, runDenoTask, skipWithout } from "./_tools.ts";
import { writeFixtureStore } from "./report_fixture.ts";
import { writeRunsStore } from "./runs_fixture.ts";

const NOTEBOOKS = new URL("../notebooks/", import.meta.url).pathname;

Deno.test("checkNotebookOutputs() names empty cells, errors and charts without SVG", () => {
  const code = (outputs: unknown[], source = "await show(x);") => ({
    cell_type: "code",
    source,
    outputs,
  });
  const problems = checkNotebookOutputs({
    cells: [
      { cell_type: "markdown", source: "# title" },
      code([{ output_type: "display_data", data: { "text/plain": "ok" } }]),
      code([], "const lost = 1;"),
      code([{ output_type: "error", ename: "RangeError", evalue: "bad" }]),
      code([{
        output_type: "display_data",
        data: { "application/vnd.vegalite.v5+json": {}, "text/plain": "" },
      }]),
      code([], ""),
    ],
  });
  assert.deepEqual(problems, [
    "cell 3 (const lost = 1;): no output",
    "cell 4 (await show(x);): RangeError: bad",
    "cell 5 (await show(x);): chart without image/svg+xml",
  ]);
  assert.deepEqual(checkNotebookOutputs({}), ["not a notebook: no cells"]);
});

Deno.test("checkHtmlCharts() spots SVG outputs stripped of their drawing", () => {
  const html = (svg: string) => `<div data-mime-type="image/svg+xml">\n${svg}</div>`;
  assert.deepEqual(checkHtmlCharts(html('<svg class="marks"><g><path d="M0"/></g></svg>')), []);
  assert.deepEqual(checkHtmlCharts(html('<svg class="marks">0.00.5AUC</svg>')), [
    "HTML export: SVG output 1 is empty",
  ]);
});

Deno.test("the notebooks use the repo's kernelspec", async () => {
  const spec = JSON.parse(
    await Deno.readTextFile(
      new URL(`../jupyter/kernels/${KERNEL_NAME}/kernel.json`, import.meta.url),
    ),
  );
  assert.deepEqual(spec.argv, ["deno", "jupyter", "--kernel", "--conn", "{connection_file}"]);
  for (const name of ["report.ipynb", "explore.ipynb"]) {
    const nb = JSON.parse(await Deno.readTextFile(join(NOTEBOOKS, name)));
    assert.equal(nb.metadata.kernelspec.name, KERNEL_NAME);
    assert.equal(nb.metadata.kernelspec.language, "typescript");
    const sources = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code")
      .map((c: { source: string[] }) => c.source.join(""));
    // Glue only: imports from mod.ts, every output through show(), env parameters.
    assert.ok(sources[0].includes('from "../mod.ts"'), name);
    assert.ok(sources.some((s: string) => s.includes('Deno.env.get("DFROBUST_STORE")')), name);
    for (const source of sources) assert.match(source, /await show\(/, `${name}: ${source}`);
  }
});

async function makeStoreAndCopies(): Promise<{ dir: string; store: string; copies: string }> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust-nb-" });
  await Deno.mkdir(join(dir, "src"));
  // One second of ffmpeg's test pattern keeps the copies cheap and needs no fixture.
  const cut = await new Deno.Command("ffmpeg", {
    args: [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=640x360:rate=30000/1001:duration=1",
      "-c:v",
      "libx264",
      "-crf",
      "18",
      join(dir, "src", "vid00.mp4"),
    ],
  }).output();
  assert.ok(cut.success, new TextDecoder().decode(cut.stderr));
  await Deno.writeTextFile(join(dir, "src", "dataset.csv"), "id,path,label\nvid00,vid00.mp4,1\n");
  const copies = join(dir, "copies");
  await distortDataset(join(dir, "src", "dataset.csv"), {
    out: copies,
    ops: "unaltered,hflip,grayscale,res_quarter",
  });
  const store = join(dir, "store");
  await writeFixtureStore(store);
  return { dir, store, copies };
}

Deno.test({
  name: "explore helpers show scores, decision flips and a frame under every operation",
  ignore: skipWithout("ffmpeg", "explore helpers"),
  async fn() {
    const { dir, store, copies } = await makeStoreAndCopies();
    try {
      await exploreChecks(store, copies);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

async function exploreChecks(store: string, copies: string): Promise<void> {
  const { detector, detectors, videos } = await detectorVideoScores(store);
  assert.deepEqual(detectors, ["sbi", "xception"]);
  assert.equal(detector, "sbi");
  assert.equal(videos.length, 14 * 12);
  await assert.rejects(() => detectorVideoScores(store, "nope"), /detectors: sbi, xception/);
  const svg = await renderSvg(scoreDistributionChart(videos));
  assert.equal((svg.match(/aria-roledescription="tick"/g) ?? []).length, videos.length);
  const flips = decisionFlips(videos);
  assert.ok(flips.length > 0);
  for (const f of flips) {
    const before = videos.find((v) => v.videoId === f.videoId && v.opId === "unaltered")!;
    assert.equal(before.score, f.unalteredScore);
    assert.notEqual(f.unalteredScore >= 0.5, f.score >= 0.5);
    assert.equal(f.becameWrong, (f.score >= 0.5) !== (f.label === 1));
  }
  const table = flipsTable(flips, { limit: 2 });
  assert.match(table.markdown, new RegExp(`^${flips.length} flips: ${flips[0].opId} \\d+`));
  assert.equal(table.markdown.split("\n").filter((l) => l.startsWith("| ")).length, 2 + 2);
  assert.ok(table.markdown.endsWith(`… and ${flips.length - 2} more.`));
  assert.equal(flipsTable([]).markdown, "No video changes its decision under any operation.");
  const strip = await frameStrip(copies, "vid00", { height: 90 });
  assert.deepEqual(strip.ops, ["unaltered", "hflip", "res_quarter", "grayscale"]);
  assert.deepEqual(strip.skipped, []);
  assert.deepEqual([...strip.png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  await assert.rejects(() => frameStrip(copies, "vid99"), /No copy under .* holds video "vid99"/);
  // Provenance reads the ffmpeg build of each copy from its manifest, by artifact id.
  const index = await copyManifestIndex(copies);
  const made = await discoverCopies(copies);
  assert.equal(index.size, made.length);
  for (const copy of made) {
    const entry = index.get(copy.artifactId)!;
    // The unaltered copy is the sources as they are: no ffmpeg build made it.
    if (copy.op.id !== "unaltered") assert.match(entry.backend!, /^native ffmpeg \d+\.\d+/);
    assert.ok(entry.manifestPath!.endsWith("manifest.json"));
  }
}

Deno.test({
  // One execution of both notebooks serves these checks (each execution starts two Deno kernels
  // and two nbconvert processes): the store holds an unreadable video and a hostile one.
  name: "both notebooks execute headless on the Deno kernel: every output, SVG charts, and " +
    "hostile text never run",
  ignore: skipWithout("jupyter", "notebook execution") ||
    skipWithout("ffmpeg", "notebook execution"),
  async fn(t) {
    const { dir, store, copies } = await makeStoreAndCopies();
    // Script that, if it ever runs, marks the page; the video id and the error both carry one.
    const payload = `<img src=x onerror="document.body.setAttribute('data-pwned','1')">`;
    // Two more videos that could not be read in sbi's noise copy, both named by the report
    // notebook: an unreadable one, and a hostile id with a hostile error message.
    const noise = getOperation("noise");
    const unreadable = (unitId: string, videoId: string, error: string) =>
      writeUnit(store, { detector: "sbi", opId: "noise", unitId }, [
        scoreRow({
          run_id: "run-sbi",
          detector: "sbi",
          train_set: "FF++raw",
          op_id: "noise",
          op_family: noise.family,
          op_category: noise.category,
          severity: noise.severity,
          artifact_id: "art-noise",
          video_id: videoId,
          label: 1,
          frame_index: -1,
          face_index: -1,
          box_x: null,
          box_y: null,
          box_w: null,
          box_h: null,
          score: null,
          status: "video_error",
          error,
          fail_score: 0.5,
        }),
      ]);
    await unreadable(
      "run-sbi-unreadable",
      "vid12",
      'Cannot decode "vid12.mp4": moov atom not found',
    );
    await unreadable(
      "run-sbi-hostile",
      `vid ${payload} [x](javascript:alert(1)) | cell`,
      `Cannot decode "a.mp4": <script>document.body.setAttribute('data-pwned','2')</script>` +
        payload,
    );
    const out = join(dir, "executed");
    const run = await runDenoTask("tasks/notebooks.ts", [
      "--store",
      store,
      "--data",
      copies,
      "--out",
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    await t.step("every output present, SVG charts, the unreadable video named", async () => {
      for (const name of ["report", "explore"]) {
        const nb = JSON.parse(await Deno.readTextFile(join(out, `${name}.ipynb`)));
        assert.deepEqual(checkNotebookOutputs(nb), [], name);
        const outputs = nb.cells.flatMap((c: { outputs?: { data?: object }[] }) => c.outputs ?? []);
        const charts = outputs.filter((o: { data?: object }) =>
          o.data && "application/vnd.vegalite.v5+json" in o.data
        );
        // The fixture store's copies are not the ones made here: no recorded quality, no quality
        // chart (the notebook says why instead).
        const drawn = REPORT_CHARTS.filter((c) => c.id !== QUALITY_CHART.id).length;
        assert.equal(charts.length, name === "report" ? drawn : 1, name);
        const html = await Deno.readTextFile(join(out, `${name}.html`));
        assert.deepEqual(checkHtmlCharts(html), []);
        assert.doesNotMatch(html, /<script[^>]+src="(https?|file):/);
      }
      const report = JSON.parse(await Deno.readTextFile(join(out, "report.ipynb")));
      // nbformat may store a text output as a list of lines.
      const markdown = report.cells
        .flatMap((c: { outputs?: { data?: Record<string, string | string[]> }[] }) =>
          c.outputs ?? []
        )
        .map((o: { data?: Record<string, string | string[]> }) =>
          [o.data?.["text/markdown"] ?? ""].flat().join("")
        );
      const leftOut = markdown.find((text: string) => text.startsWith("| Detector | Video |"));
      assert.ok(leftOut, "report.ipynb shows no left-out table");
      assert.match(
        leftOut,
        /\| sbi \(FF\+\+raw\) \| vid12 \| fake \| noise \| `video_error` \| .*moov atom/,
      );
      assert.match(
        leftOut,
        /\| sbi \(FF\+\+raw\) \| vid12 \| fake \| unaltered, .* \| `missing` \|/,
      );
      const explore = JSON.parse(await Deno.readTextFile(join(out, "explore.ipynb")));
      const png = explore.cells.flatMap((c: { outputs?: { data?: object }[] }) => c.outputs ?? [])
        .find((o: { data?: object }) => o.data && "image/png" in o.data);
      assert.ok(png, "explore.ipynb has no frame strip");
    });
    await t.step(
      "each HTML export is byte-identical to a separate jupyter nbconvert --to html of the " +
        "executed notebook",
      async () => {
        // The export the task made in its one nbconvert process (a postprocessor) against the
        // second nbconvert process it used to start: same settings, written by the test itself.
        const config = join(dir, "nbconvert_html.py");
        await Deno.writeTextFile(
          config,
          'c.HTMLExporter.filters = {"clean_html": lambda text: text}\n',
        );
        const reference = join(dir, "reference");
        for (const name of ["report", "explore"]) {
          const export_ = await new Deno.Command("jupyter", {
            args: [
              "nbconvert",
              "--config",
              config,
              "--to",
              "html",
              "--HTMLExporter.require_js_url=data:text/javascript,//",
              "--HTMLExporter.mathjax_url=data:text/javascript,//",
              "--output-dir",
              reference,
              join(out, `${name}.ipynb`),
            ],
            stdout: "null",
            stderr: "piped",
          }).output();
          assert.ok(export_.success, new TextDecoder().decode(export_.stderr));
          assert.deepEqual(
            await Deno.readFile(join(out, `${name}.html`)),
            await Deno.readFile(join(reference, `${name}.html`)),
            name,
          );
        }
      },
    );
    await t.step({
      name: "a hostile video id and error message show as text, never run (Chromium)",
      ignore: skipWithout("chromium", "notebooks in Chromium"),
      fn: async () => {
        for (const name of ["report", "explore"]) {
          const dom = await chromiumDom(join(out, `${name}.html`));
          assert.ok(dom.includes("<body"), `${name}: Chromium gave no DOM`);
          assert.doesNotMatch(dom, /<body[^>]*data-pwned/, `${name}: the payload ran`);
          assert.doesNotMatch(dom, /<img src="x"/, `${name}: the payload became an element`);
          assert.doesNotMatch(dom, /href="javascript:/, `${name}: the payload became a link`);
        }
        // The report notebook names the video, as text.
        const dom = await chromiumDom(join(out, "report.html"));
        assert.match(dom, /vid &lt;img src=x onerror=/);
      },
    });
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "deno task notebooks says clearly when Jupyter is missing",
  async fn() {
    const run = await runDenoTask("tasks/notebooks.ts", ["--store", "/nonexistent"], {
      env: { PATH: "/nonexistent-bin" },
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /Jupyter is not available.*jupyter-nbconvert/s,
    );
  },
});

Deno.test({
  name: "the notebooks show two runs of one detector apart, each named by what sets it apart",
  ignore: skipWithout("jupyter", "notebook execution"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust-nb-runs-" });
    try {
      const store = join(dir, "store");
      await writeRunsStore(store, "face_mode");
      const out = join(dir, "executed");
      const run = await runDenoTask("tasks/notebooks.ts", ["--store", store, "--out", out]);
      assert.equal(run.code, 0, run.stderr);
      const texts = async (name: string) => {
        const nb = JSON.parse(await Deno.readTextFile(join(out, `${name}.ipynb`)));
        assert.deepEqual(checkNotebookOutputs(nb), [], name);
        return nb.cells
          .flatMap((c: { outputs?: { data?: Record<string, string | string[]> }[] }) =>
            c.outputs ?? []
          )
          .map((o: { data?: Record<string, string | string[]> }) =>
            [o.data?.["text/markdown"] ?? o.data?.["text/plain"] ?? ""].flat().join("")
          ).join("\n");
      };
      const report = await texts("report");
      assert.match(report, /^\| sbi \(faces: full\) \| FF\+\+c23 \|/m);
      assert.match(report, /^\| sbi \(faces: ultraface\) \| FF\+\+c23 \|/m);
      const explore = await texts("explore");
      assert.match(
        explore,
        /sbi: 2 runs, each on its own: sbi \(FF\+\+c23; faces: full\) 30 video scores, sbi \(FF\+\+c23; faces: ultraface\) 30 video scores,/,
      );
      assert.match(explore, /\| Run \| Operation \| Video \|/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
