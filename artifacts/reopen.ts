/**
 * Reopening a finished copy. A copy's manifest seals it, but two kinds of video in it are not
 * final: one that failed (often for a passing reason: a full disk, a killed encoder) and one
 * whose file no longer matches the manifest's SHA-256 (damaged or edited after it was made). A
 * rerun keeps the intact videos, makes those again, and rewrites the manifest only when
 * something changed, so a copy whose bad input fails again, with the same message, stays
 * byte-identical and "reused".
 * @module
 */
import { canonicalJson } from "../util/hash.ts";
import type { CopyManifest, CopyVideoRecord } from "./copy_manifest.ts";
import { checkOutputs } from "./output_check.ts";

/** What a rerun does with a finished copy's videos. */
export interface FinishedCopyCheck {
  /** Intact videos (status ok, file matches the manifest): taken over as they are. */
  keep: CopyVideoRecord[];
  /** Videos to make again, with why (the earlier failure, or what is wrong with the file). */
  redo: { id: string; reason: string }[];
}

/**
 * Sorts the videos of the finished copy in `copyDir` into kept and to-redo (see the module doc).
 * Checks files cheaply (artifacts/output_check.ts): a `stat` each when nothing changed.
 */
export async function checkFinishedCopy(
  copyDir: string,
  manifest: CopyManifest,
): Promise<FinishedCopyCheck> {
  const videos = manifest.videos;
  const ok = videos.filter((v) => v.status === "ok" && v.output && v.outputSha256);
  const problems = await checkOutputs(
    copyDir,
    ok.map((v) => ({ output: v.output!, sha256: v.outputSha256! })),
  );
  const damaged = new Map(problems.map((p) => [p.output, p.message]));
  const check: FinishedCopyCheck = { keep: [], redo: [] };
  for (const video of videos) {
    const problem = video.output ? damaged.get(video.output) : undefined;
    if (video.status === "ok" && video.output && video.outputSha256 && !problem) {
      check.keep.push(video);
    } else {
      check.redo.push({
        id: video.id,
        reason: problem ?? `it failed before: ${video.error ?? "no reason recorded"}`,
      });
    }
  }
  return check;
}

/** A reopened copy as a rerun left it. */
export interface ReopenedCopy {
  /** The copy's video records now, in manifest order. */
  videos: readonly CopyVideoRecord[];
  /** Ids of the videos taken over from the earlier manifest as they were. */
  kept: ReadonlySet<string>;
}

/**
 * True when a reopened copy came out as it was: no video was made again successfully and every
 * record (failures with their messages included) equals the earlier manifest's. Then the
 * manifest is left untouched.
 */
export function copyUnchanged(previous: CopyManifest, { videos, kept }: ReopenedCopy): boolean {
  if (videos.some((v) => v.status === "ok" && !kept.has(v.id))) return false;
  return canonicalJson(previous.videos) === canonicalJson(videos);
}
