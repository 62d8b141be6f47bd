/**
 * Whether a unit's parts are there, read back whole, and when they were written, without turning
 * their rows into JavaScript records: Polars reads a part in full (every data page, so damage shows
 * exactly as it does when the rows are read, store/part_check.ts) and hands back one value, the
 * latest `created_at`. That is what deciding "is this unit done?" needs (eval/unit_lifecycle.ts);
 * the rows are read only where they are used. A lazy scan of `created_at` alone would be cheaper
 * still, but would count a part with a damaged page in another column as whole. Costs:
 * docs/benchmarks.md, "Store".
 * @module
 */
import { dirname } from "node:path";
import pl from "../deps/polars.ts";
import type { Shard } from "../scale/shard.ts";
import { missingShards, shardUnit, splitShardUnitId } from "./shard_parts.ts";
import { readUnitFrame } from "./part_check.ts";
import { partUnitId, type StoreProblem, unitPath } from "./store.ts";
import type { StoreUnit } from "./unit.ts";

/** What {@link partState} found. */
export type PartState =
  | { kind: "missing" }
  /** The part does not read back whole (truncated, a damaged page, not Parquet). */
  | { kind: "damaged"; problem: StoreProblem }
  /** The part reads back whole; `writtenAt` is its rows' latest `created_at` ("" when none). */
  | { kind: "written"; writtenAt: string };

/** The state of the part of `unit` under `storeDir` (module doc); never throws for the part. */
export async function partState(storeDir: string, unit: StoreUnit): Promise<PartState> {
  const found = await readUnitFrame(storeDir, unit);
  if (found.kind !== "ok") return found;
  const { frame } = found;
  if (frame.height === 0 || !frame.columns.includes("created_at")) {
    return { kind: "written", writtenAt: "" };
  }
  const latest = frame.select(pl.col("created_at").max()).getColumn("created_at").get(0);
  return { kind: "written", writtenAt: typeof latest === "string" ? latest : "" };
}

/** A shard part of a unit, found by its file name (store/shard_parts.ts). */
export interface ShardPartFile {
  shard: Shard;
  path: string;
}

/** The parts of one unit on disk, with the states its lifecycle decides on. */
export interface UnitParts {
  /** The whole part. */
  whole: PartState;
  /** Every shard part of the unit, sorted by path. */
  files: ShardPartFile[];
  /** With `shard`: that shard's own part. */
  own?: PartState;
  /**
   * Without `shard`: every complete set of shard parts (all indices of one count), fewest shards
   * first, each in index order with its parts' states.
   */
  sets: { shard: Shard; state: PartState }[][];
  /** Without `shard`, when shard parts are there but no set is complete: what is missing. */
  missing: string | null;
}

/**
 * Reads the parts of `unit` under `storeDir` ({@link UnitParts}): the whole part's state, the
 * shard parts by name and, with `shard`, that shard's part's state, else the states of the
 * complete sets only (an incomplete set costs nothing to read).
 */
export async function unitParts(
  storeDir: string,
  unit: StoreUnit,
  { shard }: { shard?: Shard } = {},
): Promise<UnitParts> {
  const whole = await partState(storeDir, unit);
  const files = await shardPartFiles(storeDir, unit);
  if (shard) {
    const own = await partState(storeDir, shardUnit(unit, shard));
    return { whole, files, own, sets: [], missing: null };
  }
  const byCount = Map.groupBy(files, (f) => f.shard.count);
  const sets: { shard: Shard; state: PartState }[][] = [];
  for (const count of [...byCount.keys()].sort((a, b) => a - b)) {
    const shards = byCount.get(count)!.map((f) => f.shard);
    if (missingShards(shards) !== null) continue;
    const set = [];
    for (const s of shards.sort((a, b) => a.index - b.index)) {
      set.push({ shard: s, state: await partState(storeDir, shardUnit(unit, s)) });
    }
    sets.push(set);
  }
  const missing = files.length > 0 && sets.length === 0
    ? missingShards(files.map((f) => f.shard))
    : null;
  return { whole, files, sets, missing };
}

/** The shard parts of `unit` under `storeDir`, with their shards, sorted by path. */
async function shardPartFiles(storeDir: string, unit: StoreUnit): Promise<ShardPartFile[]> {
  const folder = dirname(unitPath(storeDir, unit));
  const found: ShardPartFile[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(folder));
  } catch {
    return found;
  }
  for (const entry of entries) {
    const id = entry.isFile ? partUnitId(entry.name) : null;
    if (id === null) continue;
    const { unitId, shard } = splitShardUnitId(id);
    if (unitId === unit.unitId && shard) {
      found.push({ path: unitPath(storeDir, shardUnit(unit, shard)), shard });
    }
  }
  return found.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}
