/**
 * The lifecycle of a distorted copy, in one place. A copy is made in shares: shard i of N makes
 * the videos scale/shard.ts deals it, and a plain run is the run of one shard, whose share is
 * every video. Where a copy stands is one of four states ({@link CopyState}):
 *
 * - `todo`: videos of this run's share have no output yet (nothing made, an interrupted run, or
 *   failed or damaged videos of a finished copy, which is reopened: artifacts/reopen.ts);
 * - `claimed`: videos of other shards have no record yet (their shards make them);
 * - `needs merge`: every video is recorded (artifacts/video_records.ts): the manifest is to be
 *   written (artifacts/finish.ts);
 * - `done`: the manifest is written and nothing was recorded since: the copy is used as it is.
 *
 * A run claims its share of each copy under the share's lock (artifacts/copy_lock.ts; with one
 * shard that is the copy's own lock) and makes the share's `todo` videos. A one-shard run then
 * holds every record and the copy's lock, so the copy needs merge and is merged at once. A shard
 * records every outcome on disk, failures included, and the copy is merged, under the copy's
 * lock, by whoever finds it `needs merge`: each shard when its share is done (so the last shard
 * to end finishes the copy), and `distort --finish`. Every shard writes its records before it
 * checks and the checks are serialised by the copy's lock, so the last check sees all of them.
 *
 * A copy that already has a manifest (a rerun retrying failed or damaged videos) is merged from
 * the fresh records and the manifest's intact videos; a record with the same output as the
 * manifest's intact video keeps the manifest's record, so a rerun that changed nothing leaves the
 * manifest untouched (artifacts/reopen.ts).
 * @module
 */
import { join } from "node:path";
import type { FfmpegBuild } from "../media/ffmpeg.ts";
import { type Shard, shardAssignment, shardLabel } from "../scale/shard.ts";
import { claimBatches, type Claimed } from "../util/claim.ts";
import { sha256File } from "../util/hash.ts";
import { acquireLock } from "../util/lock.ts";
import { describeOwner } from "../util/owner.ts";
import { logLine } from "../util/progress.ts";
import { type CopyManifest, type CopyVideoRecord, readCopyManifest } from "./copy_manifest.ts";
import { cleanCopyTemps, copyLockPath, shareLockPath } from "./copy_lock.ts";
import { finishPlan } from "./finish.ts";
import { describeIncomplete, type IncompleteCopy, logWaiting } from "./incomplete_copies.ts";
import type { CopyPlan } from "./plan.ts";
import { checkFinishedCopy } from "./reopen.ts";
import type { SourceState } from "./source_state.ts";
import { readRecord, readRecords, writeRecord } from "./video_records.ts";

/** Where a copy stands (see the module doc). */
export type CopyState =
  /** Videos of this run's share have no output yet: make them. */
  | { kind: "todo" }
  /** Videos of other shards have no record yet. */
  | { kind: "claimed"; missing: string[] }
  /** Every video is accounted for: the manifest can be written. */
  | {
    kind: "needs merge";
    /** Every video's record, by id. */
    records: Map<string, CopyVideoRecord>;
    /** The copy's earlier manifest (a reopened copy), else null. */
    previous: CopyManifest | null;
    /** Ids whose record is the earlier manifest's, taken over as it was. */
    kept: Set<string>;
  }
  /** The manifest is written and nothing was recorded since. */
  | { kind: "done"; manifest: CopyManifest };

