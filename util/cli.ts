/**
 * The shared shape of every task's command line, on `node:util` `parseArgs` (JSR's `@std/cli`
 * cannot be reached here): typed flags, `--help` generated from the flag table, and one clear
 * message plus exit code 2 on a bad flag. A task parses, calls the library and prints: the
 * library's {@link OptionError} (a bad option value, util/option_error.ts) is exit 2 as a bad
 * flag is, so no task re-checks or re-wraps what the library checks.
 *
 * Exit codes, the same for every task: 0 done; 1 the work failed (a missing or damaged input, a
 * failed video, a failed notebook); 2 a usage error (an unknown or misspelt flag, with the
 * closest known one named; a missing or bad value; an argument the task does not take);
 * 130/143 stopped by SIGINT/SIGTERM. Relative paths are the caller's (util/caller_folder.ts).
 * @module
 */
import { parseArgs } from "node:util";
import { workFromCallerFolder } from "./caller_folder.ts";
import { closestName, didYouMeanSuffix } from "./did_you_mean.ts";
import { commandLine } from "./command_line.ts";
import { interruptExitCode } from "./interrupt.ts";
import { OptionError } from "./option_error.ts";

export { COMMAND_VARIABLE, commandLine } from "./command_line.ts";

/** One flag of a task. */
export interface FlagSpec {
  type: "string" | "boolean";
  /** One-line help text. */
  description: string;
  /** Single-letter alias. */
  short?: string;
  /** Default shown in --help and applied when the flag is absent. */
  default?: string | boolean;
  /** Placeholder in --help, e.g. `<dir>`. */
  valueName?: string;
  /** Allow the flag more than once (values collected in an array). */
  multiple?: boolean;
  /**
   * The values a string flag takes (e.g. a library's list of modes); {@link parseCommand}
   * refuses any other with `--name must be a or b, got "c"` (a {@link UsageError}).
   */
  choices?: readonly string[];
}

/** A task's command line: its name, summary, flags and positional arguments. */
export interface CommandSpec {
  name: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  /** Positional arguments for --help, e.g. `<weights.h5>`. */
  positionals?: string;
  /** Extra help text printed after the flag table. */
  epilog?: string;
}

/** Parsed flags (by name) and positionals. */
export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Thrown for a bad command line (unknown flag, missing value, bad flag value); tasks print it
 * with the hint to use --help and exit 2, as for every {@link OptionError}.
 */
export class UsageError extends OptionError {
  override name = "UsageError";
}

/** Renders the --help text of a command. */
export function helpText(spec: CommandSpec): string {
  const lines = [
    `${commandLine(spec.name)}${spec.positionals ? " " + spec.positionals : ""} [options]`,
    "",
    spec.summary,
    "",
    "Options:",
  ];
  const entries = Object.entries({
    ...spec.flags,
    help: { type: "boolean", description: "Show this help and exit.", short: "h" } as FlagSpec,
  });
  const heads = entries.map(([name, flag]) => {
    const alias = flag.short ? `-${flag.short}, ` : "    ";
    const value = flag.type === "string" ? ` ${flag.valueName ?? "<value>"}` : "";
    return `  ${alias}--${name}${value}`;
  });
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  entries.forEach(([, flag], i) => {
    const def = flag.default !== undefined && flag.default !== false
      ? ` (default: ${flag.default})`
      : "";
    lines.push(heads[i].padEnd(width) + flag.description + def);
  });
  if (spec.epilog) lines.push("", spec.epilog);
  return lines.join("\n");
}

/**
 * Parses `args` against `spec`. Prints help and exits 0 on `--help`; throws {@link UsageError}
 * on an unknown flag (naming the closest known one), a missing value, a value outside a flag's
 * `choices`, or more positional arguments than `spec.positionals` names (none when it is
 * absent): an argument is never dropped silently.
 */
export function parseCommand(spec: CommandSpec, args: string[]): ParsedCommand {
  checkFlagNames(spec, args);
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = { help: { type: "boolean", short: "h" } };
  for (const [name, flag] of Object.entries(spec.flags)) {
    // node:util parseArgs rejects `short: undefined`, so only set the keys that are given.
    options[name] = {
      type: flag.type,
      ...(flag.short !== undefined ? { short: flag.short } : {}),
      ...(flag.multiple !== undefined ? { multiple: flag.multiple } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(helpText(spec));
    Deno.exit(0);
  }
  const values: ParsedCommand["values"] = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    values[name] = (parsed.values as ParsedCommand["values"])[name] ?? flag.default;
    checkChoice(name, flag, values[name]);
  }
  checkPositionalCount(spec, parsed.positionals);
  return { values, positionals: parsed.positionals };
}

// An unknown `--name` or `-x` before any `--` is a usage error naming the closest known flag
// (node:util's own message quotes it unevenly and suggests none).
function checkFlagNames(spec: CommandSpec, args: string[]): void {
  const flags = { ...spec.flags, help: { type: "boolean", short: "h" } as FlagSpec };
  const names = Object.keys(flags);
  const shorts = new Set(Object.values(flags).map((f) => f.short).filter(Boolean));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return;
    if (arg.startsWith("--")) {
      const name = arg.slice(2).split("=")[0];
      const flag = flags[name as keyof typeof flags];
      if (flag === undefined) {
        const near = closestName(name, names);
        // `--json` where `--format json` was meant: the name is a value of a flag with choices.
        const owner = Object.entries(flags).find(([, f]) => f.choices?.includes(name));
        const hint = near ? `--${near}` : owner ? `--${owner[0]} ${name}` : undefined;
        throw new UsageError(`unknown option --${name}` + (hint ? ` (did you mean ${hint}?)` : ""));
      }
      if (flag.type === "string" && !arg.includes("=")) i++; // its value may start with "-"
    } else if (/^-[^-\d]/.test(arg)) {
      const letter = arg[1];
      if (!shorts.has(letter)) throw new UsageError(`unknown option -${letter}`);
      const flag = Object.values(flags).find((f) => f.short === letter)!;
      if (flag.type === "string" && arg.length === 2) i++;
    }
  }
}

