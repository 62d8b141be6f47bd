/**
 * `deno run -A bench/report_identical.ts --baseline <checkout> <store>...`: the report of each
 * store in every Table I format (`json`, `md`, `csv`; default pairing and `--unpaired`; AUC and
 * `--metric ap`) from this checkout and from `--baseline` (e.g. `git worktree add /tmp/base
 * <commit>`), compared byte for byte; the HTML report's size from both is printed beside (its
 * ROC chart is thinned, report/charts.ts `thinCurve`, and it names its bootstrap resamples, so
 * it differs by design). Exits 1 when any Table I output differs. For changes that must leave
 * every number where it was (issue 28).
 * @module
 */
import { parseArgs } from "node:util";

const HERE = new URL("..", import.meta.url).pathname;
const VARIANTS: string[][] = [[], ["--unpaired"], ["--metric", "ap"]];

async function report(repo: string, store: string, args: string[]): Promise<Uint8Array> {
  const out = await Deno.makeTempFile({ prefix: "dfrobust-identical-" });
  try {
    const result = await new Deno.Command("deno", {
      args: ["task", "report", "--store", store, "--out", out, ...args],
      cwd: repo,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!result.success) {
      throw new Error(
        `report ${args.join(" ")} failed in ${repo}:\n` +
          new TextDecoder().decode(result.stderr),
      );
    }
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(out);
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { baseline: { type: "string" } },
    allowPositionals: true,
  });
  if (!values.baseline || positionals.length === 0) {
    console.error("usage: bench/report_identical.ts --baseline <checkout> <store>...");
    Deno.exit(2);
  }
  let differ = 0;
  for (const store of positionals) {
    for (const format of ["json", "md", "csv"]) {
      for (const variant of VARIANTS) {
        const args = ["--format", format, ...variant];
        const [before, after] = await Promise.all([
          report(values.baseline, store, args),
          report(HERE, store, args),
        ]);
        const ok = same(before, after);
        if (!ok) differ++;
        console.log(
          `${ok ? "identical" : "DIFFERENT"} ${store} ${args.join(" ")} (${after.length} bytes)`,
        );
      }
    }
    const [before, after] = await Promise.all([
      report(values.baseline, store, ["--format", "html"]),
      report(HERE, store, ["--format", "html"]),
    ]);
    console.log(`html ${store}: ${before.length} bytes before, ${after.length} after`);
  }
  console.log(differ === 0 ? "every Table I output identical" : `${differ} outputs differ`);
  Deno.exit(differ === 0 ? 0 : 1);
}
