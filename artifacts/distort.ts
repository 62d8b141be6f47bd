/**
 * `distortDataset`: one versioned, content-addressed copy of a test set per operation.
 *
 * For each video, the operations that still need an output are run in as few ffmpeg processes as
 * the memory budget allows (decode once, `split` to N encoders); each output is validated with
 * ffprobe (frame count, fps, size) and renamed into place, and a per-video record is written so
 * an interrupted run resumes without redoing finished outputs. A copy's `manifest.json` is written
 * last; a copy whose manifest exists with no failures and intact files is reused as is (a rerun
 * is a no-op), one with failed or damaged videos is reopened (artifacts/reopen.ts). Each copy is
 * made under its lock (artifacts/copy_lock.ts), so two runs on one `--out` never write the same
 * copy at once.
 * @module
 */
import { extname, join, resolve } from "node:path";
import {
  type DatasetEntry,
  readDatasetManifest,
  writeDatasetManifest,
} from "../dataset/manifest.ts";
import {
  type BackendChoice,
  type Ffmpeg,
  type FfmpegBuild,
  FfmpegError,
  openFfmpeg,
  type VideoInfo,
} from "../media/ffmpeg.ts";
import { CATALOG_VERSION } from "../ops/catalog.ts";
import type { OpInstance } from "../ops/operation.ts";
import { type FrameGeometry, identityFrameGeometry } from "../ops/geometry.ts";
import { effectiveProfile, encodedFrameGeometry, type EncodeProfile } from "../ops/profile.ts";
import { selectOperations } from "../ops/select.ts";
import { atomicWriteJson, tempPathFor } from "../util/atomic.ts";
import { mapLimit } from "../util/concurrency.ts";
import { sha256File } from "../util/hash.ts";
import { Progress } from "../util/progress.ts";
import { artifactId } from "./artifact_id.ts";
import {
  COPY_DATASET_FILE,
  COPY_MANIFEST_FILE,
  COPY_SCHEMA,
  type CopyManifest,
  type CopyVideoRecord,
  manifestOp,
  type OutputValidation,
  readCopyManifest,
} from "./copy_manifest.ts";
import { claimCopies, cleanCopyTemps } from "./copy_lock.ts";
import { safeFileStem } from "./file_names.ts";
import { recordVerified } from "./output_check.ts";
import { checkFinishedCopy, copyUnchanged } from "./reopen.ts";
import { chunkForBudget, splitGraphArgs } from "./split_graph.ts";
import { logLine } from "../util/progress.ts";

/** Options of {@link distortDataset}. */
export interface DistortOptions {
  /** Output folder; copies go to `<out>/<op_id>/<artifactId>/`. */
  out: string;
  /** An `--ops` spec (`paper`, `all`, ids, families, `chain:...`) or resolved instances.
   * Default `paper`. */
  ops?: string | OpInstance[];
  /** Ladder levels for the families named in `ops` (see `ops/select.ts`). */
  severity?: number[] | "all";
  /** Encode profile of filter operations. Default `paper`. */
  profile?: Exclude<EncodeProfile, "source">;
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
   * Stops the run: when distort opens ffmpeg itself (no `ffmpeg` given) running ffmpeg children
   * are killed and their temporary outputs removed, else it stops between ffmpeg jobs; no
   * manifest is written, finished outputs stay and a rerun resumes. Rejects with the reason.
   */
  signal?: AbortSignal;
}

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
  /** `made` (written now), `reused` (finished before, untouched) or `planned` (dry run, to
   * be made). */
  state: "made" | "reused" | "planned";
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
  /** Sum of the per-video seconds of this copy (split runs divide their wall time). */
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
}

interface SourceState {
  entry: DatasetEntry;
  /** Null when the file could not be read. */
  sha256: string | null;
  /** Null until probed (only when a copy needs the video), or when probing failed. */
  info: VideoInfo | null;
  /** Why the video cannot be used (names the file); null while fine. */
  error: string | null;
}

