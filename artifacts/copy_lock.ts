/**
 * The lock files of distorted copies: one lock per copy, `<out>/<op_id>/.<artifactId>.lock`
 * (beside the copy folder, so `--force` and `gc` can remove the folder without touching the
 * lock), held while a run makes, resumes, repairs or merges the copy; and one per shard's share
 * of a copy, `<out>/<op_id>/.<artifactId>.shard-<i>of<N>.lock`, so the shards of one run work on
 * a copy at once while a shard started twice does not. A run of one shard (a plain run) makes
 * its share under the copy's own lock. Who takes which lock when: artifacts/copy_lifecycle.ts.
 * Temporary files inside a copy are cleaned only when their owner is gone. See
 * docs/architecture.md, "Ownership".
 * @module
 */
import { basename, dirname, join } from "node:path";
import { type Shard, shardTag } from "../scale/shard.ts";
import { type LockHolder, lockState } from "../util/lock.ts";
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
 * The lock a run of `shard` makes its share of the copy at `copyDir` under: the copy's own lock
 * when there is one shard (its share is the whole copy), else the shard's.
 */
export function shareLockPath(copyDir: string, shard: Shard): string {
  return shard.count === 1 ? copyLockPath(copyDir) : copyShardLockPath(copyDir, shard);
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
