/**
 * How the user runs a task, for every message that tells them to run one (`run "deno task
 * eval"`): `deno task eval` in the clone, `dfrobust eval` under the installed command
 * (tasks/dfrobust.ts sets {@link COMMAND_VARIABLE} for the task it starts). Library messages
 * name a task only through {@link commandLine} (tests/command_line_test.ts holds the rule).
 * @module
 */
import type { EnvLookup } from "./env_lookup.ts";

/**
 * The environment variable the installed `dfrobust` command (tasks/dfrobust.ts) sets to its own
 * name, so usage lines and hints name the command the user typed.
 */
export const COMMAND_VARIABLE = "DFROBUST_COMMAND";

/**
 * How the user runs task `name` (with `args`, joined by spaces, when given): `dfrobust report`
 * under the installed command, else `deno task report`. Reads {@link COMMAND_VARIABLE} only
 * where env access is granted already (a library caller without `--allow-env` gets the
 * `deno task` spelling, never a permission prompt); `env`, when given, reads it instead (tests
 * pass their own rather than change the environment parallel test files share). Never throws.
 *
 * @example
 * ```ts
 * import { commandLine } from "./command_line.ts";
 * commandLine("eval"); // "deno task eval" (or "dfrobust eval" under the installed command)
 * commandLine("report", "--format json"); // "deno task report --format json"
 * ```
 */
export function commandLine(name: string, args?: string, env?: EnvLookup): string {
  let command: string | undefined;
  if (env) command = env(COMMAND_VARIABLE);
  else {
    try {
      const access = Deno.permissions.querySync({ name: "env", variable: COMMAND_VARIABLE });
      if (access.state === "granted") command = Deno.env.get(COMMAND_VARIABLE);
    } catch {
      // No env permission: the deno task spelling.
    }
  }
  const task = command ? `${command} ${name}` : `deno task ${name}`;
  return args ? `${task} ${args}` : task;
}
