/**
 * Copies made by shards (scale/shard.ts). Each shard of a distort run makes its share of every
 * copy's videos under its own lock (artifacts/copy_lock.ts) and leaves one per-video record per
 * video (artifacts/video_records.ts), failures included; it writes no manifest. The manifest is
 * assembled, under the copy's own lock, by whoever sees every video of the copy recorded: each
 * shard tries when its share is done (so the last shard to end finishes the copy), and
 * `distort --finish` does it or names what is missing. Checks are serialised by the copy's lock
 * and every shard writes its records before it checks, so the last check sees all of them.
 *
 * A copy that already has a manifest (a rerun retrying failed or damaged videos) is assembled
 * from the fresh records and the manifest's intact videos; a record with the same output hash as
 * the manifest's intact video keeps the manifest's record, so a rerun that changed nothing
 * leaves the manifest untouched, as an unsharded rerun does (artifacts/reopen.ts).
 * @module
 */
import { join } from "node:path";
import type { FfmpegBuild } from "../media/ffmpeg.ts";
import { type Shard, shardAssignment } from "../scale/shard.ts";
import { acquireLock } from "../util/lock.ts";
import { logLine } from "../util/progress.ts";
import { type CopyManifest, type CopyVideoRecord, readCopyManifest } from "./copy_manifest.ts";
import { copyLockPath, type CopyToClaim } from "./copy_lock.ts";
import { finishPlan } from "./finish.ts";
import type { CopyPlan } from "./plan.ts";
import { checkFinishedCopy } from "./reopen.ts";
import type { SourceState } from "./source_state.ts";
import { readRecords, writeRecord } from "./video_records.ts";

/** What the records of a copy add up to. */
export type CopyAssembly =
  /** The copy has its manifest and nothing was recorded since: finished as it is. */
  | { kind: "finished"; manifest: CopyManifest }
  /** Some videos have no record yet (their shard has not made them). */
  | { kind: "incomplete"; missing: string[] }
  /** Every video is accounted for: the manifest can be written. */
  | {
    kind: "complete";
    /** Every video's record, by id. */
    records: Map<string, CopyVideoRecord>;
    /** The copy's earlier manifest (a reopened copy), else null. */
    previous: CopyManifest | null;
    /** Ids whose record is the earlier manifest's, taken over as it was. */
    kept: Set<string>;
  };

/**
 * Adds up the records of the copy at `copyDir` over the videos `videoIds` (every source video of
 * the copy; see the module doc). An ok record whose output file is gone counts as missing.
 * Call it under the copy's lock.
 * @throws when the copy's manifest exists but is not a copy manifest (names the file).
 */
export async function assembleCopy(
  copyDir: string,
  videoIds: readonly string[],
): Promise<CopyAssembly> {
  const manifest = await readCopyManifest(copyDir);
  const records = await readRecords(copyDir);
  if (manifest && records.size === 0) return { kind: "finished", manifest };
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
  if (missing.length > 0) return { kind: "incomplete", missing };
  return { kind: "complete", records: assembled, previous: manifest, kept };
}

/**
 * Writes the failure records among `records` to disk (ok records are written as each output
 * lands): a shard's failed videos are outcomes the finishing step needs, not work left to do.
 * An unsharded resume still tries them again (it takes over ok records only).
 */
export async function recordFailures(
  copyDir: string,
  records: Iterable<CopyVideoRecord>,
): Promise<void> {
  for (const record of records) {
    if (record.status === "failed") await writeRecord(copyDir, record);
  }
}

/** A copy whose manifest waits for videos that have no record yet. */
export interface IncompleteCopy {
  opId: string;
  artifactId: string;
  copyDir: string;
  /** Ids of the videos with no record, in source order. */
  missing: string[];
}

