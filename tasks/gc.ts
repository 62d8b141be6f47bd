/**
 * `deno task gc`: remove unfinished copy folders, files no copy manifest references, and what
 * killed runs leave behind (temporary files and locks whose owner is gone) in copies and stores.
 * @module
 */
import { collectGarbage } from "../artifacts/gc.ts";
import { collectStoreGarbage, hasStoreLayout } from "../store/gc.ts";
import { folderProblem, NotCopiesFolderError } from "../artifacts/copies_folder.ts";
import { listCopyFolders } from "../artifacts/copies.ts";
import { type CommandSpec, requirePositional, runTask } from "../util/cli.ts";

const spec: CommandSpec = {
  name: "gc",
  summary: "Under <dir> (a distort --out folder or a results store), remove unfinished copies " +
    "(no manifest.json), files in a copy's folder its manifest does not list, and the temporary " +
    "files and locks of runs that are gone. Anything outside the <op_id>/<artifactId>/ and " +
    "det=*/op=* layouts is left alone, and so is whatever a live run holds or writes: safe " +
    "while distort or eval run.",
  positionals: "<dir>",
  flags: {
    "dry-run": { type: "boolean", description: "List what would be removed, remove nothing." },
    json: { type: "boolean", description: "Print the report as JSON." },
  },
};

await runTask(spec, async (parsed) => {
  const out = requirePositional(parsed, spec, "the copies folder");
  const dryRun = parsed.values["dry-run"] === true;
  // A typo or a file must not read as "0 paths removed".
  const problem = await folderProblem(out);
  if (problem !== null) throw new NotCopiesFolderError(`Cannot clean "${out}": ${problem}`);
  if ((await listCopyFolders(out)).length === 0 && !await hasStoreLayout(out)) {
    throw new NotCopiesFolderError(
      `"${out}" is neither a copies folder (no <op>/<artifact id>/ copy folder in it) nor a ` +
        `results store (no det=<detector>/ folder): give a distort --out folder or an eval --store`,
    );
  }
  const copies = await collectGarbage(out, { dryRun });
  const store = await collectStoreGarbage(out, { dryRun });
  const report = {
    ...copies,
    removed: [...copies.removed, ...store.removed],
    bytes: copies.bytes + store.bytes,
  };
  if (parsed.values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    for (const path of report.removed) {
      console.log(`${dryRun ? "would remove" : "removed"} ${path}`);
    }
    for (const path of report.busy) console.log(`left alone (a live run holds it) ${path}`);
    for (const error of report.errors) console.error(`error: ${error}`);
    console.log(
      `${report.removed.length} paths (${(report.bytes / 2 ** 20).toFixed(1)} MiB) ` +
        `${dryRun ? "to remove" : "removed"}, ${report.kept} finished copies kept`,
    );
  }
  return report.errors.length > 0 ? 1 : 0;
});
