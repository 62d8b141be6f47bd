/**
 * The task table of deno.json, read as data: which tasks run one script with `deno run`, with
 * which permission flags and environment. deno.json is the one place a task's permissions are
 * written; the installed `dfrobust` command (tasks/dfrobust.ts), the Slurm job scripts
 * (scale/slurm_scripts.ts) and the tests that run a task file (tests/_tools.ts) all read them
 * here, so adding a task to deno.json adds a subcommand.
 * @module
 */
import config from "../deno.json" with { type: "json" };

/** The clone's deno.json, absolute. */
export const DENO_JSON: string = new URL("../deno.json", import.meta.url).pathname;

/** One task of deno.json. */
export interface TaskEntry {
  /** The task's name (`report`). */
  name: string;
  /** Its `description` in deno.json ("" when none). */
  description: string;
  /** The command line as written in deno.json. */
  command: string;
  /**
   * For a task whose command is `[NAME=value ...] deno run <flags> <script>`: the environment
   * assignments, the flags (permissions and others, in order) and the script, relative to the
   * clone's root. Undefined for other commands (`deno test ...`, `a && b`, a script under
   * `tests/`): those run only as
   * `deno task <name>` in the clone.
   */
  run?: { env: Record<string, string>; flags: string[]; script: string };
}

/** The tasks of the clone's deno.json, in the file's order. */
export function readTaskTable(): TaskEntry[] {
  const tasks = config.tasks as Record<string, string | { command?: string; description?: string }>;
  return Object.entries(tasks).map(([name, task]) => {
    const command = typeof task === "string" ? task : task.command ?? "";
    const description = typeof task === "string" ? "" : task.description ?? "";
    return { name, description, command, run: denoRun(command) };
  });
}

/**
 * The permission flags of the task whose command runs `script` (relative to the clone's root,
 * `tasks/report.ts`) with `deno run`. Throws `Error` when no task does.
 */
export function taskFlagsFor(script: string): string[] {
  const entry = readTaskTable().find((t) => t.run?.script === script);
  if (entry === undefined) {
    throw new Error(`No task in deno.json runs "${script}" with \`deno run\``);
  }
  return entry.run!.flags;
}

/**
 * The `deno run` flags and script of task `name`. Throws `Error` when deno.json has no such
 * `deno run` task.
 */
export function taskRun(name: string): NonNullable<TaskEntry["run"]> {
  const run = readTaskTable().find((t) => t.name === name)?.run;
  if (run === undefined) throw new Error(`deno.json has no "deno run" task named "${name}"`);
  return run;
}

// `[NAME=value ...] deno run <flags> <script>` split into its parts; undefined for any other
// shape (shell operators, other subcommands, arguments after the script, quoting).
function denoRun(command: string): TaskEntry["run"] {
  const words = command.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(words[0])) {
    const [key, ...value] = words.shift()!.split("=");
    env[key] = value.join("=");
  }
  if (words[0] !== "deno" || words[1] !== "run" || words.length < 3) return undefined;
  const script = words.at(-1)!;
  const flags = words.slice(2, -1);
  if (script.startsWith("-") || !flags.every((f) => f.startsWith("-"))) return undefined;
  // The test suite's runner (`deno task test`: tests/run_suite.ts) belongs to the clone, like
  // `deno test`: no installed command runs it.
  if (script.startsWith("tests/")) return undefined;
  if (words.some((w) => /["'`$;&|<>]/.test(w))) return undefined;
  return { env, flags, script };
}
