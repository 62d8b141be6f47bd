/**
 * Eval units scored by shards (scale/shard.ts). Shard i of N scores its videos of every copy
 * ({@link shardCopy}) and writes them as its own part of the unit (store/shard_parts.ts) under
 * that part's lock. Finishing a unit ({@link finishUnit}, under the unit's own lock) merges a
 * complete set of shard parts into the whole part a single run writes, rows in the order a single
 * run writes them, and removes the shard parts; each shard tries it when its share is done, so
 * the last shard to end leaves whole parts, and `eval --finish` does it or names what is
 * missing. See docs/scale.md.
 * @module
 */
import { dirname } from "node:path";
import { type Shard, shardItems, shardLabel } from "../scale/shard.ts";
import { DAMAGED_VIDEO } from "./copy_check.ts";
import type { EvalCopy } from "./copies.ts";
import type { ScoreRow } from "../store/schema.ts";
import { missingShards, shardUnit, splitShardUnitId } from "../store/shard_parts.ts";
import { appendUnit, partUnitId, type StoreUnit, unitPath } from "../store/store.ts";
import { unitLockPath } from "../store/unit_lock.ts";
import { acquireLock } from "../util/lock.ts";
import { evalUnitId } from "./run_id.ts";
import { storedUnitRows } from "./unit_claim.ts";

/**
 * The copy as `shard` sees it: only its videos (and its failed videos), split by the rule of
 * scale/shard.ts over every video id of the copy. Without a shard, the copy itself.
 */
export function shardCopy(copy: EvalCopy, shard: Shard | undefined): EvalCopy {
  if (!shard || shard.count === 1) return copy;
  const ids = [...copy.failedVideos.map((v) => v.id), ...copy.videos.map((v) => v.id)];
  const mine = new Set(shardItems(ids, shard, (id) => id));
  return {
    ...copy,
    videos: copy.videos.filter((v) => mine.has(v.id)),
    failedVideos: copy.failedVideos.filter((v) => mine.has(v.id)),
  };
}

/**
 * The stored rows of a shard's share of `unit`, when done: the shard's videos' rows of the whole
 * part when that is there and current (the unit was finished), else the shard part's rows; null
 * when neither is (score the share). `copy` is the shard's view ({@link shardCopy}).
 */
export async function storedShareRows(
  store: string,
  { unit, copy, shard }: { unit: StoreUnit; copy: EvalCopy; shard: Shard },
): Promise<{ part: StoreUnit; rows: ScoreRow[] } | null> {
  const whole = await storedUnitRows(store, { unit, copy });
  if (whole) {
    const mine = new Set([...copy.videos, ...copy.failedVideos].map((v) => v.id));
    return { part: unit, rows: whole.filter((row) => mine.has(row.video_id)) };
  }
  const part = shardUnit(unit, shard);
  const rows = await storedUnitRows(store, { unit: part, copy });
  return rows ? { part, rows } : null;
}

/**
 * The part a run writes of `unit` (a shard's own part, or the whole unit) and its stored rows
 * when that is done, else null rows (score it): with `shard`, its share ({@link storedShareRows});
 * without, the whole part (storedUnitRows), or, when shards scored the unit but nobody finished
 * it, their parts merged into it instead of scoring it again ({@link finishUnit}; call it holding
 * the unit's lock). With `force`, nothing counts as done. `copy` is the run's view of the copy.
 */
export async function storedRunRows(
  store: string,
  { unit, copy, shard, force }: {
    unit: StoreUnit;
    copy: EvalCopy;
    shard?: Shard;
    force?: boolean;
  },
): Promise<{ part: StoreUnit; rows: ScoreRow[] | null }> {
  if (shard) {
    // Done when the unit was finished (its whole part) or the shard part is there.
    return await storedShareRows(store, { unit, copy, shard }) ??
      { part: shardUnit(unit, shard), rows: null };
  }
  if (force) return { part: unit, rows: null };
  const found = await finishUnit(store, { unit, copy });
  return { part: unit, rows: found.kind === "incomplete" ? null : found.rows };
}

/** A unit that finishing left incomplete. */
export interface IncompleteUnit {
  opId: string;
  artifactId: string;
  unitId: string;
  /** What is missing, in words (`shard part 1/3 missing (0/3, 2/3 present): ...`). */
  reason: string;
}

