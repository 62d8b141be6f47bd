/**
 * `deno task report`: video-level AUC per detector x operation from a results store, as a
 * self-contained HTML report (Table I, charts, provenance) or Table I alone as Markdown, CSV or
 * JSON (the formats of report/format_catalog.ts). `--by method` adds Table I per slice
 * (metrics/slices.ts; `--by split --manifest test.csv` by a dataset manifest's column),
 * `--compare A,B` run B against run A (metrics/run_comparison.ts), in every format. By default
 * every operation's AUC of a detector ranks the same videos (those usable in
 * all its copies); `--unpaired` ranks each copy's own. Every detector run of the store is its own
 * Table I row, named by what sets it apart where a detector has several (`sbi (faces:
 * ultraface)`); `--run` reports only the runs named. Notes about left-out data (left-out
 * videos and why, unreadable parts, one-class copies, a missing unaltered copy) go to stderr and
 * into the report (HTML; JSON has the left-out videos as `leftOut`); they do not fail the run.
 *
 * Exit status: 0 when the report was written; 1 when the store is missing, empty or unreadable;
 * 2 for a usage error.
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import { CELL_METRICS } from "../metrics/cell_metrics.ts";
import { DECISION_METRICS, metricChoice } from "../metrics/decision_metrics.ts";
import { THRESHOLD_RULES, type ThresholdChoice } from "../metrics/threshold_rules.ts";
import { type CommandSpec, requireString, runTask, UsageError } from "../util/cli.ts";
import { REPORT_FORMATS, reportFormat } from "../report/format_catalog.ts";
import { reportNoteLines } from "../report/note_lines.ts";
import { writeReport } from "../report/write_report.ts";
import { SLICE_COLUMNS, sliceColumn } from "../metrics/slice_values.ts";
import { SLICE_PROTOCOLS, type SliceProtocol } from "../metrics/slices.ts";
import { commandLine } from "../util/command_line.ts";

// "report.html for html; stdout for md, csv, json": where each format goes without --out.
const DEFAULT_OUT = [
  ...REPORT_FORMATS.filter((f) => f.defaultOut !== null).map((f) => `${f.defaultOut} for ${f.id}`),
  `stdout for ${REPORT_FORMATS.filter((f) => f.defaultOut === null).map((f) => f.id).join(", ")}`,
].join("; ");

const SPEC: CommandSpec = {
  name: "report",
  summary: "Video-level AUC tables (the paper's Table I layout), Vega-Lite charts and a " +
    "self-contained, offline HTML report from a results store.",
  flags: {
    store: { type: "string", description: "Results store folder.", valueName: "<dir>" },
    out: {
      type: "string",
      description: `Output file (default: ${DEFAULT_OUT}).`,
      valueName: "<file>",
    },
    format: {
      type: "string",
      description: REPORT_FORMATS.map((f) => `${f.id}: ${f.description}`).join("; ") + ".",
      valueName: `<${REPORT_FORMATS.map((f) => f.id).join("|")}>`,
      default: REPORT_FORMATS[0].id,
      choices: REPORT_FORMATS.map((f) => f.id),
    },
    data: {
      type: "string",
      description: "Distort output folder: its copy manifests add ffmpeg builds to provenance.",
      valueName: "<dir>",
    },
    example: {
      type: "string",
      description: "Video id shown in the contact sheet (one frame through every operation); " +
        "default: the video ok in the most copies, smallest id on a tie. Needs --data.",
      valueName: "<id>",
    },
    "reference-detector": {
      type: "string",
      description: "Detector run the others are compared against (corruption error, mCE): a " +
        "detector name; where the store holds several runs of it, a run label as Table I " +
        'names it ("mesonet (FF++c23; faces: ultraface)") or a run id (its first 6+ characters).',
      valueName: "<detector|run>",
    },
    run: {
      type: "string",
      description: "Report only this detector run (repeatable): a run id (or its first 6+ " +
        'characters), a run label as Table I names it ("sbi (faces: ultraface)"), a qualifier ' +
        '("faces: ultraface") or a detector (all its runs). Default: every run of the store, ' +
        "one Table I row each; a note names the runs chosen and those left out.",
      valueName: "<id|label>",
      multiple: true,
    },
    title: { type: "string", description: "Report title.", valueName: "<text>" },
    "category-means": {
      type: "boolean",
      description: "Add one mean column per category to Table I.",
    },
    metric: {
      type: "string",
      description: "Table I's metric: " +
        [...CELL_METRICS, ...DECISION_METRICS].map((m) =>
          `${m.id} (${m.label}${m.higherIsBetter ? "" : ", lower is better"})`
        )
          .join(", ") +
        "; a decision metric may name its threshold rule (tpr@fpr0.01, tpr@eer, tpr@t0.5); " +
        "the charts stay AUC.",
      valueName: `<${CELL_METRICS.map((m) => m.id).join("|")}|tpr|fpr|...>`,
      default: CELL_METRICS[0].id,
    },
    "threshold-rule": {
      type: "string",
      description: "How each run's operating threshold is chosen on its Unaltered copy, then " +
        "applied to every copy (the decision view: TPR, FPR, McNemar): " +
        THRESHOLD_RULES.map((r) => `${r.id}: ${r.description}`).join("; ") +
        ". Default eer, or the rule --fpr or --threshold implies.",
      valueName: `<${THRESHOLD_RULES.map((r) => r.id).join("|")}>`,
    },
    fpr: {
      type: "string",
      description: "Target false-positive rate on Unaltered for --threshold-rule fpr (0.01, 0.05).",
      valueName: "<rate>",
    },
    threshold: {
      type: "string",
      description: "A given threshold for --threshold-rule given (0.5: fake when score >= 0.5).",
      valueName: "<score>",
    },
    unpaired: {
      type: "boolean",
      description: "Rank each copy's own usable videos instead of the videos usable in every " +
        "copy of the detector (the default, paired).",
    },
    resamples: {
      type: "string",
      description: "Bootstrap resamples behind each 95% interval (AUC and paired delta AUC); " +
        "0 leaves the intervals out. Shown in the HTML report.",
      valueName: "<n>",
      default: "1000",
    },
    by: {
      type: "string",
      description: "Add Table I per slice of the videos: a store column (" +
        SLICE_COLUMNS.join(", ") + "; method is the manifest's manipulation method), " +
        "face_size (buckets of the crop side on Unaltered), or with --manifest any column of " +
        "the dataset manifest (split, ...) or dataset (which manifest a video came from). " +
        "Each slice's AUC ranks its fakes against all reals (the FF++ per-method protocol) " +
        "unless --slice-reals within.",
      valueName: "<column>",
    },
    manifest: {
      type: "string",
      description: "Dataset manifest (id,path,label,...) whose columns --by may name, joined " +
        "to the store by video id (repeatable: --by dataset then names the manifest of each " +
        "video). Videos on one side only are named in a note.",
      valueName: "<csv>",
      multiple: true,
    },
    "slice-reals": {
      type: "string",
      description: SLICE_PROTOCOLS.map((p) => `${p.id}: ${p.description}`).join("; ") + ".",
      valueName: `<${SLICE_PROTOCOLS.map((p) => p.id).join("|")}>`,
    },
    compare: {
      type: "string",
      description: "Compare two runs on the same copies, A,B (each a run id, label or detector " +
        "naming one run): per operation B - A with DeLong's paired p and the paired bootstrap " +
        "interval of the difference of their drops.",
      valueName: "<A,B>",
    },
    static: {
      type: "boolean",
      description: "Leave out the inlined vega scripts (static SVG charts only, smaller file).",
    },
  },
  epilog: `Example: ${
    commandLine("report", "--store out/store --out report.html --data out/copies")
  }`,
};

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    const store = requireString(parsed, "store");
    // An unknown --format, --metric or --run is an OptionError (exit 2) naming the valid ones.
    const format = reportFormat(String(parsed.values.format));
    const metric = String(parsed.values.metric);
    metricChoice(metric);
    const toStdout = parsed.values.out === undefined && format.defaultOut === null;
    const out = typeof parsed.values.out === "string"
      ? parsed.values.out
      : format.defaultOut ?? `report.${format.extension}`;
    const reference = parsed.values["reference-detector"] as string | undefined;
    const tmp = toStdout ? await Deno.makeTempFile({ suffix: `.${format.extension}` }) : out;
    try {
      const data = await writeReport(store, tmp, {
        format: format.id,
        dataDir: parsed.values.data as string | undefined,
        example: parsed.values.example as string | undefined,
        title: parsed.values.title as string | undefined,
        categoryMeans: parsed.values["category-means"] === true,
        metric,
        threshold: thresholdFlags(parsed.values, metric),
        interactive: parsed.values.static !== true,
        referenceDetector: reference,
        pairing: parsed.values.unpaired === true ? "unpaired" : "paired",
        runs: parsed.values.run as string[] | undefined,
        bootstrapResamples: resamplesFlag(String(parsed.values.resamples)),
        ...sliceFlags(parsed.values),
        ...compareFlag(parsed.values.compare),
        onProblem: () => {},
      });
      // Notes say what the numbers leave out: always shown, even when progress is quiet.
      for (const line of reportNoteLines(data)) console.error(line);
      if (toStdout) await Deno.stdout.write(await Deno.readFile(tmp));
      else console.log(out);
    } finally {
      if (toStdout) await Deno.remove(tmp).catch(() => {});
    }
  });
}

// --by, --manifest and --slice-reals as options; an unknown column or protocol is a usage error
// (exit 2). A manifest column is checked once the manifests are read (loadReportData).
function sliceFlags(
  values: Record<string, unknown>,
): { by?: string; sliceProtocol?: SliceProtocol; manifests?: string[] } {
  const by = values.by as string | undefined;
  const reals = values["slice-reals"] as string | undefined;
  const manifests = values.manifest as string[] | undefined;
  if (by === undefined) {
    if (reals !== undefined) throw new UsageError("--slice-reals needs --by <column>");
    if (manifests !== undefined) throw new UsageError("--manifest needs --by <column>");
    return {};
  }
  if (manifests === undefined) sliceColumn(by);
  if (reals !== undefined && !SLICE_PROTOCOLS.some((p) => p.id === reals)) {
    throw new UsageError(
      `--slice-reals must be one of ${
        SLICE_PROTOCOLS.map((p) => p.id).join(", ")
      }, got "${reals}"` +
        didYouMeanSuffix(reals, SLICE_PROTOCOLS.map((p) => p.id)),
    );
  }
  return {
    by,
    ...(reals ? { sliceProtocol: reals as SliceProtocol } : {}),
    ...(manifests ? { manifests } : {}),
  };
}

// --compare A,B as two run choices; anything but two non-empty names is a usage error.
function compareFlag(value: unknown): { compare?: [string, string] } {
  if (value === undefined) return {};
  const names = String(value).split(",").map((n) => n.trim());
  if (names.length !== 2 || names.some((n) => n === "")) {
    throw new UsageError(`--compare wants two runs as A,B, got "${value}"`);
  }
  return { compare: [names[0], names[1]] };
}

// The --resamples value: a whole number >= 0; anything else is a usage error (exit 2).
function resamplesFlag(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`--resamples wants a whole number >= 0 (0: no intervals), not "${text}"`);
  }
  return n;
}

// The --threshold-rule, --fpr and --threshold values as a choice (undefined: the default, or
// the rule the metric names); a contradiction or a bad number is a usage error (exit 2).
function thresholdFlags(
  values: Record<string, unknown>,
  metric: string,
): ThresholdChoice | undefined {
  const number = (flag: string, low: number, high: number) => {
    const text = values[flag];
    if (typeof text !== "string") return undefined;
    const n = Number(text);
    if (text.trim() === "" || !(n >= low && n <= high)) {
      throw new UsageError(`--${flag} wants a number in [${low}, ${high}], not "${text}"`);
    }
    return n;
  };
  const fpr = number("fpr", 0, 1);
  const threshold = number("threshold", -Number.MAX_VALUE, Number.MAX_VALUE);
  const rule = values["threshold-rule"] as string | undefined ??
    (fpr !== undefined ? "fpr" : threshold !== undefined ? "given" : undefined);
  if (rule === undefined) return undefined;
  if (metricChoice(metric).threshold !== undefined) {
    throw new UsageError(
      `--metric ${metric} names its threshold rule: leave out --threshold-rule, --fpr and --threshold`,
    );
  }
  if (!THRESHOLD_RULES.some((r) => r.id === rule)) {
    throw new UsageError(
      `--threshold-rule must be one of ${
        THRESHOLD_RULES.map((r) => r.id).join(", ")
      }, got "${rule}"` + didYouMeanSuffix(rule, THRESHOLD_RULES.map((r) => r.id)),
    );
  }
  if (rule === "fpr" && fpr === undefined) {
    throw new UsageError("--threshold-rule fpr needs --fpr <rate>");
  }
  if (rule === "given" && threshold === undefined) {
    throw new UsageError("--threshold-rule given needs --threshold <score>");
  }
  if ((rule !== "fpr" && fpr !== undefined) || (rule !== "given" && threshold !== undefined)) {
    throw new UsageError(`--threshold-rule ${rule} takes neither --fpr nor --threshold`);
  }
  return rule === "fpr"
    ? { rule, fpr: fpr! }
    : rule === "given"
    ? { rule, threshold: threshold! }
    : { rule: "eer" };
}
