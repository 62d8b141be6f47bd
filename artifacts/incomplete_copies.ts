/**
 * Copies whose manifest still waits for videos (a sharded run: artifacts/copy_lifecycle.ts), and
 * how a run tells of them: one sentence per copy for `distort --finish`, one log line for a shard.
 * @module
 */
import { logLine } from "../util/progress.ts";

/** A copy whose manifest waits for videos that have no record yet. */
export interface IncompleteCopy {
  opId: string;
  artifactId: string;
  copyDir: string;
  /** Ids of the videos with no record, in source order. */
  missing: string[];
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
