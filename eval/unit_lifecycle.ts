/**
 * The lifecycle of an eval store unit: one detector run on one copy, stored as one part
 * (store/unit.ts). This module owns it, from the claim to the whole part. For the run that looks
 * at it, a unit is
 * - **todo**: no part of the run's yet, a part that does not read back whole (named on stderr;
 *   scoring replaces it), a part written before its copy was last made (distort retried or redid
 *   videos of it), or shard parts that do not form one complete, current set;
 * - **claimed**: another live run holds its lock: {@link claimUnits} does the free units first,
 *   then waits for it and looks again;
 * - **done**: the run's part is there and current ({@link storedRows} reads its rows back);
 * - **needs merge**: no whole part, but a complete set of current shard parts, which the holder
 *   of the unit's lock merges into the whole part instead of scoring anything.
 *
 * {@link unitState} tells them apart for the run that holds the claim, without reading rows
 * (store/part_state.ts). Shard i of N (scale/shard.ts) sees only its videos of each copy
 * ({@link shardCopy}) and writes them as its own part of the unit (store/shard_parts.ts) under that
 * part's lock; a plain run is the one shard 0/1, whose part is the whole unit. So a plain run
 * merges shard parts nobody finished as it meets them, and each shard of N > 1, when its share is
 * done, finishes every unit of the run ({@link finishUnits}): the last shard to end leaves whole
 * parts, and `eval --finish` does the same or names what is missing. See docs/scale.md and
 * docs/architecture.md, "Ownership".
 * @module
 */
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { type Shard, shardItems, shardLabel } from "../scale/shard.ts";
import { readUnitPart } from "../store/part_check.ts";
import { type PartState, unitParts } from "../store/part_state.ts";
import type { ScoreRow } from "../store/schema.ts";
import { shardUnit } from "../store/shard_parts.ts";
import { type StoreUnit, writeUnit } from "../store/store.ts";
import { cleanUnitTemps, unitLockPath } from "../store/unit_lock.ts";
import { claimEach } from "../util/claim.ts";
import { acquireLock, describeHolder, type Lock } from "../util/lock.ts";
import { logLine } from "../util/progress.ts";
import type { EvalCopy } from "./copies.ts";
import { DAMAGED_VIDEO } from "./copy_check.ts";
import { evalUnitId } from "./run_id.ts";

/** The shard of a plain run: every video, written as the whole part. */
const WHOLE: Shard = { index: 0, count: 1 };

/** One unit as a run sees it. */
export interface EvalUnit {
  /** The run's view of the copy: its shard's videos ({@link shardCopy}). */
  copy: EvalCopy;
  /** The whole unit. */
  unit: StoreUnit;
  /** The run's shard (0/1 for a plain run). */
  shard: Shard;
  /** The part the run writes: the whole unit for one shard, else the shard's own part. */
  part: StoreUnit;
}

/** Which run a unit belongs to. */
export interface UnitRun {
  /** Detector name (the unit's `det=` partition). */
  detector: string;
  /** The run id (with the copy's artifact id, it makes the unit id). */
  runId: string;
  /** The run's shard; default 0/1 (a plain run). */
  shard?: Shard;
}

/** The unit of `copy` (the whole copy, as discovered) in `run`, seen by the run's shard. */
export function evalUnit(copy: EvalCopy, run: UnitRun): EvalUnit {
  const shard = run.shard ?? WHOLE;
  const unitId = evalUnitId(run.runId, copy.artifactId);
  const unit: StoreUnit = { detector: run.detector, opId: copy.op.id, unitId };
  const part = shard.count === 1 ? unit : shardUnit(unit, shard);
  return { copy: shardCopy(copy, shard), unit, shard, part };
}

/**
 * The copy as `shard` sees it: only its videos (and its failed videos), split by the rule of
 * scale/shard.ts over every video id of the copy. Without a shard (or with one of 1), the copy.
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

/** Where a unit stands for the run that holds its claim (module doc). */
export type UnitState =
  /** Score it; `reason` says why, in words (`not scored (no part)`, what shard parts miss). */
  | { kind: "todo"; reason: string }
  /**
   * `part` holds the run's rows: the whole part, or a shard's own part. `superseded`: the shard
   * parts a whole part makes redundant (removed when a plain run settles it).
   */
  | { kind: "done"; part: StoreUnit; superseded: string[] }
  /**
   * No whole part; `shards` (one count, in index order) are complete and current. `files` are
   * every shard part of the unit, removed once merged.
   */
  | { kind: "needs merge"; shards: Shard[]; files: string[] };

