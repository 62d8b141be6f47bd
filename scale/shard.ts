/**
 * Shards: a deterministic split of a run's work by video, so that N runs on N machines together
 * do exactly the work of one run, each video once, whatever the order they run in.
 *
 * The rule: the distinct video ids are sorted by UTF-16 code units (JavaScript's default sort,
 * independent of locale) and dealt round-robin: the video of rank r belongs to shard `r mod N`.
 * Shard sizes therefore differ by at most one video, and the split depends only on the set of
 * ids (not on manifest order, machines or time). `distort` and `eval` use the same rule on the
 * same ids, so shard i of both handles the same videos. Shard indices are 0-based, like
 * `SLURM_ARRAY_TASK_ID` with `--array=0-<N-1>` and Kubernetes' `JOB_COMPLETION_INDEX`.
 *
 * This module is a leaf (it imports only util/option_error.ts), so every floor may use it. See
 * docs/scale.md.
 * @module
 */

import { OptionError } from "../util/option_error.ts";

/** One shard of a run: `index` in `[0, count)`. */
export interface Shard {
  /** 0-based index of this shard. */
  readonly index: number;
  /** Number of shards the work is split into (at least 1). */
  readonly count: number;
}

/**
 * Thrown for a shard spec or environment that names no valid shard; the message says why. An
 * {@link OptionError}: exit 2 in a task.
 */
export class ShardError extends OptionError {
  override name = "ShardError";
}

/**
 * Reads `I/N` (0-based index, count), e.g. `0/3`, `2/3`.
 * @throws {ShardError} for anything else, or an index outside `[0, N)`.
 */
export function parseShard(spec: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!match) {
    throw new ShardError(
      `--shard must be I/N (0-based index I of N shards, e.g. 0/3) or auto, ` +
        `got "${spec}"`,
    );
  }
  return checkedShard(Number(match[1]), Number(match[2]), `--shard ${spec}`);
}

/** Environment variables {@link shardFromEnv} reads (a subset of the process environment). */
export type ShardEnv = Readonly<Record<string, string | undefined>>;

/** The environment variable that gives the shard count of a Kubernetes Indexed Job. */
export const SHARD_COUNT_ENV = "DFROBUST_SHARD_COUNT";

/**
 * The shard of this process from its scheduler's environment:
 * - Slurm job arrays: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, offset by
 *   `SLURM_ARRAY_TASK_MIN` and divided by `SLURM_ARRAY_TASK_STEP` when set (so `--array=1-3` and
 *   `--array=0-10:5` map onto shards 0..N-1 as well as `--array=0-2` does).
 * - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX`, with the count in `DFROBUST_SHARD_COUNT`
 *   (Kubernetes does not export `completions`; set it to the same number in the manifest).
 *
 * Note that the whole array is the split: rerunning one task alone with `sbatch --array=1` makes
 * it an array of one (shard 0/1, every video). Scripts written by `deno task slurm` therefore
 * pass `--shard ${SLURM_ARRAY_TASK_ID}/N` instead.
 * @throws {ShardError} when neither scheduler's variables are there or they name no valid shard.
 */
