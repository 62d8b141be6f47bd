/**
 * `deno task install`: install the `dfrobust` command, so every task of deno.json runs from any
 * folder as `dfrobust <task> ...` (tasks/dfrobust.ts), and fetch the npm packages once.
 *
 * Why not `deno install -g`: the launcher it writes runs `deno` from PATH, and the README's
 * `npx -y deno@2.9.6` route puts none there. This launcher names, by absolute path, a copy of
 * the Deno binary that ran the install, kept beside it as `deno-<version>` (tasks/_deno_binary.ts;
 * the npx cache's binary goes when npm's cache is cleared), in the place `deno install -g` uses
 * (`$DENO_INSTALL_ROOT/bin`, default `~/.deno/bin`). A launcher whose Deno or clone is gone
 * says so and how to reinstall (exit 1).
 *
 * Exit status: 0 when installed; 1 when the launcher cannot be written or the packages cannot be
 * fetched; 2 for a usage error.
 * @module
 */
import { join } from "node:path";
import { type CommandSpec, runTask } from "../util/cli.ts";
import { installRoot, keepDenoBinary } from "./_deno_binary.ts";
import { launcherScript } from "./_launcher.ts";
import { readTaskTable } from "../util/task_table.ts";
import { CLONE_ROOT } from "../util/caller_folder.ts";

const SPEC: CommandSpec = {
  name: "install",
  summary: "Install the dfrobust command (a launcher in <root>/bin that runs this clone's tasks " +
    "with this Deno binary, from any folder) and fetch the npm packages the tasks need, once.",
  flags: {
    root: {
      type: "string",
      description: "Install root; the launcher goes to <root>/bin (default: $DENO_INSTALL_ROOT, " +
        "else ~/.deno, as deno install -g).",
      valueName: "<dir>",
    },
    name: {
      type: "string",
      description: "Command name.",
      valueName: "<name>",
      default: "dfrobust",
    },
  },
  epilog: "Example (only Node.js/npm needed): npx -y deno@2.9.6 task install",
};

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    const root = installRoot(
      typeof parsed.values.root === "string" ? parsed.values.root : undefined,
    );
    const bin = join(root, "bin");
    const name = String(parsed.values.name);
    const scripts = readTaskTable().flatMap((t) => t.run ? [join(CLONE_ROOT, t.run.script)] : []);
    console.error("fetching the npm packages the tasks use (once) ...");
    const fetched = await new Deno.Command(Deno.execPath(), {
      args: ["install", "--quiet", "--entrypoint", ...scripts],
      cwd: CLONE_ROOT,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!fetched.success) throw new Error(`deno install --entrypoint failed in "${CLONE_ROOT}"`);
    // The launcher names a Deno kept in <root>/bin, not the npx cache's (which npm may clear).
    const deno = await keepDenoBinary(bin);
    const launcher = join(bin, name);
    await Deno.writeTextFile(launcher, launcherScript(deno), { mode: 0o755 });
    await Deno.chmod(launcher, 0o755);
    console.log(launcher);
    const onPath = (Deno.env.get("PATH") ?? "").split(":").includes(bin);
    if (!onPath) console.error(`add it to PATH: export PATH="${bin}:$PATH"`);
    console.error(`then: ${name} --help; ${name} kernel install (for notebooks)`);
  });
}
