/**
 * `deno task report`: video-level AUC per detector x operation from a results store, as a
 * self-contained HTML report (Table I, charts, provenance) or Table I alone as Markdown, CSV or
 * JSON. By default every operation's AUC of a detector ranks the same videos (those usable in
 * all its copies); `--unpaired` ranks each copy's own. Notes about left-out data (left-out
 * videos and why, unreadable parts, one-class copies, a missing unaltered copy) go to stderr and
 * into the report (HTML; JSON has the left-out videos as `leftOut`); they do not fail the run.
 *
 * Exit status: 0 when the report was written; 1 when the store is missing, empty or unreadable;
 * 2 for a usage error.
 * @module
 */
import { type CommandSpec, requireString, runTask, UsageError } from "../util/cli.ts";
import { writeReport } from "../report/write_report.ts";

const FORMATS = ["html", "md", "csv", "json"] as const;

const SPEC: CommandSpec = {
  name: "report",
  summary: "Video-level AUC tables (the paper's Table I layout), Vega-Lite charts and a " +
    "self-contained, offline HTML report from a results store.",
  flags: {
    store: { type: "string", description: "Results store folder.", valueName: "<dir>" },
    out: {
      type: "string",
      description: "Output file (default: report.html for html; stdout for md, csv, json).",
      valueName: "<file>",
    },
    format: {
      type: "string",
      description: "html, or Table I alone as md, csv or json.",
      valueName: "<html|md|csv|json>",
      default: "html",
    },
    data: {
      type: "string",
      description: "Distort output folder: its copy manifests add ffmpeg builds to provenance.",
      valueName: "<dir>",
    },
    "reference-detector": {
      type: "string",
      description: "Detector that other detectors are compared against (must be in the store).",
      valueName: "<name>",
    },
    title: { type: "string", description: "Report title.", valueName: "<text>" },
    "category-means": {
      type: "boolean",
      description: "Add one mean column per category to Table I.",
    },
    unpaired: {
      type: "boolean",
      description: "Rank each copy's own usable videos instead of the videos usable in every " +
        "copy of the detector (the default, paired).",
    },
    static: {
      type: "boolean",
      description: "Leave out the inlined vega scripts (static SVG charts only, smaller file).",
    },
  },
  epilog: "Example: deno task report --store out/store --out report.html --data out/copies",
};

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    const store = requireString(parsed, "store");
    const format = String(parsed.values.format) as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
    }
    const toStdout = parsed.values.out === undefined && format !== "html";
    const out = typeof parsed.values.out === "string" ? parsed.values.out : "report.html";
    const reference = parsed.values["reference-detector"] as string | undefined;
    const tmp = toStdout ? await Deno.makeTempFile({ suffix: `.${format}` }) : out;
    try {
      const data = await writeReport(store, tmp, {
        format,
        dataDir: parsed.values.data as string | undefined,
        title: parsed.values.title as string | undefined,
        categoryMeans: parsed.values["category-means"] === true,
        interactive: parsed.values.static !== true,
        referenceDetector: reference,
        pairing: parsed.values.unpaired === true ? "unpaired" : "paired",
        onProblem: () => {},
      });
      // Notes say what the numbers leave out: always shown, even when progress is quiet.
      for (const note of data.notes) console.error(`note: ${note}`);
      if (toStdout) await Deno.stdout.write(await Deno.readFile(tmp));
      else console.log(out);
    } finally {
      if (toStdout) await Deno.remove(tmp).catch(() => {});
    }
  });
}
