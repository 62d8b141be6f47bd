/**
 * `deno task gc`: remove unfinished copy folders and files no copy manifest references.
 * @module
 */
import { collectGarbage } from "../artifacts/gc.ts";
import { type CommandSpec, requirePositional, runTask } from "../util/cli.ts";

const spec: CommandSpec = {
  name: "gc",
  summary: "Under <dir> (a distort --out folder), remove unfinished copies (no manifest.json), " +
    "temporary files and files in a copy's videos/ its manifest does not list. Anything outside " +
    "the <op_id>/<artifactId>/ layout is left alone. Do not run it during a distort run on the " +
    "same folder.",
  positionals: "<dir>",
  flags: {
    "dry-run": { type: "boolean", description: "List what would be removed, remove nothing." },
    json: { type: "boolean", description: "Print the report as JSON." },
  },
};

await runTask(spec, async (parsed) => {
  const out = requirePositional(parsed, spec, "the copies folder");
  const dryRun = parsed.values["dry-run"] === true;
  const report = await collectGarbage(out, { dryRun });
  if (parsed.values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    for (const path of report.removed) {
      console.log(`${dryRun ? "would remove" : "removed"} ${path}`);
    }
    console.log(
      `${report.removed.length} paths (${(report.bytes / 2 ** 20).toFixed(1)} MiB) ` +
        `${dryRun ? "to remove" : "removed"}, ${report.kept} finished copies kept`,
    );
  }
});
