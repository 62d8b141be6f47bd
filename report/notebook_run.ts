/**
 * Headless execution of the notebooks on the Deno Jupyter kernel through `jupyter nbconvert`,
 * and the check that every code cell left an output and every chart carries its SVG (also in
 * the HTML export).
 * The repo's kernelspec (jupyter/kernels/dfrobust-deno) is copied to a temporary JUPYTER_PATH
 * with argv[0] set to this Deno binary, so deno need not be on PATH.
 * @module
 */
import { basename, join, resolve } from "node:path";
import { exists } from "../util/atomic.ts";
import { commandOnPath } from "../util/command_on_path.ts";
import { processEnv } from "../util/env_lookup.ts";
import { KERNEL_NAME, writeKernelspec } from "./kernelspec.ts";

export { KERNEL_NAME };

/** Options for {@link runNotebook}. */
export interface RunNotebookOptions {
  /** Folder for the executed `.ipynb` (and `.html`). Created when missing. */
  outDir: string;
  /** Environment variables for the kernel (e.g. `DFROBUST_STORE`). */
  env?: Record<string, string>;
  /** Also write an HTML export (offline: require.js/MathJax URLs overridden). Default true. */
  html?: boolean;
  /** Seconds one cell may run before nbconvert gives up. Default 600. */
  cellTimeoutS?: number;
  /** The `jupyter` command. Default `jupyter`. */
  jupyter?: string;
}

/** What {@link runNotebook} produced. */
export interface NotebookRun {
  notebook: string;
  executed: string;
  html?: string;
  /** Problems found by {@link checkNotebookOutputs} in the executed notebook. */
  problems: string[];
}

/** Thrown when Jupyter is missing or nbconvert fails; the message names the notebook. */
export class NotebookError extends Error {
  override name = "NotebookError";
}

/** The nbconvert postprocessor that writes the HTML export (a Python module of the repo). */
const HTML_EXPORT_MODULE = "dfrobust_html_export";
const HTML_EXPORT_SOURCE = new URL(`../jupyter/${HTML_EXPORT_MODULE}.py`, import.meta.url);

// nbconvert's Debian template points these at file:///usr/share/javascript; a data: URL keeps
// the HTML free of any outside request, and "//" turns MathJax's "?config=..." into a comment.
const NO_SCRIPT = "data:text/javascript,//";

/**
 * Executes `notebook` with `jupyter nbconvert --to notebook --execute`, then (by default)
 * exports HTML, then checks the outputs. Throws {@link NotebookError} when Jupyter is missing or
 * a cell fails (nbconvert's error text included); output problems are returned, not thrown.
 */