/**
 * The state of `unit` (module doc), from one read of its parts (store/part_state.ts: no rows)
 * and of its copy's manifest. Call it holding the claim. A shard of N > 1 is done when the whole
 * part is (a finished unit) or its own part is, and never merges (it holds only its part's lock);
 * a plain run looks for a complete set of shard parts to merge. A part that is damaged or older
 * than the copy's manifest counts as missing (named on stderr).
 */
export async function unitState(store: string, unit: EvalUnit): Promise<UnitState> {
  const remadeAt = await copyRemadeAt(unit.copy);
  const shard = unit.shard.count > 1 ? unit.shard : undefined;
  const parts = await unitParts(store, unit.unit, { shard });
  const current = (state: PartState) => isCurrent(state, remadeAt, unit.copy);
  const superseded = parts.files.map((f) => f.path);
  if (current(parts.whole)) return { kind: "done", part: unit.unit, superseded };
  if (shard) {
    return current(parts.own!)
      ? { kind: "done", part: unit.part, superseded: [] }
      : { kind: "todo", reason: `shard part ${shardLabel(shard)} not scored` };
  }
  if (parts.files.length === 0) return { kind: "todo", reason: "not scored (no part)" };
  if (parts.missing !== null) return { kind: "todo", reason: parts.missing };
  const stale: Shard[] = [];
  for (const set of parts.sets) {
    const before = stale.length;
    for (const { shard, state } of set) if (!current(state)) stale.push(shard);
    if (stale.length === before) {
      return {
        kind: "needs merge",
        shards: set.map((p) => p.shard),
        files: superseded,
      };
    }
  }
  return { kind: "todo", reason: staleReason(stale) };
}

/** What settling a unit found (see {@link settleUnit}). */
export type UnitFinish =
  /** The whole part is there and current (its rows are not read). */
  | { kind: "whole" }
  /** A shard's own part is there and current (its rows are not read). */
  | { kind: "share" }
  /** A complete set of shard parts was merged into the whole part: its rows. */
  | { kind: "merged"; rows: ScoreRow[]; shards: number }
  /** Not done: `reason` says what is missing. */
  | { kind: "incomplete"; reason: string };

/**
 * Brings `unit` as far as it goes without scoring, holding its claim ({@link unitState}): a unit
 * that needs merging is merged (rows in a single run's order) and its shard parts removed; a
 * plain run's done unit loses the shard parts its whole part supersedes. Rows are read only to
 * merge.
 */
export async function settleUnit(store: string, unit: EvalUnit): Promise<UnitFinish> {
  const state = await unitState(store, unit);
  if (state.kind === "todo") return { kind: "incomplete", reason: state.reason };
  if (state.kind === "needs merge") return await mergeUnit(store, unit, state);
  if (state.part !== unit.unit) return { kind: "share" };
  if (unit.shard.count === 1) await removeAll(state.superseded);
  return { kind: "whole" };
}

/** Rows a run found stored, and the part they are in (a shard's own part, or the whole). */
export interface StoredRows {
  part: StoreUnit;
  rows: ScoreRow[];
}

/**
 * The stored rows of the run's share of `unit` when it is done (merged first when it needs it:
 * {@link settleUnit}), else null: score it. With `force`, nothing counts as done.
 */
export async function storedRows(
  store: string,
  unit: EvalUnit,
  { force }: { force?: boolean } = {},
): Promise<StoredRows | null> {
  if (force) return null;
  const found = await settleUnit(store, unit);
  if (found.kind === "incomplete") return null;
  if (found.kind === "merged") return { part: unit.unit, rows: found.rows };
  const part = found.kind === "share" ? unit.part : unit.unit;
  const rows = await readRows(store, part, unit.copy);
  if (rows === null || part === unit.part) return rows && { part, rows };
  const mine = new Set([...unit.copy.videos, ...unit.copy.failedVideos].map((v) => v.id));
  return { part, rows: rows.filter((row) => mine.has(row.video_id)) };
}

