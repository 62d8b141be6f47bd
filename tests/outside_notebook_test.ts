/**
 * Notebooks anywhere: a notebook in a folder outside the repository runs headless on the repo's
 * kernelspec, found the way the README says (`JUPYTER_PATH=<repo>/jupyter`, `deno` on PATH),
 * imports mod.ts by path in one line and shows a table and a chart through show().
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { aucByOperationChart } from "../report/charts.ts";
import { loadReportData } from "../report/collect.ts";
import { checkNotebookOutputs } from "../report/notebook_run.ts";
import { tableMarkdown } from "../report/table_format.ts";
import { tableOne } from "../metrics/table.ts";
import { skipWithout } from "./_tools.ts";
import { assertNoProjectAbove, REPO, userNotebook } from "./_outside.ts";
import { writeFixtureStore } from "./report_fixture.ts";

type Output = { output_type: string; data?: Record<string, unknown> };

/** nbformat stores multi-line strings as lists of lines. */
function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value);
}

Deno.test({
  name:
    "a notebook outside the repository runs on the repo's kernelspec and shows a table and a chart",
  ignore: skipWithout("jupyter", "notebook outside the repository"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_outside_nb_" });
    try {
      await assertNoProjectAbove(dir);
      const store = join(dir, "results", "store");
      await writeFixtureStore(store);
      const notebook = join(dir, "mine.ipynb");
      await Deno.writeTextFile(notebook, JSON.stringify(userNotebook(), null, 1));
      // The kernelspec runs "deno" from PATH: this test's own binary, as a user's install would.
      const bin = join(dir, "bin");
      await Deno.mkdir(bin);
      await Deno.symlink(Deno.execPath(), join(bin, "deno"));
      const run = await new Deno.Command("jupyter", {
        args: [
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          "--ExecutePreprocessor.timeout=300",
          "--output-dir",
          join(dir, "executed"),
          notebook,
        ],
        cwd: dir,
        env: {
          JUPYTER_PATH: join(REPO, "jupyter"),
          PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`,
          DFROBUST_STORE: store,
          NO_COLOR: "1",
        },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(run.success, new TextDecoder().decode(run.stderr));

      const executed = JSON.parse(await Deno.readTextFile(join(dir, "executed", "mine.ipynb")));
      assert.deepEqual(checkNotebookOutputs(executed), []);
      const [first, table, chart] = executed.cells.map((c: { outputs: Output[] }) =>
        c.outputs.find((o) => o.data)?.data ?? {}
      );
      // The same numbers as this process computes from the same store.
      const data = await loadReportData(store);
      assert.equal(text(first["text/plain"]), `${data.cells.length} AUC cells`);
      assert.equal(text(table["text/markdown"]), tableMarkdown(tableOne(data.cells)));
      assert.match(text(table["text/html"]), /^<table/);
      assert.deepEqual(
        chart["application/vnd.vegalite.v5+json"],
        JSON.parse(JSON.stringify(aucByOperationChart(data.cells))),
      );
      assert.match(text(chart["image/svg+xml"]), /<svg[\s\S]*<path/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