/** Options of {@link finishUnits}. */
export interface FinishUnitsOptions {
  store: string;
  detector: string;
  runId: string;
  /** Stops waiting for a unit's lock (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** One unit after {@link finishUnits}. */
export interface FinishedUnit {
  copy: EvalCopy;
  unitId: string;
  found: UnitFinish;
}

/**
 * Finishes the unit of every copy of the run (module doc), each under its lock (waited for: a
 * run scoring the whole unit holds it until its part is written, another shard only while it
 * finishes).
 */
export async function finishUnits(
  copies: readonly EvalCopy[],
  options: FinishUnitsOptions,
): Promise<FinishedUnit[]> {
  const finished: FinishedUnit[] = [];
  for (const copy of copies) {
    const unitId = evalUnitId(options.runId, copy.artifactId);
    const unit: StoreUnit = { detector: options.detector, opId: copy.op.id, unitId };
    await using _lock = await acquireLock(unitLockPath(options.store, unit), {
      purpose: `eval ${unit.detector}/${unit.opId}/${unitId} (finishing)`,
      signal: options.signal,
    });
    finished.push({ copy, unitId, found: await finishUnit(options.store, { unit, copy }) });
  }
  return finished;
}

/** The units {@link finishUnits} left incomplete, with what each misses. */
export function incompleteUnits(units: readonly FinishedUnit[]): IncompleteUnit[] {
  return units.flatMap(({ copy, unitId, found }) =>
    found.kind === "incomplete"
      ? [{ opId: copy.op.id, artifactId: copy.artifactId, unitId, reason: found.reason }]
      : []
  );
}

/** What finishing a unit found. */
export type UnitFinish =
  /** The whole part was there (and current); leftover shard parts were removed. */
  | { kind: "whole"; rows: ScoreRow[] }
  /** A complete set of shard parts was merged into the whole part. */
  | { kind: "merged"; rows: ScoreRow[]; shards: number }
  /** No whole part and no complete set of current shard parts: `reason` says what is missing. */
  | { kind: "incomplete"; reason: string };

/**
 * Finishes `unit` of `copy` (module doc). Call it holding the unit's lock. A shard part that is
 * damaged or older than the copy's manifest counts as missing (storedUnitRows).
 */
export async function finishUnit(
  store: string,
  { unit, copy }: { unit: StoreUnit; copy: EvalCopy },
): Promise<UnitFinish> {
  const whole = await storedUnitRows(store, { unit, copy });
  const files = await shardPartFiles(store, unit);
  if (whole) {
    await removeAll(files.map((f) => f.path));
    return { kind: "whole", rows: whole };
  }
  if (files.length === 0) return { kind: "incomplete", reason: "not scored (no part)" };
  // Sets complete by their names are read; the others cost nothing (a shard that ends first
  // finds most units incomplete).
  const byCount = Map.groupBy(files, (f) => f.shard.count);
  const complete = [...byCount.keys()].sort((a, b) => a - b)
    .filter((count) => missingShards(byCount.get(count)!.map((f) => f.shard)) === null);
  if (complete.length === 0) {
    return { kind: "incomplete", reason: missingShards(files.map((f) => f.shard))! };
  }
  const stale: Shard[] = [];
  for (const count of complete) {
    const parts: ScoreRow[][] = [];
    for (const { shard } of byCount.get(count)!.sort((a, b) => a.shard.index - b.shard.index)) {
      const rows = await storedUnitRows(store, { unit: shardUnit(unit, shard), copy });
      if (rows) parts.push(rows);
      else stale.push(shard);
    }
    if (parts.length !== count) continue;
    const rows = singleRunOrder(parts.flat(), copy);
    await appendUnit(store, unit, rows);
    await removeAll(files.map((f) => f.path));
    return { kind: "merged", rows, shards: count };
  }
  return {
    kind: "incomplete",
    reason: `shard part${stale.length === 1 ? "" : "s"} ${stale.map(shardLabel).join(", ")} ` +
      `damaged or older than the copy's manifest: run ${
        stale.length === 1 ? "that shard" : "those shards"
      } again, then eval --finish`,
  };
}

/** The shard parts of `unit` in the store, with their shards. */
async function shardPartFiles(
  store: string,
  unit: StoreUnit,
): Promise<{ path: string; shard: Shard }[]> {
  const folder = dirname(unitPath(store, unit));
  const found: { path: string; shard: Shard }[] = [];
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
      found.push({ path: unitPath(store, shardUnit(unit, shard)), shard });
    }
  }
  return found.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * Rows in the order a single run writes a unit (eval/evaluate.ts): the failed videos' rows in
 * manifest order, then damaged videos' rows, then each video's rows in the copy's order; a
 * video's own rows keep their order (frames, faces).
 */
function singleRunOrder(rows: ScoreRow[], copy: EvalCopy): ScoreRow[] {
  const failed = new Map(copy.failedVideos.map((v, i) => [v.id, i]));
  const videos = new Map(copy.videos.map((v, i) => [v.id, i]));
  const rank = (row: ScoreRow): [number, number] => {
    if (row.status === "video_error" && failed.has(row.video_id)) {
      return [0, failed.get(row.video_id)!];
    }
    const at = videos.get(row.video_id) ?? Number.MAX_SAFE_INTEGER;
    return [row.status === DAMAGED_VIDEO ? 1 : 2, at];
  };
  return rows.map((row, i) => ({ row, key: rank(row), i }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.i - b.i)
    .map((r) => r.row);
}

async function removeAll(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    await Deno.remove(path).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
}