/** Options of {@link finishRecordedCopies}. */
export interface FinishRecordedOptions<T> {
  /** Every source video id of the run (each copy has one video per source). */
  videoIds: readonly string[];
  /** Writes the manifest of a complete copy, or takes note of a finished one. */
  finish(plan: T, assembly: Exclude<CopyAssembly, { kind: "incomplete" }>): Promise<void>;
  /** Stops waiting for a copy's lock (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * For each copy, under its lock (waited for: other shards hold it only while they check, a run
 * making the whole copy until it is done): adds up its records and hands a complete or finished
 * copy to `finish`. Returns the copies that still miss videos.
 */
export async function finishRecordedCopies<T extends CopyToClaim>(
  plans: readonly T[],
  options: FinishRecordedOptions<T>,
): Promise<IncompleteCopy[]> {
  const incomplete: IncompleteCopy[] = [];
  for (const plan of plans) {
    await using _lock = await acquireLock(copyLockPath(plan.copyDir), {
      purpose: `distort ${plan.op.id}/${plan.artifactId} (finishing)`,
      signal: options.signal,
    });
    const assembly = await assembleCopy(plan.copyDir, options.videoIds);
    if (assembly.kind === "incomplete") {
      incomplete.push({
        opId: plan.op.id,
        artifactId: plan.artifactId,
        copyDir: plan.copyDir,
        missing: assembly.missing,
      });
      continue;
    }
    await options.finish(plan, assembly);
  }
  return incomplete;
}

/** Options of {@link finishShardCopies}. */
export interface FinishShardCopiesOptions {
  /** The ffmpeg build that made the copies (recorded in each manifest). */
  build: FfmpegBuild;
  /** Absolute path of the dataset manifest the copies were made from. */
  sourceManifest: string;
  /** The shard this run made (it logs the copies still waiting for other shards). */
  shard?: Shard;
  /** With `finish` (no `shard`): the run's shard count, so that notes name missing videos' shards. */
  shards?: number;
  /** Stops waiting for a copy's lock (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** What {@link finishShardCopies} adds to a distort run's summary. */
export interface ShardCopiesResult {
  /** The shard the run made, when it was one. */
  shard?: Shard;
  /** Copies whose manifest waits for videos not recorded yet. */
  incomplete: IncompleteCopy[];
  /** For `finish` (no `shard`): one sentence per incomplete copy, naming its missing videos and
   * shards; a shard's incomplete copies wait for the other shards, which is no missing work. */
  notes: string[];
}

/**
 * The end of a shard's run or of `distort --finish`: under each copy's lock, writes the manifest
 * of every copy whose videos are all recorded (artifacts/finish.ts; a finished copy is taken as
 * it is into its plan), and lists the copies that still miss videos.
 */
export async function finishShardCopies(
  plans: readonly CopyPlan[],
  sources: SourceState[],
  options: FinishShardCopiesOptions,
): Promise<ShardCopiesResult> {
  const incomplete = await finishRecordedCopies(plans, {
    videoIds: sources.map((s) => s.entry.id),
    signal: options.signal,
    finish: async (plan, found) => {
      if (found.kind === "finished") {
        plan.existing = found.manifest;
        return;
      }
      Object.assign(plan, { records: found.records, reopened: found.previous, kept: found.kept });
      await finishPlan(plan, sources, options.build, options.sourceManifest);
    },
  });
  if (options.shard) {
    logWaiting(incomplete);
    return { shard: options.shard, incomplete, notes: [] };
  }
  const owner = options.shards
    ? shardAssignment(sources.map((s) => s.entry.id), options.shards)
    : null;
  return {
    incomplete,
    notes: incomplete.map((copy) =>
      describeIncomplete(copy, { shardOf: owner ? (id) => owner.get(id) : undefined })
    ),
  };
}

/**
 * One sentence per incomplete copy naming its missing videos (at most `limit` ids each), and,
 * when the shard count is known, the shards they belong to.
 */
export function describeIncomplete(
  copy: IncompleteCopy,
  options: { shardOf?: (videoId: string) => number | undefined; limit?: number } = {},
): string {
  const limit = options.limit ?? 10;
  const shown = copy.missing.slice(0, limit).map((id) => `"${id}"`).join(", ");
  const more = copy.missing.length > limit ? ` and ${copy.missing.length - limit} more` : "";
  const shards = options.shardOf
    ? [...new Set(copy.missing.map((id) => options.shardOf!(id)))]
      .filter((s) => s !== undefined).sort((a, b) => a! - b!)
    : [];
  return `copy ${copy.opId}/${copy.artifactId} (${copy.copyDir}) lacks ${copy.missing.length} ` +
    `video${copy.missing.length === 1 ? "" : "s"}: ${shown}${more}` +
    (shards.length > 0
      ? ` (shard${shards.length === 1 ? "" : "s"} ${shards.join(", ")}: rerun ` +
        `${shards.length === 1 ? "it" : "them"})`
      : "");
}

/** Logs, in one line, the copies that wait for other shards' videos (this shard's are done). */
export function logWaiting(copies: readonly IncompleteCopy[]): void {
  if (copies.length === 0) return;
  const videos = new Set(copies.flatMap((c) => c.missing)).size;
  logLine(
    `distort: ${copies.length} ${copies.length === 1 ? "copy waits" : "copies wait"} for ` +
      `${videos} video${videos === 1 ? "" : "s"} of other shards; each manifest is written by ` +
      `the last shard to finish (or distort --finish)`,
  );
}

async function outputPresent(copyDir: string, record: CopyVideoRecord): Promise<boolean> {
  if (record.status !== "ok" || !record.output) return true;
  return await Deno.stat(join(copyDir, record.output)).then((s) => s.isFile, () => false);
}

function sameOutput(fresh: CopyVideoRecord, earlier: CopyVideoRecord): boolean {
  return fresh.status === "ok" && earlier.status === "ok" &&
    fresh.outputSha256 === earlier.outputSha256 && fresh.output === earlier.output;
}
