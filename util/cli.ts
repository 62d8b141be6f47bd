/**
 * The shared shape of every task's command line, on `node:util` `parseArgs` (JSR's `@std/cli`
 * cannot be reached here): typed flags, `--help` generated from the flag table, and one clear
 * message plus exit code 2 on a bad flag.
 * @module
 */
import { parseArgs } from "node:util";
import { interruptExitCode } from "./interrupt.ts";

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

/** Thrown for a usage error; tasks print it with the hint to use --help and exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Renders the --help text of a command. */
export function helpText(spec: CommandSpec): string {
  const lines = [
    `deno task ${spec.name}${spec.positionals ? " " + spec.positionals : ""} [options]`,
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
 * on an unknown flag or a missing value.
 */
export function parseCommand(spec: CommandSpec, args: string[]): ParsedCommand {
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
  }
  return { values, positionals: parsed.positionals };
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
    throw new UsageError(`${what} is required (deno task ${spec.name} ${spec.positionals ?? ""})`);
  }
  return value;
}

/** Reads a flag as a positive integer, or throws a {@link UsageError} naming it. */
export function integerFlag(parsed: ParsedCommand, name: string, fallback: number): number {
  const value = parsed.values[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  }
  return n;
}

/**
 * Runs a task's main function: usage errors print `error: ...` and exit 2, an interruption
 * (util/interrupt.ts) exits 130 or 143, other errors print their message and exit 1. A main
 * that resolves to a number exits with it.
 */
export async function runTask(
  spec: CommandSpec,
  main: (parsed: ParsedCommand) => Promise<number | void>,
): Promise<void> {
  try {
    const code = await main(parseCommand(spec, Deno.args));
    Deno.exit(code ?? 0);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\nRun "deno task ${spec.name} --help" for usage.`);
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