interface CopyPlan {
  op: OpInstance;
  profile: EncodeProfile;
  artifactId: string;
  copyDir: string;
  existing: CopyManifest | null;
  /** Records by video id: finished (ok) ones from before or this run, failures of this run. */
  records: Map<string, CopyVideoRecord>;
  resumed: number;
  /** A finished copy reopened to retry or redo videos (artifacts/reopen.ts), else null. */
  reopened: CopyManifest | null;
  /** Ids of the reopened copy's intact videos, taken over as they were. */
  kept: Set<string>;
  /** Videos of the reopened copy tried again. */
  retried: number;
  /** True when the reopened copy came out as it was (its manifest was left untouched). */
  unchanged: boolean;
}

const RECORDS_DIR = ".records";

/**
 * Makes (or reuses) one copy of the dataset in `manifestPath` per operation. Bad videos fail
 * alone: they are listed in the copy's manifest and the summary, the rest completes.
 * @throws `ManifestError` when the dataset manifest is unreadable or malformed (including a row
 *   whose path leaves the manifest's folder: the whole manifest is refused, nothing is written);
 *   `UnknownOperationError`/`ChainError` for a bad `ops`; the signal's reason when aborted.
 */
export async function distortDataset(
  manifestPath: string,
  options: DistortOptions,
): Promise<DistortSummary> {
  const started = performance.now();
  const entries = await readDatasetManifest(manifestPath);
  const ops = typeof options.ops === "object"
    ? options.ops
    : await selectOperations(options.ops ?? "paper", { severity: options.severity });
  const requested = options.profile ?? "paper";
  if (requested !== "paper" && requested !== "lossless") {
    throw new Error(`Unknown profile "${requested}": use paper or lossless`);
  }
  const ffmpeg = options.ffmpeg ??
    await openFfmpeg(options.backend ?? "auto", { signal: options.signal });
  try {
    const build = await ffmpeg.build();
    const jobs = options.jobs ?? 2;
    const sources = await mapLimit(entries, jobs, hashSource);
    const out = resolve(options.out);
    const plans: CopyPlan[] = [];
    for (const op of ops) {
      const profile = effectiveProfile(op, requested);
      const id = artifactId({
        sources: sources.map((s) => ({
          id: s.entry.id,
          sha256: s.sha256,
          label: s.entry.label,
          method: s.entry.method,
          split: s.entry.split,
        })),
        op,
        profile,
        build,
        catalogVersion: CATALOG_VERSION,
      });
      const copyDir = join(out, op.id, id);
      plans.push({
        op,
        profile,
        artifactId: id,
        copyDir,
        existing: null,
        records: new Map(),
        resumed: 0,
        reopened: null,
        kept: new Set(),
        retried: 0,
        unchanged: false,
      });
    }
    if (options.dryRun) {
      for (const plan of plans) plan.existing = await readCopyManifest(plan.copyDir);
      return summarize(manifestPath, out, build, plans, sources, started, true);
    }
    const budget = options.memoryBudgetBytes ??
      (ffmpeg.backend === "wasm" ? 2 ** 30 : Math.floor(3 * 2 ** 30 / jobs));
    // Copies are made under their locks (artifacts/copy_lock.ts): first those no other live run
    // holds, then the others once they come free (usually finished by then, so only read).
    for await (const batch of claimCopies(plans, options.signal)) {
      try {
        const claimed = batch.map((c) => c.item);
        for (const plan of claimed) await preparePlan(plan, sources, options.force ?? false);
        const pending = claimed.filter((p) => !isFinished(p));
        const progress = new Progress({
          total: sources.length * pending.length,
          label: "distort",
        });
        await mapLimit(sources, jobs, async (source) => {
          await processVideo(ffmpeg, source, pending, {
            budget,
            maxOpsPerProcess: options.maxOpsPerProcess,
            signal: options.signal,
            progress,
          });
        });
        progress.done();
        // Stopped while ffmpeg ran: the failures it caused are not the videos' own.
        options.signal?.throwIfAborted();
        for (const plan of pending) await finishPlan(plan, sources, build, resolve(manifestPath));
      } finally {
        for (const { lock } of batch) await lock.release();
      }
    }
    return summarize(manifestPath, out, build, plans, sources, started, false);
  } finally {
    if (!options.ffmpeg) await ffmpeg.close();
  }
}