/**
 * Stores the rows the run scored for `unit` as its part (store/store.ts `writeUnit`: replacing
 * any part there), stamped with one `created_at` (now), the time {@link unitState} compares with
 * the copy's manifest. Returns the part's path.
 */
export function writeScoredUnit(
  store: string,
  unit: EvalUnit,
  rows: ScoreRow[],
): Promise<string> {
  const createdAt = new Date().toISOString();
  for (const row of rows) row.created_at = createdAt;
  return writeUnit(store, unit.part, rows);
}

/** Options of {@link claimUnits}. */
export interface ClaimUnitsOptions extends UnitRun {
  /** Results store folder. */
  store: string;
  /** Stops waiting for a held unit; the iteration then ends (the caller sees the abort). */
  signal?: AbortSignal;
  /**
   * Copies that must be scored in their turn (`reference` mode's unaltered copy): waited for
   * in place rather than put off.
   */
  waitInPlace?: (copy: EvalCopy) => boolean;
}

/** A unit claimed by the run: release `lock` when done with it (`await using`). */
export interface ClaimedUnit extends EvalUnit {
  /** The lock of the run's part (a shard part's own lock, so the shards of a run work at once). */
  lock: Lock;
}

/**
 * Yields the unit of each copy claimed (its part's lock, store/unit_lock.ts): free units in
 * order, units another live run holds after them, each waited for. Stale temporary part files of
 * the run's part are removed on the way. Ends early, without throwing, when `signal` aborts while
 * waiting.
 */
