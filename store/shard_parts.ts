/**
 * Shard parts: how the shards of one eval run (scale/shard.ts) share a store unit. Shard i of N
 * writes the rows of its videos of a unit as its own part,
 * `det=…/op=…/part-<unit>.shard-<i>of<N>.parquet` (the unit id with a `.shard-<i>of<N>` suffix,
 * so it is written, locked and cleaned like any unit). Finishing the unit (eval/unit_lifecycle.ts)
 * merges a complete set into the unit's whole part, `part-<unit>.parquet`, the part a single run
 * writes, and removes the shard parts.
 *
 * The reading rule ({@link selectUnitParts}), so that nothing is counted twice or silently read
 * as a subset:
 * 1. a unit's whole part, when there is one, is the unit: its shard parts are superseded (left
 *    over from before the merge, or written by a shard rerun after it) and not read;
 * 2. without a whole part, the shard parts are read when they form one complete set (every
 *    index of one shard count N), as the merge would write them;
 * 3. anything else (some shards missing, or parts of two shard counts) is left out and named,
 *    like a damaged part, until `eval --finish` (or the missing shards) completes the unit.
 * @module
 */
import { type Shard, shardLabel, shardTag } from "../scale/shard.ts";
import { parseShardTag } from "../scale/shard.ts";
import type { StoreUnit } from "./unit.ts";

/** The unit under which `shard` writes its share of `unit` (same detector and op). */
export function shardUnit(unit: StoreUnit, shard: Shard): StoreUnit {
  return { ...unit, unitId: `${unit.unitId}.${shardTag(shard)}` };
}

/** A unit id read back: the whole unit's id and, for a shard part, its shard. */
export interface UnitIdParts {
  unitId: string;
  shard: Shard | null;
}

/** Splits a part's unit id into the whole unit's id and its shard (null for a whole part). */
export function splitShardUnitId(unitId: string): UnitIdParts {
  const dot = unitId.lastIndexOf(".");
  if (dot > 0) {
    const shard = parseShardTag(unitId.slice(dot + 1));
    if (shard) return { unitId: unitId.slice(0, dot), shard };
  }
  return { unitId, shard: null };
}

/** One part file of a unit: its path and what its name says. */
export interface UnitPartFile extends UnitIdParts {
  path: string;
}

/** A unit whose shard parts are left out by the reading rule, and why. */
export interface LeftOutShardParts {
  /** The shard parts' paths. */
  paths: string[];
  /** One sentence: which shards are missing, or which shard counts are mixed. */
  reason: string;
}

/** What the reading rule keeps. */
export interface SelectedParts {
  /** Paths to read, in input order. */
  read: string[];
  /** Units whose shard parts are left out (rule 3). */
  leftOut: LeftOutShardParts[];
}

/**
 * Applies the reading rule (module doc) to the part files of one folder (`det=…/op=…`): unit
 * ids are only unique within it.
 */
export function selectUnitParts(files: readonly UnitPartFile[]): SelectedParts {
  const byUnit = Map.groupBy(files, (f) => f.unitId);
  const keep = new Set<string>();
  const leftOut: LeftOutShardParts[] = [];
  for (const [unitId, parts] of byUnit) {
    const whole = parts.find((p) => p.shard === null);
    if (whole) {
      keep.add(whole.path);
      continue;
    }
    const missing = missingShards(parts.map((p) => p.shard!));
    if (missing === null) {
      for (const p of parts) keep.add(p.path);
      continue;
    }
    leftOut.push({ paths: parts.map((p) => p.path), reason: `unit ${unitId}: ${missing}` });
  }
  return { read: files.filter((f) => keep.has(f.path)).map((f) => f.path), leftOut };
}

/**
 * Null when `shards` are one complete set (every index of one count, each once), else what is
 * wrong, in words (`shard parts 1/3 missing (0/3, 2/3 present)`).
 */
export function missingShards(shards: readonly Shard[]): string | null {
  const counts = [...new Set(shards.map((s) => s.count))].sort((a, b) => a - b);
  if (counts.length > 1) {
    return `shard parts of ${counts.join(" and ")} shards and no whole part (a rerun with ` +
      `another shard count?): finish the current run's shards and run eval --finish`;
  }
  const count = counts[0];
  const present = new Set(shards.map((s) => s.index));
  const absent = Array.from({ length: count }, (_, index) => ({ index, count }))
    .filter((s) => !present.has(s.index));
  if (absent.length === 0) return null;
  return `shard part${absent.length === 1 ? "" : "s"} ${absent.map(shardLabel).join(", ")} ` +
    `missing (${
      [...present].sort((a, b) => a - b).map((index) => shardLabel({ index, count }))
        .join(", ")
    } present): run ${absent.length === 1 ? "that shard" : "those shards"}, then ` +
    `eval --finish`;
}