/** Hashes a source (its SHA-256 is part of every copy's id); a failure is kept, not thrown. */
async function hashSource(entry: DatasetEntry): Promise<SourceState> {
  try {
    return { entry, sha256: await sha256File(entry.path), info: null, error: null };
  } catch (error) {
    return { entry, sha256: null, info: null, error: sourceError(entry, error) };
  }
}

/** Probes a source the first time one of its copies needs work (a no-op rerun probes nothing). */
async function probeSource(ffmpeg: Ffmpeg, source: SourceState): Promise<void> {
  if (source.info || source.error) return;
  try {
    source.info = await ffmpeg.probe(source.entry.path);
  } catch (error) {
    source.error = sourceError(source.entry, error);
  }
}

function sourceError(entry: DatasetEntry, error: unknown): string {
  // ffprobe's errors name the file already; file-system errors get the same shape.
  return error instanceof FfmpegError
    ? error.message
    : `Cannot read "${entry.path}": ${
      error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message
    }`;
}

/**
 * A copy with a manifest is finished unless it was reopened (failed or damaged videos, see
 * artifacts/reopen.ts). Every input that decides a failure for good (the source's bytes, or
 * their absence) is in the artifact id, so a retry of a bad input fails again the same way.
 */
function isFinished(plan: CopyPlan): boolean {
  return plan.existing !== null;
}

