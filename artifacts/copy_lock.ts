/**
 * Ownership of distorted copies: one lock per copy, `<out>/<op_id>/.<artifactId>.lock` (beside
 * the copy folder, so `--force` and `gc` can remove the folder without touching the lock), held
 * while a run makes, resumes or repairs the copy. A second run on the same `--out` makes the
 * copies nobody holds and waits for the others, then reads them back finished. A shard of a run
 * (scale/shard.ts) makes only its share of a copy's videos, under its own lock
 * `<out>/<op_id>/.<artifactId>.shard-<i>of<N>.lock`, so the shards of one run work on a copy at
 * once while a shard started twice does not (artifacts/copy_shards.ts). Temporary files inside a
 * copy are cleaned only when their owner is gone. See docs/architecture.md, "Ownership".
 * @module
 */
import { basename, dirname, join } from "node:path";
import { type Shard, shardLabel, shardTag } from "../scale/shard.ts";
import { claimBatches, type Claimed } from "../util/claim.ts";
import { type LockHolder, lockState } from "../util/lock.ts";
import { describeOwner } from "../util/owner.ts";
import { logLine } from "../util/progress.ts";
import { removeStaleTempFiles } from "../util/temp_files.ts";
import { COPY_RECORDS_DIR, COPY_VIDEOS_DIR } from "./copy_manifest.ts";

/** The lock file of the copy folder `copyDir` (`<out>/<op_id>/<artifactId>`). */
export function copyLockPath(copyDir: string): string {
  return join(dirname(copyDir), `.${basename(copyDir)}.lock`);
}

/** The lock of `shard`'s share of the copy folder `copyDir`. */
export function copyShardLockPath(copyDir: string, shard: Shard): string {
  return join(dirname(copyDir), `.${basename(copyDir)}.${shardTag(shard)}.lock`);
}

/**
 * Who holds the copy at `copyDir` now, if anyone: a live holder of its lock or of any shard's
 * lock on it (a run or shard making it), else null. For `gc`, which must leave such copies alone.
 */
export async function copyHolder(copyDir: string): Promise<LockHolder | null> {
  const paths = [copyLockPath(copyDir)];
  const prefix = `.${basename(copyDir)}.shard-`;
  try {
    for await (const entry of Deno.readDir(dirname(copyDir))) {
      if (entry.isFile && entry.name.startsWith(prefix) && entry.name.endsWith(".lock")) {
        paths.push(join(dirname(copyDir), entry.name));
      }
    }
  } catch {
    // No op folder: nothing holds the copy.
  }
  for (const path of paths) {
    const state = await lockState(path);
    if (state.kind === "held") return state.holder;
  }
  return null;
}

/** Folders of a copy where atomic writes leave temporary files. */
const TEMP_FOLDERS = ["", COPY_VIDEOS_DIR, COPY_RECORDS_DIR];

/**
 * Removes the temporary files in the copy at `copyDir` (its folder, `videos/`, `.records/`)
 * whose owner is gone (util/temp_files.ts); returns the paths removed.
 */
export async function cleanCopyTemps(copyDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of TEMP_FOLDERS) {
    removed.push(...await removeStaleTempFiles(join(copyDir, folder)));
  }
  return removed;
}

/** A copy to claim: its folder and a name for messages. */
export interface CopyToClaim {
  copyDir: string;
  op: { id: string };
  artifactId: string;
}

/**
 * Claims copies for making, in batches (util/claim.ts): first every copy no other live run
 * holds, then the others as they come free. Logs one line per other run holding copies. The
 * consumer releases every lock of a batch. With `shard`, the locks claimed are that shard's
 * share of each copy ({@link copyShardLockPath}), not the copy's own.
 */
export function claimCopies<T extends CopyToClaim>(
  copies: readonly T[],
  signal?: AbortSignal,
  shard?: Shard,
): AsyncGenerator<Claimed<T>[]> {
  return claimBatches(copies, {
    lockPath: (copy) => shard ? copyShardLockPath(copy.copyDir, shard) : copyLockPath(copy.copyDir),
    purpose: (copy) =>
      `distort ${copy.op.id}/${copy.artifactId}${shard ? ` shard ${shardLabel(shard)}` : ""}`,
    signal,
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
