/**
 * Eval units when other runs may score the same store: each (run, copy) unit is claimed under its
 * lock (store/unit_lock.ts) before it is read back or scored, units another live run holds are
 * done last (waited for, then read back), and a stored part counts as done only when it reads
 * back whole and the copy was not remade after it was scored. So two evals on one store split
 * the work instead of doing it twice, and a damaged part or a repaired copy is scored again
 * instead of stopping or misleading every later run. See docs/architecture.md, "Ownership".
 * @module
 */
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { readUnitPart } from "../store/part_check.ts";
import type { ScoreRow } from "../store/schema.ts";
import type { StoreUnit } from "../store/store.ts";
import { cleanUnitTemps, unitLockPath } from "../store/unit_lock.ts";
import { claimEach } from "../util/claim.ts";
import type { Lock } from "../util/lock.ts";
import { describeHolder } from "../util/lock.ts";
import { logLine } from "../util/progress.ts";
import type { EvalCopy } from "./copies.ts";
import { evalUnitId } from "./run_id.ts";
import { type Shard, shardLabel } from "../scale/shard.ts";
import { shardUnit } from "../store/shard_parts.ts";

/** Options of {@link claimUnits}. */
export interface ClaimUnitsOptions {
  /** Results store folder. */
  store: string;
  /** Detector name (the unit's `det=` partition). */
  detector: string;
  /** The run id (with the artifact id, it makes the unit id). */
  runId: string;
  /** Stops waiting for a held unit; the iteration then ends (the caller sees the abort). */
  signal?: AbortSignal;
  /** Copies that must be scored in their turn (`reference` mode's unaltered copy): waited for
   * in place rather than put off. */
  waitInPlace?: (copy: EvalCopy) => boolean;
  /**
   * Claim this shard's part of each unit (store/shard_parts.ts) instead of the whole unit, so
   * the shards of one run score a unit at once while a shard started twice does not.
   */
  shard?: Shard;
}

/** A copy claimed for scoring: its unit and the unit's lock (release it when done). */
export interface ClaimedUnit {
  copy: EvalCopy;
  /** The whole unit (also with a shard: the lock is then its shard part's). */
  unit: StoreUnit;
  lock: Lock;
}

/**
 * Yields each copy with its unit claimed: free units in order, units another live run holds
 * after them. Stale temporary part files of the unit are removed on the way. Ends early, without
 * throwing, when `signal` aborts while waiting.
 */
export async function* claimUnits(
  copies: readonly EvalCopy[],
  options: ClaimUnitsOptions,
): AsyncGenerator<ClaimedUnit> {
  const units = copies.map((copy) => ({
    copy,
    unit: {
      detector: options.detector,
      opId: copy.op.id,
      unitId: evalUnitId(options.runId, copy.artifactId),
    },
  }));
  const shard = options.shard;
  const claimedPart = (unit: StoreUnit) => shard ? shardUnit(unit, shard) : unit;
  try {
    for await (
      const { item, lock } of claimEach(units, {
        lockPath: ({ unit }) => unitLockPath(options.store, claimedPart(unit)),
        purpose: ({ unit }) =>
          `eval ${unit.detector}/${unit.opId}/${unit.unitId}` +
          (shard ? ` shard ${shardLabel(shard)}` : ""),
        signal: options.signal,
        waitInPlace: options.waitInPlace && (({ copy }) => options.waitInPlace!(copy)),
        onBusy: ({ copy }, holder) =>
          logLine(
            `eval: copy ${copy.op.id} (${copy.artifactId}) is being scored by ` +
              `${describeHolder(holder)}: doing the others first, then waiting for it`,
          ),
      })
    ) {
      await cleanUnitTemps(options.store, claimedPart(item.unit));
      yield { ...item, lock };
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    throw error;
  }
}

/**
 * The stored rows of `unit` when it is done, else null: no part yet, a part that does not read
 * back whole (named on stderr; the unit is scored again and the part replaced), or a copy whose
 * manifest was rewritten after the part was (distort retried or redid videos of it).
 */
export async function storedUnitRows(
  store: string,
  { unit, copy }: { unit: StoreUnit; copy: EvalCopy },
): Promise<ScoreRow[] | null> {
  const part = await readUnitPart(store, unit);
  if (part.kind === "missing") return null;
  if (part.kind === "damaged") {
    logLine(
      `warning: store part "${part.problem.path}" is damaged (${part.problem.reason}): ` +
        `scoring copy ${copy.op.id} again to replace it`,
    );
    return null;
  }
  const remade = await copyRemadeAt(copy);
  const written = part.rows.reduce((t, r) => (r.created_at > t ? r.created_at : t), "");
  if (remade && written && remade > written) {
    logLine(
      `eval: copy ${copy.op.id} (${copy.artifactId}) was remade at ${remade}, after it was ` +
        `scored (${written}): scoring it again`,
    );
    return null;
  }
  return part.rows;
}

/** When the copy's manifest was last written (ISO); null for a plain dataset or no manifest. */
async function copyRemadeAt(copy: EvalCopy): Promise<string | null> {
  const manifest = await readCopyManifest(copy.dir).catch(() => null);
  const createdAt = manifest?.artifactId === copy.artifactId ? manifest.createdAt : null;
  return typeof createdAt === "string" ? createdAt : null;
}