/** Loads what an earlier run left: a finished manifest, or per-video records to resume from. */
async function preparePlan(plan: CopyPlan, sources: SourceState[], force: boolean): Promise<void> {
  if (force) {
    await Deno.remove(plan.copyDir, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    return;
  }
  plan.existing = await readCopyManifest(plan.copyDir);
  // Held by this run now: temporary files of runs that are gone are garbage.
  await cleanCopyTemps(plan.copyDir);
  if (plan.existing) {
    const check = await checkFinishedCopy(plan.copyDir, plan.existing);
    if (check.redo.length === 0) return;
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
  for (const source of sources) {
    if (plan.records.has(source.entry.id)) continue;
    const previous = await readRecord(plan.copyDir, source.entry.id);
    if (!previous || previous.status !== "ok" || !previous.output) continue;
    // Trust a finished output only if its bytes are still the ones recorded.
    const path = join(plan.copyDir, previous.output);
    const hash = await sha256File(path).catch(() => null);
    if (hash !== null && hash === previous.outputSha256) {
      plan.records.set(source.entry.id, previous);
      plan.resumed++;
    }
  }
}

function recordPath(copyDir: string, videoId: string): string {
  return join(copyDir, RECORDS_DIR, `${safeFileStem(videoId)}.json`);
}

async function readRecord(copyDir: string, videoId: string): Promise<CopyVideoRecord | null> {
  try {
    const record = JSON.parse(await Deno.readTextFile(recordPath(copyDir, videoId)));
    return record?.id === videoId ? record as CopyVideoRecord : null;
  } catch {
    return null;
  }
}

interface VideoRunOptions {
  budget: number;
  maxOpsPerProcess?: number;
  signal?: AbortSignal;
  progress: Progress;
}

function baseRecord(source: SourceState): Omit<
  CopyVideoRecord,
  "output" | "outputSha256" | "argv" | "seconds" | "status" | "error" | "validation"
> {
  return {
    id: source.entry.id,
    label: source.entry.label,
    method: source.entry.method,
    split: source.entry.split,
    source: source.entry.path,
    sourceSha256: source.sha256,
  };
}

function failedRecord(source: SourceState, error: string, extra: Partial<CopyVideoRecord> = {}) {
  return {
    ...baseRecord(source),
    output: null,
    outputSha256: null,
    argv: [],
    seconds: 0,
    status: "failed",
    error,
    validation: null,
    geometry: null,
    ...extra,
  } satisfies CopyVideoRecord;
}

async function processVideo(
  ffmpeg: Ffmpeg,
  source: SourceState,
  plans: CopyPlan[],
  options: VideoRunOptions,
): Promise<void> {
  const todo = plans.filter((p) => !p.records.has(source.entry.id));
  const skipped = plans.length - todo.length;
  if (skipped > 0) options.progress.tick(skipped);
  if (todo.length === 0) return;
  await probeSource(ffmpeg, source);
  const info = source.info;
  if (!info) {
    for (const plan of todo) plan.records.set(source.entry.id, failedRecord(source, source.error!));
    options.progress.tick(todo.length, source.entry.id);
    return;
  }
  const encoded: Branch[] = [];
  for (const plan of todo) {
    if (plan.profile === "source") {
      options.signal?.throwIfAborted();
      plan.records.set(source.entry.id, await linkSource(plan, source, info));
      options.progress.tick(1, source.entry.id);
      continue;
    }
    let geometry: FrameGeometry;
    try {
      geometry = encodedFrameGeometry(plan.op, info.width, info.height, plan.profile);
      if (geometry.width % 2 !== 0 || geometry.height % 2 !== 0) {
        throw new RangeError(
          `its output would be ${geometry.width}x${geometry.height}, and H.264 yuv420p needs ` +
            `even sides`,
        );
      }
    } catch (error) {
      plan.records.set(
        source.entry.id,
        failedRecord(
          source,
          `Cannot encode "${source.entry.path}" (${info.width}x${info.height}) for ` +
            `${plan.op.id}: ${(error as Error).message}`,
        ),
      );
      options.progress.tick(1, source.entry.id);
      continue;
    }
    encoded.push({ plan, geometry });
  }
  const chunks = chunkForBudget(encoded, {
    width: info.width,
    height: info.height,
    budgetBytes: options.budget,
    maxPerRun: options.maxOpsPerProcess,
  });
  for (const chunk of chunks) {
    options.signal?.throwIfAborted();
    await runChunk(ffmpeg, source, info, chunk);
    options.progress.tick(chunk.length, source.entry.id);
  }
}

/** One encoded output of a video: its copy plan and the exact geometry it gets. */
interface Branch {
  plan: CopyPlan;
  geometry: FrameGeometry;
}

/** The `unaltered` copy: a hard link to the source (a byte copy across file systems). */
async function linkSource(
  plan: CopyPlan,
  source: SourceState,
  info: VideoInfo,
): Promise<CopyVideoRecord> {
  const output = `videos/${safeFileStem(source.entry.id)}${
    extname(source.entry.path).toLowerCase()
  }`;
  const target = join(plan.copyDir, output);
  const started = performance.now();
  await Deno.mkdir(join(plan.copyDir, "videos"), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    try {
      await Deno.link(source.entry.path, tmp);
    } catch {
      await Deno.copyFile(source.entry.path, tmp);
    }
    await Deno.rename(tmp, target);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    return failedRecord(source, `Cannot copy "${source.entry.path}": ${(error as Error).message}`);
  }
  const record: CopyVideoRecord = {
    ...baseRecord(source),
    output,
    outputSha256: source.sha256,
    argv: [],
    seconds: (performance.now() - started) / 1000,
    status: "ok",
    error: null,
    validation: validate(info, info, info.width, info.height),
    geometry: identityFrameGeometry(info.width, info.height),
  };
  await atomicWriteJson(recordPath(plan.copyDir, source.entry.id), record);
  return record;
}

/** Runs one split process for `chunk`, then validates, hashes and renames each output. */
async function runChunk(
  ffmpeg: Ffmpeg,
  source: SourceState,
  info: VideoInfo,
  chunk: Branch[],
): Promise<void> {
  const targets: Target[] = chunk.map(({ plan, geometry }) => {
    const output = `videos/${safeFileStem(source.entry.id)}.mp4`;
    return { plan, geometry, output, final: join(plan.copyDir, output), tmp: "" };
  });
  for (const t of targets) {
    await Deno.mkdir(join(t.plan.copyDir, "videos"), { recursive: true });
    t.tmp = tempPathFor(t.final);
  }
  const profile = chunk[0].plan.profile;
  const args = splitGraphArgs(
    source.entry.path,
    targets.map((t) => ({ op: t.plan.op, path: t.tmp, crop: t.geometry.crop })),
    { profile },
  );
  const started = performance.now();
  let argv: string[] = [];
  try {
    const result = await ffmpeg.run({
      args,
      inputs: [source.entry.path],
      outputs: targets.map((t) => t.tmp),
      subject: source.entry.path,
      action: "distort",
    });
    // Record the command as it would write the final files (the temporary names are noise).
    const finals = new Map(targets.map((t) => [`file:${t.tmp}`, `file:${t.final}`]));
    argv = result.argv.map((arg) => finals.get(arg) ?? arg);
  } catch (error) {
    for (const t of targets) await Deno.remove(t.tmp).catch(() => {});
    if (chunk.length > 1) {
      // One failing branch fails the whole process: retry one operation per process, so only
      // the operations that fail on their own are recorded as failed.
      for (const branch of chunk) await runChunk(ffmpeg, source, info, [branch]);
      return;
    }
    const message = (error as Error).message;
    for (const t of targets) {
      t.plan.records.set(
        source.entry.id,
        failedRecord(source, `${message} [${t.plan.op.id}]`, { argv: ["ffmpeg", ...args] }),
      );
    }
    return;
  }
  const seconds = (performance.now() - started) / 1000 / chunk.length;
  for (const t of targets) {
    const record = await checkOutput(ffmpeg, source, info, t, argv, seconds);
    t.plan.records.set(source.entry.id, record);
  }
}

/** One output file of a split run. */
interface Target extends Branch {
  /** Path relative to the copy folder. */
  output: string;
  /** Absolute final path. */
  final: string;
  /** Absolute temporary path ffmpeg writes. */
  tmp: string;
}

async function checkOutput(
  ffmpeg: Ffmpeg,
  source: SourceState,
  info: VideoInfo,
  t: Target,
  argv: string[],
  seconds: number,
): Promise<CopyVideoRecord> {
  try {
    const out = await ffmpeg.probe(t.tmp);
    const validation = validate(info, out, t.geometry.width, t.geometry.height);
    if (!validation.ok) {
      await Deno.remove(t.tmp).catch(() => {});
      return failedRecord(
        source,
        `Output of ${t.plan.op.id} for "${source.entry.path}" failed validation: ` +
          validation.problems.join("; "),
        { argv, validation },
      );
    }
    const outputSha256 = await sha256File(t.tmp);
    await Deno.rename(t.tmp, t.final);
    const record: CopyVideoRecord = {
      ...baseRecord(source),
      output: t.output,
      outputSha256,
      argv,
      seconds,
      status: "ok",
      error: null,
      validation,
      geometry: t.geometry,
    };
    await atomicWriteJson(recordPath(t.plan.copyDir, source.entry.id), record);
    return record;
  } catch (error) {
    await Deno.remove(t.tmp).catch(() => {});
    return failedRecord(
      source,
      `Cannot validate the ${t.plan.op.id} output of "${source.entry.path}": ` +
        (error as Error).message,
      { argv },
    );
  }
}

/** Relative fps tolerance: ffprobe's averages of re-muxed timestamps differ in the last digits. */
const FPS_TOLERANCE = 1e-3;

function validate(
  source: VideoInfo,
  out: VideoInfo,
  expectedWidth: number,
  expectedHeight: number,
): OutputValidation {
  const problems: string[] = [];
  if (out.frameCount !== source.frameCount) {
    problems.push(`${out.frameCount} frames, source has ${source.frameCount}`);
  }
  if (Math.abs(out.fps - source.fps) > FPS_TOLERANCE * source.fps) {
    problems.push(`${out.fps} fps, source has ${source.fps}`);
  }
  if (out.width !== expectedWidth || out.height !== expectedHeight) {
    problems.push(`size ${out.width}x${out.height}, expected ${expectedWidth}x${expectedHeight}`);
  }
  return {
    ok: problems.length === 0,
    frameCount: out.frameCount,
    expectedFrameCount: source.frameCount,
    fps: out.fps,
    expectedFps: source.fps,
    width: out.width,
    height: out.height,
    expectedWidth,
    expectedHeight,
    problems,
    probe: out,
  };
}

/**
 * Writes dataset.csv (ok videos) and then manifest.json (unless a reopened copy came out
 * unchanged), and drops the per-video records and the temporary files of dead runs.
 */
async function finishPlan(
  plan: CopyPlan,
  sources: SourceState[],
  build: FfmpegBuild,
  sourceManifest: string,
): Promise<void> {
  const videos = sources.map((s) =>
    plan.records.get(s.entry.id) ?? failedRecord(s, `No output for "${s.entry.path}"`)
  );
  if (plan.reopened && copyUnchanged(plan.reopened, { videos, kept: plan.kept })) {
    plan.existing = plan.reopened;
    plan.unchanged = true;
    await dropResumeFiles(plan.copyDir);
    return;
  }
  const ok = videos.filter((v) => v.status === "ok");
  await writeDatasetManifest(
    join(plan.copyDir, COPY_DATASET_FILE),
    ok.map((v) => ({
      id: v.id,
      relativePath: v.output!,
      label: v.label,
      split: v.split,
      method: v.method,
    })),
  );
  const manifest: CopyManifest = {
    schema: COPY_SCHEMA,
    artifactId: plan.artifactId,
    op: manifestOp(plan.op),
    profile: plan.profile,
    geometry: plan.op.geometry,
    backend: plan.profile === "source" ? null : build,
    catalogVersion: CATALOG_VERSION,
    createdAt: new Date().toISOString(),
    sourceManifest,
    audio: plan.profile === "source" ? "kept" : "dropped",
    counts: { total: videos.length, ok: ok.length, failed: videos.length - ok.length },
    videos,
  };
  // The outputs were hashed just now: later checks of this copy can stop at stat().
  await recordVerified(
    plan.copyDir,
    ok.map((v) => ({ output: v.output!, sha256: v.outputSha256! })),
  );
  await atomicWriteJson(join(plan.copyDir, COPY_MANIFEST_FILE), manifest);
  plan.existing = manifest;
  await dropResumeFiles(plan.copyDir);
}

/**
 * Once the manifest holds every record the resume files are no longer needed, and temporary
 * files whose owner is gone (ffmpeg killed mid-write in an earlier run) are garbage; those of
 * a live run are left alone (artifacts/copy_lock.ts).
 */
async function dropResumeFiles(copyDir: string): Promise<void> {
  await Deno.remove(join(copyDir, RECORDS_DIR), { recursive: true }).catch(() => {});
  await cleanCopyTemps(copyDir);
}

function summarize(
  manifestPath: string,
  out: string,
  build: FfmpegBuild,
  plans: CopyPlan[],
  sources: SourceState[],
  started: number,
  dryRun: boolean,
): DistortSummary {
  const copies = plans.map((plan): CopyResult => {
    const videos = plan.existing?.videos ?? [];
    const failures = videos.filter((v) => v.status === "failed").map((v) => ({
      videoId: v.id,
      error: v.error ?? "failed",
    }));
    const made = !plan.unchanged && (plan.records.size > 0 || plan.resumed > 0);
    return {
      opId: plan.op.id,
      artifactId: plan.artifactId,
      copyDir: plan.copyDir,
      profile: plan.profile,
      state: made || !plan.existing ? (dryRun ? "planned" : "made") : "reused",
      total: dryRun ? sources.length : videos.length,
      ok: videos.length - failures.length,
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
  };
}
