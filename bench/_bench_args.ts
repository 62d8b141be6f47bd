/**
 * The command line of `deno task bench [name...] [flags]`: which benchmarks run, and the flags
 * each of them takes (a table, the one place a benchmark's flags are named: each benchmark
 * parses its own with {@link BENCH_FLAGS}). Strict, as util/cli.ts is for tasks: an unknown flag,
 * a flag of a benchmark that is not run, or an unknown name is a `UsageError` (exit 2) before
 * any benchmark starts.
 * @module
 */
import type { ParseArgsOptionsConfig } from "node:util";
import { parseArgs } from "node:util";
import { commandLine, UsageError } from "../util/cli.ts";
import { closestName } from "../util/did_you_mean.ts";

/** Every benchmark's name, in the order `deno task bench` runs them. */
export const BENCH_NAMES: readonly string[] = [
  "auc",
  "distort",
  "eval",
  "eval_clip",
  "preprocess",
  "wasm_vs_native",
  "demo",
  "report",
  "decision",
];

/** The flags of each benchmark that takes any (node:util `parseArgs` options, defaults included). */
export const BENCH_FLAGS = {
  distort: { families: { type: "string" } },
  report: {
    sizes: { type: "string", default: "70,700,7000" },
    cache: { type: "string" },
    baseline: { type: "string" },
  },
  decision: { sizes: { type: "string", default: "700" }, cache: { type: "string" } },
} satisfies Record<string, ParseArgsOptionsConfig>;

// The table by any name (undefined for a benchmark without flags).
const FLAGS_OF: Readonly<Record<string, ParseArgsOptionsConfig>> = BENCH_FLAGS;

/** What {@link parseBenchArgs} gives. */
export interface BenchArgs {
  /** True for `--help` / `-h`. */
  help: boolean;
  /** The benchmarks to run, in the order given (default: all, {@link BENCH_NAMES}). */
  names: string[];
  /** Each benchmark's own flags, as argument lists (only those it takes). */
  flags: Map<string, string[]>;
}

/**
 * Splits `args` into benchmark names and each benchmark's flags. Names and flags may come in
 * any order. Throws a `UsageError` naming the closest known one for an unknown flag or name,
 * and for a flag that no benchmark being run takes (`bench auc --families x`).
 */
export function parseBenchArgs(args: readonly string[]): BenchArgs {
  const all: ParseArgsOptionsConfig = { help: { type: "boolean", short: "h" } };
  for (const options of Object.values(FLAGS_OF)) {
    for (const [flag, option] of Object.entries(options)) all[flag] = { type: option.type };
  }
  let tokens;
  try {
    tokens = parseArgs({ args: [...args], options: all, allowPositionals: true, tokens: true })
      .tokens;
  } catch (error) {
    const unknown = /Unknown option '(-{1,2})([^']*)'/.exec((error as Error).message);
    if (unknown) {
      const near = closestName(unknown[2], Object.keys(all));
      throw new UsageError(
        `unknown option ${unknown[1]}${unknown[2]}` + (near ? ` (did you mean --${near}?)` : ""),
      );
    }
    throw new UsageError((error as Error).message.split("\n")[0]);
  }
  const given = tokens.flatMap((t) => t.kind === "positional" ? [t.value] : []);
  for (const name of given) {
    if (!BENCH_NAMES.includes(name)) {
      const near = closestName(name, BENCH_NAMES);
      throw new UsageError(
        `unknown benchmark "${name}"` + (near ? ` (did you mean ${near}?)` : "") +
          `; known: ${BENCH_NAMES.join(", ")}`,
      );
    }
  }
  const names = given.length > 0 ? given : [...BENCH_NAMES];
  const help = tokens.some((t) => t.kind === "option" && t.name === "help");
  const flags = new Map(names.map((name) => [name, [] as string[]]));
  for (const token of tokens) {
    if (token.kind !== "option" || token.name === "help") continue;
    const takers = names.filter((name) => token.name in (FLAGS_OF[name] ?? {}));
    if (takers.length === 0) {
      const owners = Object.keys(FLAGS_OF).filter((name) => token.name in FLAGS_OF[name]);
      throw new UsageError(
        `--${token.name} is a flag of ${owners.join(", ")}, which ${
          owners.length === 1 ? "is" : "are"
        } not run here (${commandLine("bench")} ${owners[0]} --${token.name} ...)`,
      );
    }
    for (const name of takers) {
      flags.get(name)!.push(`--${token.name}`, ...(token.value === undefined ? [] : [token.value]));
    }
  }
  return { help, names, flags };
}

/** The --help text: usage, the benchmarks and the flags each takes. */
export function benchHelp(): string {
  const lines = [
    `${commandLine("bench")} [name...] [flags]`,
    "",
    `Runs the benchmarks (default: all): ${BENCH_NAMES.join(", ")}.`,
    "Each prints its timings and side-by-side ratios on stdout. Flags go to the benchmarks",
    "that take them:",
  ];
  for (const [name, options] of Object.entries(FLAGS_OF)) {
    lines.push(
      `  ${name}: ` +
        Object.entries(options).map(([flag, o]) =>
          `--${flag}` + (o.default !== undefined ? ` (default ${o.default})` : "")
        ).join(", "),
    );
  }
  return lines.join("\n");
}