export async function* claimUnits(
  copies: readonly EvalCopy[],
  options: ClaimUnitsOptions,
): AsyncGenerator<ClaimedUnit> {
  const units = copies.map((copy) => evalUnit(copy, options));
  try {
    for await (
      const { item, lock } of claimEach(units, {
        lockPath: ({ part }) => unitLockPath(options.store, part),
        purpose: ({ unit, shard }) =>
          `eval ${unit.detector}/${unit.opId}/${unit.unitId}` +
          (shard.count > 1 ? ` shard ${shardLabel(shard)}` : ""),
        signal: options.signal,
        waitInPlace: options.waitInPlace && (({ copy }) => options.waitInPlace!(copy)),
        onBusy: ({ copy }, holder) =>
          logLine(
            `eval: copy ${copy.op.id} (${copy.artifactId}) is being scored by ` +
              `${describeHolder(holder)}: doing the others first, then waiting for it`,
          ),
      })
    ) {
      await cleanUnitTemps(options.store, item.part);
      yield { ...item, lock };
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    throw error;
  }
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
  /** The whole unit. */
  unit: StoreUnit;
  unitId: string;
  found: UnitFinish;
}

/**
 * Finishes the unit of every copy of the run ({@link finishUnit}), each under its lock (waited
 * for: a run scoring the whole unit holds it until its part is written, another shard only while
 * it finishes).
 */
export async function finishUnits(
  copies: readonly EvalCopy[],
  options: FinishUnitsOptions,
): Promise<FinishedUnit[]> {
  const finished: FinishedUnit[] = [];
  for (const copy of copies) {
    const { unit } = evalUnit(copy, options);
    await using _lock = await acquireLock(unitLockPath(options.store, unit), {
      purpose: `eval ${unit.detector}/${unit.opId}/${unit.unitId} (finishing)`,
      signal: options.signal,
    });
    const found = await finishUnit(options.store, { unit, copy });
    finished.push({ copy, unit, unitId: unit.unitId, found });
  }
  return finished;
}

/**
 * The units of a run's shard left incomplete once its share is done: with N > 1 shards, every
 * unit of the run is finished first ({@link finishUnits}: the last shard to end merges them);
 * a plain run finished each unit as it met it, so none.
 */
export async function finishShare(
  copies: readonly EvalCopy[],
  options: FinishUnitsOptions & { shard?: Shard },
): Promise<IncompleteUnit[]> {
  if ((options.shard ?? WHOLE).count === 1) return [];
  return incompleteUnits(await finishUnits(copies, options));
}

/**
 * The rows of a unit {@link finishUnits} found whole or merged (`eval --finish` summarises them);
 * null when it is incomplete.
 */
export async function finishedRows(
  store: string,
  { copy, unit, found }: FinishedUnit,
): Promise<ScoreRow[] | null> {
  if (found.kind === "merged") return found.rows;
  return found.kind === "incomplete" ? null : await readRows(store, unit, copy);
}

/** The units {@link finishUnits} left incomplete, with what each misses. */
export function incompleteUnits(units: readonly FinishedUnit[]): IncompleteUnit[] {
  return units.flatMap(({ copy, unitId, found }) =>
    found.kind === "incomplete"
      ? [{ opId: copy.op.id, artifactId: copy.artifactId, unitId, reason: found.reason }]
      : []
  );
}

/**
 * Finishes the whole `unit` of `copy` ({@link settleUnit} as a plain run): its whole part, or a
 * complete set of shard parts merged into it, or what is missing. Call it holding the unit's
 * lock. A shard part that is damaged or older than the copy's manifest counts as missing.
 */
export function finishUnit(
  store: string,
  { unit, copy }: { unit: StoreUnit; copy: EvalCopy },
): Promise<UnitFinish> {
  return settleUnit(store, { copy, unit, shard: WHOLE, part: unit });
}

async function mergeUnit(
  store: string,
  unit: EvalUnit,
  { shards, files }: { shards: Shard[]; files: string[] },
): Promise<UnitFinish> {
  const parts: ScoreRow[][] = [];
  for (const shard of shards) {
    const rows = await readRows(store, shardUnit(unit.unit, shard), unit.copy);
    if (rows === null) return { kind: "incomplete", reason: staleReason([shard]) };
    parts.push(rows);
  }
  const rows = singleRunOrder(parts.flat(), unit.copy);
  await writeUnit(store, unit.unit, rows);
  await removeAll(files);
  return { kind: "merged", rows, shards: shards.length };
}

/**
 * True when a part in `state` reads back whole and was written after its copy was last made
 * (`remadeAt`); else false, saying on stderr why when the part is there.
 */
function isCurrent(state: PartState, remadeAt: string | null, copy: EvalCopy): boolean {
  if (state.kind === "missing") return false;
  if (state.kind === "damaged") {
    logLine(
      `warning: store part "${state.problem.path}" is damaged (${state.problem.reason}): ` +
        `scoring copy ${copy.op.id} again to replace it`,
    );
    return false;
  }
  if (remadeAt && state.writtenAt && remadeAt > state.writtenAt) {
    logLine(
      `eval: copy ${copy.op.id} (${copy.artifactId}) was remade at ${remadeAt}, after it was ` +
        `scored (${state.writtenAt}): scoring it again`,
    );
    return false;
  }
  return true;
}

/** The rows of a part {@link isCurrent} found current; null (named) when it no longer reads. */
async function readRows(
  store: string,
  part: StoreUnit,
  copy: EvalCopy,
): Promise<ScoreRow[] | null> {
  const found = await readUnitPart(store, part);
  if (found.kind === "ok") return found.rows;
  if (found.kind === "damaged") {
    logLine(
      `warning: store part "${found.problem.path}" is damaged (${found.problem.reason}): ` +
        `scoring copy ${copy.op.id} again to replace it`,
    );
  }
  return null;
}

/** When the copy's manifest was last written (ISO); null for a plain dataset or no manifest. */
async function copyRemadeAt(copy: EvalCopy): Promise<string | null> {
  const manifest = await readCopyManifest(copy.dir).catch(() => null);
  const createdAt = manifest?.artifactId === copy.artifactId ? manifest.createdAt : null;
  return typeof createdAt === "string" ? createdAt : null;
}

function staleReason(stale: readonly Shard[]): string {
  return `shard part${stale.length === 1 ? "" : "s"} ${stale.map(shardLabel).join(", ")} ` +
    `damaged or older than the copy's manifest: run ${
      stale.length === 1 ? "that shard" : "those shards"
    } again, then eval --finish`;
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