export function shardFromEnv(env: ShardEnv): Shard {
  const task = env.SLURM_ARRAY_TASK_ID;
  if (task !== undefined && task !== "") {
    const id = integer(task, "SLURM_ARRAY_TASK_ID");
    const min = env.SLURM_ARRAY_TASK_MIN
      ? integer(env.SLURM_ARRAY_TASK_MIN, "SLURM_ARRAY_TASK_MIN")
      : 0;
    const step = env.SLURM_ARRAY_TASK_STEP
      ? integer(env.SLURM_ARRAY_TASK_STEP, "SLURM_ARRAY_TASK_STEP")
      : 1;
    const count = env.SLURM_ARRAY_TASK_COUNT
      ? integer(env.SLURM_ARRAY_TASK_COUNT, "SLURM_ARRAY_TASK_COUNT")
      : undefined;
    if (count === undefined) {
      throw new ShardError(
        "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT " +
          "is not (Slurm 17.11 or later sets both)",
      );
    }
    if (step < 1 || (id - min) % step !== 0) {
      throw new ShardError(
        `--shard auto: SLURM_ARRAY_TASK_ID ${id} is not on the array's grid ` +
          `(min ${min}, step ${step}); use --shard I/N`,
      );
    }
    return checkedShard((id - min) / step, count, "--shard auto (Slurm job array)");
  }
  const index = env.JOB_COMPLETION_INDEX;
  if (index !== undefined && index !== "") {
    const count = env[SHARD_COUNT_ENV];
    if (!count) {
      throw new ShardError(
        `--shard auto: JOB_COMPLETION_INDEX is set but ${SHARD_COUNT_ENV} is ` +
          `not (set it to the Job's completions in its manifest)`,
      );
    }
    return checkedShard(
      integer(index, "JOB_COMPLETION_INDEX"),
      integer(count, SHARD_COUNT_ENV),
      "--shard auto (Kubernetes Indexed Job)",
    );
  }
  throw new ShardError(
    "--shard auto needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a " +
      `Slurm job array) or JOB_COMPLETION_INDEX and ${SHARD_COUNT_ENV} (a Kubernetes Indexed ` +
      "Job); neither is set: pass --shard I/N",
  );
}

/** `--shard` as given: `auto` reads {@link shardFromEnv}, anything else {@link parseShard}. */
export function resolveShard(spec: string, env: ShardEnv): Shard {
  return spec.trim() === "auto" ? shardFromEnv(env) : parseShard(spec);
}

/** The shard as people write it: `1/3`. */
export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** The shard as a file-name part: `shard-1of3`. */
export function shardTag(shard: Shard): string {
  return `shard-${shard.index}of${shard.count}`;
}

/** Reads a {@link shardTag} back; null when `tag` is not one (or names an invalid shard). */
export function parseShardTag(tag: string): Shard | null {
  const match = /^shard-(\d+)of(\d+)$/.exec(tag);
  if (!match) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && index < count ? { index, count } : null;
}

/**
 * Which shard each id belongs to (the rule in the module doc), as a map over the distinct ids.
 * @throws {ShardError} when `count` is not a positive integer.
 */
export function shardAssignment(ids: Iterable<string>, count: number): Map<string, number> {
  if (!Number.isInteger(count) || count < 1) {
    throw new ShardError(`A shard count must be a positive integer, got ${count}`);
  }
  const sorted = [...new Set(ids)].sort();
  return new Map(sorted.map((id, rank) => [id, rank % count]));
}

/**
 * The items of `shard`, in their input order; with no shard, all of them. `idOf` gives an item's
 * video id; the split is computed over the ids of all `items`.
 *
 * @example
 * ```ts
 * import { shardItems } from "./shard.ts";
 * const ids = ["c", "a", "d", "b"];
 * shardItems(ids, { index: 0, count: 2 }, (id) => id); // ["c", "a"]: ranks 2 and 0
 * ```
 */
export function shardItems<T>(
  items: readonly T[],
  shard: Shard | undefined,
  idOf: (item: T) => string,
): T[] {
  if (!shard || shard.count === 1) return [...items];
  const owner = shardAssignment(items.map(idOf), shard.count);
  return items.filter((item) => owner.get(idOf(item)) === shard.index);
}

function checkedShard(index: number, count: number, what: string): Shard {
  if (!Number.isInteger(count) || count < 1) {
    throw new ShardError(`${what}: the shard count must be at least 1, got ${count}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new ShardError(
      `${what}: shard index ${index} is outside 0..${count - 1} (indices are 0-based)`,
    );
  }
  return { index, count };
}

function integer(value: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(value)) {
    throw new ShardError(`--shard auto: ${name} must be a non-negative integer, got "${value}"`);
  }
  return Number(value);
}