export async function runNotebook(
  notebook: string,
  options: RunNotebookOptions,
): Promise<NotebookRun> {
  const jupyter = options.jupyter ?? "jupyter";
  await requireJupyter(jupyter);
  const outDir = resolve(options.outDir);
  await Deno.mkdir(outDir, { recursive: true });
  const html = options.html ?? true;
  const jupyterPath = await temporaryKernelspec();
  const env = {
    ...options.env,
    JUPYTER_PATH: prependPath(jupyterPath, "JUPYTER_PATH"),
    // The HTML export's postprocessor module (jupyter/dfrobust_html_export.py), copied there.
    PYTHONPATH: prependPath(jupyterPath, "PYTHONPATH"),
    NO_COLOR: "1",
  };
  try {
    const name = basename(notebook);
    // One Python process: execute, write the notebook, then (html) export it from the written
    // file with the HTMLExporter settings below.
    await nbconvert(jupyter, notebook, env, [
      "--to",
      "notebook",
      "--execute",
      `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
      `--ExecutePreprocessor.timeout=${options.cellTimeoutS ?? 600}`,
      "--output-dir",
      outDir,
      "--output",
      name,
      ...(html
        ? [
          "--config",
          join(jupyterPath, "nbconvert_html.py"),
          `--NbConvertApp.postprocessor_class=${HTML_EXPORT_MODULE}.HtmlExport`,
          `--HTMLExporter.require_js_url=${NO_SCRIPT}`,
          `--HTMLExporter.mathjax_url=${NO_SCRIPT}`,
        ]
        : []),
    ]);
    const executed = join(outDir, name);
    const run: NotebookRun = { notebook, executed, problems: [] };
    if (html) run.html = join(outDir, name.replace(/\.ipynb$/, ".html"));
    run.problems = checkNotebookOutputs(JSON.parse(await Deno.readTextFile(executed)));
    if (run.html) {
      const text = await Deno.readTextFile(run.html).catch(() => null);
      if (text === null) run.problems.push("HTML export: no file written");
      else run.problems.push(...checkHtmlCharts(text));
    }
    return run;
  } finally {
    await Deno.remove(jupyterPath, { recursive: true }).catch(() => {});
  }
}

/**
 * Lists what is wrong with an executed notebook (nbformat 4 JSON): a code cell with source but
 * no output, an error output, an empty display bundle, or a Vega-Lite output without
 * `image/svg+xml`. An empty list means every output is present.
 */
export function checkNotebookOutputs(notebook: unknown): string[] {
  const problems: string[] = [];
  const cells = (notebook as { cells?: unknown[] })?.cells;
  if (!Array.isArray(cells)) return ["not a notebook: no cells"];
  cells.forEach((raw, i) => {
    const cell = raw as { cell_type?: string; source?: string | string[]; outputs?: unknown[] };
    if (cell.cell_type !== "code") return;
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source ?? "";
    const where = `cell ${i + 1} (${firstLine(source)})`;
    const outputs = (cell.outputs ?? []) as {
      output_type?: string;
      data?: Record<string, unknown>;
      text?: string | string[];
      ename?: string;
      evalue?: string;
    }[];
    if (source.trim() !== "" && outputs.length === 0) problems.push(`${where}: no output`);
    for (const output of outputs) {
      if (output.output_type === "error") {
        problems.push(`${where}: ${output.ename}: ${output.evalue}`);
      } else if (output.output_type === "display_data" || output.output_type === "execute_result") {
        const data = output.data ?? {};
        if (Object.keys(data).length === 0) problems.push(`${where}: empty display bundle`);
        const vegaLite = Object.keys(data).some((k) => k.startsWith("application/vnd.vegalite"));
        const svg = data["image/svg+xml"];
        const svgText = Array.isArray(svg) ? svg.join("") : svg;
        if (vegaLite && !(typeof svgText === "string" && svgText.includes("<svg"))) {
          problems.push(`${where}: chart without image/svg+xml`);
        }
      }
    }
  });
  return problems;
}

/**
 * Lists SVG outputs of an nbconvert HTML export that lost their drawing (an `<svg>` without any
 * `<g>` or `<path>`, as Debian's nbconvert 6 sanitiser leaves them).
 */
export function checkHtmlCharts(html: string): string[] {
  const blocks = html.split('data-mime-type="image/svg+xml">').slice(1);
  return blocks.flatMap((block, i) => {
    const svg = block.slice(0, block.indexOf("</svg>"));
    return /<(g|path)[\s>]/.test(svg) ? [] : [`HTML export: SVG output ${i + 1} is empty`];
  });
}

// Commands found in this process (on PATH, or by `nbconvert --version`: a Python start, about
// 0.9 s of CPU), not looked for again. A failure is not remembered.
const jupyterFound = new Set<string>();

/**
 * Throws {@link NotebookError} naming the Debian packages to install when Jupyter's nbconvert is
 * not there (`jupyter`: the command, default `jupyter`). The default command counts as there when
 * `jupyter` and `jupyter-nbconvert` (the script `jupyter nbconvert` runs) are executable files on
 * PATH (util/command_on_path.ts), without starting Python; otherwise (another command, a PATH this
 * process may not read, a relative PATH entry) the command is asked `nbconvert --version`, once per
 * process.
 */
export async function requireJupyter(jupyter = "jupyter"): Promise<void> {
  if (jupyterFound.has(jupyter)) return;
  let ok = jupyter === "jupyter" && commandOnPath("jupyter") === true &&
    commandOnPath("jupyter-nbconvert") === true;
  if (!ok) {
    try {
      const out = await new Deno.Command(jupyter, {
        args: ["nbconvert", "--version"],
        stdout: "null",
        stderr: "null",
      }).output();
      ok = out.success;
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new NotebookError(
      `Jupyter is not available ("${jupyter} nbconvert" not found or not working): install the ` +
        "Debian packages jupyter-nbconvert, python3-nbclient and jupyter-client (apt-get install " +
        "jupyter-nbconvert python3-nbclient jupyter-client)",
    );
  }
  jupyterFound.add(jupyter);
}

/** `dir`, then the folders the search-path variable `variable` already holds (`:`-separated). */
function prependPath(dir: string, variable: string): string {
  return [dir, processEnv(variable)].filter(Boolean).join(":");
}

async function temporaryKernelspec(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust-jupyter-" });
  await writeKernelspec(dir);
  // nbconvert 6's HTML template runs SVG outputs through lxml's clean_html, which strips every
  // drawing element; the outputs are our own charts, so the filter becomes the identity.
  await Deno.writeTextFile(
    join(dir, "nbconvert_html.py"),
    'c.HTMLExporter.filters = {"clean_html": lambda text: text}\n',
  );
  await Deno.writeTextFile(
    join(dir, `${HTML_EXPORT_MODULE}.py`),
    await Deno.readTextFile(HTML_EXPORT_SOURCE),
  );
  return dir;
}

async function nbconvert(
  jupyter: string,
  notebook: string,
  env: Record<string, string>,
  args: string[],
): Promise<void> {
  if (!(await exists(notebook))) throw new NotebookError(`Notebook "${notebook}" not found`);
  const out = await new Deno.Command(jupyter, {
    args: ["nbconvert", ...args, notebook],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-25).join("\n");
    throw new NotebookError(
      `Cannot execute notebook "${notebook}": jupyter nbconvert exited with code ${out.code}\n${text}`,
    );
  }
}

function firstLine(source: string): string {
  const line = source.trim().split("\n")[0] ?? "";
  return line.length > 60 ? line.slice(0, 57) + "..." : line;
}