/** One run's part in its copies' lifecycle. */
export interface CopyRun {
  /** The run's shard; a plain run is shard 0 of 1. */
  shard: Shard;
  /** Every source video of the run (each copy has one video per source). */
  sources: SourceState[];
  /** The run's share of them: its shard's videos; none when it only merges (`finish`). */
  mine: SourceState[];
  /** Makes nothing: only merges the copies whose videos are all recorded (`distort --finish`). */
  finish: boolean;
  /** With `finish`: the run's shard count, so that notes name the shard of each missing video. */
  shards?: number;
  /** Remove each copy before making it (one shard only). */
  force: boolean;
  /** The ffmpeg build that makes the copies (recorded in each manifest). */
  build: FfmpegBuild;
  /** Absolute path of the dataset manifest the copies are made from. */
  sourceManifest: string;
  /** Stops waiting for a lock (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * Claims the run's share of every copy, in batches (util/claim.ts): first every copy no other
 * live run holds, then the others as they come free. Logs one line per other run holding
 * copies. The consumer releases every lock of a batch. A run that only merges claims nothing.
 */
export function claimShares(
  plans: readonly CopyPlan[],
  run: CopyRun,
): AsyncGenerator<Claimed<CopyPlan>[]> {
  const { shard } = run;
  const label = shard.count > 1 ? ` shard ${shardLabel(shard)}` : "";
  return claimBatches(run.finish ? [] : plans, {
    lockPath: (plan) => shareLockPath(plan.copyDir, shard),
    purpose: (plan) => `distort ${plan.op.id}/${plan.artifactId}${label}`,
    signal: run.signal,
    onHeld: (held) => {
      // One line per holder: a second run of the same command finds every copy held by one.
      const byHolder = Map.groupBy(held, ({ holder }) => `${holder.host}+${holder.pid}`);
      for (const group of byHolder.values()) {
        const names = group.map(({ item }) => `${item.op.id}/${item.artifactId}`);
        logLine(
          `distort: ${names.length === 1 ? "copy" : `${names.length} copies`} ` +
            `${names.join(", ")} ${names.length === 1 ? "is" : "are"} being made by ` +
            `${describeOwner(group[0].holder)}: waiting for ${names.length === 1 ? "it" : "them"}`,
        );
      }
    },
  });
}

/**
 * Opens the run's share of a claimed copy (its lock held): takes into `plan` what an earlier run
 * left, a finished manifest or the resume records of the share's videos whose outputs still hash
 * as recorded, and reopens a finished copy with failed or damaged videos. Returns `done` for a
 * finished, intact copy, else `todo`. With `force`, removes the copy first.
 */
export async function openShare(
  plan: CopyPlan,
  run: CopyRun,
): Promise<Extract<CopyState, { kind: "todo" | "done" }>> {
  if (run.force) {
    await Deno.remove(plan.copyDir, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    return { kind: "todo" };
  }
  plan.existing = await readCopyManifest(plan.copyDir);
  // Held by this run now: temporary files of runs that are gone are garbage.
  await cleanCopyTemps(plan.copyDir);
  if (plan.existing) {
    const check = await checkFinishedCopy(plan.copyDir, plan.existing);
    if (check.redo.length === 0) return { kind: "done", manifest: plan.existing };
    plan.reopened = plan.existing;
    plan.existing = null;
    for (const record of check.keep) {
      plan.records.set(record.id, record);
      plan.kept.add(record.id);
      plan.resumed++;
    }
    plan.retried = check.redo.length;
    for (const { id, reason } of check.redo) {
      logLine(`distort: ${plan.op.id} "${id}" again: ${reason}`);
    }
  }
  for (const source of run.mine) {
    if (plan.records.has(source.entry.id)) continue;
    const previous = await readRecord(plan.copyDir, source.entry.id);
    if (!previous || previous.status !== "ok" || !previous.output) continue;
    // Trust a finished output only if its bytes are still the ones recorded.
    const hash = await sha256File(join(plan.copyDir, previous.output)).catch(() => null);
    if (hash !== null && hash === previous.outputSha256) {
      plan.records.set(source.entry.id, previous);
      plan.resumed++;
    }
  }
  return { kind: "todo" };
}

/**
 * Closes the run's share of a copy once its videos are made. A one-shard run has every video's
 * record in hand and holds the copy's own lock: the copy needs merge, and is merged at once from
 * those records (a video made again counts as a change, even with the bytes it had). A shard
 * writes its failure records (ok records are written as each output lands), so that every
 * outcome is on disk for the merge ({@link mergeCopies}); an unsharded resume still tries
 * failures again (it takes over ok records only).
 */
export async function closeShare(plan: CopyPlan, run: CopyRun): Promise<void> {
  if (run.shard.count === 1) {
    await finishPlan(plan, run.sources, run.build, run.sourceManifest);
    return;
  }
  for (const record of plan.records.values()) {
    if (record.status === "failed") await writeRecord(plan.copyDir, record);
  }
}

/**
 * The state of the copy at `copyDir` as its files tell, over the videos `videoIds` (every source
 * video of the copy): `done`, `claimed` (naming the videos with no record) or `needs merge`. An
 * ok record whose output file is gone counts as missing. Call it under the copy's lock.
 * @throws when the copy's manifest exists but is not a copy manifest (names the file).
 */
export async function copyState(
  copyDir: string,
  videoIds: readonly string[],
): Promise<Exclude<CopyState, { kind: "todo" }>> {
  const manifest = await readCopyManifest(copyDir);
  const records = await readRecords(copyDir);
  if (manifest && records.size === 0) return { kind: "done", manifest };
  const intact = new Map<string, CopyVideoRecord>();
  if (manifest) {
    for (const video of (await checkFinishedCopy(copyDir, manifest)).keep) {
      intact.set(video.id, video);
    }
  }
  const assembled = new Map<string, CopyVideoRecord>();
  const kept = new Set<string>();
  const missing: string[] = [];
  for (const id of videoIds) {
    const fresh = records.get(id);
    const earlier = intact.get(id);
    if (fresh && !(await outputPresent(copyDir, fresh))) {
      missing.push(id);
    } else if (fresh && !(earlier && sameOutput(fresh, earlier))) {
      assembled.set(id, fresh);
    } else if (earlier) {
      assembled.set(id, earlier);
      kept.add(id);
    } else {
      missing.push(id);
    }
  }
  if (missing.length > 0) return { kind: "claimed", missing };
  return { kind: "needs merge", records: assembled, previous: manifest, kept };
}

/** What {@link mergeCopies} leaves for the run's summary. */
export interface MergeResult {
  /** Copies whose manifest waits for videos not recorded yet. */
  incomplete: IncompleteCopy[];
  /** For `finish`: one sentence per incomplete copy, naming its missing videos and their shards;
   * a shard's incomplete copies wait for the other shards, which is no missing work. */
  notes: string[];
}

/**
 * The end of a run: under each unfinished copy's lock (waited for: shards hold it only while
 * they merge, a run making the whole copy until it is done), merges every copy whose videos are
 * all recorded, takes a copy another run finished as it is, and lists those that still miss
 * videos (a shard logs them; `finish` gives a note for each).
 */
export async function mergeCopies(
  plans: readonly CopyPlan[],
  run: CopyRun,
): Promise<MergeResult> {
  const incomplete: IncompleteCopy[] = [];
  for (const plan of plans) {
    if (plan.existing) continue;
    await using _lock = await acquireLock(copyLockPath(plan.copyDir), {
      purpose: `distort ${plan.op.id}/${plan.artifactId} (finishing)`,
      signal: run.signal,
    });
    const missing = await mergeCopy(plan, run);
    if (missing) incomplete.push(missing);
  }
  if (!run.finish) {
    logWaiting(incomplete);
    return { incomplete, notes: [] };
  }
  const owner = run.shards ? shardAssignment(run.sources.map((s) => s.entry.id), run.shards) : null;
  return {
    incomplete,
    notes: incomplete.map((copy) =>
      describeIncomplete(copy, { shardOf: owner ? (id) => owner.get(id) : undefined })
    ),
  };
}

// Under the copy's lock: writes the manifest of a copy that needs merge (artifacts/finish.ts),
// takes a finished one into its plan, or says what a claimed one misses.
async function mergeCopy(plan: CopyPlan, run: CopyRun): Promise<IncompleteCopy | null> {
  const state = await copyState(plan.copyDir, run.sources.map((s) => s.entry.id));
  if (state.kind === "claimed") {
    const { op, artifactId, copyDir } = plan;
    return { opId: op.id, artifactId, copyDir, missing: state.missing };
  }
  if (state.kind === "done") {
    plan.existing = state.manifest;
    return null;
  }
  Object.assign(plan, { records: state.records, reopened: state.previous, kept: state.kept });
  await finishPlan(plan, run.sources, run.build, run.sourceManifest);
  return null;
}

async function outputPresent(copyDir: string, record: CopyVideoRecord): Promise<boolean> {
  if (record.status !== "ok" || !record.output) return true;
  return await Deno.stat(join(copyDir, record.output)).then((s) => s.isFile, () => false);
}

function sameOutput(fresh: CopyVideoRecord, earlier: CopyVideoRecord): boolean {
  return fresh.status === "ok" && earlier.status === "ok" &&
    fresh.outputSha256 === earlier.outputSha256 && fresh.output === earlier.output;
}
