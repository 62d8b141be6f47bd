/**
 * What a distort run did, copy by copy: made, reused or planned, with counts, the failures (each
 * naming its file), what was resumed or retried, and the seconds spent.
 * @module
 */
import { resolve } from "node:path";
import type { FfmpegBuild } from "../media/ffmpeg.ts";
import type { EncodeProfile } from "../ops/profile.ts";
import type { Shard } from "../scale/shard.ts";
import type { IncompleteCopy } from "./incomplete_copies.ts";
import type { CopyPlan } from "./plan.ts";
import type { SourceState } from "./source_state.ts";

/** A failed video of a copy. */
export interface CopyFailure {
  videoId: string;
  error: string;
}

/** What happened to one copy. */
export interface CopyResult {
  opId: string;
  artifactId: string;
  /** Absolute path of the copy folder. */
  copyDir: string;
  profile: EncodeProfile;
  /** `made` (written now), `reused` (finished before, untouched), `planned` (dry run, to
   * be made) or `recorded` (a shard's videos are recorded; the manifest waits for the other
   * shards, and the counts are this shard's). */
  state: "made" | "reused" | "planned" | "recorded";
  total: number;
  ok: number;
  failed: number;
  /** Outputs taken over from an interrupted or partly failed earlier run. */
  resumedVideos: number;
  /**
   * Videos of a finished copy that this run tried again: ones that had failed, and ones whose
   * file no longer matched the manifest (artifacts/reopen.ts).
   */
  retried: number;
  failures: CopyFailure[];
  /**
   * Seconds the ffmpeg processes that made this copy's videos ran, summed over its videos (a
   * process making several copies at once divides its wall time among them). Not wall time:
   * processes run side by side, so the copies' sums add up to more than the run's `seconds`.
   */
  seconds: number;
}

/** What {@link distortDataset} did. */
export interface DistortSummary {
  manifest: string;
  out: string;
  backend: FfmpegBuild;
  copies: CopyResult[];
  /** Number of failed (video, op) pairs. */
  failures: number;
  /** Wall seconds of the whole run. */
  seconds: number;
  /** The shard this run made, when it was one. */
  shard?: Shard;
  /** Copies whose manifest waits for videos not recorded yet (shards and `finish` only;
   * artifacts/copy_lifecycle.ts). */
  incomplete: IncompleteCopy[];
  /** With `finish`: one sentence per incomplete copy, naming its missing videos and shards. */
  notes: string[];
}

/**
 * The summary of a run from its plans (each copy's manifest as the run left it); `dryRun` reports
 * the copies to be made as `planned`, with the sources that cannot be read (missing, refused) as
 * their failures. With `mine` (a shard's video ids, or none for
 * `distort --finish`), a copy still without a manifest is `recorded`, counted over those videos.
 */
export function summarize(
  manifestPath: string,
  out: string,
  build: FfmpegBuild,
  plans: CopyPlan[],
  sources: SourceState[],
  started: number,
  dryRun: boolean,
  // --- shards: the ids of a shard's videos (its counts of copies still waiting for others).
  { mine }: { mine?: ReadonlySet<string> } = {},
): DistortSummary {
  const copies = plans.map((plan): CopyResult => {
    const recorded = !plan.existing && mine !== undefined;
    const videos = plan.existing?.videos ??
      (recorded ? [...plan.records.values()].filter((v) => mine.has(v.id)) : []);
    // A dry run makes nothing, but a source that cannot be read (missing, refused) would fail
    // every copy it plans: named now, as the run would name it.
    const failures = dryRun && !plan.existing
      ? sources.filter((s) => s.error !== null).map((s) => ({
        videoId: s.entry.id,
        error: s.error!,
      }))
      : videos.filter((v) => v.status === "failed").map((v) => ({
        videoId: v.id,
        error: v.error ?? "failed",
      }));
    const made = !plan.unchanged && (plan.records.size > 0 || plan.resumed > 0);
    return {
      opId: plan.op.id,
      artifactId: plan.artifactId,
      copyDir: plan.copyDir,
      profile: plan.profile,
      state: recorded
        ? "recorded"
        : made || !plan.existing
        ? (dryRun ? "planned" : "made")
        : "reused",
      total: dryRun ? sources.length : videos.length,
      ok: dryRun && !plan.existing ? 0 : videos.length - failures.length,
      failed: failures.length,
      resumedVideos: plan.resumed,
      retried: plan.retried,
      failures,
      seconds: videos.reduce((sum, v) => sum + (made ? v.seconds : 0), 0),
    };
  });
  return {
    manifest: resolve(manifestPath),
    out,
    backend: build,
    copies,
    failures: copies.reduce((sum, c) => sum + c.failed, 0),
    seconds: (performance.now() - started) / 1000,
    incomplete: [],
    notes: [],
  };
}
