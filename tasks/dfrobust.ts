/**
 * The installed `dfrobust` command (launcher written by `deno task install`): `dfrobust <task>
 * [args]` runs task `<task>` of the clone's deno.json from the caller's folder.
 *
 * The subcommands are the deno.json tasks whose command is `deno run <flags> <script>`
 * (util/task_table.ts): each runs as `deno run <its flags> --config <clone>/deno.json
 * <clone>/<script> <args>` with the Deno binary running this file, so it has exactly the
 * permissions its task has (deno.json is the one place they are written; a new task is a new
 * subcommand), the clone's lock file and packages, and the caller's folder as working folder
 * (`INIT_CWD` set to it; util/caller_folder.ts). Deno's own progress lines are off (`--quiet`).
 *
 * Exit status: the task's; 2 for an unknown or clone-only subcommand; 128+n when the task died
 * of signal n. SIGINT and SIGTERM are passed on to the task (which stops cleanly, 130/143).
 * @module
 */
import { DENO_JSON, readTaskTable, type TaskEntry } from "../util/task_table.ts";
import { CALLER_FOLDER_VARIABLE, CLONE_ROOT } from "../util/caller_folder.ts";
import { COMMAND_VARIABLE } from "../util/cli.ts";
import { closestName } from "../util/did_you_mean.ts";
import { DFROBUST_VERSION } from "../util/version.ts";

const COMMAND = "dfrobust";

/** The usage text: the subcommands with their deno.json descriptions. */
export function dispatcherHelp(tasks: TaskEntry[]): string {
  const runnable = tasks.filter((t) => t.run);
  const width = Math.max(...runnable.map((t) => t.name.length)) + 2;
  return [
    `${COMMAND} <command> [options]      (${COMMAND} <command> --help for its options)`,
    "",
    `Runs a task of ${CLONE_ROOT} from the folder you are in: relative paths and default`,
    "outputs are yours. Exit codes: 0 done, 1 the work failed, 2 a usage error, 130/143 stopped.",
    "",
    "Commands:",
    ...runnable.map((t) => `  ${t.name.padEnd(width)}${t.description}`),
    "",
    `In the clone only (deno task <name>): ${
      tasks.filter((t) => !t.run).map((t) => t.name).join(", ")
    }.`,
  ].join("\n");
}

async function main(args: string[]): Promise<number> {
  const tasks = readTaskTable();
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(dispatcherHelp(tasks));
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    console.log(`${COMMAND} ${DFROBUST_VERSION} (${CLONE_ROOT}; deno ${Deno.version.deno})`);
    return 0;
  }
  const task = tasks.find((t) => t.name === name);
  if (task === undefined) {
    const near = closestName(name, tasks.filter((t) => t.run).map((t) => t.name));
    console.error(
      `error: unknown command "${name}"` + (near ? ` (did you mean "${near}"?)` : "") +
        `\nRun "${COMMAND} --help" for the commands.`,
    );
    return 2;
  }
  if (task.run === undefined) {
    console.error(
      `error: "${name}" runs only inside the clone: cd ${CLONE_ROOT} && deno task ${name}`,
    );
    return 2;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...task.run.flags,
      "--config",
      DENO_JSON,
      `${CLONE_ROOT}/${task.run.script}`,
      ...rest,
    ],
    env: {
      ...task.run.env,
      [CALLER_FOLDER_VARIABLE]: Deno.cwd(),
      [COMMAND_VARIABLE]: COMMAND,
    },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // The task handles SIGINT/SIGTERM itself (exit 130/143, nothing half-written): pass them on.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    });
  }
  const status = await child.status;
  if (status.signal !== null) return 128 + signalNumber(status.signal);
  return status.code;
}

function signalNumber(signal: Deno.Signal): number {
  return { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 }[signal as string] ?? 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
