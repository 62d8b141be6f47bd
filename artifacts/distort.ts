/**
 * `distortDataset`: one versioned, content-addressed copy of a test set per operation.
 *
 * For each video, the operations that still need an output are run in as few ffmpeg processes as
 * the memory budget allows (decode once, `split` to N encoders); each output is validated with
 * ffprobe (frame count, fps, size) and renamed into place, and a per-video record is written so
 * an interrupted run resumes without redoing finished outputs. A copy's `manifest.json` is written
 * last; a copy whose manifest exists with no failures and intact files is reused as is (a rerun
 * is a no-op), one with failed or damaged videos is reopened (artifacts/reopen.ts).
 *
 * This module reads the request and runs one loop; each job has its file: the sources' state
 * (artifacts/source_state.ts), the plans (artifacts/plan.ts), a copy's lifecycle, from claiming
 * the run's share of it under its lock to merging its manifest (artifacts/copy_lifecycle.ts: a
 * plain run is a run of one shard, scale/shard.ts), the videos' outputs (artifacts/run_video.ts,
 * validated by artifacts/validate_output.ts, recorded by artifacts/video_records.ts) and the
 * summary (artifacts/distort_summary.ts).
 * @module
 */
import { dirname, resolve } from "node:path";
import { type DatasetEntry, readDatasetManifest } from "../dataset/manifest.ts";
import { type BackendChoice, type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { type FrameLimits, frameLimits } from "../media/frame_limits.ts";
import type { OpInstance } from "../ops/operation.ts";
import { effectiveProfile, parseProfile, type RequestedProfile } from "../ops/profile.ts";
import { selectOperations } from "../ops/select.ts";
import { type Shard, shardItems } from "../scale/shard.ts";
import { mapLimit } from "../util/concurrency.ts";
import { resolveLimits } from "../util/limits.ts";
import { readCopyManifest } from "./copy_manifest.ts";
import { claimShares, closeShare, type CopyRun, mergeCopies, openShare } from "./copy_lifecycle.ts";
import { type DistortSummary, summarize } from "./distort_summary.ts";
import { type CopyPlan, planCopies } from "./plan.ts";
import { makeVideos } from "./run_video.ts";
import { backfillQuality } from "./quality_backfill.ts";
import type { SourceState } from "./source_state.ts";
import { hashSource } from "./source_state.ts";
import { OptionError } from "../util/option_error.ts";

export type { CopyFailure, CopyResult, DistortSummary } from "./distort_summary.ts";

/** Options of {@link distortDataset}. */
export interface DistortOptions {
  /** Output folder; copies go to `<out>/<op_id>/<artifactId>/`. */
  out: string;
  /** An `--ops` spec (`paper`, `all`, ids, families, `chain:...`) or resolved instances.
   * Default `paper`. */
  ops?: string | OpInstance[];
  /** Ladder levels for the families named in `ops` (see `ops/select.ts`). */
  severity?: number[] | "all";
  /** Encode profile of filter operations, one of `PROFILES` (ops/profile.ts). Default `paper`. */
  profile?: RequestedProfile;
  /** ffmpeg backend when `ffmpeg` is not given. Default `auto`. */
  backend?: BackendChoice;
  /** An open ffmpeg to use (not closed here); default: one opened from `backend` and closed. */
  ffmpeg?: Ffmpeg;
  /** Videos processed in parallel. Default 2 (ffmpeg.wasm runs a pool of instances). */
  jobs?: number;
  /** Redo every copy even when a finished one exists. */
  force?: boolean;
  /** Plan only: compute ids and folders, run no ffmpeg job, write nothing. */
  dryRun?: boolean;
  /** Memory (bytes) one split run may use, estimated from width x height x branches.
   * Default 3 GiB / jobs for native, 1 GiB for wasm (its heap is at most 2 GiB). */
  memoryBudgetBytes?: number;
  /** At most this many operations per ffmpeg process (1 = one process per op). Default: no cap. */
  maxOpsPerProcess?: number;
  /**
   * Follow links in the dataset whose real file lies outside the manifest's folder. Default
   * false: such a video is refused (a failed video naming the link and where it leads), as is
   * any source that is not a regular file whatever this says (dataset/video_file.ts,
   * docs/security.md). Only for a dataset you trust.
   */
  allowOutsideLinks?: boolean;
  /**
   * Overrides of the limits distort holds its sources to (util/limits.ts; docs/security.md
   * "Limits"): a source video's frame width, height and pixels and its frame count (defaults
   * 4096, 4096, 4096x2160 pixels, 300,000 frames). A video over them is a failed video of every
   * copy, refused at its probe before anything decodes it. Raise them only for videos you trust
   * (`--limit frame-width=N`, ...). The limits only `eval` applies are refused (RangeError).
   */
  limits?: Partial<FrameLimits>;
  /**
   * Stops the run: when distort opens ffmpeg itself (no `ffmpeg` given) running ffmpeg children
   * are killed and their temporary outputs removed, else it stops between ffmpeg jobs; no
   * manifest is written, finished outputs stay and a rerun resumes. Rejects with the reason.
   */
  signal?: AbortSignal;
  /**
   * Make only this shard's videos of every copy (scale/shard.ts), under the shard's lock, and
   * record each (failures included) instead of writing the manifest; a copy's manifest is
   * written by whichever shard sees every video of it recorded (artifacts/copy_lifecycle.ts).
   * Not with `force`.
   */
  shard?: Shard;
  /**
   * Make nothing: write the manifest of every copy whose videos are all recorded (by shards),
   * and list the copies that still miss videos in the summary's `incomplete`. Not with `shard`
   * or `force`.
   */
  finish?: boolean;
  /** With `finish`: the run's shard count, so that messages name the shard of each missing video. */
  shards?: number;
  /**
   * Record each video's quality in its copy's manifest: size, bitrate, PSNR and SSIM of luma
   * against the family's reference (artifacts/copy_quality.ts; one extra decode-and-compare
   * process per source video). A reused copy whose manifest lacks it gets it without remaking
   * its videos. Default true; false leaves the numbers out (`verify --quality` adds them later).
   */
  quality?: boolean;
}

/**
 * Makes (or reuses) one copy of the dataset in `manifestPath` per operation. Bad videos fail
 * alone: they are listed in the copy's manifest and the summary, the rest completes. Sources are
 * read through their links (the real file), which must lie inside the manifest's folder unless
 * `allowOutsideLinks`; a FIFO, device or folder as a video fails by name before any read, and so
 * does a file that is not an accepted container (a playlist, a concat list: media/input_formats.ts)
 * or a video over `limits`, at its probe.
 * @throws {RangeError} for a `limits` value that is not a positive integer, or a limit only
 *   `eval` applies.
 * @throws `ManifestError` when the dataset manifest is unreadable or malformed (including a row
 *   whose path leaves the manifest's folder: the whole manifest is refused, nothing is written);
 *   `UnknownOperationError`/`ChainError` for a bad `ops`; the signal's reason when aborted;
 *   `UnknownProfileError` (an `OptionError`) for a `profile` not in `PROFILES` (ops/profile.ts);
 *   an `OptionError` (exit 2 in a task) when `shard` or `finish` comes with `force`, or both are
 *   given.
 */
export async function distortDataset(
  manifestPath: string,
  options: DistortOptions,
): Promise<DistortSummary> {
  const started = performance.now();
  const { limits, entries, ops, profile } = await readRequest(manifestPath, options);
  const ffmpeg = options.ffmpeg ??
    await openFfmpeg(options.backend ?? "auto", { signal: options.signal });
  try {
    const build = await ffmpeg.build();
    const jobs = options.jobs ?? 2;
    const root = dirname(resolve(manifestPath));
    const allowOutsideLinks = options.allowOutsideLinks ?? false;
    const sources = await mapLimit(
      entries,
      jobs,
      (entry) => hashSource(entry, { root, allowOutsideLinks, limits }),
    );
    const out = resolve(options.out);
    const plans = planCopies(ops, sources, {
      out,
      profile: (op) => effectiveProfile(op, profile),
      build,
    });
    if (options.dryRun) {
      for (const plan of plans) plan.existing = await readCopyManifest(plan.copyDir);
      return summarize(manifestPath, out, build, plans, sources, started, true);
    }
    // A plain run is the run of one shard. Every source is hashed above (the ids need all); the
    // run makes its shard's share of them.
    const shard = options.shard ?? { index: 0, count: 1 };
    const finish = options.finish ?? false;
    const run: CopyRun = {
      shard,
      sources,
      mine: finish ? [] : shardItems(sources, shard, (s) => s.entry.id),
      finish,
      shards: options.shards,
      force: options.force ?? false,
      build,
      sourceManifest: resolve(manifestPath),
      signal: options.signal,
    };
    const making = {
      ffmpeg,
      sources: run.mine,
      jobs,
      budget: options.memoryBudgetBytes ??
        (ffmpeg.backend === "wasm" ? 2 ** 30 : Math.floor(3 * 2 ** 30 / jobs)),
      maxOpsPerProcess: options.maxOpsPerProcess,
      signal: options.signal,
      quality: options.quality ?? true,
    };
    // First the copies no other live run holds, then the others once they come free (usually
    // finished by then, so only read).
    for await (const batch of claimShares(plans, run)) {
      try {
        const todo: CopyPlan[] = [];
        for (const { item } of batch) {
          if ((await openShare(item, run)).kind === "todo") todo.push(item);
        }
        await makeVideos(todo, making);
        // Stopped while ffmpeg ran: the failures it caused are not the videos' own.
        options.signal?.throwIfAborted();
        for (const plan of todo) await closeShare(plan, run);
      } finally {
        for (const { lock } of batch) await lock.release();
      }
    }
    const merged = await mergeCopies(plans, run);
    // A finished copy made before quality was recorded gets it now, its videos kept as they are.
    if ((options.quality ?? true) && !options.shard && !finish) {
      await backfillReused(ffmpeg, plans, sources);
    }
    // A shard's counts of copies still waiting are its own videos'; `finish` made none.
    const mine = new Set(run.mine.map((s) => s.entry.id));
    const summary = summarize(manifestPath, out, build, plans, sources, started, false, { mine });
    return { ...summary, ...(options.shard ? { shard: options.shard } : {}), ...merged };
  } finally {
    if (!options.ffmpeg) await ffmpeg.close();
  }
}

/**
 * The missing quality of the finished copies of `plans` (artifacts/quality_backfill.ts), against
 * the sources this run hashed (a source whose hash differs from the record's is left out).
 */
async function backfillReused(
  ffmpeg: Ffmpeg,
  plans: CopyPlan[],
  sources: SourceState[],
): Promise<void> {
  const copies = plans.flatMap((plan) =>
    plan.existing?.videos.some((v) => v.status === "ok" && v.quality == null)
      ? [{ dir: plan.copyDir, manifest: plan.existing }]
      : []
  );
  if (copies.length === 0) return;
  const byId = new Map(sources.map((s) => [s.entry.id, s]));
  await backfillQuality(ffmpeg, copies, (record) => {
    const source = byId.get(record.id);
    return Promise.resolve(
      source?.realPath && source.sha256 === record.sourceSha256
        ? source.realPath
        : { reason: `source of "${record.id}" is missing or changed since the copy was made` },
    );
  });
}

/** What a run is asked for, checked before any work: a bad value is the caller's error. */
interface Request {
  limits: FrameLimits;
  entries: DatasetEntry[];
  ops: OpInstance[];
  profile: RequestedProfile;
}

async function readRequest(manifestPath: string, options: DistortOptions): Promise<Request> {
  const limits = frameLimits(resolveLimits(options.limits, "distort"));
  const entries = await readDatasetManifest(manifestPath);
  const ops = typeof options.ops === "object"
    ? options.ops
    : await selectOperations(options.ops ?? "paper", { severity: options.severity });
  if ((options.shard || options.finish) && options.force) {
    throw new OptionError(
      "force cannot be combined with a shard or finish: remove the copies first",
    );
  }
  if (options.shard && options.finish) throw new OptionError("finish is not done by one shard");
  return { limits, entries, ops, profile: parseProfile(options.profile ?? "paper") };
}