// More positional arguments than the spec names (one per word: `<dir>` one, `install` one; none
// when absent; `...`: any).
function checkPositionalCount(spec: CommandSpec, positionals: string[]): void {
  const named = spec.positionals ?? "";
  if (named.includes("...")) return;
  const allowed = named.split(/\s+/).filter(Boolean).length;
  if (positionals.length <= allowed) return;
  const extra = positionals[allowed];
  const firstFlag = Object.entries(spec.flags).find(([, f]) => f.type === "string");
  const hint = allowed === 0
    ? `${commandLine(spec.name)} takes options only` +
      (firstFlag ? `, e.g. --${firstFlag[0]} ${extra}` : "")
    : `${commandLine(spec.name)} takes ${named}`;
  throw new UsageError(`unexpected argument "${extra}" (${hint})`);
}

/** `--name must be a or b, got "c"` (`one of a, b, c` for more) for a value outside `choices`. */
function checkChoice(name: string, flag: FlagSpec, value: ParsedCommand["values"][string]): void {
  if (flag.choices === undefined || value === undefined || typeof value === "boolean") return;
  const choices = flag.choices;
  for (const given of Array.isArray(value) ? value : [value]) {
    if (choices.includes(given)) continue;
    const list = choices.length === 2 ? choices.join(" or ") : `one of ${choices.join(", ")}`;
    throw new UsageError(
      `--${name} must be ${list}, got "${given}"` + didYouMeanSuffix(given, choices),
    );
  }
}

/** Reads a required string flag or throws a {@link UsageError} naming it. */
export function requireString(parsed: ParsedCommand, name: string): string {
  const value = parsed.values[name];
  if (typeof value !== "string" || value === "") {
    throw new UsageError(`--${name} is required`);
  }
  return value;
}

/**
 * Reads the first positional argument, or throws a {@link UsageError} saying that `what` is
 * required, with the usage line from `spec` (`deno task gc <dir>`).
 */
export function requirePositional(parsed: ParsedCommand, spec: CommandSpec, what: string): string {
  const value = parsed.positionals[0];
  if (value === undefined || value === "") {
    throw new UsageError(
      `${what} is required (${commandLine(spec.name)} ${spec.positionals ?? ""})`,
    );
  }
  return value;
}

/**
 * Reads a flag as an integer of at least `min` (1: positive; 0: non-negative), `fallback` when
 * absent, or throws a {@link UsageError} naming it.
 */
export function integerFlag(
  parsed: ParsedCommand,
  name: string,
  fallback: number,
  min: 0 | 1 = 1,
): number {
  const value = parsed.values[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    const want = min === 0 ? "a non-negative integer" : "a positive integer";
    throw new UsageError(`--${name} must be ${want}, got "${value}"`);
  }
  return n;
}

/** Reads an optional positive-integer flag: undefined when absent (the library's default). */
export function optionalIntegerFlag(parsed: ParsedCommand, name: string): number | undefined {
  return parsed.values[name] === undefined ? undefined : integerFlag(parsed, name, 1);
}

/**
 * Runs a task's main function from the caller's folder (util/caller_folder.ts): an
 * {@link OptionError} (a bad flag, or a bad option the library refused: {@link UsageError} is
 * one) prints `error: ...` and exits 2, an interruption (util/interrupt.ts) exits 130 or 143,
 * other errors print their message and exit 1. A main that resolves to a number exits with it.
 */
export async function runTask(
  spec: CommandSpec,
  main: (parsed: ParsedCommand) => Promise<number | void>,
): Promise<void> {
  try {
    workFromCallerFolder();
    const code = await main(parseCommand(spec, Deno.args));
    Deno.exit(code ?? 0);
  } catch (error) {
    if (error instanceof OptionError) {
      console.error(`error: ${error.message}\nRun "${commandLine(spec.name)} --help" for usage.`);
      Deno.exit(2);
    }
    const interrupted = interruptExitCode(error);
    if (interrupted !== null) {
      console.error(`${(error as Error).message}: stopped; rerun the same command to resume`);
      Deno.exit(interrupted);
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (Deno.env.get("DFROBUST_DEBUG") === "1") console.error(error);
    Deno.exit(1);
  }
}
