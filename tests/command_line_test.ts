/**
 * Messages that tell the user to run a task name the command they used: `deno task eval` in the
 * clone, `dfrobust eval` under the installed command (util/command_line.ts). The rule for the
 * class: no string in the library spells `deno task <name>` itself; every such message goes
 * through `commandLine()`.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { runDenoTask } from "./_tools.ts";
import { COMMAND_VARIABLE, commandLine } from "../util/command_line.ts";

const ROOT = join(import.meta.dirname!, "..");

// Files that name `deno task` on purpose: the launcher that `deno task install` writes records
// what wrote it (install runs in the clone only, before any dfrobust command exists).
const SPELLED_ON_PURPOSE = new Set(["tasks/_launcher.ts"]);

Deno.test("commandLine() names deno task, or the installed command it runs under", () => {
  const unset = () => undefined;
  assert.equal(commandLine("eval", undefined, unset), "deno task eval");
  assert.equal(
    commandLine("report", "--format json", unset),
    "deno task report --format json",
  );
  const installed = (name: string) => (name === COMMAND_VARIABLE ? "dfrobust" : undefined);
  assert.equal(commandLine("eval", undefined, installed), "dfrobust eval");
  assert.equal(
    commandLine("report", "--format json", installed),
    "dfrobust report --format json",
  );
});

Deno.test("no library string spells `deno task <name>`: messages go through commandLine()", async () => {
  const offences: string[] = [];
  for (const path of await sourceFiles(ROOT)) {
    if (SPELLED_ON_PURPOSE.has(relative(ROOT, path))) continue;
    const lines = (await Deno.readTextFile(path)).split("\n");
    lines.forEach((line, i) => {
      const code = line.trim();
      if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) return;
      if (/deno task [a-z]/.test(code)) {
        offences.push(`${relative(ROOT, path)}:${i + 1}: ${code}`);
      }
    });
  }
  assert.deepEqual(offences, [], offences.join("\n"));
});

Deno.test("a library error names the command the user ran", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = join(dir, "no-store");
    const clone = await runDenoTask("tasks/report.ts", ["--store", missing]);
    assert.equal(clone.code, 1);
    assert.match(clone.stderr, /does not exist: run "deno task eval" to fill it/);
    const installed = await runDenoTask("tasks/report.ts", ["--store", missing], {
      env: { [COMMAND_VARIABLE]: "dfrobust" },
    });
    assert.equal(installed.code, 1);
    assert.match(installed.stderr, /does not exist: run "dfrobust eval" to fill it/);
    assert.doesNotMatch(installed.stderr, /deno task/);
    const help = await runDenoTask("tasks/compare.ts", ["--help"], {
      env: { [COMMAND_VARIABLE]: "dfrobust" },
    });
    assert.match(help.stdout, /\(dfrobust report --format json\)/);
    assert.match(help.stdout, /Example: dfrobust compare --baseline/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// The library's .ts files: every folder but tests/, bench/ (developer tools run in the clone),
// deps/ and hidden ones.
async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      if (
        entry.name.startsWith(".") ||
        ["tests", "bench", "deps", "node_modules"].includes(entry.name)
      ) continue;
      files.push(...await sourceFiles(path));
    } else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}
