/**
 * `deno task notebooks`: execute notebooks/report.ipynb and notebooks/explore.ipynb headless on
 * the Deno Jupyter kernel (jupyter nbconvert), write the executed notebooks and their HTML, and
 * check that every cell has its output and every chart its SVG.
 *
 * Exit status: 0 when every notebook ran with every output present; 1 when Jupyter is missing, a
 * notebook fails or an output is missing; 2 for a usage error.
 * @module
 */
import { resolve } from "node:path";
import { requireJupyter, runNotebook } from "../report/notebook_run.ts";
import { requireStoreParts } from "../store/store.ts";
import { type CommandSpec, requireString, runTask } from "../util/cli.ts";
import { logLine } from "../util/progress.ts";

const SPEC: CommandSpec = {
  name: "notebooks",
  summary: "Execute the notebooks on a results store, headless, and check their outputs " +
    "(needs the Debian packages jupyter-nbconvert, python3-nbclient, jupyter-client).",
  flags: {
    store: {
      type: "string",
      description: "Results store folder (passed to the notebooks as DFROBUST_STORE).",
      valueName: "<dir>",
    },
    data: {
      type: "string",
      description: "Distort output folder with the copies (DFROBUST_DATA; explore.ipynb's frames).",
      valueName: "<dir>",
    },
    detector: {
      type: "string",
      description: "Detector explore.ipynb looks at (DFROBUST_DETECTOR; default: the first).",
      valueName: "<name>",
    },
    run: {
      type: "string",
      description: "One detector run the notebooks show (DFROBUST_RUN): a run id, label " +
        "(`sbi (faces: ultraface)`) or qualifier (default: every run, each on its own).",
      valueName: "<id|label>",
    },
    by: {
      type: "string",
      description: "report.ipynb adds Table I per slice of this column (DFROBUST_BY; report --by).",
      valueName: "<column>",
    },
    manifest: {
      type: "string",
      description: "Dataset manifest whose columns --by may name (repeatable; " +
        "DFROBUST_MANIFESTS; report --manifest).",
      valueName: "<csv>",
      multiple: true,
    },
    compare: {
      type: "string",
      description: "report.ipynb compares two runs A,B (DFROBUST_COMPARE; report --compare).",
      valueName: "<A,B>",
    },
    video: {
      type: "string",
      description:
        "Video whose frames explore.ipynb shows (DFROBUST_VIDEO; default: a flipped one).",
      valueName: "<id>",
    },
    out: {
      type: "string",
      description: "Folder for the executed notebooks and their HTML.",
      valueName: "<dir>",
      default: "out/notebooks",
    },
    json: {
      type: "boolean",
      description: "Print the runs (executed files, problems) as JSON instead of lines.",
    },
    notebook: {
      type: "string",
      description: "Run only this notebook (repeatable; default: report and explore).",
      valueName: "<file.ipynb>",
      multiple: true,
    },
  },
};

const NOTEBOOKS = ["report.ipynb", "explore.ipynb"].map((name) =>
  new URL(`../notebooks/${name}`, import.meta.url).pathname
);

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    const store = requireString(parsed, "store");
    // Jupyter missing, then a missing or empty store: one line each, not a traceback from
    // every notebook.
    await requireJupyter();
    await requireStoreParts(store);
    const env: Record<string, string> = {
      DFROBUST_STORE: resolve(store),
      // Always set, so the notebooks' defaults (the demo's output) never stand in for --data.
      DFROBUST_DATA: typeof parsed.values.data === "string" ? resolve(parsed.values.data) : "",
    };
    if (typeof parsed.values.detector === "string") env.DFROBUST_DETECTOR = parsed.values.detector;
    if (typeof parsed.values.video === "string") env.DFROBUST_VIDEO = parsed.values.video;
    if (typeof parsed.values.run === "string") env.DFROBUST_RUN = parsed.values.run;
    if (typeof parsed.values.by === "string") env.DFROBUST_BY = parsed.values.by;
    const manifests = parsed.values.manifest as string[] | undefined;
    if (manifests?.length) env.DFROBUST_MANIFESTS = manifests.map((m) => resolve(m)).join(":");
    if (typeof parsed.values.compare === "string") env.DFROBUST_COMPARE = parsed.values.compare;
    const chosen = parsed.values.notebook as string[] | undefined;
    const notebooks = chosen?.length ? chosen.map((n) => resolve(n)) : NOTEBOOKS;
    const runs = [];
    for (const notebook of notebooks) {
      logLine(`executing ${notebook} ...`);
      const run = await runNotebook(notebook, { outDir: String(parsed.values.out), env });
      runs.push(run);
      for (const problem of run.problems) console.error(`${notebook}: ${problem}`);
      if (!parsed.values.json) {
        console.log(
          `${run.problems.length ? "FAILED" : "ok"} ${run.executed}` +
            (run.html ? ` ${run.html}` : ""),
        );
      }
    }
    if (parsed.values.json) console.log(JSON.stringify(runs, null, 2));
    return runs.some((r) => r.problems.length > 0) ? 1 : 0;
  });
}
