/**
 * The shard flags `distort` and `eval` share (`--shard`, `--finish`, `--shards`), read into the
 * options both library calls take. See docs/scale.md.
 * @module
 */
import { resolveShard, type Shard, SHARD_COUNT_ENV, type ShardEnv } from "../scale/shard.ts";
import { type FlagSpec, integerFlag, type ParsedCommand, UsageError } from "../util/cli.ts";

/** The variables `--shard auto` reads (scale/shard.ts). */
const SHARD_ENV_NAMES = [
  "SLURM_ARRAY_TASK_ID",
  "SLURM_ARRAY_TASK_COUNT",
  "SLURM_ARRAY_TASK_MIN",
  "SLURM_ARRAY_TASK_STEP",
  "JOB_COMPLETION_INDEX",
  SHARD_COUNT_ENV,
];

/** The flag table entries of the shard flags, worded for `stage`. */
export function shardFlags(stage: "distort" | "eval"): Record<string, FlagSpec> {
  const what = stage === "distort" ? "copies" : "store units";
  return {
    shard: {
      type: "string",
      description: `Do only shard I of N (0-based) of the work, split by video id; auto reads ` +
        `SLURM_ARRAY_TASK_ID/COUNT (offset by SLURM_ARRAY_TASK_MIN) or JOB_COMPLETION_INDEX with ` +
        `${SHARD_COUNT_ENV}. Shards may run at once on a shared --${
          stage === "distort" ? "out" : "store"
        }.`,
      valueName: "<I/N|auto>",
    },
    finish: {
      type: "boolean",
      description: `Do no work: assemble the ${what} the shards left and exit 1 naming what is ` +
        `missing. Safe to rerun.`,
    },
    // Missing store parts are named by their shard already; missing videos need the count.
    ...(stage === "distort"
      ? {
        shards: {
          type: "string",
          description: "With --finish: the run's shard count, to name the shard of each missing " +
            "video.",
          valueName: "<n>",
        } satisfies FlagSpec,
      }
      : {}),
  };
}

/** Shard options for the library call, from the parsed flags. */
export interface ShardOptions {
  shard?: Shard;
  finish?: boolean;
  shards?: number;
}

/**
 * Reads `--shard`, `--finish` and `--shards`.
 * @throws {UsageError} for `--shard` with `--finish`, or `--shards` without it; `ShardError` (an
 *   OptionError, exit 2 too) for a shard that names no valid shard.
 */
export function shardOptions(parsed: ParsedCommand): ShardOptions {
  const spec = parsed.values.shard;
  const finish = parsed.values.finish === true;
  if (typeof spec === "string" && finish) {
    throw new UsageError("--shard and --finish exclude each other (finish after all shards)");
  }
  if (parsed.values.shards !== undefined && !finish) {
    throw new UsageError("--shards goes with --finish (a shard is given as --shard I/N)");
  }
  const options: ShardOptions = {};
  if (typeof spec === "string") options.shard = resolveShard(spec, shardEnv());
  if (finish) options.finish = true;
  if (parsed.values.shards !== undefined) options.shards = integerFlag(parsed, "shards", 1);
  return options;
}

function shardEnv(): ShardEnv {
  return Object.fromEntries(SHARD_ENV_NAMES.map((name) => [name, Deno.env.get(name)]));
}
